"""`motia dlq` against a stage in a moto server on 127.0.0.1: list, show, redrive, purge.

moto has no SQS message move tasks: the redrive tests answer StartMessageMoveTask with a
recorded reply (or AWS's refusal, for the FIFO fallback) and pass every other call to moto.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import pytest

from compiler.cli import main
from compiler.deploy.aws import AwsTarget, connect
from compiler.errors import UsageError
from compiler.operate import dead_letters
from tests.compiler.operate_stage import REGION, create_stack, moto_server, step_function

pytestmark = pytest.mark.slow

APP = "shopdlq"  # a name of its own: moto servers of one process share their state
STACK = f"{APP}-dev"
SOURCE, DLQ = f"{STACK}-order-created-Charge", f"{STACK}-order-created-Charge-dlq"
FIFO_SOURCE, FIFO_DLQ = f"{STACK}-paid-Fulfill.fifo", f"{STACK}-paid-Fulfill-dlq.fifo"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=url)
        failures = sqs.create_queue(QueueName=f"{STACK}-Charge-state-failures")["QueueUrl"]
        create_stack(url, STACK, {
            "ChargeFunction": step_function(STACK, "Charge", queues={SOURCE: 0}, failure_queues={"state": failures}),
            "FulfillFunction": step_function(STACK, "Fulfill", queues={FIFO_SOURCE: 0}),
            "PlainFunction": step_function(STACK, "Plain"),
        })
        yield url


@pytest.fixture
def sqs(endpoint: str) -> Iterator[Any]:
    """The stage's subscription queues, fresh for each test: two standard dead letters, three FIFO ones."""
    client = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
    made: list[str] = []

    def pair(source: str, dlq: str, fifo: bool) -> tuple[str, str]:
        extra = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
        dlq_url = client.create_queue(QueueName=dlq, Attributes=extra)["QueueUrl"]
        dlq_arn = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        source_url = client.create_queue(QueueName=source, Attributes={
            **extra, "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})})["QueueUrl"]
        made.extend((source_url, dlq_url))
        return source_url, dlq_url

    _, dlq = pair(SOURCE, DLQ, fifo=False)
    for n in range(2):
        client.send_message(QueueUrl=dlq, MessageBody=json.dumps({"order": n}),
                            MessageAttributes={"x-trace-id": {"DataType": "String", "StringValue": f"t{n}"}})
    _, fifo_dlq = pair(FIFO_SOURCE, FIFO_DLQ, fifo=True)
    for n in range(3):
        client.send_message(QueueUrl=fifo_dlq, MessageBody=json.dumps({"n": n}), MessageGroupId="g")
    try:
        yield client
    finally:
        for url in made:
            client.delete_queue(QueueUrl=url)


def _run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str, app_dir: Path) -> tuple[int, str, str]:
    status = main(["dlq", *args, "--app-dir", str(app_dir), "--app-name", APP, "--endpoint-url", endpoint, "--region", REGION])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _count(sqs: Any, name: str) -> int:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])


def test_list_names_each_steps_queues_and_counts(sqs: Any, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, endpoint, "list", "--json", app_dir=tmp_path)
    answer = json.loads(out)
    rows = {(q["step"], q["kind"], q["source"]): (q["messages"], q["redrivable"]) for q in answer["queues"]}
    assert status == 0 and rows == {
        ("Charge", "subscription", SOURCE): (2, True),
        ("Charge", "state trigger", "state table"): (0, False),
        ("Fulfill", "subscription", FIFO_SOURCE): (3, True),
    }
    status, text, _ = _run(capsys, endpoint, "list", app_dir=tmp_path)
    assert status == 0 and text.startswith(f"{STACK}: 5 dead letter(s) in 3 queue(s)") and "REDRIVE" in text


