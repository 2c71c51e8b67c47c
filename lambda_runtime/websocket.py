"""The WebSocket function: API Gateway WebSocket events (`$connect`, `$disconnect`, `$default`)
in Motia's stream protocol, on AWS and under `motia dev` alike.

`$connect` runs the project's `authenticate` (headers, query parameters, source address; Motia's
clients send their token as the WebSocket protocol `["Authorization", token]`) and stores the
connection with the context it returned. A `join` runs the stream's `on_join`, stores the
subscription, then sends the sync; a `leave` and `$disconnect` run `on_leave`. Changes reach the
subscribers through the fan-out (`lambda_runtime.fanout`), not through this function.

Its settings travel as JSON in `MOTIA_WEBSOCKET`:

    a  `<app>-<stage>`        f  [stream file, ...] (POSIX, under the code root)
    ts state table            tm streams table       tc connections table
    st [stream name, ...]     e  PostToConnection endpoint (https://<api>.execute-api.<region>.amazonaws.com/<stage>)
"""

from __future__ import annotations

import json  # already loaded by Lambda's runtime client
import sys

from lambda_runtime.websocket_connections import ConnectionStore
from lambda_runtime.websocket_protocol import BadClientMessage, Clock, parse_client_message, sync_message, with_id

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

    from lambda_runtime.websocket_hooks import RealtimeHooks
    from lambda_runtime.websocket_posting import ConnectionPoster
    from lambda_runtime.websocket_protocol import Subscription

ENV_WEBSOCKET = "MOTIA_WEBSOCKET"
AUTH_PROTOCOL = "Authorization"  # Motia's clients: protocols ["Authorization", token]


