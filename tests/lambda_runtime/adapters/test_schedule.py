"""GIVEN a schedule invocation WHEN the cron adapter runs THEN the cron handler runs with None."""

from __future__ import annotations

import pytest

from lambda_runtime.adapters import schedule
from tests.lambda_runtime.conftest import event, hosted, step_module

CRON = "steps/cron_step.py"


@pytest.fixture
def runs() -> list:
    log: list = step_module(CRON).RUNS
    log.clear()
    return log


def test_scheduler_input_runs_the_trigger_it_names_by_index(runs: list) -> None:
    assert schedule.handle(hosted(CRON, "Ticker"), {"motia_cron": "0 9 * * MON", "motia_trigger": 0}) is None
    assert runs == [("tick", "*/5 * * * *", True)]  # the index decides, not the expression


def test_input_without_trigger_index_picks_the_trigger_with_its_expression(runs: list) -> None:
    # Schedules deployed before the index existed keep their old input until redeployed.
    assert schedule.handle(hosted(CRON, "Ticker"), event("scheduler.json")) is None
    assert runs == [("tick", "0 9 * * MON", True)]


def test_rejects_old_input_whose_expression_no_trigger_has(runs: list) -> None:
    with pytest.raises(schedule.UnknownSchedule, match=r"'\*/5 \* \* \* \*', '0 9 \* \* MON'"):
        schedule.handle(hosted(CRON, "Ticker"), {"motia_cron": "0 0 1 * *"})
    assert runs == []


def test_rejects_scheduled_rule_event_when_the_step_has_several_cron_triggers(runs: list) -> None:
    with pytest.raises(schedule.UnknownSchedule, match="no cron trigger for this schedule"):
        schedule.handle(hosted(CRON, "Ticker"), event("scheduled_rule.json"))


def test_rejects_trigger_index_that_is_not_a_cron_trigger() -> None:
    with pytest.raises(LookupError, match="cron trigger #0, but the step file has a http trigger there"):
        schedule.handle(hosted("steps/multi_step.py", "Multi"), {"motia_cron": "0 * * * *", "motia_trigger": 0})


def test_scheduled_rule_event_runs_the_only_cron_trigger_with_async_condition(runs: list) -> None:
    schedule.handle(hosted(CRON, "Nightly"), event("scheduled_rule.json"))
    assert runs == [("nightly", None)]


def test_false_condition_skips(runs: list) -> None:
    fn = hosted(CRON, "Nightly")
    fn.step.triggers[0].condition = lambda input, ctx: False
    try:
        schedule.handle(fn, event("scheduled_rule.json"))
    finally:
        step_module.cache_clear()  # the mutated trigger must not leak into other tests
    assert runs == []


def test_multi_trigger_cron_branch_takes_no_argument() -> None:
    seen = step_module("steps/multi_step.py").SEEN
    seen.clear()
    schedule.handle(hosted("steps/multi_step.py", "Multi"), {"motia_cron": "0 * * * *", "motia_trigger": 4})
    assert seen == [("cron", "0 * * * *")]


def test_fails_when_step_has_no_cron_trigger() -> None:
    with pytest.raises(LookupError, match="has no cron trigger for this schedule"):
        schedule.handle(hosted("steps/queue_step.py", "NoArgs"), event("scheduler.json"))


def test_a_cron_condition_gets_the_engines_tick_and_the_handler_none(runs: list) -> None:
    # Motia 1.0.4: conditions get {trigger, job_id, scheduled_time, actual_time}; handlers None.
    seen: list = []
    fn = hosted(CRON, "Nightly")
    fn.step.triggers[0].condition = lambda tick, ctx: seen.append(tick) or True
    try:
        schedule.handle(fn, {"motia_cron": "0 0 * * *", "motia_trigger": 0, "motia_scheduled": "2026-11-28T00:00:00Z"})
    finally:
        step_module.cache_clear()
    [tick] = seen
    assert (tick["trigger"], tick["job_id"], tick["scheduled_time"]) == ("cron", "Nightly::cron::0", "2026-11-28T00:00:00Z")
    assert tick["actual_time"].endswith("+00:00") and runs == [("nightly", None)]


@pytest.mark.parametrize(("scheduled", "ran"), [
    ("2026-06-01T09:00:00Z", True),  # the 1st, a Monday: both day fields match
    ("2026-07-01T09:00:00Z", False),  # the 1st, a Wednesday: Motia would not run
])
def test_a_tick_runs_only_on_days_matching_both_day_fields(runs: list, scheduled: str, ran: bool) -> None:
    # `0 9 1 * MON`: AWS fires on the 1st; the input carries the weekday to check (Sunday = 0)
    tick = {"motia_cron": "*/5 * * * *", "motia_trigger": 0, "motia_scheduled": scheduled, "motia_days": {"weekday": [1]}}
    schedule.handle(hosted(CRON, "Ticker"), tick)
    assert (runs == [("tick", "*/5 * * * *", True)]) is ran
