"""`motia synth` of an unchanged project without compiling: the fast path before everything.

A synth that compiled records, under the key of its raw inputs (`compiler.input_key`), which
assembly cache entry it wrote and what it printed. The next `motia synth` hashes its raw inputs
first (milliseconds, standard library only); when a record has exactly that key, the files of
modules imported from outside every keyed folder are unchanged, and its entry is whole, the
entry is restored and the recorded output printed: no pydantic, no step file imported, no
Node. Anything else (no record, a corrupt one, a pruned entry) returns None and the caller
compiles as before. Layout, under the user cache (`default_cache_root()`):

  resynth/<inputs key>.json   {"format", "entry", "prefix", "diagnostics", "summary", "stderr", "external",
                               "parts", "sources"}
  resynth/latest/<request key>.json   {"record": <inputs key>}: the last record of a request

The request key hashes every input but the project's files (the options, the environment, the
tool, the interpreter): the last record of the same request is where a code-only re-synth starts
from (`replay_code_only`, `compiler.code_only`).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TextIO

from compiler.atomic_write import write_atomically
from compiler.file_digest import file_digest
from compiler.input_key import (
    PROJECT_LABEL,
    Inputs,
    SynthRequest,
    changed_labels,
    covered_folders,
    external_files,
    inputs_of,
)

if TYPE_CHECKING:
    from compiler.assembly_rewrite import Prepared
    from compiler.code_only import SourceRecord

__all__ = ["Record", "TeeStream", "code_only_line", "remember", "replay_code_only", "replay_unchanged", "request_of",
           "reused_line", "teeing_stderr"]

RECORDS_DIR = "resynth"
LATEST_DIR = "latest"
RECORD_FORMAT = "2"  # bump when a record's fields or the inputs' ingredients change
MAX_RECORDS = 200  # each a few kB; the oldest go first


@dataclass(frozen=True)
class Record:
    """What an earlier synth with the same inputs wrote and printed."""

    entry: str  # the assembly cache key of the entry it restored
    prefix: str  # `<app>-<stage>`
    diagnostics: str  # the warnings it printed to stdout, before the summary
    summary: str  # `render_synth_summary` of that run
    stderr: str  # what the step files printed while imported
    external: tuple[tuple[str, str], ...]  # (file, digest) of modules imported from unkeyed folders
    parts: tuple[tuple[str, str], ...] = ()  # the inputs it was recorded under (`Inputs.parts`)
    sources: SourceRecord | None = None  # what its compile read of the sources (`compiler.code_only`)


def reused_line(prefix: str) -> str:
    """The line `motia synth` prints when it reuses the cached assembly of an unchanged project."""
    return (f"{prefix} is unchanged since its last synth: reused the cached assembly "
            "(no synth; --no-cache synthesizes afresh)")


def code_only_line(prefix: str) -> str:
    """The line `motia synth` prints when only step code changed: no synth ran."""
    return (f"only step code changed in {prefix}: wrote the new code asset into the cached "
            "assembly (no synth; --no-cache synthesizes afresh)")


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


def request_key(inputs: Inputs) -> str:
    """The key of every input but the project's files: equal for two synths of one request."""
    return Inputs(tuple(part for part in inputs.parts if not part[0].startswith(PROJECT_LABEL))).key


