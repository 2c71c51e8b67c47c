"""compile_project: a project directory in, the application model (with every diagnostic) out.

discover -> load (stream files, then step files) -> parse -> resolve -> validate -> build: every rule runs on the resolved
steps before the build, and a step with any error is left out of the model.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from compiler import ir
from compiler.build import build_application
from compiler.code_asset import default_cache_root
from compiler.data_access import Reach, reaches_of, with_data_access
from compiler.data_access_cache import cached_facts
from compiler.config_schema import parse_step_config
from compiler.discover import discover_step_files, discover_stream_files
from compiler.errors import ProjectNotFound
from compiler.function_configs import environment_problems
from compiler.config_guard import config_marker_problems, config_name, config_shape_problem
from compiler.include_files import INCLUDE_FIX, resolve_include_files
from compiler.load import LoadedStep, load_steps
from compiler.load_streams import load_stream_files
from compiler.naming import DEFAULT_STAGE
from compiler.physical_names import physical_name_problems
from compiler.realtime import realtime_of
from compiler.resolve import ParsedStep, resolve_project
from compiler.step_names import name_unnamed_steps
from compiler.stage_environment import build_environment, read_stage_environment, shipped_secret_files
from compiler.settings import load_settings, settings_problems
from compiler.validate import validate
from motia.config import plain_config

_SEVERITY_ORDER = {"error": 0, "warning": 1}


def _parse(app_dir: Path, loaded: LoadedStep) -> tuple[ParsedStep | None, list[ir.Diagnostic]]:
    shape = config_shape_problem(loaded.config)
    if shape:
        return None, [ir.Diagnostic("error", loaded.file, config_name(loaded.config), shape,
                                    "write the config as plain literals: copy a shared part (dict(...)) "
                                    "instead of nesting a dict inside itself")]
    try:
        plain = plain_config(loaded.config)
    except TypeError as error:
        return None, [ir.Diagnostic("error", loaded.file, config_name(loaded.config), str(error),
                                    "pass a dict or StepConfig")]
    markers = config_marker_problems(plain)
    if markers:
        return None, [ir.Diagnostic("error", loaded.file, config_name(loaded.config), m,
                                    "use plain text: a name or value cannot contain '${Token[' or '{{resolve:'")
                      for m in markers]
    spec, problems = parse_step_config(loaded.file, plain)
    if spec is None:
        return None, list(problems)
    includes, refused = resolve_include_files(app_dir, loaded.file, spec.include_files or [])
    diagnostics = list(problems) + [
        ir.Diagnostic("error", loaded.file, spec.name, f"include_files entry {pattern!r} {why}", INCLUDE_FIX)
        for pattern, why in refused
    ]
    return ParsedStep(loaded.file, spec, loaded.handler, includes), diagnostics


def failed_steps(diagnostics: list[ir.Diagnostic]) -> set[tuple[str, str]]:
    """(file, step name) of every step with an error: those stay out of the model."""
    return {(d.file, d.step) for d in diagnostics if d.severity == "error" and d.step}


def _sorted(diagnostics: list[ir.Diagnostic]) -> tuple[ir.Diagnostic, ...]:
    return tuple(sorted(diagnostics, key=lambda d: (_SEVERITY_ORDER[d.severity], d.file, d.step, d.message)))


@dataclass(frozen=True)
class Compiled:
    """A compile's model, with what `motia synth` records of its sources for the code-only
    fast path (`compiler.code_only`)."""

    app: ir.Application
    fragments: tuple[tuple[str, str | None], ...]  # (step file, its fragment): compiler.step_fragments
    stream_files: tuple[str, ...]  # the stream config files imported (POSIX, relative)
    reaches: Mapping[str, Reach]  # `data_access.reaches_of` each step file and stream file


def compile_project(app_dir: Path, *, stage: str = DEFAULT_STAGE, app_name: str | None = None) -> ir.Application:
    """Discover, load, resolve, validate and build. Check `.errors` before using the model to deploy."""
    return compile_sources(app_dir, stage=stage, app_name=app_name).app


def compile_sources(app_dir: Path, *, stage: str = DEFAULT_STAGE, app_name: str | None = None) -> Compiled:
    """`compile_project`, with the facts of the sources it read."""
    app_dir = Path(app_dir).resolve()
    if not app_dir.is_dir():
        raise ProjectNotFound(f"app directory {str(app_dir)!r} does not exist")
    settings, diagnostics = load_settings(app_dir, stage)
    files = discover_step_files(app_dir)
    if not files:
        diagnostics.append(ir.Diagnostic(
            "error", "", "", f"no step files found in {app_dir}",
            "step files are named *_step.py (or *.step.py) under steps/ or src/",
        ))
    stream_paths = discover_stream_files(app_dir)
    with build_environment(app_dir, stage):  # the files may read the stage's variables at import
        stream_files = load_stream_files(app_dir, stream_paths)
        loaded = load_steps(app_dir, files)
    diagnostics.extend(stream_files.diagnostics)
    diagnostics.extend(name_unnamed_steps(app_dir, loaded.diagnostics))
    parsed: list[ParsedStep] = []
    for step in loaded.steps:
        result, problems = _parse(app_dir, step)
        diagnostics.extend(problems)
        if result is not None:
            parsed.append(result)
    project = resolve_project(parsed, app=app_name or settings.app_name or app_dir.name, stage=stage)
    diagnostics.extend(validate(project))
    stream_relatives = tuple(p.as_posix() for p in stream_paths)
    with cached_facts(default_cache_root()) as facts_of:  # the analysis is pure over each source
        # Every imported step file's and stream file's: the functions' data access, and what
        # `motia synth` records for its code-only fast path (compiler.code_only).
        reaches = reaches_of(app_dir, [*(file for file, _ in loaded.fragments), *stream_relatives], facts_of)
    app = with_data_access(build_application(
        project.without(failed_steps(diagnostics)), root=str(app_dir),
        declared_streams=(*loaded.streams, *stream_files.names),
    ), reaches)
    stage_env = read_stage_environment(app_dir, app.name, stage)
    diagnostics.extend((*stage_env.diagnostics, *shipped_secret_files(app)))
    app = dataclasses.replace(app, environment=stage_env.environment, secrets=stage_env.secrets)
    diagnostics.extend(environment_problems(app))  # needs the whole model: checked once it is built
    diagnostics.extend(settings_problems(app, settings))
    realtime, realtime_problems = realtime_of(app, stream_files)
    diagnostics.extend(realtime_problems)
    app = dataclasses.replace(app, settings=settings, realtime=realtime)
    diagnostics.extend(physical_name_problems(app))  # every named resource is known now
    return Compiled(dataclasses.replace(app, diagnostics=_sorted(diagnostics)), loaded.fragments,
                    stream_relatives, reaches)
