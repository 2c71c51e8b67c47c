from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from compiler.pipeline import ProjectNotFound, compile_project
from tests.compiler.projects import step_source, write_project
from tests.conftest import EXAMPLES, FIXTURE_PROJECTS, REPO


def test_example_project_compiles_without_problems() -> None:
    app = compile_project(EXAMPLES / "orders")
    assert app.diagnostics == ()
    kinds = {kind for fn in app.functions for kind in fn.triggers}
    assert kinds == {"http", "queue", "cron", "state", "stream"}
    assert any(len(t.subscribers) == 2 for t in app.topics)
    assert {q.fifo for q in app.queues} == {True, False}
    assert any(":" in r.source_path for r in app.routes)


def test_all_three_api_generations_compile_together() -> None:
    app = compile_project(FIXTURE_PROJECTS / "generations")
    assert app.errors == ()
    assert [f.name for f in app.functions] == ["Current", "HeadStep", "LegacyConsume", "LegacyCreate", "LegacyCron"]
    assert app.function("Current").include_files == ("data/greeting.txt",)


def test_fails_with_every_problem_of_the_broken_fixture() -> None:
    app = compile_project(FIXTURE_PROJECTS / "broken")
    assert len(app.errors) == 7  # plus the unknown `maxRetry`, a warning
    assert {d.file for d in app.errors} == {"steps/first_step.py", "steps/second_step.py", "steps/syntax_step.py"}


def test_fails_on_a_project_without_steps(tmp_path: Path) -> None:
    (error,) = compile_project(tmp_path).errors
    assert "no step files found" in error.message and "_step.py" in error.hint


def test_rejects_a_missing_app_dir(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFound):
        compile_project(tmp_path / "nope")


def test_compiling_to_the_ir_never_imports_aws_cdk() -> None:
    code = (
        "import sys; from pathlib import Path; from compiler.pipeline import compile_project; "
        "from compiler.plan_text import render_plan; from compiler.ir_json import application_to_json; "
        f"app = compile_project(Path({str(EXAMPLES / 'orders')!r})); render_plan(app); application_to_json(app); "
        "print(sorted(m for m in sys.modules if m.startswith(('aws_cdk', 'jsii', 'constructs'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == "[]"


def test_fails_a_step_with_an_error_out_of_the_model_and_keeps_the_rest(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/good_step.py": step_source('{"name": "Good", "triggers": [http("GET", "/ok")], "enqueues": ["t"]}'),
        "steps/bad_step.py": step_source('{"name": "Bad", "triggers": [http("GET", "/bad"), queue("t"), cron("61 * * * *")]}'),
    })
    app = compile_project(tmp_path)
    assert [d.step for d in app.errors] == ["Bad"]
    assert [f.name for f in app.functions] == ["Good"]
    assert [r.function for r in app.routes] == ["Good"]
    assert app.queues == () and app.schedules == ()
    # The topic is still published by Good; its only subscriber was left out.
    assert [(t.name, t.publishers, t.subscribers) for t in app.topics] == [("t", ("Good",), ())]
