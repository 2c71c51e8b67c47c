"""Streams on moto: round trips, groups, update, and the records the stream adapter reads."""

from __future__ import annotations

from typing import Any

from lambda_runtime.adapters.dynamodb import stream_input, table_of
from lambda_runtime.stream_store import DynamoStreamStore
from tests.lambda_runtime.conftest import STREAMS_TABLE
from tests.lambda_runtime.test_state_store import stream_records


def test_round_trips_items_groups_and_deletes(aws: Any) -> None:
    store = DynamoStreamStore(STREAMS_TABLE)
    store.set("todos", "inbox", "t-1", {"title": "a", "score": 0.75})
    store.set("todos", "done", "t-2", {"title": "b"})
    store.set("other", "x", "o-1", 1)
    assert store.get("todos", "inbox", "t-1") == {"title": "a", "score": 0.75}
    assert store.list("todos", "inbox") == [{"title": "a", "score": 0.75}]
    assert store.list_groups("todos") == ["done", "inbox"]
    assert store.update("todos", "inbox", "t-1", [{"type": "set", "path": "done", "value": True}]) == {
        "old_value": {"title": "a", "score": 0.75}, "new_value": {"title": "a", "score": 0.75, "done": True}
    }
    assert store.delete("todos", "done", "t-2") == {"title": "b"}
    assert store.list_groups("todos") == ["inbox"]


def test_writes_produce_stream_trigger_inputs(aws: Any) -> None:
    store = DynamoStreamStore(STREAMS_TABLE)
    store.set("todos", "inbox", "t-1", {"title": "a"})
    store.delete("todos", "inbox", "t-1")
    records = stream_records(aws, STREAMS_TABLE)
    assert {table_of(r) for r in records} == {STREAMS_TABLE}
    items = [stream_input(r) for r in records]
    assert [(i.stream_name, i.group_id, i.id, i.event.type, i.event.data) for i in items] == [
        ("todos", "inbox", "t-1", "create", {"title": "a"}),
        ("todos", "inbox", "t-1", "delete", {"title": "a"}),
    ]
