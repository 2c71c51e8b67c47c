"""Configs Motia 1.0.4's own models accept (odd but valid: empty lists, None everywhere
optional, schemas as pydantic classes and as dicts, every QueueConfig key, camelCase) never
make `motia plan` print a traceback: each compiles, with at most warnings; `--json` parses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.cli import main
from tests.compiler.projects import step_source, write_project

PYDANTIC_MODEL = "from pydantic import BaseModel\nclass Body(BaseModel):\n    name: str\n"
CONFIGS = {
    "empty lists": '{"name": "A", "triggers": [], "enqueues": [], "flows": []}',
    "none everywhere optional": (
        '{"name": "A", "description": None, "flows": None, "virtual_enqueues": None, "virtual_subscribes": None,'
        ' "include_files": None, "infrastructure": None, "triggers": [http("GET", "/a", body_schema=None,'
        ' response_schema=None, query_params=None, middleware=None, condition=None)]}'
    ),
    "pydantic schemas": (
        '{"name": "A", "triggers": [http("POST", "/a", body_schema=Body, response_schema={200: Body},'
        ' query_params=[QueryParam(name="q", description="a query")])]}'
    ),
    "json schema dicts": (
        '{"name": "A", "triggers": [http("POST", "/a", body_schema={"type": "object"},'
        ' response_schema={200: {"type": "object"}})]}'
    ),
    "every queue config key": (
        '{"name": "A", "enqueues": ["t"], "triggers": [queue("t", input=Body, config=QueueConfig(type="fifo",'
        ' max_retries=2, visibility_timeout=40, delay_seconds=0, concurrency=3, backoff_type="exponential",'
        ' backoff_delay_ms=500))]}'
    ),
    "camel case keys": (
        '{"name": "A", "virtualEnqueues": [{"topic": "x", "label": "later"}], "virtualSubscribes": ["y"],'
        ' "enqueues": [{"topic": "t", "label": "next", "conditional": True}],'
        ' "triggers": [queue("t", config={"maxRetries": 2})]}'
    ),
    "stream trigger with all keys": (
        '{"name": "A", "triggers": [stream("todo", group_id="g", item_id="i", condition=lambda i, c: True)]}'
    ),
    "state and cron with conditions": (
        '{"name": "A", "triggers": [state(condition=lambda i, c: True), cron("0 9 * * *", condition=lambda i, c: True)]}'
    ),
    "step config record": 'StepConfig(name="A", triggers=[http("GET", "/a")], enqueues=[Enqueue(topic="t")])',
    "unknown extras": '{"name": "A", "triggers": [http("GET", "/a")], "team": "payments", "owner": {"email": "x"}}',
}


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_plan_of_a_config_the_sdk_accepts_ends_without_a_traceback(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    write_project(tmp_path, {"steps/a_step.py": "from motia import *\n" + PYDANTIC_MODEL + step_source(CONFIGS[config])})
    status = main(["plan", "--app-dir", str(tmp_path), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    plan = json.loads(out)
    # Motia accepts each of these, so they compile: at most warnings, each naming file and fix.
    assert status == 0 and all(d["severity"] == "warning" and d["file"] and d["hint"] for d in plan["diagnostics"])
