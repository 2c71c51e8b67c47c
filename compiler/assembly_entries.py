"""The assembly cache's entries on disk: find, commit, prune and restore them (no keys here:
`compiler.assembly_cache` computes those). Layout, under the user cache (`default_cache_root()`):

  assemblies/<key>/cdk.out/        the assembly, as `synthesize` wrote it
  assemblies/<key>/entry.json      what synth reported, and every file's size (written last)

An entry is built in a hidden staging dir and renamed into place, so readers never see a
partial one; an entry whose files do not match its `entry.json` is removed and rebuilt.
Standard library only: `motia synth`'s unchanged fast path (`compiler.resynth`) restores an
entry before anything heavy is imported, and a hit must not start Node.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from compiler.code_asset import default_cache_root
from compiler.folder_sync import sync_folder

__all__ = [
    "ASSEMBLY_DIR",
    "CACHE_FORMAT",
    "CachedAssembly",
    "ENTRY_FILE",
    "MAX_ENTRIES",
    "RESTORED_FILE",
    "STAGING_PREFIX",
    "assemblies_root",
    "commit",
    "lookup",
    "lookup_template",
    "new_staging_dir",
    "prune",
    "restore",
    "template_key_of",
]

CACHE_FORMAT = "2"  # bump when the entry layout or the key's ingredients change
MAX_ENTRIES = 20  # a few projects x stages; each entry holds a full code asset
ASSEMBLY_DIR = "cdk.out"
ENTRY_FILE = "entry.json"
STAGING_PREFIX = ".staging-"
STALE_STAGING_SECONDS = 3600  # a staging dir this old belongs to a synth that died


@dataclass(frozen=True)
class CachedAssembly:
    """A complete cache entry: its assembly directory and what synth reported of it."""

    assembly_dir: Path
    stack_name: str
    template_file: str  # relative to assembly_dir
    resource_counts: tuple[tuple[str, int], ...]


def assemblies_root(cache_root: Path | None = None) -> Path:
    return (cache_root or default_cache_root()) / "assemblies"


def _file_sizes(assembly_dir: Path) -> dict[str, int]:
    return {p.relative_to(assembly_dir).as_posix(): p.stat().st_size
            for p in sorted(assembly_dir.rglob("*")) if p.is_file()}


def _read_entry(entry_dir: Path) -> CachedAssembly | None:
    """The entry if it is whole: its record readable and every recorded file there, same size."""
    assembly_dir = entry_dir / ASSEMBLY_DIR
    try:
        record = json.loads((entry_dir / ENTRY_FILE).read_text())
        if record["format"] != CACHE_FORMAT:
            return None
        for relative, size in record["files"].items():
            if (assembly_dir / relative).stat().st_size != size:
                return None
        counts = tuple((str(kind), int(n)) for kind, n in record["resource_counts"])
        entry = CachedAssembly(assembly_dir, str(record["stack_name"]), str(record["template_file"]), counts)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return entry if entry.template_file in record["files"] else None


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
    """The most recently used whole entry whose template has `key` (a `template_key`)."""
    try:
        children = [c for c in root.iterdir() if c.is_dir() and not c.name.startswith(STAGING_PREFIX)]
    except OSError:
        return None
    matching = sorted(
        ((c.stat().st_mtime, c) for c in children if _template_key_of(c) == key), reverse=True,
    )
    for _, entry_dir in matching:
        entry = _read_entry(entry_dir)
        if entry is not None:
            return entry
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
           resource_counts: tuple[tuple[str, int], ...], template_key: str = "") -> CachedAssembly:
    """Record `staging/cdk.out` as the entry for `key` and rename it into place; the entry.

    A concurrent writer of the same key may win the rename: its entry is the same, ours is
    dropped. Older entries beyond MAX_ENTRIES are pruned afterwards.
    """
    record = {
        "format": CACHE_FORMAT,
        "stack_name": stack_name,
        "template_file": template_file,
        "resource_counts": [list(pair) for pair in resource_counts],
        "files": _file_sizes(staging / ASSEMBLY_DIR),
        "template_key": template_key,
    }
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
    """Remove all but the `keep` most recently used entries, and staging dirs left by dead synths."""
    try:
        children = list(root.iterdir())
    except OSError:
        return
    now = time.time()
    entries: list[tuple[float, Path]] = []
    for child in children:
        try:
            mtime = child.stat().st_mtime
        except OSError:
            continue  # removed by a concurrent prune
        if child.name.startswith(STAGING_PREFIX):
            if now - mtime > STALE_STAGING_SECONDS:
                shutil.rmtree(child, ignore_errors=True)
        elif child.is_dir():
            entries.append((mtime, child))
    for _, stale in sorted(entries, reverse=True)[keep:]:
        shutil.rmtree(stale, ignore_errors=True)


RESTORED_FILE = ".motia-restored"  # in a restored assembly: which entry, and its files' stats


def _stats(out_dir: Path) -> dict[str, list[int]]:
    """Every file of `out_dir` but the restore record: [size, mtime in ns], by relative path."""
    found = {}
    for dirpath, _, filenames in os.walk(out_dir):
        for name in filenames:
            path = Path(dirpath, name)
            relative = path.relative_to(out_dir).as_posix()
            if relative != RESTORED_FILE:
                status = path.stat()
                found[relative] = [status.st_size, status.st_mtime_ns]
    return found


def _already_restored(entry: CachedAssembly, out_dir: Path) -> bool:
    """`out_dir` holds the entry as the last restore left it: no file added, removed or touched."""
    try:
        record = json.loads((out_dir / RESTORED_FILE).read_text())
        return bool(record["entry"] == str(entry.assembly_dir) and record["files"] == _stats(out_dir))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def restore(entry: CachedAssembly, out_dir: Path, *, link: bool) -> Path:
    """Put the entry's assembly at `out_dir` (replaced). `link` hard-links the files: instant,
    and safe for readers such as the emulator; a copy for a directory the user owns. An
    `out_dir` that already holds the entry untouched (an unchanged re-synth) is left as it is;
    one that holds another assembly (the last code-only re-synth's) gets only what differs."""
    if not link and _already_restored(entry, out_dir):
        return out_dir
    if not link and out_dir.is_dir() and not out_dir.is_symlink():
        sync_folder(entry.assembly_dir, out_dir)
    elif out_dir.exists():
        shutil.rmtree(out_dir)
    if not out_dir.exists():
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(entry.assembly_dir, out_dir, copy_function=_link_or_copy if link else shutil.copy2)
    if not link:  # hard links share their mtime with the entry: `_stats` could not tell them apart
        record = {"entry": str(entry.assembly_dir), "files": _stats(out_dir)}
        (out_dir / RESTORED_FILE).write_text(json.dumps(record, sort_keys=True))
    return out_dir


def _link_or_copy(source: str, dest: str) -> None:
    try:
        os.link(source, dest)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, dest)
