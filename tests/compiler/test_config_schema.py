from __future__ import annotations

from typing import Any

import pytest

from compiler.config_schema import QueueTriggerSpec, closest_key, parse_step_config
from motia import http, queue
from motia.config import plain_config


def parse(config: dict[str, Any]):  # type: ignore[no-untyped-def]
    return parse_step_config("steps/a_step.py", plain_config(config))


@pytest.mark.parametrize("queue_config", [
    {"type": "fifo", "max_retries": 4, "visibility_timeout": 90, "delay_seconds": 5},
    {"type": "fifo", "maxRetries": 4, "visibilityTimeout": 90, "delaySeconds": 5},
])
def test_accepts_snake_and_camel_case_keys(queue_config: dict[str, Any]) -> None:
    spec, problems = parse({"name": "A", "triggers": [queue("t", config=queue_config)]})
    assert problems == ()
    assert spec is not None
    trigger = spec.triggers[0]
    assert isinstance(trigger, QueueTriggerSpec) and trigger.config is not None
    assert (trigger.config.max_retries, trigger.config.visibility_timeout, trigger.config.delay_seconds) == (4, 90, 5)


def test_accepts_camel_case_step_keys() -> None:
    spec, problems = parse({"name": "A", "triggers": [], "includeFiles": ["x"], "virtualSubscribes": ["t"]})
    assert problems == () and spec is not None and spec.include_files == ["x"]


@pytest.mark.parametrize(("config", "key", "suggestion"), [
    ({"name": "A", "triggers": [queue("t", config={"maxRetry": 3})]}, "maxRetry", "maxRetries"),
    ({"name": "A", "triggers": [], "enqueue": ["t"]}, "enqueue", "enqueues"),
    ({"name": "A", "triggers": [], "infrastructure": {"handler": {"timout": 3}}}, "timout", "timeout"),
    ({"name": "A", "triggers": [{"type": "http", "method": "GET", "path": "/", "bodyschema": {}}]}, "bodyschema", "body_schema"),
    ({"name": "A", "triggers": [], "enqueues": [{"topic": "t", "lable": "x"}]}, "lable", "label"),
])
def test_warns_about_an_unknown_key_naming_the_closest_known_one(config: dict[str, Any], key: str, suggestion: str) -> None:
    # Motia 1.0.4's models ignore extra keys at every depth: the step compiles, loudly.
    spec, (problem,) = parse(config)
    assert spec is not None
    assert problem.severity == "warning"
    assert problem.message.startswith(f"unknown key {key!r}") and problem.message.endswith("is ignored")
    assert problem.hint.startswith(f"did you mean {suggestion!r}?")
    assert (problem.file, problem.step) == ("steps/a_step.py", "A")


def test_compiles_the_step_without_the_unknown_key() -> None:
    spec, _ = parse({"name": "A", "triggers": [queue("t", config={"maxRetry": 3, "max_retries": 2})], "colour": "red"})
    assert spec is not None
    trigger = spec.triggers[0]
    assert isinstance(trigger, QueueTriggerSpec) and trigger.config is not None
    assert trigger.config.max_retries == 2


def test_reports_unknown_keys_beside_the_errors_of_a_step() -> None:
    spec, problems = parse({"name": "A", "triggers": [{"type": "queue", "topc": "t"}]})
    assert spec is None
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "unknown key 'topc' in triggers[0] is ignored"),
        ("error", "missing required key 'topic' in triggers[0]"),
    ]


def test_rejects_unknown_trigger_type() -> None:
    _, (problem,) = parse({"name": "A", "triggers": [{"type": "webhook"}]})
    assert problem.message == "unknown trigger type 'webhook' in triggers[0]"


def test_rejects_missing_required_keys_all_at_once() -> None:
    _, problems = parse({"triggers": [{"type": "queue"}, {"type": "http", "path": "/"}]})
    assert {p.message for p in problems} == {
        "missing required key 'name' in the step config",
        "missing required key 'topic' in triggers[0]",
        "missing required key 'method' in triggers[1]",
    }


def test_rejects_wrong_value_types_once_per_place() -> None:
    _, problems = parse({"name": "A", "triggers": [http("GET", "/")], "enqueues": ["ok", 3]})
    assert [p.message for p in problems] == ["enqueues[1]: Input should be a valid string (got 3)"]


def test_rejects_bad_queue_type_with_the_value() -> None:
    _, (problem,) = parse({"name": "A", "triggers": [queue("t", config={"type": "fast"})]})
    assert "triggers[0].config.type" in problem.message and "'fast'" in problem.message


def test_closest_key_returns_none_for_nonsense() -> None:
    assert closest_key("zzzzzz") is None


@pytest.mark.parametrize(("config", "fix"), [
    ({"infrastructure": {"handler": {"ram": "lots"}}}, "write a whole number, without quotes (e.g. 3)"),
    ({"enqueues": ["ok", 3]}, "write a string in quotes"),
    ({"flows": 5}, 'write a list, e.g. ["a", "b"]'),
])
def test_a_refused_value_gets_a_fix_saying_what_to_write(config: dict[str, Any], fix: str) -> None:
    _, problems = parse({"name": "A", "triggers": [http("GET", "/")], **config})
    assert problems and all(p.hint.startswith(fix) for p in problems), [(p.message, p.hint) for p in problems]


def test_a_queue_type_outside_the_choices_lists_them() -> None:
    _, (problem,) = parse({"name": "A", "triggers": [queue("t", config={"type": "fast"})]})
    assert problem.hint == "use one of 'fifo' or 'standard'"
