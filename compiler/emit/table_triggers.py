"""State and stream triggers (DESIGN.md 3): DynamoDB stream event sources on the two tables.

A handler that fails is not retried, as under Motia: the shim sends the record and the error
to the step's failure queue for that table and reports success. Records the shim itself could
not process (a config mismatch, the failure queue unreachable) are reported as batch item
failures: the mapping bisects, retries a bounded number of times, then sends the records'
metadata to the same failure queue. Stream triggers carry
Lambda filter criteria on the item keys, so a handler is invoked only for its own stream
(and group / item when the trigger names them).

The mappings are declared directly rather than through DynamoEventSource, which grants
`dynamodb:ListStreams` on `*` and names the mapping after the stack (stage-dependent ids).
"""

from __future__ import annotations

from typing import Any, Mapping

from aws_cdk import Fn, aws_dynamodb as dynamodb, aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk.aws_lambda_event_sources import SqsDlq

from compiler.emit.parts import StackParts, construct_id
from compiler.ir import StateTrigger, StreamTrigger, TableKind
from lambda_runtime import contract

RETRY_ATTEMPTS = 3
BATCH_SIZE = 10
# Lambda reads the stream with these; ListStreams is scoped to this table's streams.
STREAM_READ_ACTIONS = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")


def stream_key_filter(trigger: StreamTrigger) -> dict[str, Any]:
    """Lambda filter pattern (over the record's `dynamodb.Keys`) selecting one stream's items."""
    sep = contract.STREAM_KEY_SEPARATOR
    if trigger.group_id is None:
        # begins_with already returns the list of rules: [{"prefix": ...}]
        pk: list[Any] = list(lambda_.FilterRule.begins_with(f"{trigger.stream}{sep}"))
    else:
        pk = [f"{trigger.stream}{sep}{trigger.group_id}"]
    keys: dict[str, Any] = {contract.PARTITION_KEY: {"S": pk}}
    if trigger.item_id is not None:
        keys[contract.SORT_KEY] = {"S": [trigger.item_id]}
    return {"dynamodb": {"Keys": keys}}


def stream_trigger_id(trigger: StreamTrigger) -> str:
    """Names the stream, group and item: a step may watch several parts of one stream."""
    parts = [trigger.stream, trigger.group_id or "*", trigger.item_id or "*"]
    return construct_id("StreamTrigger", "/".join(parts))


def grant_stream_read(table: dynamodb.Table, function: lambda_.Function) -> None:
    table.grant_stream(function, *STREAM_READ_ACTIONS)
    function.add_to_role_policy(iam.PolicyStatement(
        actions=["dynamodb:ListStreams"],
        resources=[Fn.join("", [table.table_arn, "/stream/*"])],
    ))


def add_table_trigger(
    parts: StackParts, step: str, table: TableKind, mapping_id: str,
    filters: list[Mapping[str, Any]] | None = None,
) -> None:
    function = parts.function(step)
    on_failure = parts.failure_queue(step, table)
    function.add_event_source_mapping(
        mapping_id,
        event_source_arn=parts.tables[table].table_stream_arn,
        # Triggers react to changes made after deployment, not to the table's history.
        starting_position=lambda_.StartingPosition.LATEST,
        batch_size=BATCH_SIZE,
        bisect_batch_on_error=True,
        retry_attempts=RETRY_ATTEMPTS,
        report_batch_item_failures=True,
        on_failure=SqsDlq(on_failure),  # grants send on this queue only
        filters=filters,
    )
    grant_stream_read(parts.tables[table], function)


def emit_state_trigger(parts: StackParts, trigger: StateTrigger) -> None:
    add_table_trigger(parts, trigger.function, "state", "StateTrigger")


def emit_stream_trigger(parts: StackParts, trigger: StreamTrigger) -> None:
    add_table_trigger(
        parts, trigger.function, "streams", stream_trigger_id(trigger),
        [lambda_.FilterCriteria.filter(stream_key_filter(trigger))],
    )
