"""Putting an assembly cache entry (`compiler.assembly_entries`) at an output folder, and which
folders may be one. Standard library only, as the entries: `motia synth`'s fast paths restore
before anything heavy is imported.

Restoring into the user's folder (`restore`, link=False) hard-links every file of the entry
that has no other link, and copies the rest: a first synth's 776 files (5.7 MB at 300 steps)
are linked from the entry it just committed instead of copied again. So one inode may be both
an entry's file and a file of one user folder, never of two: a file some folder links already
is copied (`compiler.folder_sync`). Who may write such a file, and why it is never served
changed:

- our restores never write a file in place: `sync_folder` unlinks a target file before putting
  another there, removes folders with `rmtree` (unlinking names only), and the restore record
  is written beside and renamed in; pruning or removing an entry unlinks its names, so the
  user's folder keeps its files, bytes and all (only their ctime moves);
- the code-only rewrite (`compiler.assembly_rewrite`) copies the base entry before rewriting
  templates, and writes the new code asset as new files; a fresh synth writes only into its
  own staging dir (or into the user's folder with `--no-cache`, after removing it);
- everything else writing into the user's folder may write in place through a shared inode:
  `cdk synth` through `cdk_app/` into the same cdk.out (Node's `writeFileSync` truncates the
  existing file; our own template rewrite after it too), a user editing a template by hand, any
  tool. Each such write moves the file's ctime, so the entry's record no longer matches: its
  bytes are hashed, and an entry whose bytes changed is removed and synthesized again, never
  served (a `cdk synth` that wrote the same bytes leaves it whole). A copy out of an entry is
  checked after the copy: a write through the user's folder while another restore copied
  the same file fails that restore (OSError: callers synthesize afresh);
- `motia dev` (link=True) links every file of an entry into a folder of its own, which only
  the emulator reads (the whole folder, when it starts): it may share inodes with the user's
  folder, and sees what the entry holds when it starts.

A write that leaves a file's bytes as they were (a `cdk synth` of the same project) is not told
apart from none: the entry stays whole, rightly, since it holds the same bytes. The reasoning
at length, and what it costs: docs/scale.md, "The assembly cache and `--out` share files".
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Mapping

from compiler.assembly_entries import CachedAssembly
from compiler.atomic_write import write_atomically
from compiler.errors import UsageError
from compiler.file_records import intact_record, stamp
from compiler.folder_sync import sync_folder

__all__ = ["ASSEMBLY_MARKERS", "RESTORED_FILE", "check_out_dir", "restore"]

RESTORED_FILE = ".motia-restored"  # in a restored assembly: which entry, and its files' stats
# A folder holding one of these is a cloud assembly a synth may replace (CDK writes the first two).
ASSEMBLY_MARKERS = ("manifest.json", "cdk.out", RESTORED_FILE)


def check_out_dir(out_dir: Path, project: Path) -> None:
    """Refuse an output folder whose replacement would delete what is not a cloud assembly:
    the project folder or a folder holding it, a file, or a folder of other files. Every
    synth replaces the whole folder (stale assets would be published otherwise)."""
    out, root = out_dir.resolve(), project.resolve()
    fix = "Fix: pass a folder of its own, new or holding an earlier assembly (the default is cdk.out)"
    if out == root or out in root.parents:
        relation = "is" if out == root else "holds"
        raise UsageError(f"--out {out_dir} {relation} the project folder {project}, and a synth replaces "
                         f"everything in its output folder. {fix}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder. {fix}")
    if out.is_dir() and not any((out / marker).exists() for marker in ASSEMBLY_MARKERS):
        others = sorted(child.name for child in out.iterdir())
        if others:
            shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            raise UsageError(f"--out {out_dir} holds files that are not a cloud assembly ({shown}), and a synth "
                             f"replaces everything in its output folder. {fix}, or empty that one first")


def _stats(out_dir: Path) -> dict[str, list[int]]:
    """Every file of `out_dir` but the restore record: [size, mtime_ns, ctime_ns], by relative
    path. The ctime too: a file linked to an entry shares its mtime with the entry, and a write
    that puts an mtime back (`cp -p`) still moves the ctime."""
    found = {}
    for dirpath, _, filenames in os.walk(out_dir):
        for name in filenames:
            path = Path(dirpath, name)
            relative = path.relative_to(out_dir).as_posix()
            if relative != RESTORED_FILE:
                status = path.stat()
                found[relative] = list(stamp(status))
    return found


def _restored_from(entry: CachedAssembly) -> str:
    # The commit id too: an entry pruned and committed again under the same key is another one.
    return f"{entry.assembly_dir}#{entry.commit_id}"


def _already_restored(entry: CachedAssembly, out_dir: Path) -> bool:
    """`out_dir` holds the entry as the last restore left it: no file added, removed or touched."""
    try:
        record = json.loads((out_dir / RESTORED_FILE).read_text())
        return bool(record["entry"] == _restored_from(entry) and record["files"] == _stats(out_dir))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _check_copies(entry: CachedAssembly, copied: Mapping[str, os.stat_result]) -> None:
    """The files copied out of the entry held its recorded bytes while copied; else the entry
    is removed and OSError raised. Only a copy can take a write made meanwhile through the
    user folder that links the same file; a link we made is the file's only other name."""
    for relative, before in copied.items():
        path = entry.assembly_dir / relative
        try:
            changed = stamp(path.stat()) != stamp(before) or intact_record(path, entry.files[relative]) is None
        except (OSError, KeyError):
            changed = True
        if changed:
            shutil.rmtree(entry.assembly_dir.parent, ignore_errors=True)
            raise OSError(f"{path} changed while it was copied out of the assembly cache")


def restore(entry: CachedAssembly, out_dir: Path, *, link: bool) -> Path:
    """Put the entry's assembly at `out_dir`. `link`: a folder only readers use, such as the
    emulator's: replaced by hard links to every file. Otherwise the folder is the user's: every
    file of the entry that no other folder links is hard-linked, the rest copied (see the
    module docstring); an `out_dir` that already holds the entry untouched (an unchanged
    re-synth) is left as it is, one that holds another assembly (the last code-only re-synth's)
    gets only what differs. OSError when the entry changed while copied (it is removed)."""
    if link:
        if out_dir.exists():
            shutil.rmtree(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(entry.assembly_dir, out_dir, copy_function=_link_or_copy)
        return out_dir
    if _already_restored(entry, out_dir):
        return out_dir
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        shutil.rmtree(out_dir)  # as `synthesize` does: fails on a symbolic link
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_copies(entry, sync_folder(entry.assembly_dir, out_dir, link_unshared=True))
    record = {"entry": _restored_from(entry), "files": _stats(out_dir)}
    write_atomically(out_dir / RESTORED_FILE, json.dumps(record, sort_keys=True).encode())
    return out_dir


def _link_or_copy(source: str, dest: str) -> None:
    try:
        os.link(source, dest)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, dest)
