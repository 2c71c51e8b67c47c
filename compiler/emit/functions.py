"""One Lambda function per step (DESIGN.md 3): own role, own log group, its FunctionConfig as
environment, publish rights on the declared topics only, on each table the rights its code
needs (compiler/data_access.py)."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy, aws_iam as iam, aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from compiler.emit import values
from compiler.emit.function_settings import apply_vpc, function_props, log_retention, runtime
from compiler.emit.parts import StackParts
from compiler.emit.schedules import async_invoke_props
from compiler.emit.secrets import permission_statements, secret_statements
from compiler.function_configs import DeployNames, function_config, trigger_tables
from compiler.ir import Function
from compiler.stage_environment import function_variables
from lambda_runtime import contract
from lambda_runtime.function_config import FunctionConfig

DESCRIPTION_LIMIT = 256  # Lambda's limit on Description
FUNCTION_ID = "Function"  # in the step's scope (compiler/emit/nag.py derives its logical id)


def deploy_names(parts: StackParts) -> DeployNames:
    """CDK tokens for what AWS names at deploy time (they resolve inside the JSON)."""
    return DeployNames(
        topic_arn=lambda topic: parts.topic_arn(topic.name, topic.fifo),
        table_name=lambda table: parts.table_name(table.kind),
        failure_queue_url=lambda step, kind: parts.failure_queue(step, kind).queue_url,
    )


def token_json(value: object) -> str:
    """`value` as compact JSON, as Stack.to_json_string writes it, without its jsii round trip.

    The ARNs and table names in it are CDK string tokens; CDK finds them inside the string
    when it resolves the template and turns it into the same Fn::Join. Only for values whose
    tokens stand for strings free of JSON's special characters (names, ARNs), and whose
    numbers are integers (JavaScript writes 1.0 as 1).
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def function_environment(parts: StackParts, fn: Function) -> dict[str, str]:
    config = token_json(function_config(parts.app, fn, deploy_names(parts)).to_plain())
    return {contract.ENV_FUNCTION: config, **function_variables(parts.app)}


def grant_table_access(parts: StackParts, fn: Function, function: lambda_.Function) -> None:
    """Table rights by use (compiler/data_access.py): none, read only, or read and write."""
    for kind, access in fn.data_access:
        table = parts.tables.get(kind)
        if table is None:
            continue  # the project declares no such table: the call fails in `motia dev` too
        if access == "read":
            table.grant_read_data(function)
        else:
            table.grant_read_write_data(function)


def emit_function(parts: StackParts, fn: Function) -> None:
    scope = parts.step_scope(fn.name)
    # Our own role without AWSLambdaBasicExecutionRole, whose log rights are on `*`.
    role = iam.Role(scope, "Role", assumed_by=values.service_principal("lambda.amazonaws.com"))
    log_group = logs.LogGroup(
        scope, "Logs",
        log_group_name=f"/aws/lambda/{fn.function_name}",
        retention=log_retention(parts.app.settings),
        # Logs follow the function: a deleted stage should not leave log groups behind.
        removal_policy=RemovalPolicy.DESTROY,
    )
    log_group.grant_write(role)
    for statement in (*secret_statements(parts.stack, parts.app.secrets), *permission_statements(fn.permissions)):
        role.add_to_policy(statement)
    function = lambda_.Function(
        scope, FUNCTION_ID,
        function_name=fn.function_name,
        description=(fn.description or f"Motia step {fn.name}")[:DESCRIPTION_LIMIT],
        runtime=runtime(parts.app.settings),
        handler=contract.HANDLER,
        code=parts.step_code(fn.name),
        memory_size=fn.memory_mb,
        timeout=values.seconds(fn.timeout_s),
        role=role,
        log_group=log_group,
        environment=function_environment(parts, fn),
        **function_props(scope, parts.app.settings, fn),
        **async_invoke_props(parts.app, fn.name),
    )
    apply_vpc(parts.app.settings, function, role)
    for name in fn.enqueues:
        for topic in parts.app.topics_named(name):
            parts.topic(topic.name, topic.fifo).grant_publish(function)
    grant_table_access(parts, fn, function)
    for table in trigger_tables(parts.app, fn):
        parts.failure_queue(fn.name, table).grant_send_messages(function)
    parts.functions[fn.name] = function
