"""GIVEN 40 clients that stall WHEN `motia dev` stops THEN it is done within 5 s, every client let go.

A module of its own: it starts its own emulator, which cannot run beside another in one process.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from compiler.emulator.app import EmulatorOptions
from compiler.emulator.testing import Client, compile_and_synth
from tests.emulator.conftest import FLOWS

pytestmark = pytest.mark.slow


def _read_to_end(connection: socket.socket) -> bytes:
    """What the server sent before closing; socket.timeout when it keeps the connection open."""
    answer = b""
    try:
        while chunk := connection.recv(65536):
            answer += chunk
    except ConnectionResetError:
        pass
    return answer


def _post(path: str, headers: str, body: bytes = b"") -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n".encode() + body


def test_motia_dev_stops_within_5_s_with_40_stalled_clients() -> None:
    app, assembly = compile_and_synth(FLOWS)
    emulator = Client(app, assembly, EmulatorOptions(port=0, run_schedules=False))
    emulator.start()
    host, port = emulator.url.removeprefix("http://").split(":")
    stalled = [socket.create_connection((host, int(port)), timeout=10) for _ in range(40)]
    stopping = threading.Thread(target=emulator.stop, daemon=True)  # bounded even when stop hangs
    try:
        for index, connection in enumerate(stalled):  # silent, half a request line, half a body
            connection.sendall([b"", b"GET /jo", _post("/jobs", "Content-Length: 1000\r\n", b"{")][index % 3])
        time.sleep(0.3)  # 32 of them now hold every request worker
        started = time.monotonic()
        stopping.start()
        stopping.join(timeout=5)
        assert not stopping.is_alive(), "motia dev did not stop within 5 s"
        print(f"stopped in {time.monotonic() - started:.2f} s with 40 stalled clients")
        for connection in stalled:  # every client was let go: nothing, a 400 or an HTTP/0.9 404, then the end
            connection.settimeout(1)
            _read_to_end(connection)
    finally:
        for connection in stalled:
            connection.close()
        if not stopping.is_alive() and stopping.ident is None:
            emulator.stop()
        stopping.join(timeout=30)  # the next test gets a process with no emulator left running
