"""`motia synth` after a change to step code only, proved without compiling the project.

A compile imports every step file and pydantic (0.25 s for 300 steps), yet after the everyday
edit (a handler's body) the model is the one the last compile built. This module proves it from
the changed files alone, with the facts the last compile recorded (`SourceRecord`):

- every changed input is a `.py` file of the project (no file added or removed; no
  `motia_aws_stack.py` in the project, which may read any file at synth; settings, `.env`
  files, requirements, options, environment and the tool unchanged: `compiler.resynth` finds
  the last record of the same request);
- no stream config file reaches a changed file, and every step file's imports are statements
  (`compiler.data_access.reach_of`: no `import_module`, `exec` and the like anywhere it
  reaches), so the step files whose import can read a changed file are known: those that
  reach it. Only those are imported again, and each must give the fragment the compile
  recorded (`compiler.step_fragments`: configs, handler facts, streams) and the same data
  access. A step file that reaches no changed file imports as it did.

The code asset is then the last one with the changed files (and their bytecode) replaced,
hard links for the rest (`derive_code_asset`); `compiler.resynth` writes it into the last
assembly as the code-only path of `compiler.synth` does. What this cannot see, like the
unchanged fast path: a step file whose config depends on the order files are imported in, or
reads a project `.py` file as data. `--no-cache` compiles and synthesizes afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from compiler.assembly_cache import CUSTOMIZE_HOOK_FILE
from compiler.input_key import PROJECT_LABEL

if TYPE_CHECKING:
    from compiler.bytecode_cache import Warming
    from compiler.data_access import Reach

__all__ = ["CodeOnlyPlan", "SourceRecord", "derive_code_asset", "plan_code_only", "source_record",
           "unchanged_model_sources"]

@dataclass(frozen=True)
class SourceRecord:
    """What one compile read from the project's sources, for the next code-only re-synth."""

    stage: str
    python: str  # the settings' Lambda Python version: the bytecode's interpreter
    fragments: tuple[tuple[str, str | None], ...]  # step file -> `step_fragments.module_fragment`
    reach: tuple[tuple[str, tuple[str, ...]], ...]  # step file -> the project files it imports (itself too)
    usage: tuple[tuple[str, int, int], ...]  # step file, state and streams access it reaches
    stream_reach: tuple[str, ...]  # stream config files and the project files they import
    complete: bool  # every reach known from import statements (`data_access.Reach.complete`)
    asset_files: tuple[str, ...]  # the project files the code asset takes (`code_asset.project_files`)

    def to_json(self) -> dict[str, Any]:
        """Its fields as JSON values (tuples are lists); `dataclasses.asdict` copies every
        nested tuple first, 20 ms for 300 steps."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> SourceRecord:
        """The record of `to_json`; KeyError, TypeError or ValueError when it is not one."""
        return SourceRecord(
            str(data["stage"]), str(data["python"]),
            tuple((str(f), None if d is None else str(d)) for f, d in data["fragments"]),
            tuple((str(f), tuple(str(r) for r in files)) for f, files in data["reach"]),
            tuple((str(f), int(state), int(streams)) for f, state, streams in data["usage"]),
            tuple(str(f) for f in data["stream_reach"]), bool(data["complete"]),
            tuple(str(f) for f in data["asset_files"]))


def _reaches(root: Path, files: Sequence[str], cache_root: Path) -> dict[str, Reach]:
    """`data_access.reaches_of` the files, with the analysis cache."""
    from compiler.data_access import reaches_of
    from compiler.data_access_cache import cached_facts

    with cached_facts(cache_root) as facts_of:  # the analysis is pure over each source
        return reaches_of(root, files, facts_of)


def _relative(root: Path, files: frozenset[Path]) -> tuple[str, ...]:
    return tuple(sorted(p.relative_to(root).as_posix() for p in files))


def source_record(root: Path, stage: str, python: str, fragments: Sequence[tuple[str, str | None]],
                  stream_files: Sequence[str], reaches: Mapping[str, Reach], asset_files: Sequence[str]) -> SourceRecord:
    """The record of a compile of the project at `root` (resolved) that imported these files;
    `reaches`: the compile's `data_access.reaches_of` each of them."""
    steps = [file for file, _ in fragments]
    stream_reach = sorted({f for file in stream_files for f in _relative(root, reaches[file].files)})
    return SourceRecord(
        stage, python, tuple(fragments),
        tuple((file, _relative(root, reaches[file].files)) for file in steps),
        tuple((file, reaches[file].usage.state, reaches[file].usage.streams) for file in steps),
        tuple(stream_reach), all(reaches[file].complete for file in [*steps, *stream_files]), tuple(asset_files))


@dataclass(frozen=True)
class CodeOnlyPlan:
    """A change that may be code-only: the project files changed, the step files to import again."""

    changed: tuple[str, ...]  # POSIX, relative to the project
    reimport: tuple[str, ...]


