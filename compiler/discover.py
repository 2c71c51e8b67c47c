"""Find a project's step and stream files under `steps/` and `src/`, as Motia's CLI does:
`*_step.py` (or the older `*.step.py`) and `*_stream.py` (or `*.stream.py`)."""

from __future__ import annotations

from pathlib import Path

# Where Motia projects keep steps. `*.step.py` is the older naming, found anywhere below
# steps/ or src/ as well.
STEP_ROOTS = ("steps", "src")
STEP_PATTERNS = ("*_step.py", "*.step.py")
STREAM_PATTERNS = ("*_stream.py", "*.stream.py")
_SKIPPED_DIRS = {"__pycache__", "node_modules", ".venv", "venv", ".git", "cdk.out"}


def discover_step_files(app_dir: Path) -> tuple[Path, ...]:
    """Step files under the project's step roots, as paths relative to `app_dir`, sorted."""
    return _discover(app_dir, STEP_PATTERNS)


def discover_stream_files(app_dir: Path) -> tuple[Path, ...]:
    """Stream config files under the project's step roots, relative to `app_dir`, sorted."""
    return _discover(app_dir, STREAM_PATTERNS)


def _discover(app_dir: Path, patterns: tuple[str, ...]) -> tuple[Path, ...]:
    found: set[Path] = set()
    for root_name in STEP_ROOTS:
        root = app_dir / root_name
        if not root.is_dir():
            continue
        for pattern in patterns:
            for path in root.rglob(pattern):
                relative = path.relative_to(app_dir)
                if path.is_file() and not _SKIPPED_DIRS.intersection(relative.parts):
                    found.add(relative)
    return tuple(sorted(found, key=lambda p: p.as_posix()))
