"""Configs of the three API generations read as one plain form; steps found in modules."""

from __future__ import annotations

import types
from typing import Any

from motia import Enqueue, StepConfig, cron, http, queue, step
from motia.config import plain_config, runtime_triggers, step_definitions
from motia.definition import StepBuilder, StepDefinition


def test_current_generation_with_trigger_objects() -> None:
    plain = plain_config({"name": "A", "triggers": [http("GET", "/a"), queue("t")], "enqueues": [Enqueue(topic="x")]})
    assert plain["triggers"][0]["type"] == "http" and plain["triggers"][1]["topic"] == "t"
    assert plain["enqueues"] == [{"topic": "x", "label": None, "conditional": False}]


def test_step_config_dataclass_becomes_plain() -> None:
    plain = plain_config(StepConfig(name="A", triggers=[cron("0 * * * *")]))
    assert plain["name"] == "A" and plain["triggers"][0]["expression"] == "0 * * * *"


def test_head_generation_emits_becomes_enqueues() -> None:
    assert plain_config({"name": "A", "triggers": [], "emits": ["t"]})["enqueues"] == ["t"]


def test_legacy_api_step_becomes_one_http_trigger() -> None:
    plain = plain_config({"type": "api", "name": "A", "path": "/o/:id", "method": "GET", "emits": ["x"],
                          "bodySchema": {"type": "object"}, "flows": ["f"]})
    assert plain["triggers"] == [{"type": "http", "path": "/o/:id", "method": "GET", "bodySchema": {"type": "object"}}]
    assert plain["enqueues"] == ["x"] and plain["flows"] == ["f"] and "type" not in plain


def test_legacy_event_step_becomes_one_queue_trigger_per_topic() -> None:
    plain = plain_config({"type": "event", "name": "E", "subscribes": ["a", "b"], "emits": [], "input": None})
    assert [t["topic"] for t in plain["triggers"]] == ["a", "b"]


def test_legacy_cron_and_noop_steps() -> None:
    assert plain_config({"type": "cron", "name": "C", "cron": "0 * * * *"})["triggers"] == [
        {"type": "cron", "expression": "0 * * * *"}]
    assert plain_config({"type": "noop", "name": "N", "virtualEmits": ["x"]}) == {
        "name": "N", "virtual_enqueues": ["x"], "triggers": []}


def test_trigger_dicts_with_old_kind_names_are_normalised() -> None:
    plain = plain_config({"name": "A", "triggers": [{"type": "api", "path": "/", "method": "GET"},
                                                     {"type": "event", "subscribes": "t"}]})
    assert [t["type"] for t in plain["triggers"]] == ["http", "queue"]
    assert plain["triggers"][1]["topic"] == "t"


def test_runtime_triggers_keep_conditions_and_accept_camel_case() -> None:
    def cond(x: Any, ctx: Any) -> bool:
        return True

    triggers = runtime_triggers(plain_config({"name": "A", "triggers": [
        {"type": "stream", "streamName": "s", "groupId": "g", "condition": cond}]}))
    assert triggers[0].stream_name == "s" and triggers[0].group_id == "g" and triggers[0].condition is cond


def _module(**values: Any) -> types.ModuleType:
    module = types.ModuleType("m")
    module.__dict__.update(values)
    return module


def test_step_definitions_finds_every_form() -> None:
    async def handler(x: Any, ctx: Any) -> None: ...

    definition = step({"name": "A", "triggers": []}, handler)
    assert step_definitions(_module(a=definition)) == [definition]
    builder = step({"name": "B", "triggers": []})
    handled = builder.handle(handler)  # type: ignore[union-attr]
    # the builder and the definition it made are one step, not two
    assert step_definitions(_module(b=builder, handler=handled)) == [handled]
    legacy = step_definitions(_module(config={"name": "C"}, handler=handler))
    assert len(legacy) == 1 and isinstance(legacy[0], StepDefinition)


def test_step_definitions_returns_builders_without_handler() -> None:
    found = step_definitions(_module(b=step({"name": "B", "triggers": []})))
    assert len(found) == 1 and isinstance(found[0], StepBuilder)