def plan_code_only(before: Mapping[str, str], now: Mapping[str, str], record: SourceRecord) -> CodeOnlyPlan | None:
    """The plan when every changed input (`compiler.input_key` parts, by label) is a project
    `.py` file that may only change step code (see the module docstring); None otherwise."""
    if before.keys() != now.keys() or not record.complete or PROJECT_LABEL + CUSTOMIZE_HOOK_FILE in now:
        return None  # the CDK hook may read any project file: with it, no change is code-only
    changed = sorted(label for label in now if now[label] != before[label])
    if not changed or not all(label.startswith(PROJECT_LABEL) for label in changed):
        return None
    files = {label[len(PROJECT_LABEL):] for label in changed}
    if any(not f.endswith(".py") or f == CUSTOMIZE_HOOK_FILE for f in files) or files & set(record.stream_reach):
        return None
    reimport = tuple(sorted(step for step, reached in record.reach if files & set(reached)))
    fragments = dict(record.fragments)
    if any(fragments.get(step) is None for step in reimport):
        return None
    return CodeOnlyPlan(tuple(sorted(files)), reimport)


def _fragments_now(root: Path, stage: str, files: Sequence[str]) -> dict[str, str | None] | None:
    """Each file's fragment, imported now with the stage's variables; None when one fails to
    import or anything is printed (a compile would show it, and a record replays it)."""
    from compiler.ir import Diagnostic
    from compiler.load import imported_files
    from compiler.stage_environment import build_environment
    from compiler.step_fragments import module_fragment

    modules = []
    printed = io.StringIO()
    # No bytecode written into the project meanwhile: a file created costs more than the compile
    # it saves, and these files changed since (the next compile writes theirs).
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        with build_environment(root, stage), contextlib.redirect_stderr(printed), contextlib.redirect_stdout(printed):
            for relative, module in imported_files(root, tuple(Path(f) for f in files)):
                if isinstance(module, Diagnostic):  # it failed: the compile reports it
                    return None
                modules.append((relative, module))
            fragments = {relative: module_fragment(module) for relative, module in modules}
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return None if printed.getvalue() else fragments


def unchanged_model_sources(root: Path, record: SourceRecord, plan: CodeOnlyPlan, cache_root: Path) -> SourceRecord | None:
    """The record updated for the files as they are now, when the step files `plan` imports
    again give the recorded fragments and data access (the model is then the recorded
    compile's); None when anything differs."""
    fragments = _fragments_now(root, record.stage, plan.reimport)
    recorded = dict(record.fragments)
    if fragments is None or any(fragments[f] is None or fragments[f] != recorded[f] for f in plan.reimport):
        return None
    reaches = _reaches(root, plan.reimport, cache_root)
    usage = {file: (state, streams) for file, state, streams in record.usage}
    if any(not r.complete or (r.usage.state, r.usage.streams) != usage[f] for f, r in reaches.items()):
        return None
    reach = tuple((f, _relative(root, reaches[f].files) if f in reaches else files) for f, files in record.reach)
    return dataclasses.replace(record, reach=reach)


def derive_code_asset(old_asset: Path, dest: Path, root: Path, changed: Sequence[str],
                      python: Sequence[str], cache_root: Path, warming: Warming | None = None) -> Path:
    """`dest` (must not exist): the code asset `old_asset` with the `changed` project files
    (POSIX, relative) it holds replaced by the project's, and their bytecode compiled with
    `python` (empty: sources only, as `code_asset.build_code_asset` does). Every other file is
    a hard link to the old one (no file here is written in place, and the cache entries check
    their files' bytes: `compiler.file_records`). The same bytes `build_code_asset` writes for
    the project as it is now.
    `warming`: the compile of the changed files' bytecode into the cache, waited for before
    their bytecode is taken from it (`bytecode_cache.warm_bytecode`)."""
    from compiler.bytecode_cache import compile_asset_bytecode, describe_interpreter, pyc_name

    replaced = [dest / relative for relative in changed if (old_asset / relative).is_file()]
    interpreter = describe_interpreter(python, cache_root) if python else None
    # Neither a replaced source nor its bytecode (as `compile_asset_bytecode` names it) is linked.
    skipped = {old_asset / relative for relative in changed}
    if interpreter is not None:
        skipped |= {(old_asset / relative).parent / "__pycache__" / pyc_name(Path(relative), interpreter)
                    for relative in changed}
    _link_tree(old_asset, dest, {str(path) for path in skipped})
    for target in replaced:
        shutil.copyfile(root / target.relative_to(dest), target)
    if warming is not None:
        warming.wait()
    if python and replaced:
        compile_asset_bytecode(dest, python, cache_root, sources=replaced)
    return dest


def _link_tree(source: Path, dest: Path, skipped: set[str]) -> None:
    """`dest` (absent) with `source`'s folders and a hard link to each of its files but the
    `skipped` paths (as text): `shutil.copytree` with links, less its per-file and per-folder
    Python (a third of a code-only re-synth's thread for 776 files)."""
    prefix = len(str(source))
    for folder, _, names in os.walk(source):
        target = str(dest) + folder[prefix:]
        os.mkdir(target)
        for name in names:
            path = os.path.join(folder, name)
            if path not in skipped:
                try:
                    os.link(path, os.path.join(target, name))
                except OSError:  # links not allowed here: a copy has the same bytes
                    shutil.copy2(path, os.path.join(target, name))

