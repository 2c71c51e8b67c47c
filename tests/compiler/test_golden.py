"""Golden IR files: every change to what a project compiles to shows up as a reviewed diff.

Regenerate with `pytest tests/compiler/test_golden.py --update-golden` and review
`git diff tests/golden`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.ir_json import application_to_json
from compiler.pipeline import compile_project
from tests.conftest import EXAMPLES, FIXTURE_PROJECTS, GOLDEN, check_golden, golden_mismatch

PROJECTS = {
    "orders": EXAMPLES / "orders",
    "generations": FIXTURE_PROJECTS / "generations",
    "broken": FIXTURE_PROJECTS / "broken",
}
THIS_FILE = "tests/compiler/test_golden.py"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_ir_matches_golden(name: str, update_golden: bool) -> None:
    actual = application_to_json(compile_project(PROJECTS[name]))
    check_golden(GOLDEN / f"{name}.ir.json", actual, update_golden, THIS_FILE)


def test_fails_a_changed_golden_with_the_diff_and_how_to_regenerate(tmp_path: Path) -> None:
    golden = tmp_path / "app.ir.json"
    golden.write_text('{\n  "name": "orders",\n  "stage": "dev"\n}\n')
    problem = golden_mismatch(golden, '{\n  "name": "renamed",\n  "stage": "dev"\n}\n', THIS_FILE)
    assert problem is not None
    assert f"pytest {THIS_FILE} --update-golden" in problem and "git diff tests/golden" in problem
    assert '-  "name": "orders",' in problem.splitlines() and '+  "name": "renamed",' in problem.splitlines()


def test_fails_a_missing_golden_and_says_how_to_create_it(tmp_path: Path) -> None:
    problem = golden_mismatch(tmp_path / "new.ir.json", "{}\n", THIS_FILE)
    assert problem is not None and problem.startswith("no golden file") and "--update-golden" in problem


def test_update_writes_the_golden_and_then_matches(tmp_path: Path) -> None:
    golden = tmp_path / "app.ir.json"
    check_golden(golden, "{}\n", True, THIS_FILE)
    assert golden.read_text() == "{}\n" and golden_mismatch(golden, "{}\n", THIS_FILE) is None
