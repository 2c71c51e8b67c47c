from __future__ import annotations

from pathlib import Path
from typing import Any

from compiler.config_guard import MAX_CONFIG_DEPTH, config_marker_problems, config_shape_problem
from tests.compiler.projects import write_project
from tests.compiler.test_validate import compile_steps
from compiler.pipeline import compile_project


def test_finds_a_dict_that_contains_itself_and_says_where() -> None:
    config: dict[str, Any] = {"name": "G", "infrastructure": {}}
    config["infrastructure"]["handler"] = config
    assert config_shape_problem(config) == "config['infrastructure']['handler'] contains itself (a dict or list " \
                                           "that refers to an enclosing one)"


def test_a_shared_but_acyclic_part_is_fine() -> None:
    shared = {"type": "queue", "topic": "t"}
    assert config_shape_problem({"name": "A", "triggers": [shared, shared]}) is None


def test_finds_nesting_deeper_than_any_real_config() -> None:
    deep: Any = "leaf"
    for _ in range(MAX_CONFIG_DEPTH * 5):
        deep = [deep]
    assert "is nested more than" in (config_shape_problem({"name": "A", "x": deep}) or "")


def test_finds_tokens_and_dynamic_references_in_any_string() -> None:
    problems = config_marker_problems({"name": "A${Token[X.1]}", "triggers": [{"topic": "{{resolve:ssm:p}}"}]})
    assert [p.split(" is ")[0] for p in problems] == ["config['name']", "config['triggers'][0]['topic']"]


def test_rejects_a_self_referencing_step_config_without_a_traceback(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/g_step.py": '''\
        config = {"name": "G", "triggers": []}
        config["extra"] = [config]

        async def handler(input, ctx):
            return None
        '''})
    app = compile_project(tmp_path)
    [error] = app.errors
    assert (error.file, error.step) == ("steps/g_step.py", "G")
    assert error.message.startswith("config['extra'][0] contains itself")
    assert error.hint


def test_rejects_markers_in_step_and_topic_names(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, d='{"name": "D${Token[TOKEN.12]}", "triggers": [queue("{{resolve:ssm:t}}")]}')
    assert [(d.file, d.step) for d in app.errors] == [("steps/d_step.py", "D${Token[TOKEN.12]}")] * 2
    assert all("'${Token[' or '{{resolve:'" in d.hint for d in app.errors)
