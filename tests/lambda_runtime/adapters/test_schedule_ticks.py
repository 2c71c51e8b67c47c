"""GIVEN a cron with seconds WHEN its minute fires THEN the ticks off second 0 wait in the tick
queue until their second, and each tick from the queue runs the handler once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from lambda_runtime.adapters import schedule
from lambda_runtime.events import event_kind
from tests.lambda_runtime.conftest import hosted, step_module

CRON = "steps/cron_step.py"
FAILING = "steps/failing_cron_step.py"
QUEUE = "app-ci-Ticker-ticks"


@pytest.fixture
def runs() -> list:
    log: list = step_module(CRON).RUNS
    log.clear()
    return log


def test_tick_delays_count_from_now_so_a_late_start_does_not_shift_the_ticks() -> None:
    ticks = schedule.tick_delays("2026-11-29T10:00:00Z", [0, 5, 30, 55], "2026-11-29T10:00:01.600000+00:00")
    assert ticks == [("2026-11-29T10:00:05+00:00", 3), ("2026-11-29T10:00:30+00:00", 28), ("2026-11-29T10:00:55+00:00", 53)]


def test_a_tick_already_due_is_sent_undelayed() -> None:
    assert schedule.tick_delays("2026-11-29T10:00:00Z", [5], "2026-11-29T10:00:09+00:00") == [("2026-11-29T10:00:05+00:00", 0)]


def _minute_input(seconds: list[int], scheduled: str, **extra: Any) -> dict[str, Any]:
    return {"motia_cron": "*/5 * * * *", "motia_trigger": 0, "motia_scheduled": scheduled,
            "motia_seconds": seconds, "motia_tick_queue": QUEUE, **extra}


def _queued(aws: Any) -> dict[str, str]:
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    return dict(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])


def _this_minute() -> str:
    return datetime.now(timezone.utc).replace(second=0, microsecond=0).isoformat()


def test_the_minute_runs_second_zero_and_queues_the_other_eleven_ticks(aws: Any, runs: list) -> None:
    aws.client("sqs").create_queue(QueueName=QUEUE)
    schedule._queue_urls.clear()
    schedule.handle(hosted(CRON, "Ticker"), _minute_input(list(range(0, 60, 5)), _this_minute()))
    attributes = _queued(aws)
    queued = int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesDelayed"])
    assert (runs, queued) == ([("tick", "*/5 * * * *", True)], 11)


def test_an_offset_alone_runs_nothing_now_and_queues_one_tick(aws: Any, runs: list) -> None:
    aws.client("sqs").create_queue(QueueName=QUEUE)
    schedule._queue_urls.clear()
    long_ago = (datetime.now(timezone.utc) - timedelta(minutes=5)).replace(second=0, microsecond=0).isoformat()
    schedule.handle(hosted(CRON, "Ticker"), _minute_input([5], long_ago))
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]  # due: undelayed
    body = json.loads(message["Body"])
    assert runs == []
    assert body == {"motia_cron": "*/5 * * * *", "motia_trigger": 0, "motia_scheduled": long_ago.replace(":00+00:00", ":05+00:00")}
    assert message["MessageAttributes"]["motia_tick"]["StringValue"] == "1"


def test_no_tick_is_queued_on_a_day_that_misses_the_other_day_field(aws: Any, runs: list) -> None:
    aws.client("sqs").create_queue(QueueName=QUEUE)
    schedule._queue_urls.clear()
    schedule.handle(hosted(CRON, "Ticker"), _minute_input([0, 30], "2026-07-01T09:00:00Z", motia_days={"weekday": [1]}))
    attributes = _queued(aws)
    assert (runs, attributes["ApproximateNumberOfMessagesDelayed"], attributes["ApproximateNumberOfMessages"]) == ([], "0", "0")


def test_an_input_with_seconds_but_no_queue_names_the_fix(runs: list) -> None:
    event = _minute_input([0, 30], _this_minute())
    del event["motia_tick_queue"]
    with pytest.raises(schedule.UnknownSchedule, match="redeploy the stack"):
        schedule.handle(hosted(CRON, "Ticker"), event)


def _tick_batch(body: dict[str, Any]) -> dict[str, Any]:
    return {"Records": [{
        "messageId": "m1", "body": json.dumps(body), "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{QUEUE}",
        "messageAttributes": {"motia_tick": {"stringValue": "1", "dataType": "String"}},
    }]}


def test_a_tick_batch_is_a_cron_event_and_runs_with_its_scheduled_second(runs: list) -> None:
    seen: list = []
    fn = hosted(CRON, "Nightly")
    fn.step.triggers[0].condition = lambda tick, ctx: seen.append(tick) or True
    batch = _tick_batch({"motia_cron": "0 0 * * *", "motia_trigger": 0, "motia_scheduled": "2026-11-29T10:00:35+00:00"})
    try:
        assert event_kind(batch) == "cron"
        assert schedule.handle(fn, batch) == {"batchItemFailures": []}
    finally:
        step_module.cache_clear()
    assert (runs, seen[0]["scheduled_time"]) == ([("nightly", None)], "2026-11-29T10:00:35+00:00")


def test_a_failing_tick_runs_once_and_its_message_is_consumed() -> None:
    failures: list = step_module(FAILING).RUNS
    failures.clear()
    batch = _tick_batch({"motia_cron": "*/5 * * * * *", "motia_trigger": 0, "motia_scheduled": "2026-11-29T10:00:35+00:00"})
    assert schedule.handle(hosted(FAILING, "FailingTicks"), batch) == {"batchItemFailures": []}
    assert failures == ["*/5 * * * * *"]


def test_a_plain_sqs_batch_stays_a_queue_event() -> None:
    batch = _tick_batch({})
    batch["Records"][0]["messageAttributes"] = {}
    assert event_kind(batch) == "sqs"
