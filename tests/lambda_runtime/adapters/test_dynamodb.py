"""GIVEN DynamoDB stream batches WHEN the adapter runs THEN state/stream trigger inputs."""

from __future__ import annotations

import pytest

from lambda_runtime.adapters import dynamodb
from tests.lambda_runtime.conftest import event, load_step, step_module

MULTI = "steps/multi_step.py"


@pytest.fixture
def seen() -> list:
    log: list = step_module(MULTI).SEEN
    log.clear()
    return log


def test_state_records_become_created_updated_deleted_inputs(seen: list) -> None:
    result = dynamodb.handle(load_step(MULTI, "Multi"), event("dynamodb_state.json"))
    assert result == {"batchItemFailures": []}
    assert seen == [
        ("state", "orders", "o-1", "created", None, {"total": 12.5, "qty": 3, "tags": ["a", True, None]}),
        ("state", "orders", "o-1", "updated", {"total": 12.5}, {"total": 20}),
        ("state", "orders", "o-1", "deleted", "last", None),
    ]


def test_stream_records_of_other_groups_are_skipped(seen: list) -> None:
    result = dynamodb.handle(load_step(MULTI, "Multi"), event("dynamodb_streams.json"))
    assert result == {"batchItemFailures": []}
    assert seen == [
        ("stream", "todos", "inbox", "t-1", "create", {"title": "write tests", "done": False}, None),
        ("stream", "todos", "inbox", "t-1", "delete", {"title": "write tests", "done": True}, {"title": "write tests", "done": True}),
    ]


def test_stream_input_timestamp_and_dict_access() -> None:
    record = event("dynamodb_streams.json")["Records"][0]
    item = dynamodb.stream_input(record)
    assert item.timestamp == 1693997155000
    assert item["group_id"] == "inbox" and item["groupId"] == "inbox"


def test_table_kind_from_key_shape_when_arn_is_unknown() -> None:
    record = event("dynamodb_streams.json")["Records"][0]
    record["eventSourceARN"] = "arn:aws:dynamodb:us-east-1:1:table/other/stream/x"
    assert dynamodb.table_kind(record, {}) == "streams"
    assert dynamodb.table_kind(event("dynamodb_state.json")["Records"][0], {}) == "state"


def test_fails_only_the_records_whose_handler_raised(seen: list, monkeypatch: pytest.MonkeyPatch) -> None:
    step = load_step(MULTI, "Multi")

    def handler(change, ctx):
        if change.event_type == "updated":
            raise RuntimeError("cannot")

    monkeypatch.setattr(step, "handler", handler)
    result = dynamodb.handle(step, event("dynamodb_state.json"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "222"}]}
