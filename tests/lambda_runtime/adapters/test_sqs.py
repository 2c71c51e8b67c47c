"""GIVEN SQS batches WHEN the queue adapter runs THEN one call per record, failures reported."""

from __future__ import annotations

import json
import sys

import pytest

from lambda_runtime import queue_backoff
from lambda_runtime.adapters import sqs
from tests.lambda_runtime import batches
from tests.lambda_runtime.conftest import event, hosted, queue_names, step_module

QUEUE = "steps/queue_step.py"
INPUT = "steps/queue_input_step.py"


@pytest.fixture(autouse=True)
def hidden(monkeypatch: pytest.MonkeyPatch) -> list:
    """The visibility changes the adapter asks for (recorded; moto tests use the real call)."""
    calls: list = []
    monkeypatch.setattr(queue_backoff, "hide_for", lambda arn, handle, seconds: calls.append((handle, seconds)))
    return calls


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


def _record(step: str, topic: str, body: object, receive_count: int = 1, message_id: str = "m-1") -> dict:
    record = event("sqs_raw.json")["Records"][0]
    record.update(messageId=message_id, body=json.dumps(body), receiptHandle=f"rh-{message_id}")
    record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
    record["eventSourceARN"] = f"arn:aws:sqs:us-east-1:123456789012:{queue_names(step, topic)[0]}"
    return record


@pytest.fixture
def inputs() -> tuple[list, list]:
    module = step_module(INPUT)
    module.RECEIVED.clear()
    module.CONDITION_SAW.clear()
    return module.RECEIVED, module.CONDITION_SAW


