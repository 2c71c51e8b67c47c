"""cdk-nag AwsSolutions findings we accept, each with its reason, acknowledged on the stack.

What matters is fixed in the emitters (TLS-only policies, SNS and SQS encryption, table
point-in-time recovery, API access logs and throttling, DLQ alarms); what is left is listed
here. Acknowledged through aws-cdk-lib's own `Validations` API (cdk-nag 3 reads it), so the
emitter needs no cdk-nag import: cdk-nag stays a test dependency, and anyone running a
policy-validation plugin on `motia synth`'s app sees the same reasons as our tests
(tests/compiler/emit/test_nag.py). The acknowledgments live in the cloud assembly's metadata,
not in the template.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import Construct

from compiler.emit.functions import FUNCTION_ID
from compiler.emit.logical_ids import logical_id
from compiler.emit.parts import StackParts, construct_id

STACK_WIDE: dict[str, str] = {
    "AwsSolutions-APIG4": (
        "Motia HTTP steps are public endpoints, as under Motia's own server: a step "
        "authenticates its callers itself (headers, middleware)."
    ),
    "AwsSolutions-L1": (
        "The runtime is pinned to the Python the shim and the bundled dependencies are built "
        "and compiled for; it moves with the shim, on purpose, not with each Lambda release."
    ),
}
FAILURE_DESTINATION = (
    "This queue is itself a failure destination (Lambda's on-failure destination of a table "
    "trigger, or a schedule's DLQ), which cdk-nag does not recognise as a dead-letter queue; "
    "a DLQ of it would only move the same messages again."
)
STREAM_ARN_WILDCARD = (
    "dynamodb:ListStreams on this table's streams: a stream ARN ends with a label DynamoDB "
    "picks at creation, so only the table's `/stream/*` names them all."
)
FUNCTION_VERSIONS = (
    "EventBridge Scheduler's Lambda target grants invoke on the function and its versions "
    "(`<arn>:*`), of this one function only."
)

CONNECTIONS_TABLE = (
    "The connections table holds only live WebSocket connections, each expiring by TTL: a "
    "restore would bring back clients that are gone."
)
WEBSOCKET_ACCESS_LOGS = (
    "WebSocket stage logging needs an account-wide API Gateway CloudWatch role, which a "
    "project's stack must not set for the whole account; the WebSocket function logs every "
    "connect, subscribe and disconnect itself."
)
CONNECTION_IDS = (
    "execute-api:ManageConnections on this stage's @connections: connection ids are made by "
    "API Gateway at connect time, so only `/live/*/@connections/*` of this one API names them."
)


def iam5(resource: str) -> str:
    return f"AwsSolutions-IAM5[Resource::{resource}]"


def acknowledge(scope: Construct, rule: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def acknowledge_realtime_findings(api_id: str, stage: Construct, stage_name: str, connections: Construct,
                                  roles: tuple[Construct, ...]) -> None:
    """The WebSocket API's accepted findings (compiler/emit/websocket.py); `api_id`: its logical id."""
    acknowledge(connections, "AwsSolutions-DDB3", CONNECTIONS_TABLE)
    acknowledge(stage, "AwsSolutions-APIG1", WEBSOCKET_ACCESS_LOGS)
    connections_arn = (f"arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:"
                       f"<{api_id}>/{stage_name}/*/@connections/*")
    for role in roles:
        acknowledge(role, iam5(connections_arn), CONNECTION_IDS)


def acknowledge_accepted_findings(parts: StackParts) -> None:
    """Acknowledge every accepted finding on the narrowest construct it holds for. A finding
    whose id names its resource (`IAM5[Resource::<StepXFunction.Arn>:*]`) matches that resource
    only, wherever it is acknowledged: those go to the resource's stack, all in one call (two
    round trips to Node per construct, not per finding)."""
    by_scope: dict[int, tuple[Construct, list[Acknowledgment]]] = {}  # by the Python object: a path costs calls

    def add(scope: Construct, rule: str, reason: str) -> None:
        by_scope.setdefault(id(scope), (scope, []))[1].append(Acknowledgment(id=rule, reason=reason))

    for rule, reason in STACK_WIDE.items():
        add(parts.stack, rule, reason)
    for kind in parts.tables:
        table_id = logical_id([construct_id("Table", kind), "Resource"])  # compiler/emit/tables.py
        add(parts.stack, iam5(f"<{table_id}.Arn>/stream/*"), STREAM_ARN_WILDCARD)
    for queue in [*parts.failure_queues.values(), *parts.schedule_dlqs.values()]:
        add(queue, "AwsSolutions-SQS3", FAILURE_DESTINATION)  # not resource-specific: on the queue itself
    for step in parts.schedule_roles:
        function_id = logical_id([construct_id("Step", step), FUNCTION_ID, "Resource"])  # compiler/emit/functions.py
        add(parts.step_stack(step), iam5(f"<{function_id}.Arn>:*"), FUNCTION_VERSIONS)
    for scope, acknowledgments in by_scope.values():
        Validations.of(scope).acknowledge(*acknowledgments)
