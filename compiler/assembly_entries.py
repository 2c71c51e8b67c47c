"""The assembly cache's entries on disk: find, commit and prune them (no keys here:
`compiler.assembly_cache` computes those). Layout, under the user cache (`default_cache_root()`):

  assemblies/<key>/cdk.out/        the assembly, as `synthesize` wrote it
  assemblies/<key>/files.json      every file's record (size, mtime_ns, ctime_ns, sha256:
                                   `compiler.file_records`)
  assemblies/<key>/entry.json      what synth reported, its template key, a commit id (written last)

An entry is built in a hidden staging dir and renamed into place, so readers never see a
partial one; an entry whose files do not hold their recorded bytes is removed and rebuilt.
Standard library only: `motia synth`'s unchanged fast path (`compiler.resynth`) restores an
entry before anything heavy is imported, and a hit must not start Node.

Putting an entry at an output folder, and which folders may be one: `compiler.assembly_restore`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from compiler.atomic_write import write_atomically
from compiler.code_asset import default_cache_root
from compiler.file_records import FileRecord, intact_record, record_of, stamp

__all__ = [
    "ASSEMBLY_DIR",
    "CACHE_FORMAT",
    "CachedAssembly",
    "ENTRY_FILE",
    "MAX_ENTRIES",
    "STAGING_PREFIX",
    "TRASH_PREFIX",
    "assemblies_root",
    "Inode",
    "commit",
    "digests_by_inode",
    "lookup",
    "lookup_template",
    "new_staging_dir",
    "prune",
    "template_key_of",
]

CACHE_FORMAT = "5"  # bump when the entry layout or the key's ingredients change
MAX_ENTRIES = 20  # a few projects x stages; each entry holds a full code asset
ASSEMBLY_DIR = "cdk.out"
ENTRY_FILE = "entry.json"
FILES_FILE = "files.json"  # apart from entry.json: `lookup_template` reads every entry's entry.json
STAGING_PREFIX = ".staging-"
STALE_STAGING_SECONDS = 3600  # a staging dir this old belongs to a synth that died


@dataclass(frozen=True)
class CachedAssembly:
    """A complete cache entry: its assembly directory and what synth reported of it."""

    assembly_dir: Path
    stack_name: str
    template_file: str  # relative to assembly_dir
    resource_counts: tuple[tuple[str, int], ...]
    commit_id: str = ""  # new at each commit: an entry removed and committed again is another one
    # Every file's record, as checked when the entry was read (POSIX path relative to assembly_dir).
    files: Mapping[str, FileRecord] = field(default_factory=dict, compare=False, repr=False)


def assemblies_root(cache_root: Path | None = None) -> Path:
    return (cache_root or default_cache_root()) / "assemblies"


Inode = tuple[int, int]  # (st_dev, st_ino): one file, whatever its names


def _file_records(assembly_dir: Path, known: Mapping[Inode, str]) -> dict[str, FileRecord]:
    """Every file's record; the sha256 of a file `known` names (by inode) is not computed again."""
    found = {}
    for folder, _, names in os.walk(assembly_dir):
        for name in names:
            path = Path(folder, name)
            status = path.stat()
            digest = known.get((status.st_dev, status.st_ino))
            found[path.relative_to(assembly_dir).as_posix()] = (
                record_of(path) if digest is None
                else FileRecord(*stamp(status), digest))
    return dict(sorted(found.items()))


def digests_by_inode(entry: CachedAssembly) -> dict[Inode, str]:
    """The sha256 of each file of `entry`, by inode, for the files still of their recorded size
    and mtime: what `commit` need not hash again in an entry made of links to them (a code-only
    re-synth's). A file's ctime moves when it is linked, so it is not compared."""
    found = {}
    for relative, record in entry.files.items():
        try:
            status = (entry.assembly_dir / relative).stat()
        except OSError:
            continue
        if (status.st_size, status.st_mtime_ns) == (record.size, record.mtime_ns):
            found[(status.st_dev, status.st_ino)] = record.sha256
    return found


def _read_entry(entry_dir: Path) -> CachedAssembly | None:
    """The entry if it is whole: its record readable and every recorded file there with its
    recorded bytes (`file_records.intact_record`); records whose stamps moved are rewritten."""
    assembly_dir = entry_dir / ASSEMBLY_DIR
    try:
        record = json.loads((entry_dir / ENTRY_FILE).read_text())
        if record["format"] != CACHE_FORMAT:
            return None
        files, moved = {}, False
        for relative, value in json.loads((entry_dir / FILES_FILE).read_text()).items():
            recorded = FileRecord.from_json(value)
            intact = intact_record(assembly_dir / relative, recorded)
            if intact is None:
                return None
            files[str(relative)] = intact
            moved = moved or intact != recorded
        counts = tuple((str(kind), int(n)) for kind, n in record["resource_counts"])
        entry = CachedAssembly(assembly_dir, str(record["stack_name"]), str(record["template_file"]), counts,
                               str(record["commit_id"]), files)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if entry.template_file not in files:
        return None
    if moved:  # only links or times moved: check the bytes once, not at every read
        write_atomically(entry_dir / FILES_FILE, _files_json(files))
    return entry


