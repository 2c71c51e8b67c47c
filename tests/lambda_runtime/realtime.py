"""Shared by the WebSocket and fan-out tests: the connections table, API Gateway events, a
PostToConnection client that records what it sent."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from lambda_runtime.websocket import WebSocketConfig, WebSocketFunction
from tests.lambda_runtime.conftest import STATE_TABLE, STREAMS_TABLE

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "emulator" / "realtime"
CONNECTIONS_TABLE = "shim-test-connections"


class RecordedPoster:
    """PostToConnection as a list: frames per connection; connections in `gone` answer GoneException."""

    def __init__(self, gone: tuple[str, ...] = ()) -> None:
        self.gone = set(gone)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def post(self, connection_id: str, data: bytes) -> bool:
        if connection_id in self.gone:
            return False
        with self._lock:
            self.sent.append((connection_id, json.loads(data)))
        return True

    def to(self, connection_id: str) -> list[dict[str, Any]]:
        return [frame for c, frame in self.sent if c == connection_id]


def create_connections_table(boto3: Any) -> None:
    boto3.client("dynamodb").create_table(
        TableName=CONNECTIONS_TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def websocket_function(poster: RecordedPoster) -> WebSocketFunction:
    config = WebSocketConfig(
        app="shim-test", stream_files=("steps/todos_stream.py",), state_table=STATE_TABLE, streams_table=STREAMS_TABLE,
        connections_table=CONNECTIONS_TABLE, streams=("todos",),
    )
    return WebSocketFunction.load(config, str(PROJECT), poster)


def connect_event(connection_id: str, token: str | None = None, query: dict[str, list[str]] | None = None) -> dict[str, Any]:
    headers = {"Host": "abc.execute-api.us-east-1.amazonaws.com"}
    if token is not None:
        headers["Sec-WebSocket-Protocol"] = f"Authorization, {token}"
    return {
        "headers": headers, "multiValueQueryStringParameters": query, "isBase64Encoded": False,
        "requestContext": {"routeKey": "$connect", "eventType": "CONNECT", "connectionId": connection_id,
                           "identity": {"sourceIp": "203.0.113.7"}},
    }


def message_event(connection_id: str, kind: str, stream: str, group: str, item: str | None = None, sub: str = "s1") -> dict[str, Any]:
    data = {"streamName": stream, "groupId": group, "subscriptionId": sub, **({"id": item} if item else {})}
    return {"body": json.dumps({"type": kind, "data": data}), "isBase64Encoded": False,
            "requestContext": {"routeKey": "$default", "eventType": "MESSAGE", "connectionId": connection_id}}


def disconnect_event(connection_id: str) -> dict[str, Any]:
    return {"requestContext": {"routeKey": "$disconnect", "eventType": "DISCONNECT", "connectionId": connection_id}}
