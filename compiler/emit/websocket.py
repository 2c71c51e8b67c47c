"""Realtime streams on AWS (issue 12): an API Gateway WebSocket API speaking Motia's stream
protocol, emitted only when the project has streams.

- the WebSocket API and its stage (auto-deployed), routes `$connect`, `$disconnect` and
  `$default`, all to one WebSocket function (`lambda_runtime.websocket.handler`), which runs the
  project's `authenticate` and the streams' `on_join` / `on_leave` from the stream files;
- the connections table (connections and their subscriptions, TTL on `expires`);
- the fan-out function (`lambda_runtime.fanout.handler`) on the streams table's DynamoDB
  stream, posting each change to the subscribers;
- `execute-api:ManageConnections` for both functions on this stage's connections only;
- the `wss://` URL as a stack output (`motia deploy` prints the outputs).
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy, aws_apigatewayv2 as apigw
from aws_cdk import aws_dynamodb as dynamodb, aws_iam as iam, aws_lambda as lambda_, aws_logs as logs
from aws_cdk.aws_apigatewayv2_integrations import WebSocketLambdaIntegration
from constructs import Construct

from compiler.emit import values
from compiler.emit.functions import token_json
from compiler.emit.function_settings import apply_vpc, log_retention, runtime, shared_props
from compiler.emit.logical_ids import logical_id
from compiler.emit.nag import acknowledge_realtime_findings
from compiler.emit.parts import StackParts
from compiler.emit.secrets import secret_statements
from compiler.emit.table_triggers import grant_stream_read
from compiler.stage_environment import function_variables
from compiler.ir import Realtime
from lambda_runtime import fanout
from lambda_runtime.websocket import ENV_WEBSOCKET, WebSocketConfig

REALTIME_ID, API_ID = "Realtime", "Api"  # construct ids (compiler/emit/nag.py names the API by its logical id)
STAGE = "live"  # the WebSocket API's one stage: the app's stage is already in every name
SOCKET_HANDLER = "lambda_runtime.websocket.handler"
FANOUT_HANDLER = "lambda_runtime.fanout.handler"
SOCKET_MEMORY_MB = 256
SOCKET_TIMEOUT_S = 29  # API Gateway's integration timeout: a slower hook is cut off anyway
FANOUT_MEMORY_MB = 512
FANOUT_TIMEOUT_S = 300
FANOUT_BATCH_SIZE = 100  # stream records per fan-out invocation
FANOUT_PARALLELISM = 4  # concurrent batches per shard (order is kept per item key)
FANOUT_RETRIES = 2  # a batch the fan-out itself fails on; posts that fail are skipped, not retried
OUTPUT_URL = "Output-WebSocketUrl"


def _function(parts: StackParts, scope: Construct, name: str, function_name: str, handler: str,
              memory_mb: int, timeout_s: int, environment: dict[str, str], description: str) -> lambda_.Function:
    """A function of the project's bundle, shaped by the same settings as the steps' (runtime,
    architecture: the bundled wheels are built for it, logs, tracing, layers, VPC)."""
    settings = parts.app.settings
    role = iam.Role(scope, f"{name}Role", assumed_by=values.service_principal("lambda.amazonaws.com"))
    log_group = logs.LogGroup(scope, f"{name}Logs", log_group_name=f"/aws/lambda/{function_name}",
                              retention=log_retention(settings), removal_policy=RemovalPolicy.DESTROY)
    log_group.grant_write(role)
    function = lambda_.Function(
        scope, f"{name}Function", function_name=function_name, description=description,
        runtime=runtime(settings), handler=handler, code=parts.code, memory_size=memory_mb,
        timeout=Duration.seconds(timeout_s), role=role, log_group=log_group, environment=environment,
        **shared_props(scope, settings, layer_prefix=name),
    )
    apply_vpc(settings, function, role)
    return function


def emit_websocket(parts: StackParts, realtime: Realtime) -> None:
    app = parts.app
    scope = Construct(parts.stack, REALTIME_ID)
    connections = dynamodb.Table(
        scope, "Connections", table_name=realtime.connections_table,
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        time_to_live_attribute="expires",
        removal_policy=RemovalPolicy.DESTROY,  # only live connections: nothing to keep
    )
    api = apigw.WebSocketApi(scope, API_ID, api_name=f"{app.prefix}-streams",
                             description=f"Motia streams of {app.prefix}: {', '.join(app.streams)}"[:1024],
                             route_selection_expression="$request.body.type")
    stage = apigw.WebSocketStage(scope, "Stage", web_socket_api=api, stage_name=STAGE, auto_deploy=True)
    streams_table = parts.tables["streams"]
    state_table = parts.tables["state"]
    config = WebSocketConfig(
        app=app.prefix, stream_files=realtime.stream_files, state_table=state_table.table_name,
        streams_table=streams_table.table_name, connections_table=connections.table_name,
        streams=app.streams, endpoint=stage.callback_url,
    )
    # The hooks are the project's code: they see the stage's variables and secrets as steps do.
    socket = _function(parts, scope, "Socket", realtime.socket_function, SOCKET_HANDLER, SOCKET_MEMORY_MB,
                       SOCKET_TIMEOUT_S, {ENV_WEBSOCKET: token_json(config.to_plain()),
                                          **function_variables(app)},
                       f"Motia stream clients of {app.prefix}: auth, join, leave")
    for statement in secret_statements(parts.stack, app.secrets):
        socket.add_to_role_policy(statement)
    fan = _function(parts, scope, "Fanout", realtime.fanout_function, FANOUT_HANDLER, FANOUT_MEMORY_MB,
                    FANOUT_TIMEOUT_S, {fanout.ENV_CONNECTIONS_TABLE: connections.table_name,
                                       fanout.ENV_ENDPOINT: stage.callback_url},
                    f"Motia stream changes of {app.prefix} to subscribed clients")
    integration = WebSocketLambdaIntegration("SocketIntegration", socket)
    for route in ("$connect", "$disconnect", "$default"):
        api.add_route(route, integration=integration)
    for function in (socket, fan):
        connections.grant_read_write_data(function)
        stage.grant_management_api_access(function)  # this stage's @connections only
    state_table.grant_read_write_data(socket)  # the hooks' ctx.state
    streams_table.grant_read_write_data(socket)  # syncs, and the hooks' streams
    fan.add_event_source_mapping(
        "StreamChanges", event_source_arn=streams_table.table_stream_arn,
        starting_position=lambda_.StartingPosition.LATEST, batch_size=FANOUT_BATCH_SIZE,
        max_batching_window=Duration.millis(0), parallelization_factor=FANOUT_PARALLELISM,
        retry_attempts=FANOUT_RETRIES,
    )
    grant_stream_read(streams_table, fan)
    acknowledge_realtime_findings(logical_id([REALTIME_ID, API_ID, "Resource"]), stage, STAGE, connections, tuple(f.role for f in (socket, fan) if f.role))
    CfnOutput(parts.stack, OUTPUT_URL, value=stage.url, description="WebSocket URL for Motia's stream clients")

