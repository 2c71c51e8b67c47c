"""State on moto: round trips, update ops, deletes, groups, and the stream records it produces."""

from __future__ import annotations

from typing import Any

import pytest

from lambda_runtime.adapters.dynamodb import state_input
from lambda_runtime.state_store import DynamoStateStore, NoTable
from tests.lambda_runtime.conftest import STATE_TABLE


def stream_records(boto3: Any, table: str) -> list[dict[str, Any]]:
    """What Lambda's event source mapping would deliver, read through DynamoDB Streams."""
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams")
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator)["Records"]:
            record["eventSourceARN"] = arn
            records.append(record)
    return records


def test_round_trips_nested_values_and_deletes(aws: Any) -> None:
    store = DynamoStateStore(STATE_TABLE)
    value = {"total": 12.5, "items": [{"sku": "a", "qty": 2}], "paid": False, "note": None}
    assert store.set("orders", "o-1", value) == {"old_value": None, "new_value": value}
    assert store.get("orders", "o-1") == value
    assert store.set("orders", "o-1", 2) == {"old_value": value, "new_value": 2}
    store.set("orders", "o-1", value)
    assert store.delete("orders", "o-1") == value
    assert store.get("orders", "o-1") is None
    assert store.delete("orders", "o-1") is None


def test_update_ops_groups_and_clear(aws: Any) -> None:
    store = DynamoStateStore(STATE_TABLE)
    assert store.update("counters", "c", [{"type": "increment", "path": "n", "by": 1}]) == {
        "old_value": None, "new_value": {"n": 1}
    }
    assert store.update("counters", "c", [{"type": "increment", "path": "n", "by": 0.5}]) == {
        "old_value": {"n": 1}, "new_value": {"n": 1.5}
    }
    store.set("orders", "o-2", 2)
    store.set("orders", "o-1", 1)
    assert sorted(store.list("orders")) == [1, 2]
    assert store.list_groups() == ["counters", "orders"]
    store.clear("orders")
    assert store.list("orders") == [] and store.list_groups() == ["counters"]


def test_writes_produce_the_stream_records_the_adapter_reads(aws: Any) -> None:
    store = DynamoStateStore(STATE_TABLE)
    store.set("orders", "o-1", {"total": 1.25})
    store.update("orders", "o-1", [{"type": "set", "path": "total", "value": 2}])
    store.delete("orders", "o-1")
    inputs = [state_input(r) for r in stream_records(aws, STATE_TABLE)]
    assert [(i.event_type, i.group_id, i.item_id, i.old_value, i.new_value) for i in inputs] == [
        ("created", "orders", "o-1", None, {"total": 1.25}),
        ("updated", "orders", "o-1", {"total": 1.25}, {"total": 2}),
        ("deleted", "orders", "o-1", {"total": 2}, None),
    ]


def test_writes_carry_the_writers_trace_id_to_the_state_trigger(aws: Any) -> None:
    from lambda_runtime.adapters.dynamodb import record_trace_id
    from motia import FlowContext, TriggerInfo
    from motia.runtime import reset_current_context, set_current_context

    store = DynamoStateStore(STATE_TABLE)
    store.set("orders", "outside", 1)  # no invocation in progress: no trace to carry
    token = set_current_context(FlowContext(trigger=TriggerInfo(type="http"), trace_id="trace-9"))
    try:
        store.set("orders", "o-1", {"n": 1})
        store.update("orders", "o-1", [{"type": "increment", "path": "n"}])
        store.delete("orders", "o-1")
    finally:
        reset_current_context(token)
    assert [record_trace_id(r) for r in stream_records(aws, STATE_TABLE)] == [None, "trace-9", "trace-9", None]


def test_fails_naming_the_missing_table_when_the_config_has_none() -> None:
    with pytest.raises(NoTable, match="deployed without a state table"):
        DynamoStateStore(None).get("g", "k")
