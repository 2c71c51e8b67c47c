"""The code asset built in a process of its own, while this one emits the stack.

Building the asset (copying the project and our packages, compiling bytecode) takes about a
second for 300 steps, 0.4 s of it Python holding the interpreter lock. On a thread of the
synth's process that lock was taken from under the emitters, whose thousands of calls to Node
each wait for it on the way back: the emission was 0.2-0.3 s slower than alone. A process
has a lock of its own. `start` hands it the build as JSON (`code_asset.AssetBuild`) on stdin;
its output and pip's go where ours go; it writes its outcome as JSON to a file, and
`AssetJob.result` raises an `AssetError` it met as ours, with the same message.

    python -m compiler.code_asset_worker RESULT_FILE < build.json
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

from compiler.code_asset import AssetBuild, build_asset
from compiler.errors import AssetError

__all__ = ["AssetJob", "start"]

# Where `compiler` is imported from, so the worker finds it from any working directory.
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[1])


class AssetJob:
    """A running build; `result()` waits for it. Use it as a context manager: leaving the block
    early (an error in the emission) stops the build before its folder is removed."""

    def __init__(self, process: subprocess.Popen[bytes], dest: Path, outcome: Path) -> None:
        self._process, self._dest, self._outcome = process, dest, outcome

    def result(self) -> Path:
        code = self._process.wait()
        try:
            outcome = json.loads(self._outcome.read_text())
        except (OSError, ValueError):
            raise RuntimeError(f"building the code asset stopped without an outcome (exit status {code})") from None
        finally:
            self._outcome.unlink(missing_ok=True)
        if outcome.get("error") == AssetError.__name__:
            raise AssetError(outcome["message"])
        if "error" in outcome:
            raise RuntimeError(f"building the code asset failed:\n{outcome['traceback']}")
        return self._dest

    def __enter__(self) -> AssetJob:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.poll() is None:
            # The whole group: pip or the bytecode compiler, started by the worker, go with it.
            if os.name == "posix":
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
            else:
                self._process.kill()
            self._process.wait()
        self._outcome.unlink(missing_ok=True)


def start(build: AssetBuild, dest: Path) -> AssetJob:
    """Start building `build` into `dest` (created by the worker, must not exist)."""
    outcome = dest.parent / f".{dest.name}.outcome.json"
    outcome.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (_PACKAGE_PARENT, os.environ.get("PYTHONPATH"))))}
    # A session of its own, so that `AssetJob` can stop what it started; Ctrl-C reaches the synth,
    # which then stops it.
    process = subprocess.Popen([sys.executable, "-m", __name__, str(outcome)], stdin=subprocess.PIPE, env=env,
                               start_new_session=os.name == "posix")
    assert process.stdin is not None
    with process.stdin:
        process.stdin.write(json.dumps({"build": dataclasses.asdict(build), "dest": str(dest)}).encode())
    return AssetJob(process, dest, outcome)


def _build_from_request(request: dict[str, Any]) -> None:
    """`start`'s JSON back into an `AssetBuild` (JSON has lists where it has tuples), then built."""
    fields = dict(request["build"])
    fields["files"] = tuple(tuple(pair) for pair in fields["files"])
    fields["pip_command"] = tuple(fields["pip_command"])
    if fields["bytecode_python"] is not None:
        fields["bytecode_python"] = tuple(fields["bytecode_python"])
    build_asset(AssetBuild(**fields), Path(request["dest"]))


def main(argv: list[str]) -> int:
    outcome: dict[str, str] = {}
    try:
        _build_from_request(json.loads(sys.stdin.buffer.read()))
    except AssetError as error:
        outcome = {"error": AssetError.__name__, "message": str(error)}
    except Exception as error:  # noqa: BLE001  reported by the synth, with this traceback
        outcome = {"error": type(error).__name__, "message": str(error), "traceback": traceback.format_exc()}
    Path(argv[0]).write_text(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
