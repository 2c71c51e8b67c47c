"""Hashing files for cache keys: contents and names, never mtimes; standard library only
(the unchanged fast path of `motia synth` hashes before anything heavy is imported)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _hashlib import HASH as Hash

__all__ = ["IGNORED_IN_ASSET", "add_file", "file_digest", "sources_fingerprint", "tree_files"]

# What the code asset leaves out of a copied package: bytecode is compiled for Lambda apart.
IGNORED_IN_ASSET = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


def tree_files(root: Path) -> list[tuple[str, Path]]:
    """(POSIX relative path, path) of every file `shutil.copytree(root, ignore=IGNORED_IN_ASSET)`
    copies, sorted: the runtime packages exactly as the asset takes them."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        ignored = IGNORED_IN_ASSET(dirpath, [*dirnames, *filenames])
        dirnames[:] = [d for d in dirnames if d not in ignored]
        for name in filenames:
            if name not in ignored:
                path = Path(dirpath, name)
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes; a fixed word for a file that cannot be read (still keyed)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def add_file(digest: Hash, label: str, path: Path) -> None:
    # Length-prefixed fields: no two different inputs feed the hash the same bytes.
    try:
        data = path.read_bytes()
    except OSError:
        data = None  # synth fails on a missing file anyway; the key just must not crash
    for part in (label.encode(), b"-" if data is None else data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)


def sources_fingerprint(root: Path) -> str:
    """The hash of every file under `root` but bytecode: names and contents."""
    digest = hashlib.sha256()
    for relative, path in tree_files(root):
        add_file(digest, relative, path)
    return digest.hexdigest()
