"""Import step files and collect their step definitions; import failures become diagnostics."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

from compiler.ir import Diagnostic
from compiler.step_fragments import module_fragment
from lambda_runtime.step_import import ProjectImports, import_step_file, top_level_names
from motia.config import step_definitions, step_name
from motia.definition import StepBuilder, StepDefinition
from motia.streams import Stream


@dataclass(frozen=True)
class LoadedStep:
    """One step as found in a file: its raw config (any API generation) and handler."""

    file: str  # relative to the project root, POSIX
    config: Any
    handler: Callable[..., Any]


@dataclass(frozen=True)
class LoadResult:
    steps: tuple[LoadedStep, ...]
    streams: tuple[str, ...]  # names of Stream(...) objects the step modules hold
    diagnostics: tuple[Diagnostic, ...]
    # (file, `step_fragments.module_fragment`) of each file imported: what the code-only fast
    # path compares (compiler.code_only); a file that failed to import has none.
    fragments: tuple[tuple[str, str | None], ...] = ()


def _failure_line(error: BaseException, path: str) -> int | None:
    """The line in the step file where the import failed (SyntaxError carries it directly)."""
    if isinstance(error, SyntaxError) and error.lineno:
        return error.lineno
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
    return frames[-1].lineno if frames else None


def _missing_module_hint(root: str, name: str) -> str:
    """A project module that is not there is a wrong path, not a package to install."""
    top = name.partition(".")[0]
    if os.path.isdir(os.path.join(root, top)) or os.path.isfile(os.path.join(root, top + ".py")):
        expected = os.path.join(*name.split(".")) + ".py"
        return (
            f"{name!r} is a module of this project but {expected} does not exist: check the name; "
            "`from .x import y` looks in the step file's own directory, `from ..x` in its parent"
        )
    return (
        f"install {name!r} in this environment and list it in the project's "
        "requirements.txt so it is packaged for Lambda"
    )


def import_diagnostic(root: str, relative: str, error: BaseException) -> Diagnostic:
    line = _failure_line(error, os.path.join(root, *relative.split("/")))
    if isinstance(error, SyntaxError):
        message = f"syntax error: {error.msg}"
        hint = "fix the Python syntax at that line"
    elif isinstance(error, ModuleNotFoundError) and error.name:
        message = f"cannot import {error.name!r} ({error})"
        hint = _missing_module_hint(root, error.name)
    elif isinstance(error, ImportError) and "relative import" in str(error):
        message = f"{error}"
        hint = (
            "a relative import needs the step file in a package below the project root, whose "
            "directory names hold no '.', and cannot climb above the root: rename the directory "
            "or import by project path (`from steps.shared import x`)"
        )
    else:
        message = f"importing the step file raised {type(error).__name__}: {error}"
        hint = "a step file must import without side effects that fail at build time"
    return Diagnostic("error", relative, "", message, hint, line=line)


def imported_files(app_dir: Path, files: tuple[Path, ...]) -> Iterator[tuple[str, ModuleType | Diagnostic]]:
    """Each project file (relative, POSIX) with its module, or the diagnostic of its failed
    import; the project's packages are importable while the caller iterates."""
    root = os.path.abspath(app_dir)
    relatives = [p.as_posix() for p in files]
    with ProjectImports(root, top_level_names(relatives)):
        for relative in relatives:
            try:
                # What a step file prints goes to stderr: stdout is `motia plan --json`'s.
                with contextlib.redirect_stdout(sys.stderr):
                    module = import_step_file(root, relative)
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # a user's file: anything may be raised, SystemExit too
                yield relative, import_diagnostic(root, relative, error)
                continue
            yield relative, module


def load_steps(app_dir: Path, files: tuple[Path, ...]) -> LoadResult:
    """Import every file once; report each file that fails or defines no complete step."""
    steps: list[LoadedStep] = []
    diagnostics: list[Diagnostic] = []
    streams: set[str] = set()
    modules: list[tuple[str, ModuleType]] = []
    for relative, module in imported_files(app_dir, files):
        if isinstance(module, Diagnostic):
            diagnostics.append(module)
            continue
        modules.append((relative, module))
        streams.update(v.stream_name for v in vars(module).values() if isinstance(v, Stream))
        definitions = step_definitions(module)
        if not definitions:
            diagnostics.append(Diagnostic(
                "error", relative, "",
                "no step found in this file",
                "define `my_step = step(config, handler)`, or module-level `config` and "
                "`handler`, or rename the file if it is not a step",
            ))
        for definition in definitions:
            if isinstance(definition, StepBuilder):
                name = step_name(definition.config) or "?"
                diagnostics.append(Diagnostic(
                    "error", relative, name,
                    f"step {name!r} has a config but no handler",
                    "attach one with `@my_step.handle` on an async function, or pass it: "
                    "`step(config, handler)`",
                ))
                continue
            assert isinstance(definition, StepDefinition)
            steps.append(LoadedStep(relative, definition.config, definition.handler))
    # After every import, as the compile reads the configs: a later file may change an earlier one's.
    fragments = tuple((relative, module_fragment(module)) for relative, module in modules)
    return LoadResult(tuple(steps), tuple(sorted(streams)), tuple(diagnostics), fragments)
