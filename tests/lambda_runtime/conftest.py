"""Shared helpers: event JSON files, fixture steps, and moto (tables, topics, queues)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest

from lambda_runtime import aws_clients, loader
from lambda_runtime.function_config import FunctionConfig
from lambda_runtime.hosted import HostedFunction
from lambda_runtime.loader import LoadedStep
from motia.routes import aws_route_path

EVENTS = Path(__file__).resolve().parents[1] / "events"
STEPS_ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "shim_steps"
STATE_TABLE = "shim-test-state"
STREAMS_TABLE = "shim-test-streams"


def event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


@lru_cache(maxsize=None)
def step_module(relative: str) -> Any:
    """Each fixture step file imported once per test session, as on a warm container."""
    return loader.import_step_file(str(STEPS_ROOT), relative)


def load_step(relative: str, name: str) -> LoadedStep:
    return loader.pick_step(step_module(relative), name, relative)


def queue_names(step: str, topic: str) -> tuple[str, str]:
    """The fixture events' queue names for a subscription: standard and FIFO."""
    name = f"shim-test-{step}-{topic.replace('.', '-')}"
    return name, f"{name}.fifo"


def config_for(step: LoadedStep, **overrides: Any) -> FunctionConfig:
    """The config the compiler would write for a fixture step, with the fixture events' names."""
    triggers = list(enumerate(step.triggers))
    fields: dict[str, Any] = {
        "app": "shim-test",
        "step_file": step.file,
        "step_name": step.name,
        "topics": {topic: () for topic in step.enqueues},
        "state_table": STATE_TABLE,
        "streams_table": STREAMS_TABLE,
        "routes": {f"{str(t.method).upper()} {aws_route_path(t.path)}": i for i, t in triggers if t.type == "http"},
        "queues": {name: i for i, t in triggers if t.type == "queue" for name in queue_names(step.name, t.topic)},
        "state_triggers": tuple(i for i, t in triggers if t.type == "state"),
        "stream_triggers": tuple((t.stream_name, t.group_id, t.item_id, i) for i, t in triggers if t.type == "stream"),
    }
    return FunctionConfig(**{**fields, **overrides})


def hosted(relative: str, name: str, **overrides: Any) -> HostedFunction:
    """A fixture step hosted with the config the compiler would give it."""
    step = load_step(relative, name)
    return HostedFunction(step, config_for(step, **overrides))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto with the state and streams tables (streams on), fake credentials, fresh clients."""
    from moto import mock_aws

    for key, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    aws_clients.reset()
    with mock_aws():
        import boto3

        ddb = boto3.client("dynamodb")
        for table in (STATE_TABLE, STREAMS_TABLE):
            ddb.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            )
        yield boto3
    aws_clients.reset()