def _last_log(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_model_input_gives_the_handler_a_model_instance_and_the_condition_the_raw_data(inputs: tuple) -> None:
    received, condition_saw = inputs
    record = _record("TakeOrder", "order.placed", {"id": "o-1", "quantity": "3"})
    assert sqs.handle(hosted(INPUT, "TakeOrder"), {"Records": [record]}) == {"batchItemFailures": []}
    order, ctx_input = received[0]
    model = step_module(INPUT).Order
    assert isinstance(order, model) and (order.id, order.quantity) == ("o-1", 3)  # "3" coerced, as pydantic does
    assert ctx_input is order  # ctx.input_value is the validated input, as Motia builds it
    assert condition_saw == [{"id": "o-1", "quantity": "3"}]  # Motia's engine asks the condition first


def test_false_condition_skips_without_validating(inputs: tuple, hidden: list) -> None:
    received, _ = inputs
    record = _record("TakeOrder", "order.placed", {"skip": True})
    assert sqs.handle(hosted(INPUT, "TakeOrder"), {"Records": [record]}) == {"batchItemFailures": []}
    assert received == [] and hidden == []


def test_fails_invalid_model_input_with_one_log_line_naming_step_topic_and_fields(
    inputs: tuple, hidden: list, capsys: pytest.CaptureFixture[str],
) -> None:
    received, _ = inputs
    record = _record("TakeOrder", "order.placed", {"quantity": "many"})
    assert sqs.handle(hosted(INPUT, "TakeOrder"), {"Records": [record]}) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert received == []
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert len(lines) == 1
    logged = lines[0]
    assert (logged["level"], logged["step"], logged["topic"]) == ("error", "TakeOrder", "order.placed")
    assert logged["fields"] == ["id", "quantity"]
    assert "queue input is invalid (id, quantity)" in logged["message"] and "stack" not in logged
    assert hidden == [("rh-m-1", 1)]  # retried after Motia's first backoff delay


def test_json_schema_input_is_checked_and_the_handler_gets_the_data_unchanged(inputs: tuple) -> None:
    received, _ = inputs
    record = _record("TakeItem", "item.added", {"sku": "A", "count": 2})
    assert sqs.handle(hosted(INPUT, "TakeItem"), {"Records": [record]}) == {"batchItemFailures": []}
    assert received == [{"sku": "A", "count": 2}]


def test_fails_json_schema_input_naming_the_missing_and_wrong_fields(inputs: tuple, capsys: pytest.CaptureFixture[str]) -> None:
    record = _record("TakeItem", "item.added", {"count": 0})
    assert sqs.handle(hosted(INPUT, "TakeItem"), {"Records": [record]}) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    logged = _last_log(capsys)
    assert (logged["step"], logged["topic"], logged["fields"]) == ("TakeItem", "item.added", ["sku", "count"])
    assert inputs[0] == []


def test_json_schema_input_passes_unchecked_without_jsonschema_as_under_motia(
    inputs: tuple, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema.validators", None)  # import fails, as when not installed
    record = _record("TakeItem", "item.added", {"count": 0})
    assert sqs.handle(hosted(INPUT, "TakeItem"), {"Records": [record]}) == {"batchItemFailures": []}
    assert inputs[0] == [{"count": 0}]
    logged = _last_log(capsys)
    assert logged["level"] == "warn" and "jsonschema is not installed" in logged["message"]


@pytest.mark.parametrize(("receive_count", "seconds"), [(1, 2), (2, 4), (3, 8), (4, 16)])
def test_failed_record_is_hidden_for_motias_backoff_of_its_attempt(hidden: list, receive_count: int, seconds: int) -> None:
    step = hosted(QUEUE, "ProcessOrder", queue_retries={queue_names("ProcessOrder", "order.created")[0]: (2000, 5)})
    record = _record("ProcessOrder", "order.created", {"n": 1, "fail": True}, receive_count)
    assert sqs.handle(step, {"Records": [record]}) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert hidden == [("rh-m-1", seconds)]


def test_failed_last_attempt_is_released_at_once_for_the_dead_letter_queue(hidden: list, capsys: pytest.CaptureFixture[str]) -> None:
    step = hosted(QUEUE, "ProcessOrder", queue_retries={queue_names("ProcessOrder", "order.created")[0]: (1000, 3)})
    record = _record("ProcessOrder", "order.created", {"n": 1, "fail": True}, receive_count=3)
    assert sqs.handle(step, {"Records": [record]}) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert hidden == [("rh-m-1", 0)]
    logged = _last_log(capsys)
    assert "will be dead-lettered" in logged["message"] and logged["attempt"] == 3


def test_without_retry_settings_motias_default_backoff_applies(hidden: list) -> None:
    record = _record("ProcessOrder", "order.created", {"n": 1, "fail": True}, receive_count=2)
    assert sqs.handle(hosted(QUEUE, "ProcessOrder"), {"Records": [record]}) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert hidden == [("rh-m-1", 2)]  # 1000 ms doubled once


def test_fails_to_hide_without_losing_the_failure_report(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*_: object) -> None:
        raise RuntimeError("AccessDenied")

    monkeypatch.setattr(queue_backoff, "hide_for", refuse)
    record = _record("ProcessOrder", "order.created", {"n": 1, "fail": True})
    assert sqs.handle(hosted(QUEUE, "ProcessOrder"), {"Records": [record]}) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert "could not set the failed message's retry delay" in _last_log(capsys)["message"]


def test_an_ill_formed_trace_id_attribute_starts_a_new_trace(received: list) -> None:
    raw = event("sqs_raw.json")
    raw["Records"][0]["messageAttributes"]["motia_trace_id"]["stringValue"] = "bad id\n" * 40
    sqs.handle(hosted(QUEUE, "ProcessOrder"), raw)
    assert received[0][1] != "bad id\n" * 40 and len(received[0][1]) == 36


BATCH = "steps/batch_step.py"


@pytest.fixture
def runs() -> list:
    log: list = step_module(BATCH).RUNS
    log.clear()
    return log


@pytest.mark.parametrize("error", ["SystemExit", "CancelledError", "GeneratorExit", "RuntimeError", "MemoryError"])
@pytest.mark.parametrize("step", ["QueueBatch", "AsyncBatch"])
def test_fails_only_the_record_whose_handler_raises(error: str, step: str, runs: list) -> None:
    arn = batches.queue_arn(step)
    records = [batches.sqs_record("a", {"n": 1}, arn), batches.sqs_record("b", {"n": 2, "do": "raise", "error": error}, arn),
               batches.sqs_record("c", {"n": 3}, arn)]
    assert sqs.handle(hosted(BATCH, step), {"Records": records}) == {"batchItemFailures": [{"itemIdentifier": "b"}]}
    assert [n for _, n in runs] == [1, 2, 3]


def test_fails_only_the_record_that_recurses_too_deep(runs: list) -> None:
    arn = batches.queue_arn("QueueBatch")
    records = [batches.sqs_record("a", {"n": 1, "do": "recurse"}, arn), batches.sqs_record("b", {"n": 2}, arn)]
    assert sqs.handle(hosted(BATCH, "QueueBatch"), {"Records": records}) == {"batchItemFailures": [{"itemIdentifier": "a"}]}
    assert [n for _, n in runs] == [1, 2]


def test_fails_only_malformed_records(runs: list, capsys: pytest.CaptureFixture[str]) -> None:
    arn = batches.queue_arn("QueueBatch")
    deep = batches.sqs_record("deep", None, arn, body="[" * 100_000 + "]" * 100_000)  # RecursionError while decoding
    bad_attributes = batches.sqs_record("attrs", {"n": 2}, arn)
    bad_attributes["messageAttributes"] = ["not", "a", "map"]
    not_a_record = "garbage"
    records = [deep, batches.sqs_record("ok", {"n": 1}, arn), bad_attributes, not_a_record]
    result = sqs.handle(hosted(BATCH, "QueueBatch"), {"Records": records})
    assert result == {"batchItemFailures": [{"itemIdentifier": i} for i in ("deep", "attrs", "None")]}
    assert [n for _, n in runs] == [1]
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("message_id") for line in logged] == ["deep", "attrs", "None"]


def test_fails_the_rest_of_a_fifo_group_after_a_base_exception_and_runs_other_groups(runs: list) -> None:
    arn = batches.queue_arn("QueueBatch", fifo=True)
    records = [
        batches.sqs_record("a1", {"n": 1, "do": "raise", "error": "SystemExit"}, arn, group="A"),
        batches.sqs_record("b1", {"n": 2}, arn, group="B"),
        batches.sqs_record("a2", {"n": 3}, arn, group="A"),
        batches.sqs_record("b2", {"n": 4}, arn, group="B", body="{not json"),
        batches.sqs_record("b3", {"n": 5}, arn, group="B"),
    ]
    result = sqs.handle(hosted(BATCH, "QueueBatch"), {"Records": records})
    # b2's body is text, not JSON: the handler gets it as text and finishes it
    assert result == {"batchItemFailures": [{"itemIdentifier": "a1"}, {"itemIdentifier": "a2"}]}
    assert runs == [("queue", 1), ("queue", 2), ("queue", None), ("queue", 5)]


def test_fails_only_its_record_when_reporting_a_failure_fails(
    runs: list, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(arn: str, handle: str, seconds: int) -> None:
        raise SystemExit("no visibility change today")

    monkeypatch.setattr(queue_backoff, "hide_for", broken)
    arn = batches.queue_arn("QueueBatch")
    records = [batches.sqs_record("a", {"n": 1, "do": "raise", "error": "ValueError"}, arn), batches.sqs_record("b", {"n": 2}, arn)]
    assert sqs.handle(hosted(BATCH, "QueueBatch"), {"Records": records}) == {"batchItemFailures": [{"itemIdentifier": "a"}]}
    assert [n for _, n in runs] == [1, 2]


def test_fails_the_invocation_on_keyboard_interrupt(runs: list) -> None:
    arn = batches.queue_arn("QueueBatch")
    with pytest.raises(KeyboardInterrupt):
        sqs.handle(hosted(BATCH, "QueueBatch"), {"Records": [batches.sqs_record("a", {"n": 1, "do": "raise", "error": "KeyboardInterrupt"}, arn)]})
