"""The HTTP API on 127.0.0.1: each request becomes an API Gateway v2 event for its route's step.

The step's proxy result goes back on the socket as API Gateway would send it: status,
headers and body bytes unchanged. Unknown routes and methods answer API Gateway's own 404,
a body over Lambda's 6 MB its 413, a bad Content-Length 400, a function that crashes the
shim its 500 `Internal Server Error`. A client that stalls is cut off after REQUEST_TIMEOUT_S
of silence, and at stop; one that goes away is nobody's error and prints nothing.
"""

from __future__ import annotations

import errno
import socket
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from compiler.emulator.events import HttpReply, HttpRequest, error_reply, http_event, http_reply
from compiler.emulator.http_settings import is_preflight, preflight_reply, unauthorized, with_cors
from compiler.emulator.invoker import Delivery, Invocation, Invoker
from compiler.emulator.routing import match_route
from compiler.emulator.static_files import StaticFiles
from compiler.errors import PortInUse
from compiler.ir import Application
from lambda_runtime.invocation import new_id

MAX_BODY = 6 * 1024 * 1024  # Lambda's request payload limit (API Gateway's own 10 MB is never reached)
REQUEST_WORKERS = 32  # requests served at once; more wait for a worker
REQUEST_TIMEOUT_S = 10.0  # a client silent this long while sending its request (or not reading the reply) is cut off
STOP_GRACE_S = 2.0  # at stop, requests in progress have this long to answer before their clients are cut off


class _Server(ThreadingHTTPServer):
    """Requests run on a pool of long-lived threads, not a new thread each: a thread keeps its
    event loop (`lambda_runtime.invocation`) between requests, as a warm Lambda container does,
    instead of creating and closing one per request (a socket pair and an epoll set each)."""

    allow_reuse_address = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Before binding: a failed bind calls server_close, which shuts the pool down.
        self._pool = ThreadPoolExecutor(REQUEST_WORKERS, thread_name_prefix="motia-http")
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()  # accepted, not yet closed: what stop() may have to cut off
        self._work: set[Future[None]] = set()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._open.add(request)
            try:
                future = self._pool.submit(self.process_request_thread, request, client_address)
            except RuntimeError:  # the pool is shut down: stop() is under way
                self._open.discard(request)
                self.shutdown_request(request)
                return
            self._work.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._work.discard(future)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away or stalled is nobody's error; anything else is ours: say so."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def _cut(self, how: int) -> None:
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            try:
                connection.shutdown(how)
            except OSError:  # already closed by its request thread
                pass

    def server_close(self) -> None:
        """Close the socket, then end every connection, whatever its client does."""
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)  # queued requests never start
        self._cut(socket.SHUT_RD)  # a client still sending, or silent, has sent all it will: its request ends now
        with self._lock:
            running = list(self._work)
        wait(running, timeout=STOP_GRACE_S)  # requests in progress answer
        self._cut(socket.SHUT_RDWR)  # a client that does not read its answer is cut off
        self._pool.shutdown(wait=True)  # nothing runs after stop
        with self._lock:
            never_started = list(self._open)
        for connection in never_started:
            self.shutdown_request(connection)


