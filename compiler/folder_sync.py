"""Make a folder hold exactly the files of another, writing only what differs: restoring a
code-only re-synth's assembly over the previous one rewrites the changed files and the
templates, not all 786 files (7 MB) of a 300-step assembly (`assembly_restore.restore`).

A file is kept when it has the source's bytes and permission bits, whatever its times; any
other file or folder is removed, symbolic links included (never followed). A file of the target
is never written in place: it is unlinked and the new one put in its place, so a file that
shares its inode with another folder (a hard link) never changes through the target.

`link_unshared` puts a hard link to a source file that has no other link instead of a copy (20 us
against 0.1-0.6 ms a created file): what the source and the target then share is the caller's
to check (`compiler.assembly_entries`, `compiler.file_records`). A file the source shares
already (another link) is copied, so no source file ever gets two folders linking it this way,
even when two syncs link it at the same moment: each checks its link is the file's second only,
and copies otherwise. Standard library only.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import stat
from pathlib import Path

__all__ = ["CODE_ASSET_PREFIX", "sync_folder"]

CODE_ASSET_PREFIX = "asset."  # a folder asset of a CDK assembly: `asset.<its hash>`


def _entries(root: Path) -> dict[str, os.stat_result]:
    """Every file and folder under `root` (not following links) by POSIX relative path, with its lstat."""
    found: dict[str, os.stat_result] = {}
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as scan:
            for entry in scan:
                relative = prefix + entry.name
                status = entry.stat(follow_symlinks=False)
                found[relative] = status
                if stat.S_ISDIR(status.st_mode):
                    pending.append((Path(entry.path), relative + "/"))
    return found


def _same_file(source: Path, source_status: os.stat_result, target: Path, target_status: os.stat_result) -> bool:
    if os.path.samestat(source_status, target_status):  # one inode (a link we made): the same bytes
        return True
    return (stat.S_ISREG(target_status.st_mode) and target_status.st_size == source_status.st_size
            and stat.S_IMODE(target_status.st_mode) == stat.S_IMODE(source_status.st_mode)
            and filecmp.cmp(source, target, shallow=False))


def _remove(path: Path, status: os.stat_result) -> None:
    if stat.S_ISDIR(status.st_mode):
        shutil.rmtree(path)
    else:
        path.unlink()


def _pair_code_assets(source: dict[str, os.stat_result], target: Path,
                      existing: dict[str, os.stat_result]) -> dict[str, os.stat_result]:
    """When the code asset alone was renamed (a new hash), rename the target's to match, so its
    unchanged files are compared with the new asset's, not copied again; `existing` as it is then
    (a rename moves no file: their status is the same under the new names)."""
    def single_asset(entries: dict[str, os.stat_result], other: dict[str, os.stat_result]) -> str | None:
        names = [r for r, s in entries.items() if "/" not in r and r.startswith(CODE_ASSET_PREFIX)
                 and stat.S_ISDIR(s.st_mode) and r not in other]
        return names[0] if len(names) == 1 else None

    new, old = single_asset(source, existing), single_asset(existing, source)
    if new is None or old is None:
        return existing
    os.rename(target / old, target / new)
    moved = old + "/"
    return {(new + relative[len(old):] if relative == old or relative.startswith(moved) else relative): status
            for relative, status in existing.items()}


def _place(source: Path, source_status: os.stat_result, target: Path, link_unshared: bool) -> bool:
    """Put `source` at `target` (absent): a hard link when asked and nothing else links the
    source, else a copy with its times; True when copied."""
    if link_unshared and source_status.st_nlink == 1:
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed: a copy
            pass
        else:
            if target.stat().st_nlink == 2:
                return False
            target.unlink()  # another folder linked it meanwhile: that one keeps the only link
    shutil.copy2(source, target)
    return True


def sync_folder(source: Path, target: Path, *, link_unshared: bool = False) -> dict[str, os.stat_result]:
    """`target` (an existing folder) made to hold exactly `source`'s files, as `shutil.copytree`
    with `copy2` would leave them (times apart), but writing only files that differ; files
    linked where `link_unshared` allows (see the module docstring). The files copied from
    `source`, with their status before the copy, by POSIX relative path."""
    filecmp.clear_cache()  # its answers are keyed by (size, mtime): a same-size write in the same tick
    wanted = _entries(source)
    existing = _pair_code_assets(wanted, target, _entries(target))
    for relative in sorted(existing, reverse=True):  # deepest first
        status = existing[relative]
        if relative not in wanted or stat.S_ISDIR(wanted[relative].st_mode) != stat.S_ISDIR(status.st_mode) \
                or stat.S_ISLNK(status.st_mode):
            _remove(target / relative, status)
            existing.pop(relative)
    copied: dict[str, os.stat_result] = {}
    for relative in sorted(wanted):  # parents before children
        status = wanted[relative]
        path = target / relative
        if stat.S_ISDIR(status.st_mode):
            if relative not in existing:
                path.mkdir()
            continue
        if relative in existing and _same_file(source / relative, status, path, existing[relative]):
            continue
        if relative in existing:
            path.unlink()
        if _place(source / relative, status, path, link_unshared):
            copied[relative] = status
    return copied
