"""`motia dev`'s stream server: Motia's stream protocol on a local WebSocket port (127.0.0.1).

Each socket event becomes the API Gateway WebSocket event AWS would send (`$connect` with
the handshake's headers and query, `$default` per frame, `$disconnect`) and runs through the
same WebSocket function as on Lambda (`lambda_runtime.websocket`): the project's authenticate
and join/leave hooks, imported as the shim imports them. The same fan-out as on Lambda reads
the streams table's stream (moto's) and reaches the sockets through a local PostToConnection.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from compiler.emulator.backend import MotoBackend
from compiler.emulator.deploy import EventSource
from compiler.emulator.invoker import Delivery, Invoker
from compiler.emulator.streams import StreamReader
from compiler.errors import PortInUse
from compiler.ir import Application
from lambda_runtime import fanout
from lambda_runtime.invocation import new_id
from lambda_runtime.websocket import WebSocketConfig, WebSocketFunction
from lambda_runtime.websocket_connections import ConnectionStore

HOOK_WORKERS = 16  # socket events handled at once (hooks and DynamoDB calls block)
SEND_TIMEOUT_S = 10.0  # a client that does not read its frames for this long is dropped
FANOUT_BATCH = 100  # records per fan-out call, as the event source mapping on AWS
STEP = "stream server"  # how its invocations show in `motia dev`'s delivery lines


def websocket_config(app: Application) -> WebSocketConfig:
    """The settings the WebSocket function gets on AWS, for this app on moto."""
    assert app.realtime is not None
    return WebSocketConfig(
        app=app.prefix, stream_files=app.realtime.stream_files, state_table=app.table("state").table_name,
        streams_table=app.table("streams").table_name, connections_table=app.realtime.connections_table,
        streams=app.streams,
    )


def ensure_connections_table(backend: MotoBackend, table: str) -> None:
    """The connections table, unless the deployed template already made it."""
    ddb = backend.client("dynamodb")
    if table in ddb.list_tables().get("TableNames", []):
        return
    ddb.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    )


def connect_event(connection_id: str, request: Request, remote: Any) -> dict[str, Any]:
    """The `$connect` event API Gateway sends for this handshake."""
    headers: dict[str, str] = {}
    for name, value in request.headers.raw_items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    query = parse_qs(urlsplit(request.path).query, keep_blank_values=True)
    source_ip = remote[0] if isinstance(remote, tuple) and remote else ""
    return {
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None, "isBase64Encoded": False,
        "requestContext": {
            "routeKey": "$connect", "eventType": "CONNECT", "connectionId": connection_id,
            "path": urlsplit(request.path).path, "identity": {"sourceIp": source_ip},
            "connectedAt": int(time.time() * 1000), "stage": "local",
        },
    }


def message_event(connection_id: str, body: str) -> dict[str, Any]:
    return {"body": body, "isBase64Encoded": False,
            "requestContext": {"routeKey": "$default", "eventType": "MESSAGE", "connectionId": connection_id}}


def disconnect_event(connection_id: str) -> dict[str, Any]:
    return {"requestContext": {"routeKey": "$disconnect", "eventType": "DISCONNECT", "connectionId": connection_id}}


class LocalPoster:
    """PostToConnection onto the server's open sockets; a closed or unknown one is gone."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._sockets: dict[str, ServerConnection] = {}
        self._lock = threading.Lock()

    def open(self, connection_id: str, socket: ServerConnection) -> None:
        with self._lock:
            self._sockets[connection_id] = socket

    def close(self, connection_id: str) -> None:
        with self._lock:
            self._sockets.pop(connection_id, None)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sockets)

    def post(self, connection_id: str, data: bytes) -> bool:
        with self._lock:
            socket = self._sockets.get(connection_id)
        if socket is None or self.loop is None:
            return False
        try:
            asyncio.run_coroutine_threadsafe(socket.send(data.decode()), self.loop).result(SEND_TIMEOUT_S)
        except (ConnectionClosed, RuntimeError):  # RuntimeError: the loop has stopped
            return False
        return True


class FanoutReader(StreamReader):
    """The fan-out function's event source mapping: the streams table's stream, in-process."""

    def __init__(self, backend: MotoBackend, source: EventSource, invoker: Invoker, stop: threading.Event,
                 store: ConnectionStore, poster: LocalPoster) -> None:
        super().__init__(backend, source, invoker, stop, "streams")
        self._store = store
        self._poster = poster

    def deliver(self, records: list[dict[str, Any]]) -> None:
        started = time.perf_counter()
        result = fanout.fan_out(records, self._store, self._poster)
        outcome = f"sent {result.sent}" + (f", {result.failed} failed" if result.failed else "")
        self._invoker.record(Delivery(step=STEP, trigger="fan-out", duration_ms=(time.perf_counter() - started) * 1000,
                                      outcome=outcome, ok=not result.failed, records=len(records)))


