from __future__ import annotations

from pathlib import Path

from compiler.discover import discover_step_files
from tests.compiler.projects import write_project


def test_finds_step_files_in_steps_and_src_sorted(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/b/z_step.py": "", "steps/a_step.py": "", "steps/old.step.py": "",
        "src/api/get_step.py": "", "steps/helpers.py": "", "steps/__pycache__/x_step.py": "",
        "other/c_step.py": "",
    })
    assert [p.as_posix() for p in discover_step_files(tmp_path)] == [
        "src/api/get_step.py", "steps/a_step.py", "steps/b/z_step.py", "steps/old.step.py"]


def test_finds_nothing_in_an_empty_project(tmp_path: Path) -> None:
    assert discover_step_files(tmp_path) == ()
