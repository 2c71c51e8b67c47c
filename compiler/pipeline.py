"""compile_project: a project directory in, the application model (with every diagnostic) out.

discover -> load (stream files, then step files) -> parse -> resolve -> validate -> build: every rule runs on the resolved
steps before the build, and a step with any error is left out of the model.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from compiler import ir
from compiler.build import build_application
from compiler.config_schema import parse_step_config
from compiler.discover import discover_step_files, discover_stream_files
from compiler.errors import ProjectNotFound
from compiler.function_configs import environment_problems
from compiler.load import LoadedStep, load_steps
from compiler.load_streams import load_stream_files
from compiler.realtime import realtime_of
from compiler.resolve import ParsedStep, resolve_project
from compiler.validate import validate
from motia.config import plain_config

DEFAULT_STAGE = "dev"
_SEVERITY_ORDER = {"error": 0, "warning": 1}


def resolve_include_files(
    app_dir: Path, step_file: str, patterns: list[str]
) -> tuple[tuple[str, ...], list[str]]:
    """`include_files` (relative to the step file, globs allowed) as project paths; and what matched nothing."""
    base = (app_dir / step_file).parent
    found: set[str] = set()
    missing: list[str] = []
    root = app_dir.resolve()
    for pattern in patterns:
        matches = [p.resolve() for p in base.glob(pattern)] if pattern else []
        inside = [p for p in matches if p.is_relative_to(root)]
        if not inside:
            missing.append(pattern)
        for path in inside:
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            found.update(f.relative_to(root).as_posix() for f in files if f.is_file())
    return tuple(sorted(found)), missing


def _parse(app_dir: Path, loaded: LoadedStep) -> tuple[ParsedStep | None, list[ir.Diagnostic]]:
    try:
        plain = plain_config(loaded.config)
    except TypeError as error:
        return None, [ir.Diagnostic("error", loaded.file, "", str(error), "pass a dict or StepConfig")]
    spec, problems = parse_step_config(loaded.file, plain)
    if spec is None:
        return None, list(problems)
    includes, missing = resolve_include_files(app_dir, loaded.file, spec.include_files or [])
    diagnostics = list(problems) + [
        ir.Diagnostic("error", loaded.file, spec.name, f"include_files entry {m!r} matches no file in the project",
                      "paths are relative to the step file's folder and must stay inside the project")
        for m in missing
    ]
    return ParsedStep(loaded.file, spec, loaded.handler, includes), diagnostics


def failed_steps(diagnostics: list[ir.Diagnostic]) -> set[tuple[str, str]]:
    """(file, step name) of every step with an error: those stay out of the model."""
    return {(d.file, d.step) for d in diagnostics if d.severity == "error" and d.step}


def _sorted(diagnostics: list[ir.Diagnostic]) -> tuple[ir.Diagnostic, ...]:
    return tuple(sorted(diagnostics, key=lambda d: (_SEVERITY_ORDER[d.severity], d.file, d.step, d.message)))


def compile_project(app_dir: Path, *, stage: str = DEFAULT_STAGE, app_name: str | None = None) -> ir.Application:
    """Discover, load, resolve, validate and build. Check `.errors` before using the model to deploy."""
    app_dir = Path(app_dir).resolve()
    if not app_dir.is_dir():
        raise ProjectNotFound(f"app directory {str(app_dir)!r} does not exist")
    diagnostics: list[ir.Diagnostic] = []
    files = discover_step_files(app_dir)
    if not files:
        diagnostics.append(ir.Diagnostic(
            "error", "", "", f"no step files found in {app_dir}",
            "step files are named *_step.py (or *.step.py) under steps/ or src/",
        ))
    stream_files = load_stream_files(app_dir, discover_stream_files(app_dir))
    diagnostics.extend(stream_files.diagnostics)
    loaded = load_steps(app_dir, files)
    diagnostics.extend(loaded.diagnostics)
    parsed: list[ParsedStep] = []
    for step in loaded.steps:
        result, problems = _parse(app_dir, step)
        diagnostics.extend(problems)
        if result is not None:
            parsed.append(result)
    project = resolve_project(parsed, app=app_name or app_dir.name, stage=stage)
    diagnostics.extend(validate(project))
    app = build_application(
        project.without(failed_steps(diagnostics)), root=str(app_dir),
        declared_streams=(*loaded.streams, *stream_files.names),
    )
    diagnostics.extend(environment_problems(app))  # needs the whole model: checked once it is built
    realtime, realtime_problems = realtime_of(app, stream_files)
    diagnostics.extend(realtime_problems)
    app = dataclasses.replace(app, realtime=realtime)
    return dataclasses.replace(app, diagnostics=_sorted(diagnostics))
