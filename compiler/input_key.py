"""The raw inputs of one `motia synth`, hashed before compiling: the key of the unchanged fast
path (`compiler.resynth`). Standard library only, and no model: computing it must cost
milliseconds, where importing the pipeline alone costs 0.3 s.

A false hit deploys a stale template, a false miss costs one compile: so every ingredient
below errs towards missing. Why each is in the key:
- `project/<path>`: the bytes of every file under the project folder, not only the ones we
  know are read. Discovery reads names under steps/ and src/, loading imports step files and
  whatever project module they import (any folder, tests/ too), settings read
  pyproject.toml, the stage's `.env` files and `.env.secrets` (values a step may read at
  import), the code asset takes every .py, requirements.txt and include_files (globs: a new
  file can match), the layout file (`compiler.stack_layout`) and `motia_aws_stack.py` are read
  by the synth. Left out only what never holds an input: VCS folders, tool caches, bytecode,
  virtualenvs (what they install is under `interpreter`), node_modules, assemblies (`cdk.out`,
  the `--out` folder) and the cache itself.
- `options`: every option of the command as parsed (stage, app name, validate, the out
  folder as given and resolved) and the working directory (relative paths, `sys.path[0]`).
- `environment`: every variable but a few that change by themselves between two runs of the
  same shell (`VOLATILE_VARIABLES`): a step file may read any variable at import, settings and
  `.env` expansion read them, `MOTIA_*` choose pip, the cache and the bytecode Python.
- `tool`: the sources of `compiler/` and of the runtime packages the asset ships, by content.
- `interpreter`: Python's full version and executable, `sys.path`, and the names of what each
  path folder holds (a distribution's `*.dist-info` carries its version: aws-cdk-lib,
  pydantic, a project's dependencies) with the `.pth` files' bytes (editable installs).
- `bytecode`: the Python 3.12 candidates the asset's bytecode would be compiled with, with
  their targets' modification times (installing one changes the asset, not the environment).
Modules imported from outside all of these (a folder on PYTHONPATH, an editable install's
sources) are checked apart, by content, when a record is replayed (`external_files`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from compiler.file_digest import file_digest, sources_fingerprint

__all__ = [
    "PROJECT_LABEL",
    "VOLATILE_VARIABLES",
    "Inputs",
    "ProjectTooLarge",
    "SynthRequest",
    "changed_labels",
    "external_files",
    "inputs_of",
    "project_digests",
]

PROJECT_LABEL = "project/"  # the label of a project file's part: `project/<POSIX path>`
# Set by the shell itself from one command to the next; nothing a project should read.
VOLATILE_VARIABLES = frozenset({"_", "OLDPWD", "SHLVL", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY",
                                "TERM_SESSION_ID", "WINDOWID"})
# Folders that never hold an input of the compile or the asset (see the module docstring).
NOT_INPUT_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", "cdk.out", ".mypy_cache",
                            ".pytest_cache", ".ruff_cache", ".tox", ".nox"})
VENV_MARKER = "pyvenv.cfg"  # a folder holding it is a virtualenv
# Hashing reads every byte (about 1 GB/s): above this, a compile (a second or two) is cheaper.
MAX_PROJECT_BYTES = 256 * 1024 * 1024
_SITE_DIR_NAMES = ("site-packages", "dist-packages")


@dataclass(frozen=True)
class SynthRequest:
    """What one `motia synth` was asked: the project, where to write, its options (as text)."""

    app_dir: Path  # resolved
    out_dir: Path  # resolved
    cache_root: Path  # resolved
    options: tuple[tuple[str, str], ...]  # sorted (name, value)


@dataclass(frozen=True)
class Inputs:
    """The inputs of a request as (label, digest) pairs, sorted; `key` hashes them all."""

    parts: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        digest = hashlib.sha256()
        for label, value in self.parts:
            digest.update(f"{len(label)}:{label}{len(value)}:{value}".encode())
        return digest.hexdigest()[:32]


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ProjectTooLarge(Exception):
    """The project folder holds more than MAX_PROJECT_BYTES: hashing it would cost more than
    the compile it could save, so the fast path is not used."""


def project_digests(root: Path, skipped: Iterable[Path] = (), limit: int = MAX_PROJECT_BYTES) -> dict[str, str]:
    """`project/<POSIX path>` -> digest of every file under `root` but those in NOT_INPUT_DIRS,
    virtualenvs and the `skipped` folders (resolved); symbolic links followed, once each.
    Special files (FIFOs, sockets) are keyed by their kind, never read: reading one may block.
    `ProjectTooLarge` past `limit` bytes."""
    skip = {str(p) for p in skipped}
    found: dict[str, str] = {}
    total = 0
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen or VENV_MARKER in filenames:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames
                             if d not in NOT_INPUT_DIRS and os.path.join(dirpath, d) not in skip
                             and os.path.realpath(os.path.join(dirpath, d)) not in skip)
        for name in filenames:
            path = Path(dirpath, name)
            try:
                status = path.stat()
            except OSError:
                status = None  # a dangling link: keyed as unreadable
            if status is not None and not stat.S_ISREG(status.st_mode):
                digest = f"special {stat.S_IFMT(status.st_mode)}"
            else:
                total += status.st_size if status is not None else 0
                if total > limit:
                    raise ProjectTooLarge(f"{root} holds over {limit} bytes")
                digest = file_digest(path)
            found[PROJECT_LABEL + path.relative_to(root).as_posix()] = digest
    return found


def _environment(environ: Mapping[str, str]) -> str:
    kept = sorted((k, v) for k, v in environ.items() if k not in VOLATILE_VARIABLES)
    return _text_digest(json.dumps(kept))


def _path_folder(entry: str, written: Iterable[Path]) -> str:
    """What a `sys.path` folder holds: its names (versions of distributions), and .pth bytes;
    not the `written` folders (the working directory is on the path and may hold `--out`)."""
    folder = entry or "."
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return "absent"
    real = os.path.realpath(folder)
    ours = {p.name for p in written if str(p.parent) == real} | {"__pycache__"}  # bytecode comes and goes
    names = [name for name in names if name not in ours]
    digest = hashlib.sha256(json.dumps(names).encode())
    for name in names:
        if name.endswith(".pth"):
            digest.update(file_digest(Path(folder, name)).encode())
    return digest.hexdigest()


def _interpreter(request: SynthRequest) -> str:
    # The project folder is on the path while steps import, and hashed file by file already.
    written = (request.out_dir, request.cache_root)
    folders = [(entry, _path_folder(entry, written)) for entry in sys.path
               if os.path.realpath(entry or ".") != str(request.app_dir)]
    return _text_digest(json.dumps([sys.version, sys.executable, sys.implementation.cache_tag, folders]))


def _bytecode_pythons() -> str:
    from compiler.code_asset import python_candidates

    found = []
    for candidate in python_candidates():
        target = os.path.realpath(candidate)
        try:
            stamp = os.stat(target).st_mtime_ns
        except OSError:
            stamp = -1
        found.append((candidate, target, stamp))
    return _text_digest(json.dumps(found))


def _tool() -> dict[str, str]:
    from compiler.code_asset import RUNTIME_PACKAGES, package_dir

    parts = {"tool/compiler": sources_fingerprint(Path(__file__).resolve().parent)}
    for name in RUNTIME_PACKAGES:
        parts[f"tool/{name}"] = sources_fingerprint(package_dir(name))
    return parts


def _files(request: SynthRequest) -> dict[str, str]:
    """The parts read from files: hashed before the compile and again after the synth."""
    skipped = (request.out_dir, request.cache_root)
    return {**project_digests(request.app_dir, skipped), **_tool(), "interpreter": _interpreter(request)}


def inputs_of(request: SynthRequest, environ: Mapping[str, str], before: Inputs | None = None) -> Inputs:
    """The inputs of `request` now. With `before` (taken at the start of the same process),
    only the files are hashed again: the environment and options are the process's own, and
    the synth itself sets variables (jsii's) that no input changed."""
    if before is not None:
        fixed = {label: value for label, value in before.parts
                 if label in ("options", "environment", "bytecode")}
    else:
        fixed = {
            "options": _text_digest(json.dumps([*request.options, ("cwd", os.getcwd())])),
            "environment": _environment(environ),
            "bytecode": _bytecode_pythons(),
        }
    return Inputs(tuple(sorted({**fixed, **_files(request)}.items())))


def changed_labels(before: Inputs, after: Inputs) -> set[str]:
    """Labels whose digest differs, or that only one of the two has."""
    a, b = dict(before.parts), dict(after.parts)
    return {label for label in a.keys() | b.keys() if a.get(label) != b.get(label)}


def external_files(module_files: Iterable[str], covered: Iterable[Path]) -> tuple[str, ...]:
    """The files of imported modules outside every `covered` folder (the project, the tool,
    the standard library, the site folders), sorted: their bytes are in no other ingredient."""
    roots = [str(p) + os.sep for p in covered]
    found = set()
    for name in module_files:
        path = os.path.realpath(name)
        if os.path.isfile(path) and not any(path.startswith(root) for root in roots):
            found.add(path)
    return tuple(sorted(found))


def covered_folders(request: SynthRequest) -> tuple[Path, ...]:
    """Where a module's bytes are already keyed: the project and tool by content, the standard
    library by Python's version, site folders by their distributions' versions."""
    from compiler.code_asset import RUNTIME_PACKAGES, package_dir

    folders = [request.app_dir, Path(__file__).resolve().parent,
               *(package_dir(name).resolve() for name in RUNTIME_PACKAGES),
               Path(os.path.realpath(os.path.dirname(os.__file__)))]
    folders += [Path(os.path.realpath(entry)) for entry in sys.path
                if entry and any(part in _SITE_DIR_NAMES for part in Path(entry).parts)]
    return tuple(folders)
