"""The WebSocket function on moto: auth on $connect, join/leave with hooks, syncs, $disconnect."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from lambda_runtime.state_store import DynamoStateStore
from lambda_runtime.stream_store import DynamoStreamStore
from lambda_runtime.websocket import WebSocketConfig
from lambda_runtime.websocket_connections import ConnectionStore
from tests.lambda_runtime.conftest import STATE_TABLE, STREAMS_TABLE
from tests.lambda_runtime.realtime import (
    CONNECTIONS_TABLE,
    RecordedPoster,
    connect_event,
    create_connections_table,
    disconnect_event,
    message_event,
    websocket_function,
)


@pytest.fixture
def realtime(aws: Any) -> Iterator[Any]:
    create_connections_table(aws)
    yield aws


def test_connect_runs_authenticate_and_picks_the_authorization_protocol(realtime: Any) -> None:
    fn = websocket_function(RecordedPoster())
    assert fn.handle(connect_event("c1", "secret-alice")) == {
        "statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "Authorization"},
    }
    assert ConnectionStore(CONNECTIONS_TABLE).auth_context("c1") == (True, {"user": "alice"})


def test_accepts_a_token_in_the_query_string(realtime: Any) -> None:
    fn = websocket_function(RecordedPoster())
    assert fn.handle(connect_event("c1", query={"token": ["secret-bob"]})) == {"statusCode": 200}


def test_rejects_a_connection_authenticate_refuses(realtime: Any) -> None:
    fn = websocket_function(RecordedPoster())
    assert fn.handle(connect_event("c1", "wrong")) == {"statusCode": 401}
    assert ConnectionStore(CONNECTIONS_TABLE).auth_context("c1") == (False, None)


def test_join_of_a_group_syncs_its_items_with_their_ids(realtime: Any) -> None:
    DynamoStreamStore(STREAMS_TABLE).set("todos", "alice", "t1", {"title": "milk"})
    DynamoStreamStore(STREAMS_TABLE).set("todos", "alice", "t2", {"id": "t2", "title": "eggs"})
    poster = RecordedPoster()
    fn = websocket_function(poster)
    fn.handle(connect_event("c1", "secret-alice"))
    assert fn.handle(message_event("c1", "join", "todos", "alice")) == {"statusCode": 200}
    [sync] = poster.to("c1")
    assert sync["event"] == {"type": "sync", "data": [{"title": "milk", "id": "t1"}, {"id": "t2", "title": "eggs"}]}
    assert (sync["streamName"], sync["groupId"], "id" in sync) == ("todos", "alice", False)
    assert isinstance(sync["timestamp"], int)
    assert DynamoStateStore(STATE_TABLE).get("joins", "alice-alice-None") is True


def test_join_of_an_item_syncs_the_item_or_null(realtime: Any) -> None:
    DynamoStreamStore(STREAMS_TABLE).set("todos", "shared", "t1", {"title": "milk"})
    poster = RecordedPoster()
    fn = websocket_function(poster)
    fn.handle(connect_event("c1", "secret-bob"))
    fn.handle(message_event("c1", "join", "todos", "shared", "t1", sub="a"))
    fn.handle(message_event("c1", "join", "todos", "shared", "nope", sub="b"))
    first, second = poster.to("c1")
    assert (first["id"], first["event"]) == ("t1", {"type": "sync", "data": {"title": "milk", "id": "t1"}})
    assert (second["id"], second["event"]) == ("nope", {"type": "sync", "data": None})


def test_fails_a_join_on_join_refuses_and_sends_nothing(realtime: Any) -> None:
    poster = RecordedPoster()
    fn = websocket_function(poster)
    fn.handle(connect_event("c1", "secret-bob"))
    assert fn.handle(message_event("c1", "join", "todos", "alice")) == {"statusCode": 403}
    assert poster.sent == []
    assert list(ConnectionStore(CONNECTIONS_TABLE).subscribers("todos", "alice", "t1")) == []


def test_leave_and_disconnect_run_on_leave_and_forget_subscriptions(realtime: Any) -> None:
    fn = websocket_function(RecordedPoster())
    store = ConnectionStore(CONNECTIONS_TABLE)
    fn.handle(connect_event("c1", "secret-alice"))
    fn.handle(message_event("c1", "join", "todos", "alice", sub="g"))
    fn.handle(message_event("c1", "join", "todos", "shared", "t9", sub="i"))
    assert list(store.subscribers("todos", "alice", "t1")) == ["c1"]
    fn.handle(message_event("c1", "leave", "todos", "alice", sub="g"))
    assert list(store.subscribers("todos", "alice", "t1")) == []
    assert DynamoStateStore(STATE_TABLE).get("leaves", "alice-alice-None") is True
    fn.handle(disconnect_event("c1"))
    assert list(store.subscribers("todos", "shared", "t9")) == []
    assert DynamoStateStore(STATE_TABLE).get("leaves", "alice-shared-t9") is True
    assert store.auth_context("c1") == (False, None)


def test_rejects_frames_outside_the_protocol_and_joins_of_unknown_connections(realtime: Any) -> None:
    fn = websocket_function(RecordedPoster())
    fn.handle(connect_event("c1", "secret-alice"))
    bad = message_event("c1", "join", "todos", "alice")
    assert fn.handle({**bad, "body": "{not json"}) == {"statusCode": 400}
    assert fn.handle({**bad, "body": '{"type": "join", "data": {"groupId": "g"}}'}) == {"statusCode": 400}
    assert fn.handle(message_event("c2", "join", "todos", "alice")) == {"statusCode": 410}


def test_config_round_trips_through_its_environment_json() -> None:
    config = WebSocketConfig(app="a-dev", stream_files=("s/x_stream.py",), state_table="st", streams_table="sm",
                             connections_table="cn", streams=("todos",), endpoint="https://x/dev")
    again = WebSocketConfig.from_json(config.to_json())
    assert (again.stream_files, again.connections_table, again.endpoint, again.streams) == (
        ("s/x_stream.py",), "cn", "https://x/dev", ("todos",))


def test_rejects_a_config_without_connections_table() -> None:
    with pytest.raises(ValueError, match="connections table"):
        WebSocketConfig.from_json('{"a": "x"}')


SECRET_STREAM = '''
import os

from motia import StreamAuthInput, StreamAuthResult, StreamConfig

TOKEN = os.environ["WS_TOKEN"]  # read at import, as a hook's module may


def authenticate(request: StreamAuthInput, ctx: object) -> StreamAuthResult:
    offered = (request.query_params.get("token") or [None])[0]
    return StreamAuthResult(authorized=offered == TOKEN, context={})


config = StreamConfig(name="vault", schema={"type": "object"})
'''


def test_the_stream_files_see_the_stage_secrets_at_cold_start(realtime: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import sys

    from lambda_runtime import websocket
    from lambda_runtime.contract import ENV_SECRETS

    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "vault_stream.py").write_text(SECRET_STREAM)
    realtime.client("ssm").put_parameter(Name="/motia/shop/ci/WS_TOKEN", Value="t0ken", Type="SecureString")
    config = WebSocketConfig(app="shop-ci", stream_files=("steps/vault_stream.py",), state_table=STATE_TABLE,
                             streams_table=STREAMS_TABLE, connections_table=CONNECTIONS_TABLE, streams=("vault",))
    monkeypatch.setenv(websocket.ENV_WEBSOCKET, config.to_json())
    monkeypatch.setenv("MOTIA_CODE_ROOT", str(tmp_path))
    monkeypatch.setenv(ENV_SECRETS, json.dumps({"WS_TOKEN": "ssm:/motia/shop/ci/WS_TOKEN"}))
    monkeypatch.delenv("WS_TOKEN", raising=False)
    monkeypatch.setattr(websocket, "_function", None)
    monkeypatch.delitem(sys.modules, "steps.vault_stream", raising=False)
    try:
        assert websocket.handler(connect_event("c1", query={"token": ["t0ken"]})) == {"statusCode": 200}
        assert websocket.handler(connect_event("c2", query={"token": ["guess"]})) == {"statusCode": 401}
    finally:
        monkeypatch.delenv("WS_TOKEN", raising=False)
