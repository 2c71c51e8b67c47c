"""GIVEN a schedule invocation WHEN the cron adapter runs THEN the cron handler runs with None."""

from __future__ import annotations

import pytest

from lambda_runtime.adapters import schedule
from tests.lambda_runtime.conftest import event, load_step, step_module

CRON = "steps/cron_step.py"


@pytest.fixture
def runs() -> list:
    log: list = step_module(CRON).RUNS
    log.clear()
    return log


def test_scheduler_input_picks_the_trigger_with_its_expression(runs: list) -> None:
    assert schedule.handle(load_step(CRON, "Ticker"), event("scheduler.json")) is None
    assert runs == [("tick", "0 9 * * MON", True)]


def test_scheduled_rule_event_runs_first_cron_trigger_with_async_condition(runs: list) -> None:
    schedule.handle(load_step(CRON, "Nightly"), event("scheduled_rule.json"))
    assert runs == [("nightly", None)]


def test_false_condition_skips(runs: list) -> None:
    step = load_step(CRON, "Nightly")
    step.triggers[0].condition = lambda input, ctx: False
    try:
        schedule.handle(step, event("scheduled_rule.json"))
    finally:
        step_module.cache_clear()  # the mutated trigger must not leak into other tests
    assert runs == []


def test_multi_trigger_cron_branch_takes_no_argument() -> None:
    seen = step_module("steps/multi_step.py").SEEN
    seen.clear()
    schedule.handle(load_step("steps/multi_step.py", "Multi"), {"motia_cron": "0 * * * *"})
    assert seen == [("cron", "0 * * * *")]


def test_fails_when_step_has_no_cron_trigger() -> None:
    with pytest.raises(LookupError, match="no cron trigger"):
        schedule.handle(load_step("steps/queue_step.py", "NoArgs"), event("scheduler.json"))
