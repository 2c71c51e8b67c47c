"""jsii's kernel without its relay process: one Node process per synth instead of two.

jsii starts `node jsii-runtime.js`, which only starts a second Node running the kernel
(`program.js`, talking on its fd 3) and copies every message between the two: each of the
thousands of calls a synth makes crosses two more pipes, about 0.25 s of a 300-step synth on
this machine. `JSII_RUNTIME`, jsii's own setting for the script it starts, names `BOOTSTRAP`
instead: it runs `program.js` in its own process with fd 3 read from stdin and written to
stdout (jsii's Python side is unchanged), and forwards what JavaScript prints to stdout or
stderr in the relay's envelope, which jsii's Python side unpacks. `ENVIRONMENT` goes with it:
the relay starts the kernel with `--preserve-symlinks`, which Node also takes from there.

It depends on `program.js`'s internals, so it is used only with the jsii runtime version it was
tested with (`TESTED_RUNTIME`) and on POSIX systems; anything else keeps jsii's relay, as does
`MOTIA_JSII_DIRECT=0` or a `JSII_RUNTIME` of the user's own. No jsii import here: this runs
before Node starts.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

__all__ = ["BOOTSTRAP", "ENVIRONMENT", "ENV_DIRECT", "TESTED_RUNTIME", "direct_runtime", "jsii_runtime_version",
           "discard_runtime_folders", "hook_runtime_script", "kernel_pid"]

TESTED_RUNTIME = "1.142.0"
ENV_DIRECT = "MOTIA_JSII_DIRECT"
ENVIRONMENT = {"NODE_PRESERVE_SYMLINKS": "1"}  # beside JSII_RUNTIME (module docstring)
# jsii's embedded files and where program.js expects them beside itself.
RUNTIME_FILES = {"lib__program.js": "lib/program.js", "lib__runtime-index-worker.js": "lib/runtime-index-worker.js"}
BOOTSTRAP_FILE = "bin/motia-jsii-direct.js"
BOOTSTRAP = r"""'use strict';
// motia-aws (compiler/jsii_direct.py): jsii's kernel host in this process, without the relay of
// jsii-runtime.js. program.js talks on fd 3: here that is stdin for reads and stdout for writes.
const fs = require('fs');
const { Readable, Writable } = require('stream');
const API_FD = 3;
const readSync = fs.readSync;
const writeSync = fs.writeSync;
const pause = new Int32Array(new SharedArrayBuffer(4));
fs.readSync = function (fd, ...rest) {
  if (fd !== API_FD) return readSync.call(fs, fd, ...rest);
  for (;;) {  // stdin made non-blocking by someone after all: wait for the next message
    try { return readSync.call(fs, 0, ...rest); } catch (e) { if (e.code !== 'EAGAIN') throw e; Atomics.wait(pause, 0, 0, 1); }
  }
};
fs.writeSync = function (fd, ...rest) { return writeSync.call(fs, fd === API_FD ? 1 : fd, ...rest); };
// What JavaScript prints goes to stderr in the relay's envelope, never onto the API channel.
function envelope(key) {
  return new Writable({
    write(chunk, encoding, done) {
      const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), encoding);
      writeSync.call(fs, 2, JSON.stringify({ [key]: data.toString('base64') }) + '\n');
      done();
    },
  });
}
for (const key of ['stdout', 'stderr']) {
  const stream = envelope(key);
  Object.defineProperty(process, key, { configurable: true, enumerable: true, get: () => stream });
}
// Node makes a pipe non-blocking when process.stdin is first used: stdin is the API channel,
// which program.js reads synchronously, so JavaScript gets an empty stream instead.
const noInput = new Readable({ read() { this.push(null); } });
Object.defineProperty(process, 'stdin', { configurable: true, enumerable: true, get: () => noInput });
// jsii-runtime.js starts the kernel with --preserve-symlinks, and the kernel then links each
// package from its cache with one symlink instead of a tree of hard links (0.35 s for
// aws-cdk-lib). Node's module loader has it from NODE_PRESERVE_SYMLINKS (set by the Python side
// with JSII_RUNTIME); the kernel looks for it in execArgv.
if (process.env.NODE_PRESERVE_SYMLINKS === '1' && !process.execArgv.includes('--preserve-symlinks')) {
  process.execArgv.push('--preserve-symlinks');
}
require('../lib/program.js');
"""


def jsii_runtime_version() -> str | None:
    """The installed jsii's runtime version, read from its metadata without importing it."""
    spec = importlib.util.find_spec("jsii")
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        meta = json.loads((Path(next(iter(spec.submodule_search_locations))) / "_metadata.json").read_text())
        return str(meta["jsii-runtime"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def direct_runtime(cache_root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """The bootstrap script, written once under `cache_root` beside a copy of jsii's kernel
    files; None when jsii's relay stays (module docstring)."""
    environ = os.environ if environ is None else environ
    if os.name != "posix" or environ.get(ENV_DIRECT, "1") == "0" or environ.get("JSII_RUNTIME"):
        return None  # tested on Linux only
    version = jsii_runtime_version()
    if version != TESTED_RUNTIME:
        return None
    # Named by the bootstrap's text too: a changed bootstrap is written afresh.
    home = cache_root / "jsii-direct" / f"{version}-{hashlib.sha256(BOOTSTRAP.encode()).hexdigest()[:12]}"
    bootstrap = home / BOOTSTRAP_FILE
    if bootstrap.is_file():
        return bootstrap
    spec = importlib.util.find_spec("jsii._embedded.jsii")
    if spec is None or not spec.submodule_search_locations:
        return None
    embedded = Path(next(iter(spec.submodule_search_locations)))
    try:
        home.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=home.parent))
        for name, relative in RUNTIME_FILES.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(embedded / name, staging / relative)
        (staging / BOOTSTRAP_FILE).parent.mkdir(parents=True, exist_ok=True)
        (staging / BOOTSTRAP_FILE).write_text(BOOTSTRAP)
        try:
            staging.rename(home)  # whole or not at all; another process may have won
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError:
        return None  # an unwritable cache: jsii's relay works without it
    return bootstrap if bootstrap.is_file() else None


def kernel_pid() -> int | None:
    """The pid of jsii's Node process, started by then (jsii's internals: its process provider's
    `subprocess.Popen`); None when jsii is not the version tested or keeps it elsewhere."""
    import jsii

    if jsii_runtime_version() != TESTED_RUNTIME:
        return None
    node = getattr(getattr(getattr(jsii.kernel, "provider", None), "_process", None), "_process", None)
    pid = getattr(node, "pid", None)
    return pid if isinstance(pid, int) else None


# jsii's Node processes started since `hook_runtime_script`, with the folders their start made.
_STARTED: list[Any] = []


def hook_runtime_script() -> None:
    """jsii picks its runtime script with `environ.get("JSII_RUNTIME", self._jsii_runtime())`,
    so it extracts its own runtime files into a new temporary folder at each Node start even
    when JSII_RUNTIME names ours, and removes the folder in an exit handler, which the
    `os._exit` of our commands skips: 1.7 MB left in /tmp by every synth. Call before Node
    starts: JSII_RUNTIME, when set, is taken without extracting anything, and each start is
    remembered so that `discard_runtime_folders` can remove what jsii's relay extracted."""
    if jsii_runtime_version() != TESTED_RUNTIME:
        return
    from jsii._kernel.providers import process as jsii_process

    node_process = jsii_process._NodeProcess
    if getattr(node_process, "_motia_runtime_hook", False) or not hasattr(node_process, "_jsii_runtime"):
        return
    extract = node_process._jsii_runtime

    def runtime_script(self: Any) -> str:
        _STARTED.append(self)
        return os.environ.get("JSII_RUNTIME") or extract(self)

    node_process._jsii_runtime = runtime_script
    node_process._motia_runtime_hook = True


def discard_runtime_folders() -> None:
    """Remove the folders jsii extracted its runtime into (its relay's), before an `os._exit`."""
    for started in _STARTED:
        stack = getattr(started, "_ctx_stack", None)
        if stack is not None:
            try:
                stack.close()
            except OSError:
                pass  # best effort: the process is leaving
