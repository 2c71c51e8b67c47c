"""Every fixture project that compiles also synthesizes to a template cfn-lint accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.pipeline import compile_project
from compiler.synth import synthesize
from tests.conftest import FIXTURE_PROJECTS, REPO

pytestmark = pytest.mark.slow

PROJECTS = {
    "generations": FIXTURE_PROJECTS / "generations",  # all three API generations together
    "emulator-flows": REPO / "tests" / "fixtures" / "emulator" / "flows",
    "sub-minute-crons": FIXTURE_PROJECTS / "sub_minute_crons",  # every cron form of issue 9, both step styles
    "emulator-realtime": REPO / "tests" / "fixtures" / "emulator" / "realtime",  # the WebSocket API
}


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_fixture_project_template_passes_cfn_lint(name: str, tmp_path: Path) -> None:
    from cfnlint.api import lint_file

    app = compile_project(PROJECTS[name], stage="ci")
    assert app.errors == ()
    result = synthesize(app, tmp_path / "cdk.out")
    errors = [str(m) for m in lint_file(result.template_path) if m.rule.id.startswith("E")]
    assert errors == []
