"""One Lambda function per step (DESIGN.md 3): own role, own log group, the contract's
environment, publish rights on the declared topics only, read/write on the two tables."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack, aws_iam as iam, aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from compiler.emit.parts import StackParts
from compiler.ir import Application, Function
from lambda_runtime import contract

LOG_RETENTION = logs.RetentionDays.ONE_MONTH
DESCRIPTION_LIMIT = 256  # Lambda's limit on Description


def topic_arns(parts: StackParts, fn: Function) -> dict[str, list[str]]:
    """{topic: [arn, ...]} for the step's enqueues, standard before FIFO (IR order)."""
    return {
        name: [parts.topic(t.name, t.fifo).topic_arn for t in parts.app.topics_named(name)]
        for name in fn.enqueues
    }


def fifo_topic_arns(parts: StackParts, fn: Function) -> list[str]:
    return [
        parts.topic(t.name, t.fifo).topic_arn
        for name in fn.enqueues
        for t in parts.app.topics_named(name)
        if t.fifo
    ]


def queue_topics(app: Application, step: str) -> dict[str, str]:
    """{queue name: topic} for the step's own subscriptions (the shim reports the topic)."""
    return {q.queue_name: q.topic for q in app.queues if q.function == step}


def function_environment(parts: StackParts, fn: Function) -> dict[str, str]:
    stack = Stack.of(parts.stack)
    env = {
        contract.ENV_APP: parts.app.prefix,
        contract.ENV_STEP_FILE: fn.file,
        contract.ENV_STEP_NAME: fn.name,
        # to_json_string resolves the ARN tokens inside the JSON at deploy time.
        contract.ENV_TOPIC_ARNS: stack.to_json_string(topic_arns(parts, fn)),
        contract.ENV_FIFO_TOPICS: stack.to_json_string(fifo_topic_arns(parts, fn)),
        contract.ENV_QUEUE_TOPICS: stack.to_json_string(queue_topics(parts.app, fn.name)),
    }
    if "state" in parts.tables:
        env[contract.ENV_STATE_TABLE] = parts.tables["state"].table_name
    if "streams" in parts.tables:
        env[contract.ENV_STREAMS_TABLE] = parts.tables["streams"].table_name
    return dict(sorted(env.items()))


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
    parts.functions[fn.name] = function
