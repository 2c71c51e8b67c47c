"""Lambda bytecode compiled once per source file: a synth compiles only the files it has not seen.

Every synth builds the code asset afresh, and compiling all of it (our runtime packages, the
steps, vendored requirements) with Lambda's Python took most of a code-only re-synth. The pycs
are hash-based (`unchecked-hash`) with the path Lambda unpacks to, so one depends only on the
source's bytes, its path in the asset and the interpreter: cached under that key, it is the
file compileall would write. Layout, under the user cache (`default_cache_root()`):

  bytecode/<interpreter key>/<ab>/<source key>.pyc
  pythons.json          what each probed interpreter said, valid while its executable is unchanged

No aws_cdk here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from compiler.atomic_write import write_atomically
from compiler.errors import AssetError

__all__ = ["Interpreter", "Warming", "compile_asset_bytecode", "describe_interpreter", "pyc_name",
           "remembered_interpreter", "warm_bytecode"]

BYTECODE_DIR = "bytecode"
PROBES_FILE = "pythons.json"
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks a function's code
# New files above this: compileall of the whole tree in parallel, else just those, in one process.
# A pool costs its workers' start: measured on 2 cores, 369 files took 0.24 s listed and 0.73 s as
# a parallel tree, and 100 changed step files 0.08 s listed (a code-only re-synth of 300 steps).
WHOLE_TREE_ABOVE = 1000
# Version, pyc tag and the real executable (a pyenv shim is a shell script: run the target).
_PROBE = "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.implementation.cache_tag); " \
         "print(sys.version.replace(chr(10), ' ')); print(sys.executable)"


@dataclass(frozen=True)
class Interpreter:
    """What a Python command is: its `major.minor`, pyc tag, full version and executable."""

    version: str
    cache_tag: str
    full_version: str
    executable: str

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.cache_tag}\0{self.full_version}".encode()).hexdigest()[:16]


def _stamp(executable: str) -> int | None:
    try:
        return os.stat(executable).st_mtime_ns
    except OSError:
        return None


def _read_probes(cache_root: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads((cache_root / PROBES_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _run_probe(python: Sequence[str]) -> Interpreter | None:
    try:
        probe = subprocess.run([*python, "-c", _PROBE], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = probe.stdout.splitlines()
    if probe.returncode != 0 or len(lines) != 4:
        return None
    return Interpreter(*lines)


def remembered_interpreter(python: Sequence[str], cache_root: Path) -> Interpreter | None:
    """What an earlier probe of `python` found, if its executable is unchanged since; never runs it."""
    record = _read_probes(cache_root).get(json.dumps(list(python)))
    if not isinstance(record, dict) or record.get("stamp") is None:
        return None
    try:
        known = Interpreter(str(record["version"]), str(record["cache_tag"]),
                            str(record["full_version"]), str(record["executable"]))
    except KeyError:
        return None
    return known if _stamp(known.executable) == record["stamp"] else None


def describe_interpreter(python: Sequence[str], cache_root: Path) -> Interpreter | None:
    """What `python` is (None: it does not run), probed once and remembered while its
    executable's modification time is unchanged (a probe through a pyenv shim takes ~0.1 s)."""
    known = remembered_interpreter(python, cache_root)
    if known is not None:
        return known
    found = _run_probe(python)
    if found is not None:
        probes = _read_probes(cache_root)
        probes[json.dumps(list(python))] = {**found.__dict__, "stamp": _stamp(found.executable)}
        write_atomically(cache_root / PROBES_FILE, json.dumps(probes, indent=1, sort_keys=True).encode())
    return found


def _source_key(relative: str, data: bytes) -> str:
    digest = hashlib.sha256(f"{relative}\0{len(data)}\0".encode())
    digest.update(data)
    return digest.hexdigest()


# What `compileall -s <asset> -p /var/task --invalidation-mode unchecked-hash` does to each listed
# file, without importing compileall (half of a 0.04 s process): lines of `source NUL path on
# Lambda NUL pyc` (py_compile writes the pyc atomically, its folder created).
_COMPILE_LISTED = """
import py_compile, sys
failed = False
for line in sys.stdin.read().splitlines():
    source, dfile, cfile = line.split("\\0")
    try:
        py_compile.compile(source, cfile, dfile, True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    except py_compile.PyCompileError as error:
        print(error.msg)
        failed = True
sys.exit(1 if failed else 0)
"""


