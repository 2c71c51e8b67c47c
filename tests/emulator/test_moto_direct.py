"""moto_direct: the pollers' calls on moto's backends answer as boto3 does, and waits sleep."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable, Iterator

import pytest

from compiler.emulator.backend import REGION, MotoBackend
from compiler.emulator.events import ACCOUNT_ID, stream_record
from compiler.emulator.moto_direct import QUICKER_SQS_MODELS, DirectSqs, DirectStreams, attach_doorbell, detach_doorbell
from compiler.emulator.testing import running_app
from tests.emulator.conftest import ORDERS

ALL = {"AttributeNames": ["All"], "MessageAttributeNames": ["All"]}
DEPTH = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]


@pytest.fixture
def moto() -> Iterator[MotoBackend]:
    backend = MotoBackend("inprocess")
    backend.start()
    try:
        yield backend
    finally:
        backend.stop()


def _queue_with_dlq(sqs: Any, name: str, max_receives: int = 3, fifo: bool = False) -> str:
    suffix = ".fifo" if fifo else ""
    extra = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq{suffix}", Attributes=extra)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives})
    return str(sqs.create_queue(QueueName=f"{name}{suffix}", Attributes={**extra, "RedrivePolicy": policy})["QueueUrl"])


def _send_same(sqs: Any, urls: list[str], count: int, fifo: bool = False) -> None:
    for i in range(count):
        for url in urls:
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": i}), **({"MessageGroupId": "g"} if fifo else {}),
                             MessageAttributes={"motia-topic": {"DataType": "String", "StringValue": "t"}})


def _comparable(message: dict[str, Any]) -> dict[str, Any]:
    """A received message without what differs between two sends (ids, handles, clocks)."""
    attributes = {k: v for k, v in message.get("Attributes", {}).items() if not k.endswith("Timestamp") and k != "SequenceNumber"}
    return {**{k: v for k, v in message.items() if k not in ("MessageId", "ReceiptHandle")}, "Attributes": attributes}


@pytest.mark.parametrize("fifo", [False, True])
def test_receive_delete_and_depth_answer_as_boto3_does(moto: MotoBackend, fifo: bool) -> None:
    sqs = moto.client("sqs")
    over_boto3, direct_url = _queue_with_dlq(sqs, "via-boto3", fifo=fifo), _queue_with_dlq(sqs, "via-direct", fifo=fifo)
    _send_same(sqs, [over_boto3, direct_url], 4, fifo)
    direct = DirectSqs(ACCOUNT_ID, REGION)
    assert direct.get_queue_url(QueueName=direct_url.rsplit("/", 1)[-1])["QueueUrl"].endswith(direct_url.rsplit("/", 1)[-1])

    expected = sqs.receive_message(QueueUrl=over_boto3, MaxNumberOfMessages=3, **ALL)["Messages"]
    got = direct.receive_message(QueueUrl=direct_url, MaxNumberOfMessages=3, **ALL)["Messages"]

    assert [_comparable(m) for m in got] == [_comparable(m) for m in expected]
    assert direct.get_queue_attributes(QueueUrl=direct_url, AttributeNames=DEPTH) == \
        {"Attributes": sqs.get_queue_attributes(QueueUrl=over_boto3, AttributeNames=DEPTH)["Attributes"]}
    entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got[:2])]
    assert direct.delete_message_batch(QueueUrl=direct_url, Entries=entries)["Successful"] == \
        sqs.delete_message_batch(QueueUrl=over_boto3, Entries=[{**e, "ReceiptHandle": m["ReceiptHandle"]}
                                                               for e, m in zip(entries, expected)])["Successful"]
    assert direct.get_queue_attributes(QueueUrl=direct_url, AttributeNames=DEPTH)["Attributes"] == \
        sqs.get_queue_attributes(QueueUrl=over_boto3, AttributeNames=DEPTH)["Attributes"]
    assert direct.get_queue_attributes(QueueUrl=direct_url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"] == \
        sqs.get_queue_attributes(QueueUrl=direct_url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]


def test_moto_still_dead_letters_after_max_receives_through_the_direct_path(moto: MotoBackend) -> None:
    sqs = moto.client("sqs")
    url = _queue_with_dlq(sqs, "poison", max_receives=2)
    _send_same(sqs, [url], 1)
    direct = DirectSqs(ACCOUNT_ID, REGION)
    counts = []
    for _ in range(2):  # visibility 0: every receive sees the message again at once
        message = direct.receive_message(QueueUrl=url, VisibilityTimeout=0, **ALL)["Messages"][0]
        counts.append(message["Attributes"]["ApproximateReceiveCount"])

    assert direct.receive_message(QueueUrl=url, VisibilityTimeout=0, **ALL) == {}
    assert counts == ["1", "2"]
    dlq = sqs.get_queue_url(QueueName="poison-dlq")["QueueUrl"]
    assert [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=dlq, **ALL)["Messages"]] == [{"n": 0}]


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    return call(), time.monotonic() - started


def test_a_long_poll_sleeps_until_a_message_arrives(moto: MotoBackend) -> None:
    sqs = moto.client("sqs")
    url = _queue_with_dlq(sqs, "waiting")
    direct = DirectSqs(ACCOUNT_ID, REGION)
    threading.Timer(0.3, lambda: _send_same(sqs, [url], 1)).start()

    result, waited = _timed(lambda: direct.receive_message(QueueUrl=url, WaitTimeSeconds=5, **ALL))

    assert [json.loads(m["Body"]) for m in result["Messages"]] == [{"n": 0}]
    assert 0.25 < waited < 2
    direct.close()


def test_a_long_poll_wakes_when_a_failed_message_turns_visible_again(moto: MotoBackend) -> None:
    sqs = moto.client("sqs")
    url = _queue_with_dlq(sqs, "retrying")
    _send_same(sqs, [url], 1)
    direct = DirectSqs(ACCOUNT_ID, REGION)
    assert direct.receive_message(QueueUrl=url, VisibilityTimeout=1, **ALL)["Messages"]  # not deleted: failed

    result, waited = _timed(lambda: direct.receive_message(QueueUrl=url, WaitTimeSeconds=10, **ALL))

    assert result["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert 0.5 < waited < 3
    direct.close()


def test_interrupt_ends_a_long_poll_at_once(moto: MotoBackend) -> None:
    url = _queue_with_dlq(moto.client("sqs"), "stopping")
    direct = DirectSqs(ACCOUNT_ID, REGION)
    threading.Timer(0.2, direct.interrupt).start()

    result, waited = _timed(lambda: direct.receive_message(QueueUrl=url, WaitTimeSeconds=10))

    assert result == {} and waited < 2
    direct.close()


def test_doorbell_hooks_are_counted_and_removed_by_the_last_user() -> None:
    class Shard:
        def add(self, value: int) -> int:
            return value * 2

    shard = Shard()
    first, second = attach_doorbell(shard, "add"), attach_doorbell(shard, "add")

    assert first is second and shard.add(21) == 42 and first.rings == 1
    detach_doorbell(shard, "add")
    assert "add" in vars(shard)
    detach_doorbell(shard, "add")
    assert "add" not in vars(shard) and shard.add(1) == 2


def test_quicker_sqs_helpers_compute_what_moto_computes_and_are_given_back() -> None:
    import moto.sqs.models as models

    originals = (models.unix_time, models.unix_time_millis, models.camelcase_to_underscores)
    QUICKER_SQS_MODELS.acquire()
    QUICKER_SQS_MODELS.acquire()
    try:
        assert abs(models.unix_time() - originals[0]()) < 0.05
        assert abs(models.unix_time_millis() - originals[1]()) < 50
        names = ["ApproximateNumberOfMessagesNotVisible", "RedrivePolicy", "FifoQueue", "KmsMasterKeyId"]
        assert [models.camelcase_to_underscores(n) for n in names] == [originals[2](n) for n in names]
        QUICKER_SQS_MODELS.release()
        assert models.unix_time is not originals[0]
    finally:
        QUICKER_SQS_MODELS.release()

    assert (models.unix_time, models.unix_time_millis, models.camelcase_to_underscores) == originals


def test_stream_records_answer_as_boto3_does(moto: MotoBackend) -> None:
    dynamodb = moto.client("dynamodb")
    arn = dynamodb.create_table(
        TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    direct, streams = DirectStreams(ACCOUNT_ID, REGION), moto.client("dynamodbstreams")
    doorbell = direct.doorbell(arn)
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}, "n": {"N": "2"}, "l": {"L": [{"S": "x"}]}})
    dynamodb.delete_item(TableName="t", Key={"pk": {"S": "a"}})

    def read(client: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        shard = client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = client.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        first = client.get_records(ShardIterator=iterator, Limit=2)
        rest = client.get_records(ShardIterator=first["NextShardIterator"], Limit=10)
        assert client.get_records(ShardIterator=rest["NextShardIterator"])["Records"] == []
        return first["Records"], rest["Records"]

    expected, got = read(streams), read(direct)

    assert doorbell.rings == 3
    assert [[stream_record(r, arn, REGION) for r in batch] for batch in got] == \
        [[stream_record(r, arn, REGION) for r in batch] for batch in expected]
    assert [len(batch) for batch in got] == [2, 1]
    direct.close()


def test_an_idle_emulator_reads_moto_only_a_few_times_a_second() -> None:
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend
    from moto.sqs.models import SQSBackend

    calls: list[str] = []
    originals = {(SQSBackend, "receive_message"): SQSBackend.receive_message,
                 (DynamoDBStreamsBackend, "get_records"): DynamoDBStreamsBackend.get_records}

    def counting(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return original(*args, **kwargs)
        return call

    with running_app(ORDERS) as emu:
        assert emu.wait_idle()
        try:
            for (cls, name), original in originals.items():
                setattr(cls, name, counting(name, original))
            time.sleep(2.0)
        finally:
            for (cls, name), original in originals.items():
                setattr(cls, name, original)
        workers = len(emu.pollers) + len(emu.readers)

    assert workers >= 5
    assert len(calls) / workers / 2.0 <= 2.5, f"{len(calls)} reads of moto in 2 s by {workers} idle pollers"


def test_records_written_at_once_get_their_own_sequence_numbers_and_are_read_once(moto: MotoBackend) -> None:
    import moto.dynamodb.models.table as table_models

    dynamodb = moto.client("dynamodb")
    arn = dynamodb.create_table(
        TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    direct = DirectStreams(ACCOUNT_ID, REGION)
    direct.doorbell(arn)  # what a running stream reader installs
    other_writer = threading.Thread(target=lambda: dynamodb.put_item(TableName="t", Item={"pk": {"S": "b"}}))
    moto_record = table_models.StreamRecord

    class RecordWhileAnotherWrites(moto_record):  # type: ignore[misc, valid-type]
        """moto builds the record between numbering it and appending it: another write lands there."""

        def __init__(self, *args: Any) -> None:
            if other_writer.ident is None:
                other_writer.start()
                other_writer.join(timeout=0.3)
            super().__init__(*args)

    table_models.StreamRecord = RecordWhileAnotherWrites
    try:
        dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}})
        other_writer.join()
    finally:
        table_models.StreamRecord = moto_record

    shard = direct.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = direct.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    first = direct.get_records(ShardIterator=iterator, Limit=10)
    numbers = [r["dynamodb"]["SequenceNumber"] for r in first["Records"]]

    assert len(numbers) == 2 and len(set(numbers)) == 2
    assert direct.get_records(ShardIterator=first["NextShardIterator"])["Records"] == []
    direct.close()


def _fifo_group(sqs: Any, name: str, count: int, groups: tuple[str, ...] = ("g",)) -> str:
    url = _queue_with_dlq(sqs, name, max_receives=10, fifo=True)
    for i in range(count):
        for group in groups:
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"group": group, "n": i}), MessageGroupId=group)
    return url


def _expire(queue: Any, position: int) -> None:
    """Let the visibility of the queue's message at `position` run out now (moto's clock is in ms)."""
    queue._messages[position].visible_at = time.time() * 1000.0 - 1


def _numbers(result: dict[str, Any]) -> list[int]:
    return [json.loads(m["Body"])["n"] for m in result.get("Messages", [])]


def test_moto_alone_runs_a_fifo_group_out_of_order_once_its_first_message_times_out_first(moto: MotoBackend) -> None:
    from moto.sqs.models import sqs_backends

    url = _fifo_group(moto.client("sqs"), "reordered", 3)
    backend = sqs_backends[ACCOUNT_ID][REGION]
    queue = backend.get_queue("reordered.fifo")
    assert len(backend.receive_message("reordered.fifo", 10, 0, 30)) == 3  # one batch: the whole group in flight
    _expire(queue, 0)
    assert backend.receive_message("reordered.fifo", 10, 0, 30) == []  # the others still in flight: group busy
    _expire(queue, 1), _expire(queue, 2)

    # moto's own receive: message 0 skipped (the group looked busy when the walk began), 2 delivered
    assert [json.loads(m.body)["n"] for m in backend.receive_message("reordered.fifo", 10, 0, 30)] == [2]
    assert url


def test_a_fifo_group_keeps_its_order_after_a_timeout_through_the_direct_path(moto: MotoBackend) -> None:
    from moto.sqs.models import sqs_backends

    url = _fifo_group(moto.client("sqs"), "ordered", 3)
    queue = sqs_backends[ACCOUNT_ID][REGION].get_queue("ordered.fifo")
    direct = DirectSqs(ACCOUNT_ID, REGION)
    assert _numbers(direct.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)) == [0, 1, 2]
    _expire(queue, 0)
    assert direct.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30) == {}  # group busy
    _expire(queue, 1), _expire(queue, 2)

    assert _numbers(direct.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)) == [0, 1, 2]


def test_peek_reads_every_message_of_a_fifo_queue_and_receives_none(moto: MotoBackend) -> None:
    from compiler.emulator.peek import peek_messages

    sqs = moto.client("sqs")
    url = _fifo_group(sqs, "dead", 30, groups=("a", "b"))
    direct = DirectSqs(ACCOUNT_ID, REGION)

    peeked = direct.peek(url)

    assert [(json.loads(m["Body"])["group"], json.loads(m["Body"])["n"]) for m in peeked] == \
        [(g, i) for i in range(30) for g in ("a", "b")]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in peeked} == {"0"}  # nothing was received
    assert len(peek_messages(sqs, url)) == 10  # receiving stops after a batch: both groups are then in flight


@pytest.mark.slow
def test_server_mode_reads_dead_letters_off_the_same_backends() -> None:
    from compiler.emulator.moto_direct import queue_reader

    backend = MotoBackend("server")
    backend.start()
    try:
        sqs = backend.client("sqs")
        url = _fifo_group(sqs, "served", 15, groups=("a",))
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

        assert [json.loads(m["Body"])["n"] for m in queue_reader(arn).peek(url)] == list(range(15))
    finally:
        backend.stop()