class WebSocketServer:
    """The stream server of one running emulator: socket thread, hook workers, fan-out reader."""

    def __init__(self, app: Application, backend: MotoBackend, invoker: Invoker, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._invoker = invoker
        self._backend = backend
        self.poster = LocalPoster()
        config = websocket_config(app)
        ensure_connections_table(backend, config.connections_table)
        self.function = WebSocketFunction.load(config, app.root, self.poster)
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(HOOK_WORKERS, thread_name_prefix="motia-ws")
        self._loop = asyncio.new_event_loop()
        self.poster.loop = self._loop
        self._server: Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="motia-dev-ws", daemon=True)
        ddb = backend.client("dynamodb")
        stream_arn = ddb.describe_table(TableName=config.streams_table or "")["Table"]["LatestStreamArn"]
        source = EventSource("motia-dev-fanout", stream_arn, FANOUT_BATCH, (), "TRIM_HORIZON", 0, None)
        self.fanout = FanoutReader(backend, source, invoker, self._stop, self.function.connections, self.poster)

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self) -> None:
        async def listen() -> Server:  # websockets builds its server inside the running loop
            return await serve(
                self._connection, self.host, self.port, process_request=self._handshake,
                select_subprotocol=self._subprotocol, max_size=128 * 1024,
            )

        try:
            self._server = self._loop.run_until_complete(listen())
        except OSError as error:
            self._pool.shutdown()
            self._loop.close()
            raise PortInUse(f"motia dev: cannot listen for stream clients on {self.host}:{self.port} ({error}); "
                            "free the port or choose another with --ws-port") from None
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread.start()
        self.fanout.start()

    def stop(self) -> None:
        """Close every socket (each runs its $disconnect), stop the fan-out, end the thread."""
        self._stop.set()
        self.fanout.join()
        if self._server is not None and self._thread.is_alive():
            server = self._server

            async def close() -> None:
                server.close()
                await server.wait_closed()

            asyncio.run_coroutine_threadsafe(close(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._pool.shutdown(wait=True)
        self._loop.close()

    def idle(self) -> bool:
        return self.fanout.caught_up.is_set()

    # -- one socket ----------------------------------------------------------------------

    async def _run(self, event: dict[str, Any], what: str) -> dict[str, Any]:
        started = time.perf_counter()
        result: dict[str, Any] = await self._loop.run_in_executor(self._pool, self.function.handle, event)
        status = int(result.get("statusCode", 200))
        self._invoker.record(Delivery(step=STEP, trigger=what, duration_ms=(time.perf_counter() - started) * 1000,
                                      outcome=str(status), ok=status < 500))
        return result

    async def _handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        connection_id = new_id()
        try:
            result = await self._run(connect_event(connection_id, request, connection.remote_address), "ws $connect")
        except Exception as error:  # the hook failed: API Gateway answers 500 and closes
            self._invoker.record(Delivery(step=STEP, trigger="ws $connect", duration_ms=0,
                                          outcome=f"failed: {type(error).__name__}: {error}", ok=False))
            return connection.respond(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error\n")
        status = int(result.get("statusCode", 200))
        if status != 200:
            return connection.respond(HTTPStatus(status), f"{HTTPStatus(status).phrase}\n")
        connection.motia_id = connection_id  # type: ignore[attr-defined]
        connection.motia_protocol = (result.get("headers") or {}).get("Sec-WebSocket-Protocol")  # type: ignore[attr-defined]
        return None

    def _subprotocol(self, connection: ServerConnection, offered: Any) -> Any:
        chosen = getattr(connection, "motia_protocol", None)
        return chosen if chosen in offered else None

    async def _connection(self, connection: ServerConnection) -> None:
        connection_id: str = connection.motia_id  # type: ignore[attr-defined]
        self.poster.open(connection_id, connection)
        try:
            async for frame in connection:
                text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                try:
                    await self._run(message_event(connection_id, text), "ws message")
                except Exception as error:  # the hook's failure ends nothing but this frame
                    self._invoker.record(Delivery(step=STEP, trigger="ws message", duration_ms=0,
                                                  outcome=f"failed: {type(error).__name__}: {error}", ok=False))
        except ConnectionClosed:
            pass
        finally:
            self.poster.close(connection_id)
            try:
                await self._run(disconnect_event(connection_id), "ws $disconnect")
            except Exception as error:
                self._invoker.record(Delivery(step=STEP, trigger="ws $disconnect", duration_ms=0,
                                              outcome=f"failed: {type(error).__name__}: {error}", ok=False))

