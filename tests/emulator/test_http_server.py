"""GIVEN client mistakes and misbehaving clients WHEN they reach `motia dev`'s HTTP API
THEN 4xx as API Gateway answers them, never a 500 or a traceback, and stop stays quick."""

from __future__ import annotations

import json
import socket
import struct
import time
from typing import Iterator

import pytest

from compiler.emulator import http_server
from compiler.emulator.http_server import HttpApi
from compiler.emulator.testing import Client, running_app
from tests.emulator.conftest import FLOWS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def flows() -> Iterator[Client]:
    with running_app(FLOWS) as emulator:
        yield emulator


def _exchange(url: str, raw: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send `raw` as is on a new connection; the status and body of the answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)  # all sent: a request cut short ends here, not at the timeout
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _post(path: str, headers: str, body: bytes = b"") -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n".encode() + body


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "0x10", "+3"])
def test_rejects_a_bad_content_length_with_400(flows: Client, length: str) -> None:
    status, body = _exchange(flows.url, _post("/jobs", f"Content-Length: {length}\r\n", b'{"id": "x"}'))
    assert (status, json.loads(body)) == (400, {"message": "Bad Request"})


def test_rejects_a_body_over_lambdas_6_mb_with_413(flows: Client) -> None:
    status, body = _exchange(flows.url, _post("/jobs", f"Content-Length: {6 * 1024 * 1024 + 1}\r\n"))
    assert (status, json.loads(body)) == (413, {"message": "Request Entity Too Large"})


def test_rejects_a_body_shorter_than_its_content_length_with_400(flows: Client) -> None:
    host, port = flows.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(_post("/jobs", "Content-Length: 100\r\n", b'{"id"'))
        connection.shutdown(socket.SHUT_WR)  # the client has sent all it will
        assert connection.recv(65536).startswith(b"HTTP/1.0 400")


@pytest.mark.parametrize("method", ["FOO", "PROPFIND", "TRACE", "CONNECT"])
def test_rejects_an_unknown_method_with_api_gateways_json_404(flows: Client, method: str) -> None:
    status, body = _exchange(flows.url, f"{method} /jobs HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert (status, json.loads(body)) == (404, {"message": "Not Found"})


def test_a_chunked_body_reaches_the_step(flows: Client) -> None:
    payload = json.dumps({"id": "chunked-job"}).encode()
    chunked = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (payload[:5], payload[5:])) + b"0\r\n\r\n"
    status, body = _exchange(flows.url, _post("/jobs", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", chunked))
    assert status == 202 and json.loads(body)["enqueued"] == 1


@pytest.mark.parametrize("chunked", [b"zz\r\nabc\r\n0\r\n\r\n", b"5\r\nab", b"3\r\nabcXX0\r\n\r\n"])
def test_rejects_a_malformed_chunked_body_with_400(flows: Client, chunked: bytes) -> None:
    status, _ = _exchange(flows.url, _post("/jobs", "Transfer-Encoding: chunked\r\n", chunked))
    assert status == 400


@pytest.mark.parametrize("body", [
    b'{"id": NaN}', b'{"id": Infinity}', b'{"id": "\xed\xa0\x80"}', b'{"id": "\\ud800"}', b"[" * 50_000, b"\xff\xfe",
])
def test_json_that_motia_refuses_reaches_the_step_as_no_body_and_it_answers_4xx(flows: Client, body: bytes) -> None:
    # The Submit step answers 400 to a missing body, as a Motia step would: never a 500 from us.
    status, answer = _exchange(flows.url, _post("/jobs", f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n", body))
    assert (status, json.loads(answer)) == (400, {"error": "a JSON object with an id is required"})


def _serving(flows: Client, timeout_s: float) -> HttpApi:
    assert flows.invoker is not None
    api = HttpApi(flows.app, flows.invoker, port=0, request_timeout_s=timeout_s)
    api.start()
    return api


def test_cuts_off_a_stalled_client_after_the_request_timeout_without_a_traceback(
    flows: Client, capsys: pytest.CaptureFixture[str],
) -> None:
    api = _serving(flows, 0.3)
    try:
        host, port = api.host, api.port
        for stalled in (b"", b"POST /jobs HTTP/1.1\r\nContent-", _post("/jobs", "Content-Length: 50\r\n", b"{")):
            with socket.create_connection((host, port), timeout=10) as connection:
                connection.sendall(stalled)
                started = time.monotonic()
                assert connection.recv(65536) == b""  # closed by the server, no answer owed (socket.timeout if not)
                assert 0.2 < time.monotonic() - started < 5
    finally:
        api.stop()
    assert "Traceback" not in capsys.readouterr().err


def test_prints_nothing_when_a_client_goes_away_before_its_answer(flows: Client, capsys: pytest.CaptureFixture[str]) -> None:
    api = _serving(flows, 5)
    try:
        for request in (_post("/jobs", "Content-Type: application/json\r\nContent-Length: 11\r\n", b'{"id": "r"}'),
                        _post("/jobs", "Content-Length: 100\r\n", b"{")):
            connection = socket.create_connection((api.host, api.port), timeout=10)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
            connection.sendall(request)
            connection.close()
        time.sleep(0.5)  # the server answers into reset connections
    finally:
        api.stop()
    assert "Traceback" not in capsys.readouterr().err


def test_the_request_timeout_and_body_limit_are_bounded() -> None:
    assert 0 < http_server.REQUEST_TIMEOUT_S <= 30 and http_server.MAX_BODY == 6 * 1024 * 1024
