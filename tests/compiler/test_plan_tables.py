"""Each `motia plan` table, from an IR holding one of everything."""

from __future__ import annotations

from pathlib import Path

from compiler import plan_tables
from compiler.plan_text import render_plan
from compiler.trigger_kinds import KINDS
from tests.compiler.emit.ir_fixtures import every_kind

APP = every_kind(Path("/nowhere"))


def test_state_triggers_table_counts_each_steps_triggers_and_conditions() -> None:
    [header, *rows] = plan_tables.state_triggers_table(APP)
    assert header.split() == ["STEP", "TRIGGERS", "CONDITION"]
    assert len(rows) == len(APP.state_triggers)
    for row, trigger in zip(rows, APP.state_triggers, strict=True):
        assert row.split() == [trigger.function, str(len(trigger.trigger_indexes)), "yes" if trigger.has_condition else "no"]


def test_stream_triggers_table_shows_any_for_an_open_group_or_item() -> None:
    [header, *rows] = plan_tables.stream_triggers_table(APP)
    assert header.split() == ["STEP", "STREAM", "GROUP", "ITEM", "CONDITION"]
    for row, trigger in zip(rows, APP.stream_triggers, strict=True):
        assert row.split()[:4] == [trigger.function, trigger.stream, trigger.group_id or "any", trigger.item_id or "any"]


def test_the_plan_has_one_section_per_trigger_kind_present_in_registry_order() -> None:
    text = render_plan(APP)
    positions = [text.index(kind.plan_title) for kind in KINDS if getattr(APP, kind.ir_field)]
    assert len(positions) == len(KINDS) and positions == sorted(positions)
    assert text.index("Topics (SNS)") < positions[0] < positions[-1] < text.index("Tables (DynamoDB")


def test_a_kind_without_items_has_no_section() -> None:
    from dataclasses import replace

    text = render_plan(replace(APP, schedules=()))
    assert "Schedules (EventBridge Scheduler)" not in text and "HTTP routes" in text


def test_queues_table_shows_attempts_backoff_and_concurrency_and_how_one_is_met() -> None:
    [header, *rows] = plan_tables.queues_table(APP)
    assert "BACKOFF" in header and "CONCURRENCY" in header
    charge, ship = rows[0], rows[1]
    assert "500 ms x2" in charge and "1 (reserved)" in charge
    assert "1000 ms x2" in ship and " 5 " in ship
    [note] = [r for r in rows if "charge-payment on payment.requested" in r]
    assert "below the SQS event source's minimum of 2" in note and "reserves 1 concurrent execution" in note
    assert any("backoff x 2^(attempt-1)" in r for r in rows)
