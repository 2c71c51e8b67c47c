"""GIVEN SQS batches WHEN the queue adapter runs THEN one call per record, failures reported."""

from __future__ import annotations

import json

import pytest

from lambda_runtime.adapters import sqs
from tests.lambda_runtime.conftest import event, hosted, queue_names, step_module

QUEUE = "steps/queue_step.py"


@pytest.fixture
def received() -> list:
    log: list = step_module(QUEUE).RECEIVED
    log.clear()
    return log


def test_raw_batch_reports_only_failed_records_and_skips_false_conditions(received: list) -> None:
    result = sqs.handle(hosted(QUEUE, "ProcessOrder"), event("sqs_raw.json"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}
    assert [(data["n"], topic) for data, _, topic in received] == [(1, "order.created"), (4, "order.updated")]
    assert received[0][1] == "trace-1"  # from the motia_trace_id message attribute


def test_fifo_group_stops_after_a_failure(received: list) -> None:
    result = sqs.handle(hosted(QUEUE, "ProcessOrder"), event("sqs_fifo.json"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "f-2"}, {"itemIdentifier": "f-4"}]}
    assert [data["n"] for data, _, _ in received] == [1, 3, 5]


def test_sns_enveloped_bodies_are_unwrapped_with_their_attributes() -> None:
    step = hosted("steps/multi_step.py", "Multi")
    seen = step_module("steps/multi_step.py").SEEN
    seen.clear()
    assert sqs.handle(step, event("sqs_sns_envelope.json")) == {"batchItemFailures": []}
    assert seen[0] == ("queue", {"id": "i-1"}, "item.created", "trace-env")
    assert seen[1][:3] == ("queue", {"id": "i-2"}, "item.deleted")
    assert seen[1][3] != "trace-env"  # no attribute: a fresh trace id


def test_one_and_zero_argument_handlers(received: list) -> None:
    record = event("sqs_raw.json")["Records"][0]
    del record["messageAttributes"]["motia_topic"]
    for step, queue in (("OneArg", "audit"), ("NoArgs", "ping")):
        record["eventSourceARN"] = f"arn:aws:sqs:us-east-1:123456789012:{queue_names(step, queue)[0]}"
        assert sqs.handle(hosted(QUEUE, step), {"Records": [record]}) == {"batchItemFailures": []}
    assert received == [("one", {"n": 1}), ("none",)]


def test_rejects_record_from_a_queue_the_config_does_not_name(received: list, capsys: pytest.CaptureFixture[str]) -> None:
    record = event("sqs_raw.json")["Records"][0]
    record["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:someone-else"
    assert sqs.handle(hosted(QUEUE, "ProcessOrder"), {"Records": [record]}) == {
        "batchItemFailures": [{"itemIdentifier": "m-1"}]
    }
    assert received == []
    logged = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert "queue 'someone-else'" in logged["error"] and "'ProcessOrder'" in logged["error"]


def test_topic_comes_from_the_queue_not_the_message_attribute(received: list) -> None:
    record = event("sqs_raw.json")["Records"][0]
    record["messageAttributes"]["motia_topic"]["stringValue"] = "unknown.topic"
    assert sqs.handle(hosted(QUEUE, "ProcessOrder"), {"Records": [record]}) == {"batchItemFailures": []}
    assert received[0][2] == "order.created"


def test_parse_record_keeps_non_json_body_as_text() -> None:
    message = sqs.parse_record({"messageId": "x", "body": "plain text", "eventSourceARN": "arn:aws:sqs:us-east-1:1:q"})
    assert (message.data, message.queue_name, message.group_id) == ("plain text", "q", None)
