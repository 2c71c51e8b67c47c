"""Import step files and collect their step definitions; import failures become diagnostics."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

from compiler.ir import Diagnostic
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


def module_name_for(relative: str) -> str:
    """A unique, stable module name per step file (file names like `a.step.py` are not identifiers)."""
    digest = hashlib.sha1(relative.encode()).hexdigest()[:10]
    stem = "".join(c if c.isalnum() else "_" for c in Path(relative).stem)
    return f"motia_steps.{stem}_{digest}"


def _is_inside(module: ModuleType, root: Path) -> bool:
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and Path(file).resolve().is_relative_to(root)


@contextlib.contextmanager
def _project_on_path(app_dir: Path) -> Iterator[None]:
    """Step files import siblings and project packages the way Motia runs them: root on sys.path.

    The project's own modules (`lib`, `steps.helpers`) are forgotten afterwards, so compiling
    another project in the same process (tests, `motia dev`) never sees stale ones.
    """
    entry = str(app_dir)
    root = app_dir.resolve()
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)
        for name, module in list(sys.modules.items()):
            if module is not None and _is_inside(module, root):
                del sys.modules[name]


def _import_file(path: Path, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def _failure_line(error: BaseException, path: Path) -> int | None:
    """The line in the step file where the import failed (SyntaxError carries it directly)."""
    if isinstance(error, SyntaxError) and error.lineno:
        return error.lineno
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    return frames[-1].lineno if frames else None


def _import_diagnostic(relative: str, path: Path, error: BaseException) -> Diagnostic:
    line = _failure_line(error, path)
    if isinstance(error, SyntaxError):
        message = f"syntax error: {error.msg}"
        hint = "fix the Python syntax at that line"
    elif isinstance(error, ModuleNotFoundError):
        message = f"cannot import {error.name!r} ({error})"
        hint = (
            f"install {error.name!r} in this environment and list it in the project's "
            "requirements.txt so it is packaged for Lambda"
        )
    else:
        message = f"importing the step file raised {type(error).__name__}: {error}"
        hint = "a step file must import without side effects that fail at build time"
    return Diagnostic("error", relative, "", message, hint, line=line)


def load_steps(app_dir: Path, files: tuple[Path, ...]) -> LoadResult:
    """Import every file once; report each file that fails or defines no complete step."""
    steps: list[LoadedStep] = []
    diagnostics: list[Diagnostic] = []
    streams: set[str] = set()
    with _project_on_path(app_dir):
        for relative_path in files:
            relative = relative_path.as_posix()
            path = (app_dir / relative_path).resolve()
            try:
                module = _import_file(path, module_name_for(relative))
            except (Exception, SystemExit) as error:  # a user's file: anything may be raised
                diagnostics.append(_import_diagnostic(relative, path, error))
                continue
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
    return LoadResult(tuple(steps), tuple(sorted(streams)), tuple(diagnostics))