def test_show_prints_the_messages_and_leaves_the_queue_as_it_was(
    sqs: Any, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(capsys, endpoint, "show", "Charge", "--json", app_dir=tmp_path)
    [subscription] = [q for q in json.loads(out)["queues"] if q["kind"] == "subscription"]
    assert status == 0 and sorted(m["body"]["order"] for m in subscription["shown"]) == [0, 1]
    assert {m["attributes"]["x-trace-id"] for m in subscription["shown"]} == {"t0", "t1"}
    assert _count(sqs, DLQ) == 2  # visible again at once: nothing was taken
    status, text, _ = _run(capsys, endpoint, "show", "Charge", "--limit", "1", app_dir=tmp_path)
    assert status == 0 and text.count("received ") == 1 and '"order":' in text


def test_purge_asks_and_deletes_only_when_told(sqs: Any, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, endpoint, "purge", "Charge", "--yes", app_dir=tmp_path)
    assert status == 0 and "purged" in out and _count(sqs, DLQ) == 0 and _count(sqs, FIFO_DLQ) == 3
    queue = next(q for q in dead_letters.find_dead_letter_queues(connect(AwsTarget(REGION, endpoint)), STACK) if q.step == "Fulfill")
    assert dead_letters.purge(connect(AwsTarget(REGION, endpoint)), queue, confirm=lambda _q: False) is False
    assert _count(sqs, FIFO_DLQ) == 3


def test_fails_with_a_usage_error_naming_the_steps_that_have_queues(
    sqs: Any, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = _run(capsys, endpoint, "show", "Nope", app_dir=tmp_path)
    assert status == 2 and "step 'Nope' has no dead-letter queue" in err and "Charge, Fulfill" in err
    status, _, err = _run(capsys, endpoint, "list", "--stage", "prod", app_dir=tmp_path)
    assert status == 1 and f"stack {APP}-prod does not exist" in err


class _MoveTasks:
    """moto's SQS client, with StartMessageMoveTask answered as recorded (or refused)."""

    def __init__(self, sqs: Any, refuse: bool) -> None:
        self._sqs, self._refuse, self.calls = sqs, refuse, []  # type: list[dict[str, Any]]

    def start_message_move_task(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self._refuse:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "UnsupportedOperation", "Message": "FIFO queues don't support redrive."}},
                "StartMessageMoveTask")
        return {"TaskHandle": "eyJ0YXNrIjoiMSJ9"}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)


def _clients_with(endpoint: str, refuse: bool) -> Any:
    from dataclasses import replace

    clients = connect(AwsTarget(REGION, endpoint))
    return replace(clients, sqs=_MoveTasks(clients.sqs, refuse))


def test_redrive_starts_a_move_task_from_the_dlq_to_its_source_queue(sqs: Any, endpoint: str) -> None:
    clients = _clients_with(endpoint, refuse=False)
    [queue] = [q for q in dead_letters.find_dead_letter_queues(clients, STACK) if q.source == SOURCE]
    result = dead_letters.redrive(clients, queue)
    assert (result.how, result.task) == ("move task", "eyJ0YXNrIjoiMSJ9")
    assert clients.sqs.calls == [{"SourceArn": queue.arn, "DestinationArn": queue.source_arn}]
    assert queue.arn.endswith(f":{DLQ}") and queue.source_arn.endswith(f":{SOURCE}")


def test_redrive_moves_a_fifo_dlq_in_order_when_sqs_refuses_a_move_task(sqs: Any, endpoint: str) -> None:
    clients = _clients_with(endpoint, refuse=True)
    [queue] = [q for q in dead_letters.find_dead_letter_queues(clients, STACK) if q.source == FIFO_SOURCE]
    result = dead_letters.redrive(clients, queue)
    assert (result.how, result.moved) == ("moved", 3) and _count(sqs, FIFO_DLQ) == 0
    source = sqs.get_queue_url(QueueName=FIFO_SOURCE)["QueueUrl"]
    bodies = [json.loads(m["Body"])["n"] for m in sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)["Messages"]]
    assert bodies == [0, 1, 2]


def test_rejects_redriving_a_failure_queue(sqs: Any, endpoint: str) -> None:
    clients = connect(AwsTarget(REGION, endpoint))
    [queue] = [q for q in dead_letters.find_dead_letter_queues(clients, STACK) if q.kind == "state trigger"]
    with pytest.raises(UsageError, match="no source queue to redrive to"):
        dead_letters.redrive(clients, queue)


def test_redrive_fails_with_one_line_when_aws_refuses(sqs: Any, endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # moto has no move tasks: the user sees AWS's answer in one line, no traceback.
    status, _, err = _run(capsys, endpoint, "redrive", "Charge", app_dir=tmp_path)
    assert status == 1 and "StartMessageMoveTask" in err and "Traceback" not in err


def test_list_finds_a_cron_schedules_dead_letter_queue(sqs: Any, endpoint: str) -> None:
    dlq_url = sqs.create_queue(QueueName=f"{STACK}-Plain-schedule-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.send_message(QueueUrl=dlq_url, MessageBody="{}")
    scheduler = boto3.client("scheduler", region_name=REGION, endpoint_url=endpoint)
    scheduler.create_schedule(
        Name=f"{STACK}-Plain-cron0", ScheduleExpression="cron(0 * * * ? *)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": f"arn:aws:lambda:{REGION}:123456789012:function:{STACK}-Plain", "RoleArn": "arn:aws:iam::123456789012:role/r",
                "DeadLetterConfig": {"Arn": dlq_arn}})
    try:
        queues = dead_letters.find_dead_letter_queues(connect(AwsTarget(REGION, endpoint)), STACK)
        assert [(q.step, q.source, q.messages, q.redrivable) for q in queues if q.kind == "cron"] == [
            ("Plain", f"{STACK}-Plain-cron0", 1, False)]
    finally:
        scheduler.delete_schedule(Name=f"{STACK}-Plain-cron0")
        sqs.delete_queue(QueueUrl=dlq_url)
