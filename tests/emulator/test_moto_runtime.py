"""moto_runtime: the step runtime's stores and publisher give the same results over moto's
backends as over boto3, against the same moto state."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from compiler.emulator.backend import REGION, MotoBackend
from compiler.emulator.events import ACCOUNT_ID
from compiler.emulator.moto_runtime import UnsupportedCall, runtime_clients
from lambda_runtime import aws_clients
from lambda_runtime.publish import publish
from lambda_runtime.state_store import DynamoStateStore
from lambda_runtime.stream_store import DynamoStreamStore

KEYS = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}


@pytest.fixture
def moto() -> Iterator[MotoBackend]:
    backend = MotoBackend("inprocess")
    backend.start()
    aws_clients.reset()
    try:
        yield backend
    finally:
        aws_clients.use_hosted({})
        aws_clients.reset()
        backend.stop()


def _state_session(table: str) -> list[Any]:
    """Every StateStore operation, with what each answers."""
    store = DynamoStateStore(table)
    value = {"n": 1.5, "tags": ["a", "b"], "raw": b"\x00\xff", "nested": {"ok": True, "none": None}}
    return [
        store.set("orders", "o1", value),
        store.set("orders", "o2", 2),
        store.get("orders", "o1"),
        store.update("orders", "o1", [{"type": "increment", "path": "n", "by": 2}]),
        store.update("counters", "c", [{"type": "set", "path": "x", "value": 1}]),
        store.list("orders"),
        store.list_groups(),
        store.delete("orders", "o2"),
        store.delete("orders", "missing"),
        store.clear("counters"),
        store.list("counters"),
        store.get("orders", "o1"),
    ]


def _stream_session(table: str) -> list[Any]:
    store = DynamoStreamStore(table)
    return [
        store.set("todos", "inbox", "t1", {"title": "a"}),
        store.set("todos", "done", "t2", {"title": "b"}),
        store.set("other", "x", "o1", 1),
        store.update("todos", "inbox", "t1", [{"type": "set", "path": "done", "value": True}]),
        store.list("todos", "inbox"),
        store.list_groups("todos"),
        store.delete("todos", "done", "t2"),
        store.get("todos", "done", "t2"),
    ]


def test_state_and_stream_stores_answer_the_same_over_moto_backends_and_boto3(moto: MotoBackend) -> None:
    ddb = moto.client("dynamodb")
    for name in ("via-boto3", "via-direct", "streams-boto3", "streams-direct"):
        ddb.create_table(TableName=name, **KEYS)
    over_boto3 = (_state_session("via-boto3"), _stream_session("streams-boto3"))
    aws_clients.use_hosted(runtime_clients(ACCOUNT_ID, REGION))
    direct = (_state_session("via-direct"), _stream_session("streams-direct"))
    assert direct == over_boto3
    aws_clients.use_hosted({})
    stored = [_comparable(ddb.scan(TableName=t)["Items"]) for t in ("via-boto3", "via-direct")]
    assert stored[0] == stored[1]  # what is stored is the same too


def _comparable(items: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True, default=str) for item in items)


def test_a_lost_update_race_raises_the_exception_the_store_catches(moto: MotoBackend) -> None:
    moto.client("dynamodb").create_table(TableName="t", **KEYS)
    clients = runtime_clients(ACCOUNT_ID, REGION)
    ddb = clients["dynamodb"]
    ddb.put_item(TableName="t", Item={"pk": {"S": "g"}, "sk": {"S": "k"}, "v": {"N": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(TableName="t", Item={"pk": {"S": "g"}, "sk": {"S": "k"}}, ConditionExpression="attribute_not_exists(pk)")


def test_publish_reaches_the_topics_queue_with_its_attributes(moto: MotoBackend) -> None:
    sns, sqs = moto.client("sns"), moto.client("sqs")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    queue = sqs.create_queue(QueueName="orders-sub")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    aws_clients.use_hosted(runtime_clients(ACCOUNT_ID, REGION))
    publish("Create", "trace-1", {"topic": "order.created", "data": {"id": 1}}, {"order.created": ((topic, False),)}, {})
    [message] = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"])["Messages"]
    assert json.loads(message["Body"]) == {"id": 1}
    assert message["MessageAttributes"]["motia_trace_id"]["StringValue"] == "trace-1"


def test_fails_loudly_on_a_call_shape_it_does_not_answer(moto: MotoBackend) -> None:
    moto.client("dynamodb").create_table(TableName="t", **KEYS)
    ddb = runtime_clients(ACCOUNT_ID, REGION)["dynamodb"]
    with pytest.raises(UnsupportedCall, match="hash key only"):
        ddb.query(TableName="t", KeyConditionExpression="#sk = :v", ExpressionAttributeNames={"#sk": "sk"},
                  ExpressionAttributeValues={":v": {"S": "x"}})
    with pytest.raises(UnsupportedCall, match="ReturnConsumedCapacity"):
        ddb.put_item(TableName="t", Item={"pk": {"S": "g"}, "sk": {"S": "k"}}, ReturnConsumedCapacity="TOTAL")


def test_importing_moto_cloudformation_gives_boto3_its_own_session_back() -> None:
    import subprocess
    import sys

    code = (
        "import boto3; real = boto3.Session\n"
        "from compiler.emulator.backend import import_moto_cloudformation\n"
        "import_moto_cloudformation()\n"
        "import moto.ec2.models.availability_zones_and_regions as azs\n"
        "assert boto3.Session is real and boto3.Session() is not boto3.Session()\n"
        "assert 'us-east-1' in [r.name for r in azs.RegionsAndZonesBackend.regions]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
