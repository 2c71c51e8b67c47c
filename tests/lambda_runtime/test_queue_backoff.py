"""GIVEN Motia's backoff settings WHEN a queue message fails THEN its retry delay as Motia's engine computes it."""

from __future__ import annotations

from typing import Any

import pytest

from lambda_runtime import queue_backoff


def test_delay_doubles_from_the_base_after_each_failure() -> None:
    assert [queue_backoff.retry_delay_ms(1000, n) for n in (1, 2, 3, 4)] == [1000, 2000, 4000, 8000]


def test_visibility_is_whole_seconds_rounded_up_and_capped_at_sqs_most() -> None:
    assert queue_backoff.visibility_after_failure(500, 1, 5) == 1
    assert queue_backoff.visibility_after_failure(1500, 2, 5) == 3
    assert queue_backoff.visibility_after_failure(0, 2, 5) == 0
    assert queue_backoff.visibility_after_failure(60_000, 40, 100) == queue_backoff.VISIBILITY_MAX_S


def test_last_attempt_gets_no_delay() -> None:
    assert queue_backoff.visibility_after_failure(1000, 3, 3) == 0
    assert queue_backoff.visibility_after_failure(1000, 3, 0) == 4  # attempts unknown: keep backing off


def test_queue_url_from_arn() -> None:
    assert queue_backoff.queue_url("arn:aws:sqs:eu-west-1:123456789012:app-dev-q.fifo") == (
        "https://sqs.eu-west-1.amazonaws.com/123456789012/app-dev-q.fifo"
    )


def test_hide_for_changes_the_received_message_visibility(aws: Any) -> None:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="backoff-q", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    message = sqs.receive_message(QueueUrl=url)["Messages"][0]
    queue_backoff.hide_for(arn, message["ReceiptHandle"], 0)
    again = sqs.receive_message(QueueUrl=url).get("Messages", [])
    assert [m["MessageId"] for m in again] == [message["MessageId"]]


@pytest.mark.parametrize("attempts", [1, 2])
def test_single_attempt_queues_dead_letter_after_the_first_failure(attempts: int) -> None:
    assert (queue_backoff.visibility_after_failure(1000, 1, attempts) == 0) is (attempts == 1)
