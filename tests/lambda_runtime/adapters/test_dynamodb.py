"""GIVEN DynamoDB stream batches WHEN the adapter runs THEN state/stream trigger inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambda_runtime.adapters import dynamodb
from tests.lambda_runtime import batches
from tests.lambda_runtime.conftest import event, hosted, step_module

MULTI = "steps/multi_step.py"


@pytest.fixture
def seen() -> list:
    log: list = step_module(MULTI).SEEN
    log.clear()
    return log


def test_state_records_become_created_updated_deleted_inputs(seen: list) -> None:
    result = dynamodb.handle(hosted(MULTI, "Multi"), event("dynamodb_state.json"))
    assert result == {"batchItemFailures": []}
    assert seen == [
        ("state", "orders", "o-1", "created", None, {"total": 12.5, "qty": 3, "tags": ["a", True, None]}),
        ("state", "orders", "o-1", "updated", {"total": 12.5}, {"total": 20}),
        ("state", "orders", "o-1", "deleted", "last", None),
    ]


def test_stream_records_of_other_groups_are_skipped(seen: list) -> None:
    result = dynamodb.handle(hosted(MULTI, "Multi"), event("dynamodb_streams.json"))
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


def test_fails_records_from_a_table_the_config_does_not_name(seen: list, capsys: pytest.CaptureFixture[str]) -> None:
    batch = event("dynamodb_streams.json")
    for record in batch["Records"]:
        record["eventSourceARN"] = "arn:aws:dynamodb:us-east-1:1:table/other/stream/x"
    result = dynamodb.handle(hosted(MULTI, "Multi"), batch)
    sequences = [r["dynamodb"]["SequenceNumber"] for r in batch["Records"]]
    assert result == {"batchItemFailures": [{"itemIdentifier": s} for s in sequences]}
    assert seen == []  # never guessed from the item's shape
    logged = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert "table 'other'" in logged["error"] and "'shim-test-state', 'shim-test-streams'" in logged["error"]


def test_fails_state_records_when_the_config_lists_no_state_trigger(seen: list) -> None:
    result = dynamodb.handle(hosted(MULTI, "Multi", state_triggers=()), event("dynamodb_state.json"))
    assert len(result["batchItemFailures"]) == 3 and seen == []


def test_stream_trigger_comes_from_the_config_not_the_step_file(seen: list) -> None:
    # The config no longer lists the inbox stream trigger: its records are not this function's.
    result = dynamodb.handle(hosted(MULTI, "Multi", stream_triggers=(("todos", "done", None, 6),)), event("dynamodb_streams.json"))
    assert result == {"batchItemFailures": []} and seen == []


def _fail_updates(change: Any, ctx: Any) -> None:
    if change.event_type == "updated":
        raise RuntimeError("cannot")


def test_a_failing_handler_is_not_retried_and_its_record_lands_in_the_failure_queue(
    seen: list, monkeypatch: pytest.MonkeyPatch, aws: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    queue_url = aws.client("sqs").create_queue(QueueName="multi-state-failures")["QueueUrl"]
    fn = hosted(MULTI, "Multi", failure_queues={"state": queue_url})
    monkeypatch.setattr(fn.step, "handler", _fail_updates)
    result = dynamodb.handle(fn, event("dynamodb_state.json"))
    assert result == {"batchItemFailures": []}  # Motia logs a failed state handler and moves on
    [message] = aws.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    body = json.loads(message["Body"])
    assert body["step"] == "Multi" and body["error"] == {"type": "RuntimeError", "message": "cannot"}
    assert body["record"]["dynamodb"]["SequenceNumber"] == "222" and body["traceId"]
    assert "not retried" in capsys.readouterr().out


def test_fails_the_record_for_a_retry_when_its_failure_cannot_be_kept(seen: list, monkeypatch: pytest.MonkeyPatch) -> None:
    fn = hosted(MULTI, "Multi")  # deployed without a failure queue: the record must not be dropped
    calls: list = []
    monkeypatch.setattr(fn.step, "handler", lambda change, ctx: (calls.append(change.event_type), _fail_updates(change, ctx)))
    result = dynamodb.handle(fn, event("dynamodb_state.json"))
    # Lambda resumes the shard at 222: the delete after it waits for that retry instead of running twice.
    assert result == {"batchItemFailures": [{"itemIdentifier": "222"}, {"itemIdentifier": "333"}]}
    assert calls == ["created", "updated"]


BATCH = "steps/batch_step.py"
STREAM_TRIGGERS = (("jobs", None, None, 0),)


@pytest.fixture
def runs() -> list:
    log: list = step_module(BATCH).RUNS
    log.clear()
    return log


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> list:
    """Records sent to the failure queue (recorded; the moto test above uses the real queue)."""
    sent: list = []

    def send(fn: Any, table: str, record: dict, error: BaseException, trace_id: str) -> str:
        sent.append((table, record["dynamodb"]["SequenceNumber"], type(error).__name__))
        return "queue-url"

    monkeypatch.setattr(dynamodb, "send_failed_record", send)
    return sent


@pytest.mark.parametrize("kind", ["state", "stream"])
@pytest.mark.parametrize("error", ["SystemExit", "CancelledError", "RecursionError", "KeyError"])
def test_fails_a_raising_handler_into_the_failure_queue_and_runs_the_rest(kind: str, error: str, runs: list, kept: list) -> None:
    fn = hosted(BATCH, "StateBatch") if kind == "state" else hosted(BATCH, "StreamBatch", stream_triggers=STREAM_TRIGGERS)
    records = [batches.stream_record(1, {"n": 1}, kind), batches.stream_record(2, {"n": 2, "do": "raise", "error": error}, kind),
               batches.stream_record(3, {"n": 3}, kind)]
    assert dynamodb.handle(fn, {"Records": records}) == {"batchItemFailures": []}
    assert [n for _, n in runs] == [1, 2, 3]
    assert kept == [("state" if kind == "state" else "streams", "2", error)]


def test_fails_a_malformed_record_and_holds_the_later_ones_for_the_retry(runs: list, kept: list) -> None:
    no_keys = batches.stream_record(2, {"n": 2})
    del no_keys["dynamodb"]["Keys"]
    bad_image = batches.stream_record(3, {"n": 3})
    bad_image["dynamodb"]["NewImage"] = "not a map"
    for broken in (no_keys, bad_image, "garbage"):
        runs.clear()
        records = [batches.stream_record(1, {"n": 1}), broken, batches.stream_record(4, {"n": 4})]
        result = dynamodb.handle(hosted(BATCH, "StateBatch"), {"Records": records})
        broken_id = broken["dynamodb"]["SequenceNumber"] if isinstance(broken, dict) else "None"
        assert result == {"batchItemFailures": [{"itemIdentifier": broken_id}, {"itemIdentifier": "4"}]}
        assert runs == [("state", 1)]  # 4 waits: Lambda resumes the shard at the failed record
    assert kept == []
