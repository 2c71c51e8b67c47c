"""The trigger-kind registry names every part of every kind, and every static list agrees with it."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any, Callable

import pytest

from compiler import trigger_kinds
from compiler.trigger_kinds import BY_NAME, KINDS, REFERENCE_PARTS, TriggerKind, registry_problems, resolve_reference
from lambda_runtime.events import event_kind


def test_the_registry_agrees_with_every_list_kept_outside_it() -> None:
    assert registry_problems() == []


@pytest.mark.slow
def test_every_string_named_part_resolves_to_a_callable() -> None:
    assert registry_problems(resolve_references=True) == []


# -- the checker cannot pass vacuously: each kind of omission is reported ------------------------

def _without(name: str) -> tuple[TriggerKind, ...]:
    return tuple(kind for kind in KINDS if kind.name != name)


def _replaced(name: str, **changes: Any) -> tuple[TriggerKind, ...]:
    return tuple(dataclasses.replace(kind, **changes) if kind.name == name else kind for kind in KINDS)


def test_fails_when_a_kind_is_missing_from_the_registry() -> None:
    problems = "\n".join(registry_problems(_without("cron")))
    for list_name in ("config_schema.TRIGGER_KINDS", "TriggerSpec members", "ir.TriggerKind",
                      "Application trigger fields", "motia.config._TRIGGER_CLASSES", "entry.TRIGGER_EVENTS"):
        assert list_name in problems


def test_fails_when_a_static_list_has_a_kind_the_registry_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    from lambda_runtime import entry

    monkeypatch.setitem(entry.TRIGGER_EVENTS, "webhook", "http")
    assert any("entry.TRIGGER_EVENTS" in p for p in registry_problems())


def test_fails_when_a_kinds_parts_disagree() -> None:
    from compiler.config_schema import QueueTriggerSpec
    from motia.types import QueueTrigger

    assert any("default type" in p for p in registry_problems(_replaced("http", record=QueueTrigger)))
    assert any("does not accept type 'http'" in p for p in registry_problems(_replaced("http", spec=QueueTriggerSpec)))
    assert any("no field 'hooks'" in p for p in registry_problems(_replaced("cron", ir_field="hooks")))
    assert any("does not hold Route" in p for p in registry_problems(_replaced("cron", ir_type=KINDS[0].ir_type)))
    assert any("share ir_field" in p for p in registry_problems(_replaced("cron", ir_field="routes")))
    assert any("TRIGGER_MAPS" in p for p in registry_problems(_replaced("cron", config_field="schedules")))


@pytest.mark.parametrize("part", REFERENCE_PARTS)
def test_fails_when_a_string_named_part_is_missing(part: str) -> None:
    assert any(part in p for p in registry_problems(_replaced("stream", **{part: ""})))
    broken = _replaced("stream", **{part: "compiler.plan_tables:no_such_part"})
    assert any("does not resolve" in p for p in registry_problems(broken, resolve_references=True))


# -- consumers read the registry -----------------------------------------------------------

def test_every_kind_has_a_plan_section() -> None:
    from compiler.plan_text import _SECTIONS

    assert {kind.ir_field for kind in KINDS} <= {attribute for _, attribute, _ in _SECTIONS}


def test_each_kinds_emulator_event_reaches_its_adapter() -> None:
    from compiler.emulator.events import HttpRequest, stream_record

    request = HttpRequest("GET", "/x", "", (("host", "127.0.0.1"),), b"", "127.0.0.1", datetime.now(timezone.utc))
    message = {"MessageId": "m1", "ReceiptHandle": "r", "Body": "{}", "Attributes": {}, "MD5OfBody": ""}
    change = {"eventID": "1", "eventName": "INSERT", "dynamodb": {"Keys": {}}}
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/s"
    sample_args: dict[str, Callable[[], tuple[Any, ...]]] = {
        "http": lambda: (request, "GET /x", {}, "req-1"),
        "queue": lambda: ([message], "arn:aws:sqs:us-east-1:123456789012:q", "us-east-1"),
        "cron": lambda: ("* * * * *",),
        "state": lambda: ([stream_record(change, arn, "us-east-1")],),
        "stream": lambda: ([stream_record(change, arn, "us-east-1")],),
    }
    assert set(sample_args) == set(BY_NAME)
    for kind in KINDS:
        event = resolve_reference(kind.emulator_event)(*sample_args[kind.name]())
        assert event_kind(event) == kind.event_kind, kind.name


def test_importing_the_registry_imports_neither_aws_cdk_nor_moto() -> None:
    import subprocess
    import sys

    code = "import sys, compiler.trigger_kinds; print(sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii', 'moto', 'boto3')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert trigger_kinds.__doc__ and "To add a kind" in trigger_kinds.__doc__
