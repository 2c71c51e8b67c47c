"""`include_files`: globs relative to the step file, resolved to project paths, each refused with its reason.

A pattern is checked before it is globbed: an absolute path, one that climbs out of the project
or one `pathlib` cannot glob would otherwise crash the compiler or walk the whole disk.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["IncludeProblem", "include_pattern_problem", "resolve_include_files"]

IncludeProblem = tuple[str, str]  # (the pattern, why it includes nothing)
INCLUDE_FIX = "paths are relative to the step file's folder and must stay inside the project"


def include_pattern_problem(step_dir: str, pattern: object) -> str | None:
    """Why `pattern` cannot be globbed from `step_dir` (project-relative), or None."""
    if not isinstance(pattern, str) or not pattern.strip():
        return "is empty"
    if "\x00" in pattern:
        return "contains a NUL character"
    if PurePosixPath(pattern).is_absolute() or PureWindowsPath(pattern).drive or pattern.startswith("~"):
        return "is an absolute path"
    joined = posixpath.normpath(posixpath.join(step_dir or ".", pattern.replace("\\", "/")))
    if joined == ".." or joined.startswith("../"):
        return "points outside the project"
    return None


def resolve_include_files(app_dir: Path, step_file: str, patterns: list[str]) -> tuple[tuple[str, ...],
                                                                                       list[IncludeProblem]]:
    """The project paths the patterns match, and each pattern that includes nothing with the reason."""
    base = (app_dir / step_file).parent
    step_dir = posixpath.dirname(step_file)
    root = app_dir.resolve()
    found: set[str] = set()
    problems: list[IncludeProblem] = []
    for pattern in patterns:
        problem = include_pattern_problem(step_dir, pattern)
        if problem is None:
            try:
                matches = [p.resolve() for p in base.glob(pattern)]
            except (ValueError, NotImplementedError, OSError) as error:
                problem = f"is not a valid glob pattern ({error})"
        if problem is not None:
            problems.append((pattern, problem))
            continue
        inside = [p for p in matches if p.is_relative_to(root)]
        if not inside:
            problems.append((pattern, "matches no file in the project"))
        for path in inside:
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            found.update(f.relative_to(root).as_posix() for f in files if f.is_file())
    return tuple(sorted(found)), problems
