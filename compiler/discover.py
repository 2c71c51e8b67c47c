"""Find a project's step files: `steps/**/*_step.py`, `**/*.step.py` and `src/**/*_step.py`."""

from __future__ import annotations

from pathlib import Path

# Where Motia projects keep steps. `*.step.py` is the older naming, found anywhere below
# steps/ or src/ as well.
STEP_ROOTS = ("steps", "src")
STEP_PATTERNS = ("*_step.py", "*.step.py")
_SKIPPED_DIRS = {"__pycache__", "node_modules", ".venv", "venv", ".git", "cdk.out"}


def discover_step_files(app_dir: Path) -> tuple[Path, ...]:
    """Step files under the project's step roots, as paths relative to `app_dir`, sorted."""
    found: set[Path] = set()
    for root_name in STEP_ROOTS:
        root = app_dir / root_name
        if not root.is_dir():
            continue
        for pattern in STEP_PATTERNS:
            for path in root.rglob(pattern):
                relative = path.relative_to(app_dir)
                if path.is_file() and not _SKIPPED_DIRS.intersection(relative.parts):
                    found.add(relative)
    return tuple(sorted(found, key=lambda p: p.as_posix()))
