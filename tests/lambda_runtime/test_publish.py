from __future__ import annotations

from typing import Any

import pytest

from lambda_runtime.publish import EnqueueNotAllowed, check_declared, deduplication_id, publish


def test_deduplication_id_is_stable_per_message_and_distinguishes_repeats() -> None:
    first = deduplication_id("trace", "t", "g", '{"n": 1}', 0)
    assert first == deduplication_id("trace", "t", "g", '{"n": 1}', 0)
    assert first != deduplication_id("trace", "t", "g", '{"n": 1}', 1)
    assert first != deduplication_id("other-trace", "t", "g", '{"n": 1}', 0)
    assert len(first) <= 128


def test_rejects_undeclared_and_missing_topics() -> None:
    with pytest.raises(EnqueueNotAllowed, match="step 'S' enqueued to topic 'x'.*declared: 'a'"):
        check_declared("S", "x", ("a",))
    with pytest.raises(EnqueueNotAllowed, match="needs"):
        check_declared("S", None, ("a",))


def test_publishes_to_every_arn_of_the_topic_with_fifo_ids_only_on_fifo_topics(aws: Any) -> None:
    sns = aws.client("sns")
    standard = sns.create_topic(Name="pub-standard")["TopicArn"]
    fifo = sns.create_topic(Name="pub-fifo.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    topics = {"a": ((standard, False), (fifo, True))}
    ids = publish("S", "trace", {"topic": "a", "data": {"n": 1}}, topics, {})
    assert len(ids) == 2  # a FIFO publish without group and deduplication ids would have failed


def test_fails_when_the_config_has_no_sns_topic_for_a_declared_topic() -> None:
    with pytest.raises(RuntimeError, match="declares topic 'a' but its function config \\(MOTIA_FUNCTION\\) has no SNS topic"):
        publish("S", "trace", {"topic": "a", "data": {}}, {"a": ()}, {})


def test_fails_naming_the_step_when_enqueued_data_holds_an_unawaited_coroutine() -> None:
    async def lookup() -> int:
        return 1

    pending = lookup()
    try:
        with pytest.raises(TypeError, match="step 'Ship': the data enqueued to 'order.created'.*never awaited"):
            publish("Ship", "t", {"topic": "order.created", "data": {"n": pending}}, {"order.created": (("arn", False),)}, {})
    finally:
        pending.close()
