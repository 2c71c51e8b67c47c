"""A project at the edges `motia plan` accepts synthesizes, and CloudFormation's linter finds no error.

Names and values just inside every limit the plan checks (route path, topic name, descriptions,
memory, timeout, odd characters) must not fail later, in CDK or in AWS. One synth.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.pipeline import compile_project
from compiler.synth import SynthResult, synthesize
from compiler.validate import ROUTE_PATH_LIMIT, TOPIC_NAME_LIMIT
from tests.compiler.projects import write_project

pytestmark = pytest.mark.slow

TOPIC = "t." + "x" * (TOPIC_NAME_LIMIT - 2)
PATH = "/" + "p" * (ROUTE_PATH_LIMIT - 6) + "/:id"  # 1000 as written: /ppp.../{id}


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    root = tmp_path_factory.mktemp("edges")
    write_project(root, {
        "steps/a_step.py": f'''\
            from motia import queue
            config = {{"name": "Ünï.cødé:a@b+c=d", "triggers": [queue({TOPIC!r}, config={{"type": "fifo"}})],
                      "enqueues": [{TOPIC!r}], "description": "d" * 5000,
                      "infrastructure": {{"handler": {{"timeout": 900, "ram": 10240}}}}}}

            async def handler(data, ctx):
                return None
            ''',
        "steps/b_step.py": f'''\
            from motia import cron, http
            config = {{"name": "B" * 300, "triggers": [http("GET", {PATH!r}), cron("*/5 * * * *")],
                      "description": "x" * 3000}}

            async def handler(req, ctx):
                return {{"status": 200}}
            ''',
    })
    app = compile_project(root)
    assert [d.message for d in app.errors] == []
    return synthesize(app, tmp_path_factory.mktemp("edges-out") / "cdk.out")


def test_a_project_at_every_checked_limit_lints_without_errors(edges: SynthResult) -> None:
    from cfnlint.api import lint_file

    assert [str(m) for m in lint_file(edges.template_path) if m.rule.id.startswith("E")] == []