def read_record(cache_root: Path, key: str) -> Record | None:
    """The record for `key`, or None when there is none or it cannot be read whole."""
    from compiler.code_only import SourceRecord

    try:
        data = json.loads((_records(cache_root) / f"{key}.json").read_text(encoding="utf-8"))
        if data["format"] != RECORD_FORMAT:
            return None
        sources = None if data["sources"] is None else SourceRecord.from_json(data["sources"])
        return Record(str(data["entry"]), str(data["prefix"]), str(data["diagnostics"]), str(data["summary"]),
                      str(data["stderr"]), tuple((str(f), str(d)) for f, d in data["external"]),
                      tuple((str(label), str(d)) for label, d in data["parts"]), sources)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def latest_record(cache_root: Path, inputs: Inputs) -> Record | None:
    """The last record written for the request of `inputs` (any project files)."""
    try:
        pointer = json.loads((_records(cache_root) / LATEST_DIR / f"{request_key(inputs)}.json").read_text())
        return read_record(cache_root, str(pointer["record"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _externals_unchanged(record: Record) -> bool:
    return all(file_digest(Path(f)) == d for f, d in record.external)


def replay_unchanged(request: SynthRequest, inputs: Inputs, out: TextIO, err: TextIO) -> bool:
    """Restore and print what the synth recorded for `inputs`; False (nothing written) on a miss."""
    from compiler import assembly_entries
    from compiler.assembly_restore import restore

    record = read_record(request.cache_root, inputs.key)
    if record is None or not _externals_unchanged(record):
        return False
    entry = assembly_entries.lookup(assembly_entries.assemblies_root(request.cache_root), record.entry)
    if entry is None:
        return False
    try:
        restore(entry, request.out_dir, link=False)  # the folder is the user's (assembly_restore)
    except OSError:
        return False  # pruned by another process while we copied: compile and synthesize instead
    err.write(record.stderr)
    out.write(record.diagnostics + reused_line(record.prefix) + "\n" + record.summary)
    return True


def replay_code_only(request: SynthRequest, inputs: Inputs, out: TextIO) -> bool:
    """After a change to step code only (`compiler.code_only`), write the new code asset into
    the assembly of the request's last record and print what that synth printed, with the
    code-only line; False (nothing written) when that cannot be proved or done."""
    from compiler import assembly_entries as entries
    from compiler import code_only
    from compiler.assembly_cache import bytecode_option, code_assembly_key
    from compiler.assembly_restore import restore
    from compiler.assembly_rewrite import code_asset_dir, commit_prepared, prepare_code_only
    from compiler.bytecode_cache import Warming, warm_bytecode
    from compiler.code_asset import find_lambda_python
    from compiler.errors import AssetError

    last = latest_record(request.cache_root, inputs)
    if last is None or last.sources is None or last.stderr or not _externals_unchanged(last):
        return False  # what step files print at import is recorded for the whole project only
    plan = code_only.plan_code_only(dict(last.parts), dict(inputs.parts), last.sources)
    root = entries.assemblies_root(request.cache_root)
    base = entries.lookup(root, last.entry) if plan is not None else None
    old_code = code_asset_dir(base.assembly_dir) if base is not None else None
    template = entries.template_key_of(base) if base is not None else None
    if plan is None or base is None or old_code is None or not template:
        return False
    # The key a compile would compute, if it proves the model unchanged (the files are the record's).
    key = code_assembly_key(template, bytecode_option(None), request.app_dir, last.sources.asset_files)
    entry = entries.lookup(root, key)
    python = find_lambda_python(last.sources.python, request.cache_root)
    packaged = set(last.sources.asset_files)
    # Beside the proof, which imports step files: the changed files' bytecode compiles in another
    # process, and a thread makes the new assembly (links, copies, hashes: system calls).
    warming = warm_bytecode([(request.app_dir / f, f) for f in plan.changed if f in packaged], python,
                            request.cache_root) if entry is None else Warming(None)
    thread = None if entry is not None else Background(lambda: prepare_code_only(root, base, lambda dest: (
        code_only.derive_code_asset(old_code, dest, request.app_dir, plan.changed, python, request.cache_root,
                                    warming))))
    try:
        sources = code_only.unchanged_model_sources(request.app_dir, last.sources, plan, request.cache_root)
    except Exception:  # a user's module doing the unforeseen: the compile then says what it is
        sources = None
    finally:
        prepared = _finished(thread)
    warming.wait()  # its pycs are the compile's too, should this fall back to one
    if sources is None:
        if prepared is not None:
            shutil.rmtree(prepared.staging, ignore_errors=True)
        return False
    try:
        if entry is None:
            if prepared is None:
                return False
            entry = commit_prepared(root, key, prepared, template)
        restore(entry, request.out_dir, link=False)  # the folder is the user's (assembly_restore)
    except (OSError, AssetError):
        return False  # the compile and synth report it, or succeed where this could not
    # The changed files may all lie outside the code asset (tests/): then it is the last assembly.
    line = reused_line(last.prefix) if key == last.entry else code_only_line(last.prefix)
    out.write(last.diagnostics + line + "\n" + last.summary)
    remember(request, inputs, dataclasses.replace(last, entry=key, sources=sources))
    return True


class Background(threading.Thread):
    """`work()` on a thread of its own; `result()` waits and returns or raises what it did.
    (concurrent.futures costs 8 ms to import, a tenth of the code-only fast path's budget.)"""

    def __init__(self, work: Callable[[], Prepared]) -> None:
        super().__init__(name="motia-code-only", daemon=True)
        self.work = work
        self.value: Prepared | None = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.work()
        except BaseException as error:  # handed to the caller of `result`
            self.error = error

    def result(self) -> Prepared | None:
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


def _finished(thread: Background | None) -> Prepared | None:
    """What the thread prepared; None when there is none or it failed (the compile and synth
    then report why, or succeed where the rewrite could not)."""
    from compiler.errors import AssetError

    if thread is None:
        return None
    try:
        return thread.result()
    except (OSError, AssetError):
        return None


def remember(request: SynthRequest, before: Inputs, record: Record) -> None:
    """Write `record` under the inputs as the synth left them, if nothing but the synth changed
    them since `before` (an edit during the synth must not be recorded against the old output),
    and make it the request's latest; its `external` files are those of the modules this
    process imported and those the record had already (a code-only re-synth imports few), as
    they are now."""
    after = inputs_of(request, os.environ, before)
    if changed_labels(before, after):
        return
    files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    external = {*external_files((f for f in files if isinstance(f, str)), covered_folders(request)),
                *(f for f, _ in record.external)}
    record = dataclasses.replace(record, external=tuple((f, file_digest(Path(f))) for f in sorted(external)),
                                 parts=after.parts)
    fields = {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}
    data = {"format": RECORD_FORMAT, **fields, "sources": record.sources and record.sources.to_json()}
    folder = _records(request.cache_root)
    if write_atomically(folder / f"{after.key}.json", json.dumps(data).encode()):
        write_atomically(folder / LATEST_DIR / f"{request_key(after)}.json", json.dumps({"record": after.key}).encode())
        _prune(folder)


def _prune(folder: Path, keep: int = MAX_RECORDS) -> None:
    """The `keep` newest records and pointers to the latest (a pointer to a pruned record reads as none)."""
    for files in (folder, folder / LATEST_DIR):
        try:
            records = sorted(((p.stat().st_mtime, p) for p in files.glob("*.json")), reverse=True)
        except OSError:
            continue
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
