"""The HTTP API on 127.0.0.1: each request becomes an API Gateway v2 event for its route's step.

The step's proxy result goes back on the socket as API Gateway would send it: status,
headers and body bytes unchanged. Unknown routes answer API Gateway's own 404, a function
that crashes the shim answers its 500 `Internal Server Error`.
"""

from __future__ import annotations

import errno
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from compiler.emulator.events import HttpReply, HttpRequest, error_reply, http_event, http_reply
from compiler.emulator.invoker import Delivery, Invoker
from compiler.emulator.routing import match_route
from compiler.errors import PortInUse
from compiler.ir import Application
from lambda_runtime.invocation import new_id

MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit


REQUEST_WORKERS = 32  # requests served at once; more wait for a worker


class _Server(ThreadingHTTPServer):
    """Requests run on a pool of long-lived threads, not a new thread each: a thread keeps its
    event loop (`lambda_runtime.invocation`) between requests, as a warm Lambda container does,
    instead of creating and closing one per request (a socket pair and an epoll set each)."""

    allow_reuse_address = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Before binding: a failed bind calls server_close, which shuts the pool down.
        self._pool = ThreadPoolExecutor(REQUEST_WORKERS, thread_name_prefix="motia-http")
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        self._pool.submit(self.process_request_thread, request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=True)  # requests in progress end: nothing runs after stop


def _handler_class(app: Application, invoker: Invoker) -> type[BaseHTTPRequestHandler]:
    functions = {fn.name: fn.function_name for fn in app.functions}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: shutdown never waits on idle keep-alives
        server_version = "motia-dev"

        def log_message(self, format: str, *args: Any) -> None:  # the emulator prints deliveries instead
            return

        def _serve(self) -> None:
            raw_path, _, raw_query = self.path.partition("?")
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY:
                self._send(error_reply(413, "Request Entity Too Large"))
                return
            body = self.rfile.read(length) if length else b""
            match = match_route(app.routes, self.command, raw_path)
            if match is None:
                self._send(error_reply(404, "Not Found"))
                return
            request = HttpRequest(
                method=self.command, raw_path=raw_path, raw_query=raw_query,
                headers=tuple(self.headers.items()), body=body,
                source_ip=self.client_address[0], time=datetime.now(timezone.utc),
            )
            event = http_event(request, match.route_key, match.path_parameters, new_id())
            invocation = invoker.invoke(functions[match.route.function], event)
            if invocation.error is not None:
                reply, outcome = error_reply(500, "Internal Server Error"), f"500 (function error: {invocation.error})"
            else:
                reply = http_reply(invocation.result)
                outcome = str(reply.status)
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


class HttpApi:
    """The running server; `port` 0 picks a free one (tests)."""

    def __init__(self, app: Application, invoker: Invoker, host: str = "127.0.0.1", port: int = 3000) -> None:
        try:
            self._server = _Server((host, port), _handler_class(app, invoker))
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
        """Stop accepting, finish the requests in progress, close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
