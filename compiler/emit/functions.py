"""One Lambda function per step (DESIGN.md 3): own role, own log group, its FunctionConfig as
environment, publish rights on the declared topics only, read/write on the two tables."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack, aws_iam as iam, aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from compiler.emit.parts import StackParts
from compiler.ir import Function, TableKind
from lambda_runtime import contract
from lambda_runtime.function_config import FunctionConfig

LOG_RETENTION = logs.RetentionDays.ONE_MONTH
DESCRIPTION_LIMIT = 256  # Lambda's limit on Description


def topic_arns(parts: StackParts, fn: Function) -> dict[str, tuple[tuple[str, bool], ...]]:
    """{topic: ((arn token, is fifo), ...)} for every declared enqueue, standard before FIFO (IR order)."""
    return {
        name: tuple((parts.topic(t.name, t.fifo).topic_arn, t.fifo) for t in parts.app.topics_named(name))
        for name in fn.enqueues
    }


def trigger_tables(parts: StackParts, fn: Function) -> tuple[TableKind, ...]:
    """The tables whose DynamoDB stream triggers `fn`."""
    app = parts.app
    tables: list[TableKind] = []
    if any(t.function == fn.name for t in app.state_triggers):
        tables.append("state")
    if any(t.function == fn.name for t in app.stream_triggers):
        tables.append("streams")
    return tuple(tables)


def failure_queue_urls(parts: StackParts, fn: Function) -> dict[str, str]:
    """{"state"|"streams": queue URL token} for each table whose stream triggers `fn`."""
    return {table: parts.failure_queue(fn.name, table).queue_url for table in trigger_tables(parts, fn)}


def function_config(parts: StackParts, fn: Function) -> FunctionConfig:
    """The function's whole contract with the shim; ARNs and table names are still CDK tokens."""
    app = parts.app
    state_triggers = [t for t in app.state_triggers if t.function == fn.name]
    return FunctionConfig(
        app=app.prefix,
        step_file=fn.file,
        step_name=fn.name,
        topics=topic_arns(parts, fn),
        state_table=parts.tables["state"].table_name if "state" in parts.tables else None,
        streams_table=parts.tables["streams"].table_name if "streams" in parts.tables else None,
        streams=app.streams,
        failure_queues=failure_queue_urls(parts, fn),
        routes={f"{r.method} {r.path}": r.trigger_index for r in app.routes if r.function == fn.name},
        queues={q.queue_name: q.trigger_index for q in app.queues if q.function == fn.name},
        queue_retries={q.queue_name: (q.backoff_ms, q.max_receive_count) for q in app.queues if q.function == fn.name},
        state_triggers=tuple(i for t in state_triggers for i in t.trigger_indexes),
        stream_triggers=tuple(
            (t.stream, t.group_id, t.item_id, t.trigger_index) for t in app.stream_triggers if t.function == fn.name
        ),
    )


def function_environment(parts: StackParts, fn: Function) -> dict[str, str]:
    # to_json_string resolves the ARN and table name tokens inside the JSON at deploy time.
    config = Stack.of(parts.stack).to_json_string(function_config(parts, fn).to_plain())
    return {contract.ENV_FUNCTION: config}


def emit_function(parts: StackParts, fn: Function) -> None:
    scope = parts.step_scope(fn.name)
    # Our own role without AWSLambdaBasicExecutionRole, whose log rights are on `*`.
    role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    log_group = logs.LogGroup(
        scope, "Logs",
        log_group_name=f"/aws/lambda/{fn.function_name}",
        retention=LOG_RETENTION,
        # Logs follow the function: a deleted stage should not leave log groups behind.
        removal_policy=RemovalPolicy.DESTROY,
    )
    log_group.grant_write(role)
    function = lambda_.Function(
        scope, "Function",
        function_name=fn.function_name,
        description=(fn.description or f"Motia step {fn.name}")[:DESCRIPTION_LIMIT],
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler=contract.HANDLER,
        code=parts.code,
        memory_size=fn.memory_mb,
        timeout=Duration.seconds(fn.timeout_s),
        role=role,
        log_group=log_group,
        environment=function_environment(parts, fn),
    )
    for name in fn.enqueues:
        for topic in parts.app.topics_named(name):
            parts.topic(topic.name, topic.fifo).grant_publish(function)
    for kind in sorted(parts.tables):
        parts.tables[kind].grant_read_write_data(function)
    for table in trigger_tables(parts, fn):
        parts.failure_queue(fn.name, table).grant_send_messages(function)
    parts.functions[fn.name] = function