def _handler_class(app: Application, invoker: Invoker, request_timeout_s: float,
                   static: StaticFiles | None = None) -> type[BaseHTTPRequestHandler]:
    functions = {fn.name: fn.function_name for fn in app.functions}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: shutdown never waits on idle keep-alives
        server_version = "motia-dev"
        timeout = request_timeout_s  # socket timeout of every read and write (StreamRequestHandler.setup)

        def log_message(self, format: str, *args: Any) -> None:  # the emulator prints deliveries instead
            return

        def __getattr__(self, name: str) -> Callable[[], None]:
            # Any method, not only those of the routes: an unknown one is API Gateway's 404, not a 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def _read_body(self) -> bytes | HttpReply:
            """The body, or the reply to a client mistake (Content-Length not a count, body too large)."""
            if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
                return _read_chunked(self.rfile)
            given = (self.headers.get("content-length") or "0").strip()
            if not given.isdigit():  # also refuses negatives, which would read until the client closes
                return error_reply(400, "Bad Request")
            length = int(given)
            if length > MAX_BODY:
                return error_reply(413, "Request Entity Too Large")
            body = self.rfile.read(length) if length else b""
            if len(body) < length:  # the client closed before sending what it announced
                return error_reply(400, "Bad Request")
            return body

        def _serve(self) -> None:
            raw_path, _, raw_query = self.path.partition("?")
            body = self._read_body()
            if isinstance(body, HttpReply):
                self.close_connection = True
                self._send(body)
                return
            headers = tuple(self.headers.items())
            if app.settings.cors and is_preflight(self.command, headers):  # API Gateway answers it itself
                self._send(preflight_reply(app.settings.cors, headers))
                return
            match = match_route(app.routes, self.command, raw_path)
            if match is None:  # the project's own pages, if any (static_files), else API Gateway's 404
                page = static.reply(self.command, raw_path) if static is not None else None
                self._send(page or error_reply(404, "Not Found"))
                return
            denied = unauthorized(app.settings.jwt, match.route, headers)
            if denied is not None:  # the authorizer refuses before any step runs
                self._send(denied)
                return
            request = HttpRequest(
                method=self.command, raw_path=raw_path, raw_query=raw_query,
                headers=tuple(self.headers.items()), body=body,
                source_ip=self.client_address[0], time=datetime.now(timezone.utc),
            )
            event = http_event(request, match.route_key, match.path_parameters, new_id())
            invocation = invoker.invoke(functions[match.route.function], event)
            reply, outcome = reply_of(invocation)
            trace = event["headers"].get("x-motia-trace-id") or event["headers"].get("x-trace-id")
            # Recorded before replying: a client that reads its response and then looks at
            # the deliveries (tests, --smoke) must find this one there.
            invoker.record(Delivery(
                step=match.route.function, trigger=f"http {match.route_key}",
                duration_ms=invocation.duration_ms, outcome=outcome,
                ok=invocation.error is None and reply.status < 500, trace_ids=(trace,) if trace else (),
            ))
            self._send(reply)

        def _send(self, reply: HttpReply) -> None:
            if app.settings.cors:
                reply = with_cors(app.settings.cors, tuple(self.headers.items()), reply)
            self.send_response(reply.status)
            names = {name.lower() for name, _ in reply.headers}
            for name, value in reply.headers:
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            if "content-type" not in names and reply.body:
                self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    return Handler


def reply_of(invocation: Invocation) -> tuple[HttpReply, str]:
    """What API Gateway answers for an invocation, and how the delivery line says it ended."""
    if invocation.error is not None:
        return error_reply(500, "Internal Server Error"), f"500 (function error: {invocation.error})"
    try:
        reply = http_reply(invocation.result)
    except Exception as error:  # e.g. a statusCode that is not a number: API Gateway's 500 too
        return error_reply(500, "Internal Server Error"), f"500 (malformed function response: {error!r})"
    return reply, str(reply.status)


def _read_chunked(stream: Any) -> bytes | HttpReply:
    """A `Transfer-Encoding: chunked` body (API Gateway accepts them), at most MAX_BODY bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        line = stream.readline(1024).split(b";", 1)[0].strip()
        try:
            length = int(line, 16)
        except ValueError:
            return error_reply(400, "Bad Request")
        if length < 0:
            return error_reply(400, "Bad Request")
        if length == 0:
            while stream.readline(1024).strip():  # trailers, up to the blank line
                pass
            return b"".join(chunks)
        size += length
        if size > MAX_BODY:
            return error_reply(413, "Request Entity Too Large")
        chunk = stream.read(length)
        if len(chunk) < length or stream.readline(3).strip():  # cut short, or no CRLF after the chunk
            return error_reply(400, "Bad Request")
        chunks.append(chunk)


class HttpApi:
    """The running server; `port` 0 picks a free one (tests)."""

    def __init__(self, app: Application, invoker: Invoker, host: str = "127.0.0.1", port: int = 3000,
                 request_timeout_s: float = REQUEST_TIMEOUT_S, static: StaticFiles | None = None) -> None:
        try:
            self._server = _Server((host, port), _handler_class(app, invoker, request_timeout_s, static))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {port} on {host} is already in use; pass --port with a free port") from None
            raise
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="motia-dev-http", daemon=True)

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, let requests in progress answer (STOP_GRACE_S), cut off every client, close."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
