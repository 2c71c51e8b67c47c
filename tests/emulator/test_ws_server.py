"""`motia dev`'s stream server, driven by a `websockets` client: Motia's protocol end to end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from compiler.emulator.testing import Client, running_app

pytestmark = pytest.mark.slow

REALTIME = Path(__file__).resolve().parents[1] / "fixtures" / "emulator" / "realtime"
WAIT_S = 10.0


@pytest.fixture(scope="module")
def realtime() -> Iterator[Client]:
    with running_app(REALTIME) as emulator:
        yield emulator


def _client(emu: Client, token: str = "secret-alice") -> ClientConnection:
    assert emu.ws_url is not None
    return connect(emu.ws_url, subprotocols=["Authorization", token], open_timeout=WAIT_S)  # type: ignore[list-item]


def _send(ws: ClientConnection, kind: str, group: str, item: str | None = None, sub: str = "s1") -> None:
    data = {"streamName": "todos", "groupId": group, "subscriptionId": sub, **({"id": item} if item else {})}
    ws.send(json.dumps({"type": kind, "data": data}))


def _next(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(ws.recv(timeout=WAIT_S))
    assert isinstance(message, dict)
    return message


def _group() -> str:
    return f"shared-{os.urandom(3).hex()}"


def test_serves_on_loopback_and_picks_the_authorization_protocol(realtime: Client) -> None:
    assert realtime.ws_url is not None and realtime.ws_url.startswith("ws://127.0.0.1:")
    with _client(realtime) as ws:
        assert ws.subprotocol == "Authorization"


def test_group_subscriber_gets_the_sync_then_create_update_delete(realtime: Client) -> None:
    realtime.request("PUT", "/todos/alice/before", {"title": "old"})
    with _client(realtime) as ws:
        _send(ws, "join", "alice")
        sync = _next(ws)
        assert sync["event"]["type"] == "sync" and "id" not in sync
        assert {"title": "old", "id": "before"} in sync["event"]["data"]
        realtime.request("PUT", "/todos/alice/t1", {"title": "milk"})
        realtime.request("PATCH", "/todos/alice/t1", {"done": True})
        realtime.request("DELETE", "/todos/alice/t1")
        frames = [_next(ws) for _ in range(3)]
    assert [(f["groupId"], f["id"], f["event"]["type"]) for f in frames] == [
        ("alice", "t1", "create"), ("alice", "t1", "update"), ("alice", "t1", "delete"),
    ]
    assert frames[1]["event"]["data"] == {"title": "milk", "done": True, "id": "t1"}
    assert frames[0]["timestamp"] > sync["timestamp"]


def test_item_subscriber_sees_only_its_item(realtime: Client) -> None:
    group = _group()
    with _client(realtime, "secret-bob") as ws:
        _send(ws, "join", group, "mine")
        assert _next(ws)["event"] == {"type": "sync", "data": None}
        realtime.request("PUT", f"/todos/{group}/other", {"title": "not mine"})
        realtime.request("PUT", f"/todos/{group}/mine", {"title": "mine"})
        frame = _next(ws)
    assert (frame["id"], frame["event"]) == ("mine", {"type": "create", "data": {"title": "mine", "id": "mine"}})


def test_leave_stops_the_frames(realtime: Client) -> None:
    group = _group()
    with _client(realtime) as ws:
        _send(ws, "join", group, sub="a")
        _next(ws)
        _send(ws, "leave", group, sub="a")
        _send(ws, "join", group, "marker", sub="b")  # frames arrive in order: the leave is done
        _next(ws)
        realtime.request("PUT", f"/todos/{group}/x", {"n": 1})
        realtime.request("PUT", f"/todos/{group}/marker", {"n": 2})
        frame = _next(ws)
    assert frame["id"] == "marker"
    assert realtime.state("leaves", f"alice-{group}-None") is True


def test_rejects_a_client_without_a_valid_token(realtime: Client) -> None:
    with pytest.raises(InvalidStatus) as refused:
        _client(realtime, "forged")
    assert refused.value.response.status_code == 401


def test_fails_a_join_on_join_refuses(realtime: Client) -> None:
    with _client(realtime, "secret-bob") as ws:
        _send(ws, "join", "alice", sub="refused")
        _send(ws, "join", "shared", "probe", sub="allowed")
        frame = _next(ws)  # the allowed join's sync comes first: the refused one sent nothing
        realtime.request("PUT", "/todos/alice/secret", {"title": "alice only"})
        realtime.request("PUT", "/todos/shared/probe", {"title": "open"})
        second = _next(ws)
    assert (frame["groupId"], frame["event"]["type"]) == ("shared", "sync")
    assert (second["groupId"], second["id"]) == ("shared", "probe")
    assert realtime.state("joins", "bob-alice-None") is False


def test_dropped_connection_is_forgotten_and_runs_on_leave(realtime: Client) -> None:
    group = _group()
    with _client(realtime) as ws:
        _send(ws, "join", group, "gone")
        _next(ws)
        ws.socket.shutdown(socket.SHUT_RDWR)  # the network goes away: no close frame
    assert realtime.wait_until(lambda: realtime.state("leaves", f"alice-{group}-gone") is True, timeout=WAIT_S)
    realtime.request("PUT", f"/todos/{group}/gone", {"n": 1})
    assert realtime.wait_idle()
    assert realtime.ws is not None and realtime.ws.poster.connections == 0


def test_motia_dev_prints_the_ws_address_it_listens_on() -> None:
    repo = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "compiler", "dev", "--app-dir", str(REALTIME), "--port", "0", "--ws-port", "0"]
    process = subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(repo)})
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        [streams] = [line for line in lines if line.strip().startswith("streams ")]
        url = streams.split()[1]
        assert url.startswith("ws://127.0.0.1:"), lines
        with connect(url, subprotocols=["Authorization", "secret-alice"], open_timeout=WAIT_S) as ws:  # type: ignore[list-item]
            _send(ws, "join", "alice")
            assert _next(ws)["event"]["type"] == "sync"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
