from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from compiler import naming


@pytest.mark.parametrize(("name", "expected"), [
    ("CreateOrder", "CreateOrder"), ("order.created", "order-created"), ("a b/c", "a-b-c"),
    ("under_score", "under_score"), ("..x..", "x"), ("!!!", "x"),
])
def test_clean_keeps_only_characters_aws_accepts(name: str, expected: str) -> None:
    assert naming.clean(name) == expected


def test_names_within_limits_are_readable() -> None:
    assert naming.function_name("orders-dev", "CreateOrder") == "orders-dev-CreateOrder"
    assert naming.queue_name("orders-dev", "order.created", "Charge", fifo=True) == "orders-dev-order-created-Charge.fifo"
    assert naming.dlq_name("orders-dev", "t", "S", fifo=False) == "orders-dev-t-S-dlq"
    assert naming.topic_name("p", "t", fifo=True) == "p-t.fifo"
    assert naming.schedule_name("p", "S", 1) == "p-S-cron1"


@pytest.mark.parametrize(("make", "limit"), [
    (lambda s: naming.function_name("orders-prod", s), naming.LAMBDA_NAME_LIMIT),
    (lambda s: naming.queue_name("orders-prod", "topic.with.a.long.name", s, fifo=True), naming.SQS_NAME_LIMIT),
    (lambda s: naming.dlq_name("orders-prod", "topic.with.a.long.name", s, fifo=True), naming.SQS_NAME_LIMIT),
    (lambda s: naming.schedule_name("orders-prod", s, 0), naming.SCHEDULE_NAME_LIMIT),
])
def test_long_names_are_shortened_with_a_hash_never_into_a_collision(make, limit: int) -> None:  # type: ignore[no-untyped-def]
    a = make("ProcessIncomingOrderPaymentsAndNotifyCustomersStepNumberOne")
    b = make("ProcessIncomingOrderPaymentsAndNotifyCustomersStepNumberTwo")
    assert len(a) <= limit and len(b) <= limit
    assert a != b
    assert a == make("ProcessIncomingOrderPaymentsAndNotifyCustomersStepNumberOne")


def test_fifo_suffix_survives_shortening() -> None:
    name = naming.queue_name("p", "t" * 100, "S", fifo=True)
    assert name.endswith(".fifo") and len(name) == naming.SQS_NAME_LIMIT


@pytest.mark.parametrize(("app", "stage", "expected"), [
    ("orders", "dev", "orders-dev"),
    ("relative_imports", "ci", "relative-imports-ci"),
    ("my.app", "pr_12", "my-app-pr-12"),
    ("2024-report", "dev", "app-2024-report-dev"),
])
def test_app_prefix_is_a_valid_stack_name(app: str, stage: str, expected: str) -> None:
    """The prefix names the CloudFormation stack: letters, digits, `-`, a letter first."""
    prefix = naming.app_prefix(app, stage)
    assert prefix == expected
    assert len(prefix) <= naming.STACK_NAME_LIMIT


def test_app_prefix_of_a_long_name_is_shortened_with_a_hash() -> None:
    prefix = naming.app_prefix("a" * 200, "dev")
    assert len(prefix) == naming.STACK_NAME_LIMIT and prefix != naming.app_prefix("a" * 201, "dev")


def test_topic_display_name_fits_sns_limit_for_long_topic_names() -> None:
    """SNS refuses a display name over 100 characters; a long Motia topic name must still synth."""
    assert naming.topic_display_name("order.created") == "order.created"
    assert len(naming.topic_display_name("t" * 150)) == naming.SNS_DISPLAY_NAME_LIMIT


# Any Motia name, long ones included (the shortening must keep the kinds apart too).
_motia_names = st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), min_size=1, max_size=120)


@given(prefix=_motia_names, topic=_motia_names, step=_motia_names)
def test_a_queue_turning_fifo_always_gets_a_new_name(prefix: str, topic: str, step: str) -> None:
    """FifoQueue forces a replacement, created before the old queue is deleted: the names must differ."""
    for make in (naming.queue_name, naming.dlq_name):
        standard, fifo = make(prefix, topic, step, False), make(prefix, topic, step, True)
        assert fifo.endswith(".fifo") and not standard.endswith(".fifo")
        assert len(standard) <= naming.SQS_NAME_LIMIT and len(fifo) <= naming.SQS_NAME_LIMIT


@given(prefix=_motia_names, topic=_motia_names)
def test_a_topic_turning_fifo_always_gets_a_new_name(prefix: str, topic: str) -> None:
    standard, fifo = naming.topic_name(prefix, topic, False), naming.topic_name(prefix, topic, True)
    assert fifo.endswith(".fifo") and not standard.endswith(".fifo")
    assert len(fifo) <= naming.SNS_NAME_LIMIT