def _files_json(files: Mapping[str, FileRecord]) -> bytes:
    return json.dumps({relative: list(file) for relative, file in sorted(files.items())},
                      separators=(",", ":")).encode()


def _template_key_of(entry_dir: Path) -> str | None:
    try:
        value = json.loads((entry_dir / ENTRY_FILE).read_text()).get("template_key")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def template_key_of(entry: CachedAssembly) -> str | None:
    """The `template_key` the entry was committed with (None: not recorded or unreadable)."""
    return _template_key_of(entry.assembly_dir.parent)


def lookup_template(root: Path, key: str) -> CachedAssembly | None:
    """The most recently used whole entry whose template has `key` (a `template_key`); broken
    ones met on the way are removed, as `lookup` removes them."""
    try:
        children = [c for c in root.iterdir()
                    if c.is_dir() and not c.name.startswith((STAGING_PREFIX, TRASH_PREFIX))]
    except OSError:
        return None
    matching = sorted(
        ((c.stat().st_mtime, c) for c in children if _template_key_of(c) == key), reverse=True,
    )
    for _, entry_dir in matching:
        entry = _read_entry(entry_dir)
        if entry is not None:
            return entry
        shutil.rmtree(entry_dir, ignore_errors=True)
    return None


def lookup(root: Path, key: str) -> CachedAssembly | None:
    """The whole entry for `key`, marked as just used; None on a miss. A broken entry is
    removed so the next commit can take its place."""
    entry_dir = root / key
    if not entry_dir.is_dir():
        return None
    entry = _read_entry(entry_dir)
    if entry is None:
        shutil.rmtree(entry_dir, ignore_errors=True)
        return None
    try:
        os.utime(entry_dir)  # pruning keeps the most recently used entries
    except OSError:
        pass
    return entry


def new_staging_dir(root: Path) -> Path:
    """A fresh hidden directory under `root` to synthesize an entry into (same file system
    as the entries, so `commit` renames instead of copying)."""
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))


def commit(root: Path, key: str, staging: Path, stack_name: str, template_file: str,
           resource_counts: tuple[tuple[str, int], ...], template_key: str = "",
           known_digests: Mapping[Inode, str] | None = None) -> CachedAssembly:
    """Record `staging/cdk.out` as the entry for `key` and rename it into place; the entry.
    `known_digests`: `digests_by_inode` of the entry the files are linked from.

    A concurrent writer of the same key may win the rename: its entry is the same, ours is
    dropped. Older entries beyond MAX_ENTRIES are pruned afterwards.
    """
    record = {
        "format": CACHE_FORMAT,
        "stack_name": stack_name,
        "template_file": template_file,
        "resource_counts": [list(pair) for pair in resource_counts],
        "template_key": template_key,
        "commit_id": os.urandom(16).hex(),
    }
    (staging / FILES_FILE).write_bytes(_files_json(_file_records(staging / ASSEMBLY_DIR, known_digests or {})))
    (staging / ENTRY_FILE).write_text(json.dumps(record, indent=1, sort_keys=True))
    try:
        staging.rename(root / key)
    except OSError:  # the key exists: another process committed it first
        shutil.rmtree(staging, ignore_errors=True)
    prune(root)
    entry = _read_entry(root / key)
    if entry is None:  # the winner's entry vanished (pruned, removed by hand) meanwhile
        raise FileNotFoundError(f"assembly cache entry {root / key} disappeared while being written")
    return entry


def prune(root: Path, keep: int = MAX_ENTRIES) -> None:
    """Remove all but the `keep` most recently used entries, and staging dirs left by dead synths.

    Each is renamed out of the cache at once and deleted on a thread (`_discard`): deleting an
    entry's 776 files took a code-only re-synth 60-110 ms. Whatever a process leaves of its
    trash when it exits is deleted by the next prune."""
    try:
        children = list(root.iterdir())
    except OSError:
        return
    now = time.time()
    entries: list[tuple[float, Path]] = []
    doomed: list[Path] = []
    for child in children:
        try:
            mtime = child.stat().st_mtime
        except OSError:
            continue  # removed by a concurrent prune
        if child.name.startswith(TRASH_PREFIX):
            doomed.append(child)
        elif child.name.startswith(STAGING_PREFIX):
            if now - mtime > STALE_STAGING_SECONDS:
                doomed.append(child)
        elif child.is_dir():
            entries.append((mtime, child))
    doomed += [stale for _, stale in sorted(entries, reverse=True)[keep:]]
    _discard(doomed)


TRASH_PREFIX = ".trash-"  # an entry or staging dir being deleted: no longer part of the cache


def _discard(paths: list[Path]) -> None:
    """Rename each path out of the cache's names (a reader then misses it, whole), and delete
    them on a daemon thread."""
    trash = []
    for path in paths:
        target = path if path.name.startswith(TRASH_PREFIX) else \
            path.with_name(f"{TRASH_PREFIX}{path.name}-{os.urandom(4).hex()}")
        try:
            path.rename(target)
        except OSError:
            continue  # deleted meanwhile by another process's prune
        trash.append(target)
    if trash:
        threading.Thread(target=_delete, args=(trash,), name="motia-cache-prune", daemon=True).start()


def _delete(paths: list[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
