"""Golden IR files: every change to what a project compiles to shows up as a reviewed diff.

Regenerate with `pytest tests/compiler/test_golden.py --update-golden` and review `git diff`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.ir_json import application_to_json
from compiler.pipeline import compile_project
from tests.conftest import EXAMPLES, FIXTURE_PROJECTS, REPO

GOLDEN = REPO / "tests" / "golden"
PROJECTS = {
    "orders": EXAMPLES / "orders",
    "generations": FIXTURE_PROJECTS / "generations",
    "broken": FIXTURE_PROJECTS / "broken",
}


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_ir_matches_golden(name: str, update_golden: bool) -> None:
    actual = application_to_json(compile_project(PROJECTS[name]))
    golden = GOLDEN / f"{name}.ir.json"
    if update_golden:
        golden.write_text(actual)
    assert golden.exists(), f"no golden file {golden}: run with --update-golden"
    assert actual == golden.read_text(), f"IR of {name} changed: rerun with --update-golden and review the diff"
