"""The entry handler end to end on moto: environment -> step -> adapters -> SNS/SQS/DynamoDB."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from lambda_runtime import entry
from lambda_runtime.events import UnrecognisedEvent
from lambda_runtime.state_store import DynamoStateStore
from lambda_runtime.stream_store import DynamoStreamStore
from motia import runtime as motia_runtime
from tests.lambda_runtime.conftest import STEPS_ROOT, event


@pytest.fixture
def topics(aws: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """order.created (standard, 2 subscriber queues) and order.fifo (FIFO, 1 queue), raw delivery."""
    sns, sqs = aws.client("sns"), aws.client("sqs")
    standard = sns.create_topic(Name="shim-order-created")["TopicArn"]
    fifo = sns.create_topic(Name="shim-order-fifo.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    queues: dict[str, list[str]] = {"order.created": [], "order.fifo": []}
    for topic, arn, names in (
        ("order.created", standard, ["q-a", "q-b"]),
        ("order.fifo", fifo, ["q-f.fifo"]),
    ):
        for name in names:
            attrs = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if name.endswith(".fifo") else {}
            url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
            queues[topic].append(url)
    monkeypatch.setenv("MOTIA_TOPIC_ARNS", json.dumps({"order.created": [standard], "order.fifo": [fifo]}))
    monkeypatch.setenv("MOTIA_FIFO_TOPIC_ARNS", json.dumps([fifo]))
    return queues


@pytest.fixture
def function(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Configure the function's environment for a step, as the CDK emitter does."""

    def configure(file: str, name: str) -> None:
        monkeypatch.setenv("MOTIA_CODE_ROOT", str(STEPS_ROOT))
        monkeypatch.setenv("MOTIA_STEP_FILE", file)
        monkeypatch.setenv("MOTIA_STEP_NAME", name)
        entry.reset()

    yield configure
    entry.reset()
    motia_runtime.install(None)


def receive(aws: Any, url: str) -> list[dict[str, Any]]:
    sqs = aws.client("sqs")
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"]).get("Messages", [])


def post(body: dict[str, Any], trace: str = "trace-e2e") -> dict[str, Any]:
    raw = event("apigw_v2_post.json")
    raw["routeKey"] = "POST /publish"
    raw["headers"] = {"content-type": "application/json", "x-trace-id": trace}
    raw["body"] = json.dumps(body)
    return raw


def test_enqueue_reaches_every_subscriber_queue_with_trace_and_topic(aws: Any, topics: Any, function: Any) -> None:
    function("steps/enqueue_step.py", "Publisher")
    result = entry.handler(post({"messages": [{"topic": "order.created", "data": {"id": "o-1", "total": 9.5}}]}), None)
    assert result["statusCode"] == 200
    for url in topics["order.created"]:
        (message,) = receive(aws, url)
        assert json.loads(message["Body"]) == {"id": "o-1", "total": 9.5}
        attributes = message["MessageAttributes"]
        assert attributes["motia_trace_id"]["StringValue"] == "trace-e2e"
        assert attributes["motia_topic"]["StringValue"] == "order.created"
    assert receive(aws, topics["order.fifo"][0]) == []


def test_fifo_enqueue_uses_message_group_from_call_else_step_name(aws: Any, topics: Any, function: Any) -> None:
    function("steps/enqueue_step.py", "Publisher")
    messages = [
        {"topic": "order.fifo", "data": {"n": 1}, "messageGroupId": "customer-7"},
        {"topic": "order.fifo", "data": {"n": 2}},
    ]
    entry.handler(post({"messages": messages}), None)
    received = receive(aws, topics["order.fifo"][0])
    assert [(json.loads(m["Body"])["n"], m["Attributes"]["MessageGroupId"]) for m in received] == [
        (1, "customer-7"),
        (2, "Publisher"),
    ]


def test_standalone_enqueue_and_logger_carry_the_invocation(aws: Any, topics: Any, function: Any, capsys: Any) -> None:
    function("steps/enqueue_step.py", "Publisher")
    entry.handler(post({"standalone": True}, trace="t-standalone"), None)
    (message,) = receive(aws, topics["order.created"][0])
    assert json.loads(message["Body"]) == {"standalone": True}
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"level": "info", "message": "published", "step": "Publisher", "trace_id": "t-standalone", "count": 0}.items() <= logged[-1].items()


def test_rejects_enqueue_to_undeclared_topic_naming_step_and_topics(aws: Any, topics: Any, function: Any) -> None:
    function("steps/enqueue_step.py", "Publisher")
    result = entry.handler(post({"messages": [{"topic": "order.secret", "data": {}}]}), None)
    assert result["statusCode"] == 500
    error = json.loads(result["body"])["error"]
    assert "'Publisher'" in error and "'order.secret'" in error and "'order.created', 'order.fifo'" in error


def test_fails_legacy_emit_record_when_declared_topic_has_no_sns_topic(aws: Any, function: Any) -> None:
    function("steps/legacy_step.py", "LegacyAudit")
    record = event("sqs_raw.json")["Records"][0]
    del record["messageAttributes"]["motia_topic"]
    result = entry.handler({"Records": [record]}, None)
    # legacy.out is declared but this test stack has no SNS topic for it: the record fails loudly
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_queue_step_writes_state_and_streams(aws: Any, topics: Any, function: Any) -> None:
    function("steps/enqueue_step.py", "Remember")
    record = event("sqs_raw.json")["Records"][0]
    record["body"] = json.dumps({"id": "o-9", "title": "ship", "total": 3.25})
    assert entry.handler({"Records": [record]}, None) == {"batchItemFailures": []}
    assert entry.handler({"Records": [record]}, None) == {"batchItemFailures": []}
    assert DynamoStateStore().get("orders", "o-9") == {"id": "o-9", "title": "ship", "total": 3.25}
    assert DynamoStateStore().get("counters", "orders") == {"count": 2}
    assert DynamoStreamStore().get("todos", "inbox", "o-9") == {"title": "ship", "done": False}


def test_fails_on_unrecognised_event(function: Any) -> None:
    function("steps/queue_step.py", "NoArgs")
    with pytest.raises(UnrecognisedEvent, match="keys: hello"):
        entry.handler({"hello": "world"}, None)