class WebSocketConfig:
    """This function's settings (the `MOTIA_WEBSOCKET` JSON)."""

    __slots__ = ("app", "stream_files", "state_table", "streams_table", "connections_table", "streams", "endpoint")

    def __init__(self, *, app: str, stream_files: tuple[str, ...], state_table: str | None, streams_table: str | None,
                 connections_table: str, streams: tuple[str, ...], endpoint: str = "") -> None:
        self.app = app
        self.stream_files = stream_files
        self.state_table = state_table
        self.streams_table = streams_table
        self.connections_table = connections_table
        self.streams = streams
        self.endpoint = endpoint

    def to_plain(self) -> dict[str, Any]:
        """The short-keyed JSON object (the emitter's values may be CDK tokens)."""
        plain = {"a": self.app, "f": list(self.stream_files), "ts": self.state_table, "tm": self.streams_table,
                 "tc": self.connections_table, "st": list(self.streams), "e": self.endpoint}
        return {k: v for k, v in plain.items() if v}

    def to_json(self) -> str:
        return json.dumps(self.to_plain(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> WebSocketConfig:
        data = json.loads(text)
        if not isinstance(data, dict) or not data.get("tc"):
            raise ValueError(f"{ENV_WEBSOCKET} must be a JSON object naming the connections table ('tc'), got {text[:200]!r}")
        return cls(
            app=str(data.get("a", "")), stream_files=tuple(data.get("f", ())), state_table=data.get("ts"),
            streams_table=data.get("tm"), connections_table=str(data["tc"]), streams=tuple(data.get("st", ())),
            endpoint=str(data.get("e", "")),
        )


class WebSocketFunction:
    """The loaded function: hooks, connection store, a poster for syncs; nothing per invocation."""

    def __init__(self, config: WebSocketConfig, hooks: RealtimeHooks, poster: ConnectionPoster) -> None:
        self.config = config
        self.hooks = hooks
        self.poster = poster
        self.connections = ConnectionStore(config.connections_table)
        self.clock = Clock()

    @classmethod
    def load(cls, config: WebSocketConfig, code_root: str, poster: ConnectionPoster | None = None) -> WebSocketFunction:
        from lambda_runtime.websocket_hooks import RealtimeHooks, hooks_runtime

        runtime = hooks_runtime(config.app, config.state_table, config.streams_table, config.streams)
        hooks = RealtimeHooks.load(code_root, config.stream_files, runtime, config.streams)
        if poster is None:
            from lambda_runtime.websocket_posting import ApiGatewayPoster

            poster = ApiGatewayPoster(config.endpoint)
        return cls(config, hooks, poster)

    def handle(self, event: Mapping[str, Any]) -> dict[str, Any]:
        context = event.get("requestContext") or {}
        route = context.get("routeKey")
        connection_id = str(context.get("connectionId") or "")
        if route == "$connect":
            return self.connect(connection_id, event)
        if route == "$disconnect":
            self.disconnect(connection_id)
            return {"statusCode": 200}
        return self.message(connection_id, event.get("body"))

    def connect(self, connection_id: str, event: Mapping[str, Any]) -> dict[str, Any]:
        from motia.streams import StreamAuthInput

        headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        query = {str(k): [str(x) for x in v] for k, v in (event.get("multiValueQueryStringParameters") or {}).items()}
        context = event.get("requestContext") or {}
        request = StreamAuthInput(
            headers=headers, path=str(context.get("path") or "/"), query_params=query,
            addr=str((context.get("identity") or {}).get("sourceIp") or ""),
        )
        authorized, auth_context = self.hooks.authenticate(request)
        if not authorized:
            return {"statusCode": 401}
        self.connections.add_connection(connection_id, auth_context)
        offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        # A client that offers protocols closes the socket unless the server picks one of them.
        if offered:
            chosen = AUTH_PROTOCOL if AUTH_PROTOCOL in offered else offered[0]
            return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": chosen}}
        return {"statusCode": 200}

    def disconnect(self, connection_id: str) -> None:
        known, auth_context = self.connections.auth_context(connection_id)
        for subscription in self.connections.remove_connection(connection_id):
            self._leave_hook(subscription, auth_context if known else None)

    def message(self, connection_id: str, body: Any) -> dict[str, Any]:
        try:
            kind, subscription = parse_client_message(body)
        except BadClientMessage as error:
            _log("warn", "not a stream protocol message", connection=connection_id, error=str(error))
            return {"statusCode": 400}
        known, auth_context = self.connections.auth_context(connection_id)
        if not known:
            return {"statusCode": 410}
        if kind == "leave":
            left = self.connections.unsubscribe(connection_id, subscription.subscription_id)
            if left is not None:
                self._leave_hook(left, auth_context)
            return {"statusCode": 200}
        if not self.hooks.join(subscription, auth_context):
            return {"statusCode": 403}
        # Subscribed before the read: a change made meanwhile still reaches the client, after the sync.
        self.connections.subscribe(connection_id, subscription)
        self.poster.post(connection_id, sync_message(subscription, self._state(subscription), self.clock.now()))
        return {"statusCode": 200}

    def _state(self, subscription: Subscription) -> Any:
        store = self.hooks.runtime.streams
        if subscription.item_id is not None:
            return store.get(subscription.stream, subscription.group_id, subscription.item_id)
        return [with_id(item_id, value) for item_id, value in self._group_items(subscription)]

    def _group_items(self, subscription: Subscription) -> list[tuple[str, Any]]:
        from lambda_runtime.state_store import SK, pages, value_of
        from lambda_runtime.stream_store import partition

        items = pages(
            "query", TableName=self.hooks.runtime.streams.table, KeyConditionExpression="#pk = :p",
            ExpressionAttributeNames={"#pk": "pk"},
            ExpressionAttributeValues={":p": {"S": partition(subscription.stream, subscription.group_id)}},
            ConsistentRead=True,
        )
        return [(item[SK]["S"], value_of(item)) for item in items]

    def _leave_hook(self, subscription: Subscription, auth_context: Any) -> None:
        try:
            self.hooks.leave(subscription, auth_context)
        except Exception as error:  # the client is gone either way; the hook's failure is logged
            _log("error", "on_leave failed", stream=subscription.stream, error=f"{type(error).__name__}: {error}")


def _log(level: str, message: str, **fields: Any) -> None:
    print(json.dumps({"level": level, "msg": message, **fields}, default=str), file=sys.stderr)


_function: WebSocketFunction | None = None


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry of the WebSocket function (every route of the WebSocket API)."""
    global _function
    if _function is None:
        import os

        from lambda_runtime.secrets import load_secrets
        from lambda_runtime.step_import import code_root

        load_secrets(os.environ)  # before the stream files: their hooks may read them at import
        _function = WebSocketFunction.load(WebSocketConfig.from_json(os.environ[ENV_WEBSOCKET]), code_root())
    return _function.handle(event)
