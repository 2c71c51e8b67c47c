from __future__ import annotations

import pytest

from lambda_runtime.events import UnrecognisedEvent, event_kind
from tests.lambda_runtime.conftest import event


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("apigw_v2_post.json", "http"),
        ("apigw_v1.json", "http"),
        ("sqs_raw.json", "sqs"),
        ("sqs_sns_envelope.json", "sqs"),
        ("sqs_fifo.json", "sqs"),
        ("scheduler.json", "cron"),
        ("scheduled_rule.json", "cron"),
        ("dynamodb_state.json", "dynamodb"),
        ("dynamodb_streams.json", "dynamodb"),
    ],
)
def test_recognises_each_source(name: str, kind: str) -> None:
    assert event_kind(event(name)) == kind


def test_rejects_unknown_event_naming_its_keys() -> None:
    with pytest.raises(UnrecognisedEvent, match="keys: detail, detail-type, source"):
        event_kind({"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification", "detail": {}})


def test_rejects_non_dict_event() -> None:
    with pytest.raises(UnrecognisedEvent, match="list"):
        event_kind([1, 2])
