"""Running a Motia project on the emulator from tests: yours and ours (docs/emulator.md).

    from compiler.emulator.testing import running_app

    def test_order_flow():
        with running_app("path/to/project") as emu:
            status, body = emu.post_json("/orders", {"amount": 5})
            assert emu.wait_idle()

`running_app` compiles, synthesizes (once per project per test session, and not at all
when the assembly cache holds the project's unchanged assembly) and starts the
emulator on a free port with schedules off (fire them with `emu.fire_cron(step)`); it stops
everything, threads and sockets, when the block ends. A project with streams also serves
Motia's stream protocol: connect Motia's clients (or `websockets`) to `emu.ws_url`.
"""

from __future__ import annotations

import json
import tempfile
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from compiler.emulator.app import Emulator, EmulatorOptions
from compiler.emulator.backend import Mode
from compiler.errors import ProjectError
from compiler.ir import Application

_assemblies: dict[tuple[str, str], tuple[Application, Path]] = {}
_tmp_root: tempfile.TemporaryDirectory[str] | None = None


def compile_and_synth(app_dir: str | Path, stage: str = "dev") -> tuple[Application, Path]:
    """The compiled app and its cloud assembly, kept for the life of the process; the
    assembly comes from the user's assembly cache when the project has not changed."""
    global _tmp_root
    key = (str(Path(app_dir).resolve()), stage)
    if key not in _assemblies:
        from compiler.pipeline import compile_project
        from compiler.report import format_diagnostics
        from compiler.synth import synthesize_cached

        app = compile_project(Path(app_dir), stage=stage)
        if app.errors:
            raise ProjectError("\n".join(format_diagnostics(app.diagnostics)))
        if _tmp_root is None:
            _tmp_root = tempfile.TemporaryDirectory(prefix="motia-emulator-")
        out = Path(_tmp_root.name) / f"{len(_assemblies)}-{app.prefix}"
        synthesize_cached(app, out, link=True, for_emulator=True)  # the emulator only reads the assembly
        _assemblies[key] = (app, out)
    return _assemblies[key]


class Client(Emulator):
    """The emulator plus small HTTP helpers for tests."""

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            **({"content-type": "application/json"} if body is not None and not isinstance(body, bytes) else {}),
            **(headers or {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()

    def post_json(self, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        status, _, raw = self.request("POST", path, body, headers)
        return status, json.loads(raw) if raw else None

    def get_json(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        status, _, raw = self.request("GET", path, None, headers)
        return status, json.loads(raw) if raw else None

    def state(self, group: str, key: str) -> Any:
        """A state value as the steps stored it (read through the shim's own store)."""
        from lambda_runtime.state_store import DynamoStateStore

        return DynamoStateStore(self.app.table("state").table_name).get(group, key)

    def state_list(self, group: str) -> list[Any]:
        from lambda_runtime.state_store import DynamoStateStore

        return DynamoStateStore(self.app.table("state").table_name).list(group)


@contextmanager
def running_app(app_dir: str | Path, *, port: int = 0, mode: Mode = "inprocess", run_schedules: bool = False,
                stage: str = "dev", ws_port: int = 0) -> Iterator[Client]:
    """The project running on the emulator for the block; stopped (and its port freed) after."""
    app, assembly = compile_and_synth(app_dir, stage)
    emulator = Client(app, assembly, EmulatorOptions(port=port, mode=mode, run_schedules=run_schedules, ws_port=ws_port))
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
