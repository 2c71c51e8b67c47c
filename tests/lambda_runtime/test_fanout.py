"""The fan-out on moto's DynamoDB streams, with a recorded PostToConnection client."""

from __future__ import annotations

from typing import Any

import pytest

from lambda_runtime import fanout, websocket_connections
from lambda_runtime.stream_store import DynamoStreamStore
from lambda_runtime.websocket_connections import ConnectionStore
from lambda_runtime.websocket_protocol import MAX_FRAME_BYTES, Subscription
from tests.lambda_runtime.conftest import STREAMS_TABLE
from tests.lambda_runtime.realtime import CONNECTIONS_TABLE, RecordedPoster, create_connections_table
from tests.lambda_runtime.test_state_store import stream_records


@pytest.fixture
def store(aws: Any) -> ConnectionStore:
    create_connections_table(aws)
    connections = ConnectionStore(CONNECTIONS_TABLE)
    for connection in ("group", "item", "other-item", "both", "elsewhere"):
        connections.add_connection(connection, None)
    connections.subscribe("group", Subscription("todos", "inbox", None, "s1"))
    connections.subscribe("item", Subscription("todos", "inbox", "t1", "s1"))
    connections.subscribe("other-item", Subscription("todos", "inbox", "t2", "s1"))
    connections.subscribe("both", Subscription("todos", "inbox", None, "s1"))
    connections.subscribe("both", Subscription("todos", "inbox", "t1", "s2"))
    connections.subscribe("elsewhere", Subscription("todos", "done", None, "s1"))
    return connections


def test_sends_create_update_delete_to_group_and_item_subscribers_once(aws: Any, store: ConnectionStore) -> None:
    items = DynamoStreamStore(STREAMS_TABLE)
    items.set("todos", "inbox", "t1", {"title": "milk"})
    items.update("todos", "inbox", "t1", [{"type": "set", "path": "done", "value": True}])
    items.delete("todos", "inbox", "t1")
    poster = RecordedPoster()
    result = fanout.fan_out(stream_records(aws, STREAMS_TABLE), store, poster)
    assert (result.sent, result.failed) == (9, 0)
    assert {c for c, _ in poster.sent} == {"group", "item", "both"}
    frames = poster.to("both")
    assert [(f["streamName"], f["groupId"], f["id"], f["event"]["type"]) for f in frames] == [
        ("todos", "inbox", "t1", "create"), ("todos", "inbox", "t1", "update"), ("todos", "inbox", "t1", "delete"),
    ]
    assert [f["event"]["data"] for f in frames] == [
        {"title": "milk", "id": "t1"}, {"title": "milk", "done": True, "id": "t1"}, {"title": "milk", "done": True, "id": "t1"},
    ]
    stamps = [f["timestamp"] for f in frames]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_forgets_a_connection_api_gateway_reports_gone(aws: Any, store: ConnectionStore) -> None:
    DynamoStreamStore(STREAMS_TABLE).set("todos", "inbox", "t1", {"title": "milk"})
    poster = RecordedPoster(gone=("group",))
    result = fanout.fan_out(stream_records(aws, STREAMS_TABLE), store, poster)
    assert result.gone == ["group"]
    assert store.auth_context("group") == (False, None)
    assert "group" not in set(store.subscribers("todos", "inbox", "t1"))


def test_pages_through_thousands_of_subscribers(aws: Any, store: ConnectionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(websocket_connections, "SUBSCRIBER_PAGE_SIZE", 7)
    for index in range(60):
        store.subscribe(f"crowd-{index}", Subscription("todos", "big", None, "s"))
    DynamoStreamStore(STREAMS_TABLE).set("todos", "big", "x", 1)
    poster = RecordedPoster()
    result = fanout.fan_out(stream_records(aws, STREAMS_TABLE), store, poster)
    assert result.sent == 60
    assert sorted(c for c, _ in poster.sent) == sorted(f"crowd-{i}" for i in range(60))


def test_skips_a_change_larger_than_a_frame(aws: Any, store: ConnectionStore) -> None:
    DynamoStreamStore(STREAMS_TABLE).set("todos", "inbox", "t1", {"blob": "x" * MAX_FRAME_BYTES})
    poster = RecordedPoster()
    result = fanout.fan_out(stream_records(aws, STREAMS_TABLE), store, poster)
    assert (result.sent, result.failed, poster.sent) == (0, 1, [])


def test_one_failing_post_does_not_stop_the_others(aws: Any, store: ConnectionStore) -> None:
    class Flaky(RecordedPoster):
        def post(self, connection_id: str, data: bytes) -> bool:
            if connection_id == "item":
                raise RuntimeError("throttled")
            return super().post(connection_id, data)

    DynamoStreamStore(STREAMS_TABLE).set("todos", "inbox", "t1", {"title": "milk"})
    poster = Flaky()
    result = fanout.fan_out(stream_records(aws, STREAMS_TABLE), store, poster)
    assert (result.sent, result.failed) == (2, 1)


def test_reads_a_groups_subscribers_once_per_batch(aws: Any, store: ConnectionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    items = DynamoStreamStore(STREAMS_TABLE)
    for index in range(5):
        items.set("todos", "inbox", f"burst-{index}", index)
    reads: list[tuple[str, str]] = []
    read = store.group_subscriptions
    monkeypatch.setattr(store, "group_subscriptions", lambda s, g: reads.append((s, g)) or read(s, g))
    result = fanout.fan_out(stream_records(aws, STREAMS_TABLE), store, RecordedPoster())
    assert (reads, result.sent) == ([("todos", "inbox")], 10)  # "group" and "both", five changes each
