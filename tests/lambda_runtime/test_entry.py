"""The entry handler end to end on moto: MOTIA_FUNCTION -> step -> adapters -> SNS/SQS/DynamoDB."""

from __future__ import annotations

import json
from typing import Any, Iterator, get_args

import pytest

from compiler.ir import TriggerKind
from lambda_runtime import entry
from lambda_runtime.events import EVENT_KINDS, UnrecognisedEvent
from lambda_runtime.function_config import FunctionConfig, InvalidFunctionConfig
from lambda_runtime.state_store import DynamoStateStore
from lambda_runtime.stream_store import DynamoStreamStore
from motia import runtime as motia_runtime
from tests.lambda_runtime.conftest import STATE_TABLE, STEPS_ROOT, STREAMS_TABLE, config_for, event, load_step, queue_names


TOPIC_ARNS: dict[str, Any] = {}  # what the `topics` fixture created, for the function's config


@pytest.fixture
def topics(aws: Any) -> Iterator[dict[str, list[str]]]:
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
    TOPIC_ARNS.update({"order.created": ((standard, False),), "order.fifo": ((fifo, True),)})
    yield queues
    TOPIC_ARNS.clear()


@pytest.fixture
def function(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set MOTIA_FUNCTION for a fixture step, as the CDK emitter does; returns its config."""

    def configure(file: str, name: str) -> FunctionConfig:
        step = load_step(file, name)
        topics = {topic: TOPIC_ARNS.get(topic, ()) for topic in step.enqueues}
        config = config_for(step, topics=topics)
        monkeypatch.setenv("MOTIA_CODE_ROOT", str(STEPS_ROOT))
        monkeypatch.setenv("MOTIA_FUNCTION", config.to_json())
        entry.reset()
        return config

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


def queue_record(step: str, topic: str) -> dict[str, Any]:
    """The first record of sqs_raw.json, as delivered by `step`'s own queue for `topic`."""
    record = event("sqs_raw.json")["Records"][0]
    record["eventSourceARN"] = f"arn:aws:sqs:us-east-1:123456789012:{queue_names(step, topic)[0]}"
    return record


def test_fails_legacy_emit_record_when_declared_topic_has_no_sns_topic(aws: Any, function: Any, capsys: Any) -> None:
    function("steps/legacy_step.py", "LegacyAudit")
    record = queue_record("LegacyAudit", "legacy.in")
    del record["messageAttributes"]["motia_topic"]
    result = entry.handler({"Records": [record]}, None)
    # legacy.out is declared but this test stack has no SNS topic for it: the record fails loudly
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert "declares topic 'legacy.out' but its function config" in capsys.readouterr().out


def test_queue_step_writes_state_and_streams(aws: Any, topics: Any, function: Any) -> None:
    function("steps/enqueue_step.py", "Remember")
    record = queue_record("Remember", "order.created")
    record["body"] = json.dumps({"id": "o-9", "title": "ship", "total": 3.25})
    assert entry.handler({"Records": [record]}, None) == {"batchItemFailures": []}
    assert entry.handler({"Records": [record]}, None) == {"batchItemFailures": []}
    assert DynamoStateStore(STATE_TABLE).get("orders", "o-9") == {"id": "o-9", "title": "ship", "total": 3.25}
    assert DynamoStateStore(STATE_TABLE).get("counters", "orders") == {"count": 2}
    assert DynamoStreamStore(STREAMS_TABLE).get("todos", "inbox", "o-9") == {"title": "ship", "done": False}


def test_fails_on_unrecognised_event(function: Any) -> None:
    function("steps/queue_step.py", "NoArgs")
    with pytest.raises(UnrecognisedEvent, match="keys: hello"):
        entry.handler({"hello": "world"}, None)


def test_rejects_event_kind_without_an_adapter() -> None:
    with pytest.raises(UnrecognisedEvent, match="no adapter for 'kinesis' events"):
        entry.adapter("kinesis")


def test_every_event_kind_and_trigger_type_has_an_adapter() -> None:
    kinds = set(EVENT_KINDS)
    assert set(entry.ADAPTERS) == kinds
    assert set(entry.TRIGGER_EVENTS) == set(get_args(TriggerKind)) and set(entry.TRIGGER_EVENTS.values()) <= kinds
    for kind in kinds:
        assert callable(entry.adapter(kind))


def test_cold_start_parses_config_installs_runtime_and_preloads_adapters(function: Any) -> None:
    config = function("steps/multi_step.py", "Multi")
    fn = entry.load()
    assert fn.config == config and fn.step.name == "Multi"
    assert motia_runtime.installed() is fn.runtime and fn.runtime.config is fn.config
    assert entry.load() is fn  # once per container


def test_fails_cold_start_naming_the_variable_when_config_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTIA_FUNCTION", raising=False)
    entry.reset()
    with pytest.raises(InvalidFunctionConfig, match="MOTIA_FUNCTION is not set"):
        entry.load()
