"""Headless Chromium driven over the Chrome DevTools Protocol with `websockets` (no new package).

    with headless_chromium(binary) as page:
        page.navigate("http://127.0.0.1:3000/")
        page.wait_for("document.title", timeout_s=5)

Chromium picks its own debugging port (`--remote-debugging-port=0`) and writes it to
`DevToolsActivePort` in a temporary profile; the process is killed and the profile removed
when the block ends, whatever happens in it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from websockets.sync.client import ClientConnection, connect

BINARIES = ("chromium", "chromium-browser")  # Debian's package, and the name other distributions use
START_TIMEOUT_S = 20.0


def find_chromium() -> str | None:
    for name in BINARIES:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


class Page:
    """One tab: send CDP commands, evaluate JavaScript, keep what the page logged (for failures)."""

    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._next_id = 0
        self.console: list[str] = []  # console messages and uncaught exceptions, in order

    def send(self, method: str, params: dict[str, Any] | None = None, timeout_s: float = 10.0) -> dict[str, Any]:
        self._next_id += 1
        command_id = self._next_id
        self._socket.send(json.dumps({"id": command_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout_s
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.0, deadline - time.monotonic())))
            if message.get("id") == command_id:
                if "error" in message:
                    raise AssertionError(f"CDP {method} failed: {message['error']}")
                return dict(message.get("result", {}))
            self._note(message)

    def _note(self, event: dict[str, Any]) -> None:
        params = event.get("params", {})
        if event.get("method") == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif event.get("method") == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.console.append(f"uncaught: {details.get('exception', {}).get('description') or details.get('text')}")

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout_s: float) -> Any:
        """Evaluate until the value is truthy; a timeout says the last value and what the page logged."""
        deadline = time.monotonic() + timeout_s
        value = None
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"the page never made {expression!r} true within {timeout_s} s "
                             f"(last value {value!r}); page console: {self.console!r}")


def _debugging_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + START_TIMEOUT_S
    active = profile / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"chromium exited with {process.returncode} before listening")
        lines = active.read_text().splitlines() if active.is_file() else []
        if lines and lines[0].strip().isdigit():
            return int(lines[0])
        time.sleep(0.05)
    raise AssertionError(f"chromium did not write {active} within {START_TIMEOUT_S} s")


@contextmanager
def headless_chromium(binary: str) -> Iterator[Page]:
    """A headless Chromium on 127.0.0.1 with one blank tab, driven over CDP."""
    with tempfile.TemporaryDirectory(prefix="motia-chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox",  # no sandbox: CI runs as root, which the sandbox refuses
             "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the renderers and helpers it starts end with it
        )
        try:
            port = _debugging_port(Path(profile), process)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
                targets = json.loads(response.read())
            tab = next(t for t in targets if t.get("type") == "page")
            with connect(tab["webSocketDebuggerUrl"], max_size=None) as socket:
                page = Page(socket)
                page.send("Runtime.enable")
                page.send("Page.enable")
                yield page
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
