"""Motia's own Node client (`@motiadev/stream-client-node`) against `motia dev`'s stream server:
it sees the sync and every change made through HTTP."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

import pytest

from compiler.emulator.testing import running_app

pytestmark = pytest.mark.slow

NODE_DIR = Path(__file__).resolve().parent / "node"
REALTIME = Path(__file__).resolve().parents[1] / "fixtures" / "emulator" / "realtime"
WAIT_S = 15.0


States = dict[str, "queue.Queue[Any]"]  # per subscription kind ("group", "item"): the states reached


def _lines(stream: IO[str], out: States) -> None:
    for line in stream:
        if line.strip():
            message = json.loads(line)
            out[message["kind"]].put(message["state"])


def _until(out: States, kind: str, wanted: Any) -> list[Any]:
    """States of `kind` the client reached, up to the wanted one (a timeout says which it saw)."""
    seen: list[Any] = []
    while True:
        try:
            state = out[kind].get(timeout=WAIT_S)
        except queue.Empty:
            raise AssertionError(f"the Node client never reached {kind} state {wanted!r}; it reached {seen!r}") from None
        seen.append(state)
        if state == wanted:
            return seen


def test_node_client_sees_the_sync_and_every_http_change() -> None:
    node = shutil.which("node")
    assert node is not None, "Node 20 is needed for this test (it is on every machine: apt install nodejs)"
    assert (NODE_DIR / "node_modules" / "@motiadev" / "stream-client-node").is_dir(), (
        f"run `npm ci` in {NODE_DIR} (`make test` does it when package-lock.json changes)"
    )
    group = f"shared-node-{os.urandom(3).hex()}"
    with running_app(REALTIME) as emu:
        emu.request("PUT", f"/todos/{group}/t0", {"title": "before"})
        assert emu.ws_url is not None
        process = subprocess.Popen(
            [node, "watch.mjs", emu.ws_url, "secret-bob", "todos", group, "t1"], cwd=NODE_DIR,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        out: States = {"group": queue.Queue(), "item": queue.Queue()}
        assert process.stdout is not None
        threading.Thread(target=_lines, args=(process.stdout, out), daemon=True).start()
        try:
            before = {"title": "before", "id": "t0"}
            _until(out, "group", [before])  # the sync
            _until(out, "item", None)  # t1 does not exist yet
            emu.request("PUT", f"/todos/{group}/t1", {"title": "milk"})
            _until(out, "group", [before, {"title": "milk", "id": "t1"}])
            _until(out, "item", {"title": "milk", "id": "t1"})
            emu.request("PATCH", f"/todos/{group}/t1", {"done": True})
            _until(out, "group", [before, {"title": "milk", "done": True, "id": "t1"}])
            _until(out, "item", {"title": "milk", "done": True, "id": "t1"})
            emu.request("DELETE", f"/todos/{group}/t1")
            _until(out, "group", [before])
            _until(out, "item", None)
        finally:
            assert process.stdin is not None
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
