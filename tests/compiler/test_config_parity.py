"""The step config is declared twice: `motia` records (users, the shim) and the compiler's specs.

They must accept the same keys, kind by kind and for every nested config; the shim's lenient
`runtime_triggers` may drop only keys the compiler rejects or warns about.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic.alias_generators import to_camel

from compiler import config_schema as specs
from compiler.trigger_kinds import KINDS
from motia import types as records
from motia.config import runtime_triggers

NESTED = (
    (records.StepConfig, specs.StepSpec),
    (records.QueueConfig, specs.QueueSpec),
    (records.HandlerConfig, specs.HandlerSpec),
    (records.InfrastructureConfig, specs.InfrastructureSpec),
    (records.Enqueue, specs.EnqueueSpec),
)
PAIRS = NESTED + tuple((kind.record, kind.spec) for kind in KINDS)


def _record_keys(record: type) -> set[str]:
    return set(record._fields)  # type: ignore[attr-defined]


def _spec_keys(spec: type) -> set[str]:
    return set(spec.model_fields)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("record", "spec"), PAIRS, ids=lambda c: c.__name__)
def test_record_and_spec_accept_the_same_keys(record: type, spec: type) -> None:
    assert _record_keys(record) == _spec_keys(spec)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_runtime_triggers_keep_every_key_the_compiler_accepts_in_either_case(kind: Any) -> None:
    keys = _spec_keys(kind.spec) - {"type"}
    for spelling in (str, to_camel):
        trigger = {"type": kind.name, **{spelling(key): f"value of {key}" for key in keys}}
        [built] = runtime_triggers({"triggers": [trigger]})
        assert {key: getattr(built, key) for key in keys} == {key: f"value of {key}" for key in keys}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_a_key_runtime_triggers_drops_is_one_the_compiler_rejects_or_warns_about(kind: Any) -> None:
    required = {"http": {"method": "GET", "path": "/x"}, "queue": {"topic": "t"}, "cron": {"expression": "* * * * *"},
                "state": {}, "stream": {"streamName": "s"}}[kind.name]
    trigger = {"type": kind.name, **required, "maxRetry": 3}
    [built] = runtime_triggers({"triggers": [trigger]})
    assert "max_retry" not in built._fields
    _, diagnostics = specs.parse_step_config("steps/x_step.py", {"name": "X", "triggers": [trigger]})
    assert [d.message for d in diagnostics] == ["unknown key 'maxRetry' in triggers[0] is ignored"]
