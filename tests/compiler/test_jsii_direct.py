"""compiler/jsii_direct.py: jsii's kernel in one Node process, its API on stdin and stdout, what
JavaScript prints kept off that channel; used only with the jsii runtime it was tested with."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import jsii_direct
from compiler.jsii_direct import (
    BOOTSTRAP,
    BOOTSTRAP_FILE,
    ENVIRONMENT,
    TESTED_RUNTIME,
    direct_runtime,
    jsii_runtime_version,
    kernel_pid,
)

REPO = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")

# A stand-in for jsii's program.js: it talks on fd 3 as the real one does, and prints.
FAKE_PROGRAM = r"""
const fs = require('fs');
function readLine() {  // a byte at a time, so that each message is its own read
  const byte = Buffer.alloc(1);
  let line = '';
  while (fs.readSync(3, byte, 0, 1, null) === 1 && byte[0] !== 10) line += String.fromCharCode(byte[0]);
  return line;
}
const question = readLine();
console.log('printed by JavaScript');
process.stderr.write('warned by JavaScript\n');
// Some library looks at stdin; the kernel's host lets the event loop run between messages.
process.stdin.on('data', () => { throw new Error('stdin is the API channel'); });
const links = process.execArgv.includes('--preserve-symlinks') ? 'symlinks' : 'hard links';
fs.writeSync(3, 'answer to ' + question + ' with ' + links + '\n');
setTimeout(() => fs.writeSync(3, 'then ' + readLine() + '\n'), 100);
"""


def test_bootstrap_puts_the_api_on_stdin_and_stdout_and_what_js_prints_in_envelopes(tmp_path: Path) -> None:
    assert NODE is not None, "node is required (aws-cdk-lib runs on it)"
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "program.js").write_text(FAKE_PROGRAM)
    (tmp_path / BOOTSTRAP_FILE).parent.mkdir(parents=True)
    (tmp_path / BOOTSTRAP_FILE).write_text(BOOTSTRAP)
    # With the environment the Python side sets beside JSII_RUNTIME.
    run = subprocess.run([str(NODE), str(tmp_path / BOOTSTRAP_FILE)], input=b"question\nanother\n", capture_output=True,
                         timeout=30, env={**os.environ, **ENVIRONMENT})
    assert run.returncode == 0, run.stderr
    # The API channel carries nothing else; the kernel sees --preserve-symlinks, as the relay gives it,
    # and links each package from jsii's cache with one symlink.
    assert run.stdout == b"answer to question with symlinks\nthen another\n"
    # As jsii-runtime.js forwards them, and jsii's Python side unpacks them.
    envelopes = [json.loads(line) for line in run.stderr.splitlines()]
    assert [(key, base64.b64decode(value)) for e in envelopes for key, value in e.items()] == [
        ("stdout", b"printed by JavaScript\n"), ("stderr", b"warned by JavaScript\n")]


def test_the_bootstrap_is_written_once_beside_jsii_s_kernel(tmp_path: Path) -> None:
    if jsii_runtime_version() != TESTED_RUNTIME:
        pytest.fail(f"jsii's runtime is {jsii_runtime_version()}, not {TESTED_RUNTIME}: test it and update TESTED_RUNTIME")
    path = direct_runtime(tmp_path, environ={})
    assert path is not None and path.read_text() == BOOTSTRAP
    assert (path.parent.parent / "lib" / "program.js").stat().st_size > 100_000
    assert direct_runtime(tmp_path, environ={}) == path and len(list((tmp_path / "jsii-direct").iterdir())) == 1


def test_jsii_s_relay_stays_when_asked_or_untested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert direct_runtime(tmp_path, environ={"MOTIA_JSII_DIRECT": "0"}) is None
    assert direct_runtime(tmp_path, environ={"JSII_RUNTIME": "/their/own.js"}) is None
    monkeypatch.setattr(jsii_direct, "jsii_runtime_version", lambda: "0.0.1")
    assert direct_runtime(tmp_path, environ={}) is None
    assert not (tmp_path / "jsii-direct").exists()


KERNEL_COMMAND = """
import os
from compiler.synth import configure_jsii_environment
configure_jsii_environment(validate=False)
from aws_cdk import Duration
from jsii._runtime import kernel
assert Duration.minutes(2).to_seconds() == 120
pid = kernel.provider._process._process.pid
print(open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")[-2].decode())
print(b"NODE_PRESERVE_SYMLINKS=1" in open(f"/proc/{pid}/environ", "rb").read().split(b"\\0"))
os._exit(0)
"""


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads the Node command line from /proc")
@pytest.mark.parametrize("direct", ["1", "0"])
def test_a_synth_process_talks_to_jsii_s_kernel_directly_unless_told_not_to(tmp_path: Path, direct: str) -> None:
    env = {**os.environ, "MOTIA_CACHE_DIR": str(tmp_path), "MOTIA_JSII_DIRECT": direct, "PYTHONPATH": str(REPO)}
    for inherited in ("JSII_RUNTIME", *ENVIRONMENT):  # set by synths earlier in this test process
        env.pop(inherited, None)
    run = subprocess.run([sys.executable, "-c", KERNEL_COMMAND], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    script, preserves_symlinks = run.stdout.split()
    assert script.endswith(BOOTSTRAP_FILE if direct == "1" else "jsii-runtime.js")
    assert preserves_symlinks == str(direct == "1")


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads the Node command line from /proc")
def test_kernel_pid_is_jsii_s_node_process() -> None:
    from compiler.synth import new_app

    new_app(None, validate=False)  # Node runs from here on
    pid = kernel_pid()
    assert pid is not None
    assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"node")


@pytest.mark.slow
@pytest.mark.parametrize("direct", ["1", "0"])
def test_a_synth_leaves_nothing_of_jsii_in_the_temporary_folder(tmp_path: Path, direct: str) -> None:
    # jsii extracted its runtime into a new temporary folder at each Node start (even when
    # JSII_RUNTIME named ours) and removed it in an exit handler that `motia`'s os._exit skips.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "MOTIA_JSII_DIRECT": direct}
    for inherited in ("JSII_RUNTIME", *ENVIRONMENT):  # set by synths earlier in this test process
        env.pop(inherited, None)
    run = subprocess.run([sys.executable, "-m", "compiler.cli", "synth", "--no-cache", "--app-dir",
                          str(REPO / "tests" / "fixtures" / "projects" / "relative_imports"), "--out", str(tmp_path / "out")],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert list(temporary.rglob("jsii-runtime.js")) == []
