"""Shared helpers: event JSON files, fixture steps, and moto (tables, topics, queues)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest

from lambda_runtime import aws_clients, loader
from lambda_runtime.loader import LoadedStep

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


@pytest.fixture(autouse=True)
def _tables_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTIA_STATE_TABLE", STATE_TABLE)
    monkeypatch.setenv("MOTIA_STREAMS_TABLE", STREAMS_TABLE)


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
