"""`motia synth` of an unchanged project without compiling: the fast path before everything.

A synth that compiled records, under the key of its raw inputs (`compiler.input_key`), which
assembly cache entry it wrote and what it printed. The next `motia synth` hashes its raw inputs
first (milliseconds, standard library only); when a record has exactly that key, the files of
modules imported from outside every keyed folder are unchanged, and its entry is whole, the
entry is restored and the recorded output printed: no pydantic, no step file imported, no
Node. Anything else (no record, a corrupt one, a pruned entry) returns None and the caller
compiles as before. Layout, under the user cache (`default_cache_root()`):

  resynth/<inputs key>.json   {"format", "entry", "prefix", "diagnostics", "summary", "stderr", "external"}
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, TextIO

from compiler.atomic_write import write_atomically
from compiler.file_digest import file_digest
from compiler.input_key import (
    Inputs,
    SynthRequest,
    changed_labels,
    covered_folders,
    external_files,
    inputs_of,
)

__all__ = ["Record", "TeeStream", "remember", "replay_unchanged", "request_of", "reused_line", "teeing_stderr"]

RECORDS_DIR = "resynth"
RECORD_FORMAT = "1"  # bump when a record's fields or the inputs' ingredients change
MAX_RECORDS = 200  # each a few kB; the oldest go first
# The synth itself may write these into the project: `motia-stacks.json`, when it first decides
# a layout (compiler.stack_layout). A record is still valid for the files as the synth left them
# when the file was not there before (a user's edit of an existing one is an input changed).
WRITTEN_BY_SYNTH = frozenset({"project/motia-stacks.json"})


@dataclass(frozen=True)
class Record:
    """What an earlier synth with the same inputs wrote and printed."""

    entry: str  # the assembly cache key of the entry it restored
    prefix: str  # `<app>-<stage>`
    diagnostics: str  # the warnings it printed to stdout, before the summary
    summary: str  # `render_synth_summary` of that run
    stderr: str  # what the step files printed while imported
    external: tuple[tuple[str, str], ...]  # (file, digest) of modules imported from unkeyed folders


def reused_line(prefix: str) -> str:
    """The line `motia synth` prints when it copies the cached assembly of an unchanged project."""
    return (f"{prefix} is unchanged since its last synth: copied the cached assembly "
            "(no synth; --no-cache synthesizes afresh)")


def request_of(args: argparse.Namespace, cache_root: Path) -> SynthRequest | None:
    """The request of `motia synth`'s parsed options; None when --app-dir is not a folder
    (the compile reports that)."""
    app_dir = Path(args.app_dir)
    if not app_dir.is_dir():
        return None
    options = {name: str(value) for name, value in vars(args).items() if not callable(value)}
    options["out (resolved)"] = str(Path(args.out).resolve())
    return SynthRequest(app_dir.resolve(), Path(args.out).resolve(), cache_root.resolve(),
                        tuple(sorted(options.items())))


def _records(cache_root: Path) -> Path:
    return cache_root / RECORDS_DIR


def read_record(cache_root: Path, key: str) -> Record | None:
    """The record for `key`, or None when there is none or it cannot be read whole."""
    try:
        data = json.loads((_records(cache_root) / f"{key}.json").read_text(encoding="utf-8"))
        if data["format"] != RECORD_FORMAT:
            return None
        return Record(str(data["entry"]), str(data["prefix"]), str(data["diagnostics"]), str(data["summary"]),
                      str(data["stderr"]), tuple((str(f), str(d)) for f, d in data["external"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def replay_unchanged(request: SynthRequest, inputs: Inputs, out: TextIO, err: TextIO) -> bool:
    """Restore and print what the synth recorded for `inputs`; False (nothing written) on a miss."""
    from compiler import assembly_entries

    record = read_record(request.cache_root, inputs.key)
    if record is None or any(file_digest(Path(f)) != d for f, d in record.external):
        return False
    entry = assembly_entries.lookup(assembly_entries.assemblies_root(request.cache_root), record.entry)
    if entry is None:
        return False
    try:
        assembly_entries.restore(entry, request.out_dir, link=False)  # a copy: the folder is the user's
    except OSError:
        return False  # pruned by another process while we copied: compile and synthesize instead
    err.write(record.stderr)
    out.write(record.diagnostics + reused_line(record.prefix) + "\n" + record.summary)
    return True


def remember(request: SynthRequest, before: Inputs, record: Record) -> None:
    """Write `record` under the inputs as the synth left them, if nothing but the synth changed
    them since `before` (an edit during the synth must not be recorded against the old output);
    its `external` files are those of the modules this process imported, as they are now."""
    after = inputs_of(request, os.environ, before)
    # The synth writes the layout file only where there was none (a layout newly decided).
    written = {label for label in WRITTEN_BY_SYNTH if label not in dict(before.parts)}
    if changed_labels(before, after) - written:
        return
    files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    external = external_files((f for f in files if isinstance(f, str)), covered_folders(request))
    record = dataclasses.replace(record, external=tuple((f, file_digest(Path(f))) for f in external))
    data = {"format": RECORD_FORMAT, **dataclasses.asdict(record)}
    folder = _records(request.cache_root)
    if write_atomically(folder / f"{after.key}.json", json.dumps(data).encode()):
        _prune(folder)


def _prune(folder: Path, keep: int = MAX_RECORDS) -> None:
    try:
        records = sorted(((p.stat().st_mtime, p) for p in folder.glob("*.json")), reverse=True)
    except OSError:
        return
    for _, stale in records[keep:]:
        stale.unlink(missing_ok=True)


class TeeStream(io.TextIOBase):
    """Writes to `stream` and keeps a copy: what step files print while imported."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.copy = io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()


@contextlib.contextmanager
def teeing_stderr() -> Iterator[TeeStream]:
    """sys.stderr copied for the duration, so a record can replay it."""
    original = sys.stderr
    tee = TeeStream(original)
    sys.stderr = tee
    try:
        yield tee
    finally:
        sys.stderr = original