@dataclass(frozen=True)
class PycJob:
    """One pyc to compile: from `source`, named `lambda_path` in its code (where Lambda finds
    it), written to `pyc`."""

    source: Path
    lambda_path: str
    pyc: Path


def _listed_input(jobs: Sequence[PycJob]) -> str:
    return "".join(f"{job.source}\0{job.lambda_path}\0{job.pyc}\n" for job in jobs)


def _compileall(dest: Path, python: Sequence[str], jobs: Sequence[PycJob] | None) -> None:
    """compileall for Lambda: hash-based pycs (no timestamps), paths as Lambda sees them.
    `jobs` None compiles the whole tree at `dest` (in parallel); else just those."""
    if jobs is None:
        command = [*python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                   "-s", str(dest), "-p", LAMBDA_TASK_ROOT, str(dest)]
        listed = ""
    else:
        command, listed = [*python, "-c", _COMPILE_LISTED], _listed_input(jobs)
    result = subprocess.run(command, input=listed, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssetError(f"compiling bytecode for Lambda failed:\n{result.stdout}{result.stderr}")


def pyc_name(source: Path, interpreter: Interpreter) -> str:
    """The name of `source`'s bytecode in its `__pycache__` folder, for `interpreter`."""
    return f"{source.stem}.{interpreter.cache_tag}.pyc"


def _cached_pyc(store: Path, relative: str, data: bytes) -> Path:
    key = _source_key(relative, data)
    return store / key[:2] / f"{key}.pyc"


@dataclass
class Warming:
    """The background compile `warm_bytecode` started (None: nothing to compile)."""

    process: subprocess.Popen[bytes] | None

    def wait(self) -> None:
        """Until its pycs are in the cache (or it failed: the asset's build then reports why)."""
        if self.process is not None:
            self.process.wait()
            self.process = None


def warm_bytecode(files: Sequence[tuple[Path, str]], python: Sequence[str], cache_root: Path) -> Warming:
    """Start compiling into the cache, in a process of `python` running beside this one, the
    pycs it lacks for `files` (each a source and its POSIX path in the code asset): a later
    `compile_asset_bytecode` of those files then finds them (a code-only re-synth compiles its
    changed files while it proves the model unchanged). Call `wait` before that."""
    interpreter = describe_interpreter(python, cache_root) if python else None
    if interpreter is None:
        return Warming(None)
    store = cache_root / BYTECODE_DIR / interpreter.key
    jobs = []
    for source, relative in files:
        cached = _cached_pyc(store, relative, source.read_bytes())
        if not cached.is_file():
            jobs.append(PycJob(source, f"{LAMBDA_TASK_ROOT}/{relative}", cached))
    if not jobs:
        return Warming(None)
    process = subprocess.Popen([interpreter.executable, "-c", _COMPILE_LISTED], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert process.stdin is not None
    process.stdin.write(_listed_input(jobs).encode())
    process.stdin.close()
    return Warming(process)


def compile_asset_bytecode(dest: Path, python: Sequence[str], cache_root: Path,
                           sources: Sequence[Path] | None = None) -> None:
    """Write __pycache__ for Lambda's Python into the asset at `dest` (Lambda's file system is
    read-only: without them every cold start compiles every module): cached pycs copied, the
    others compiled (the whole tree at once when many are new) and then cached. `sources`:
    only these files of the asset (a code-only re-synth's changed files); None: every .py."""
    interpreter = describe_interpreter(python, cache_root)
    if interpreter is None:
        _compileall(dest, python, None)  # fails with compileall's own message
        return
    run = (interpreter.executable,)  # skips a shim's start-up
    store = cache_root / BYTECODE_DIR / interpreter.key
    missing: list[tuple[PycJob, Path]] = []  # (its compile into the asset, its cache file)
    for source in sorted(dest.rglob("*.py")) if sources is None else sorted(sources):
        relative = source.relative_to(dest).as_posix()
        cached = _cached_pyc(store, relative, source.read_bytes())
        target = source.parent / "__pycache__" / pyc_name(source, interpreter)
        if cached.is_file():
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(cached, target)
        else:
            missing.append((PycJob(source, f"{LAMBDA_TASK_ROOT}/{relative}", target), cached))
    if not missing:
        return
    # Many new files (a first build): the whole tree in parallel; a few: just those, in one process.
    _compileall(dest, run, None if len(missing) > WHOLE_TREE_ABOVE else [job for job, _ in missing])
    for job, cached in missing:
        if job.pyc.is_file():  # compileall skips what it cannot compile; Lambda compiles it then
            write_atomically(cached, job.pyc.read_bytes())
