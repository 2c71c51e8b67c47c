"""Payload limits: sizes as AWS counts them, and the shim's errors before AWS refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambda_runtime.adapters import http
from lambda_runtime.ddb_json import encode
from lambda_runtime.payload_limits import (
    DYNAMODB_ITEM_LIMIT,
    LAMBDA_RESPONSE_LIMIT,
    SNS_MESSAGE_LIMIT,
    PayloadTooLarge,
    check_item,
    check_message,
    check_response,
    item_size,
)
from lambda_runtime.publish import publish
from lambda_runtime.state_store import DynamoStateStore
from tests.lambda_runtime.conftest import STATE_TABLE, event, hosted

LARGE = "steps/large_payload_step.py"


def test_item_size_counts_names_and_values_as_dynamodb_does() -> None:
    # "pk" 2 + "a" 1, "value" 5 + map 3 + ("k" 1 + 1 + "é" 2) + ("n" 1 + 1 + 12345 -> 4)
    item = {"pk": {"S": "a"}, "value": encode({"k": "é", "n": 12345})}
    assert item_size(item) == 3 + 5 + 3 + 4 + 6


def test_a_message_at_the_limit_passes_and_one_byte_more_fails_naming_step_topic_and_limit() -> None:
    attributes = {"a": {"DataType": "String", "StringValue": "b"}}
    overhead = 1 + len("String") + 1
    check_message("S", "t", "x" * (SNS_MESSAGE_LIMIT - overhead), attributes)
    with pytest.raises(PayloadTooLarge, match=r"step 'S': the message enqueued to 't' is 256\.0 KiB, over the 256\.0 KiB"):
        check_message("S", "t", "x" * (SNS_MESSAGE_LIMIT - overhead + 1), attributes)


def test_multibyte_text_is_measured_in_bytes() -> None:
    with pytest.raises(PayloadTooLarge):
        check_message("S", "t", "é" * (SNS_MESSAGE_LIMIT // 2 + 1), {})


def test_rejects_an_item_over_400_kib_naming_the_step_and_the_limit() -> None:
    check_item("S", "value", {"v": {"S": "x" * (DYNAMODB_ITEM_LIMIT - 1)}})
    with pytest.raises(PayloadTooLarge, match="step 'S': the value is 400.0 KiB, over DynamoDB's 400.0 KiB item limit"):
        check_item("S", "value", {"vv": {"S": "x" * (DYNAMODB_ITEM_LIMIT - 1)}})


def test_rejects_a_response_over_6_mib() -> None:
    check_response("S", {"statusCode": 200, "body": "x" * (LAMBDA_RESPONSE_LIMIT - 100)})
    with pytest.raises(PayloadTooLarge, match="over Lambda's 6144.0 KiB response limit"):
        check_response("S", {"statusCode": 200, "body": "x" * LAMBDA_RESPONSE_LIMIT})


def test_fails_an_oversized_enqueue_before_calling_sns() -> None:
    # No moto here: reaching SNS would fail differently (no credentials, no topic).
    with pytest.raises(PayloadTooLarge, match="step 'Ship': the message enqueued to 'big'"):
        publish("Ship", "t", {"topic": "big", "data": "x" * SNS_MESSAGE_LIMIT}, {"big": (("arn", False),)}, {})


def test_an_http_reply_over_6_mib_answers_500_naming_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /huge"
    result = http.handle(hosted(LARGE, "HugeReply"), raw)
    assert result["statusCode"] == 500
    assert "step 'HugeReply': the HTTP response is" in json.loads(result["body"])["error"]


def test_a_state_write_over_400_kib_fails_naming_the_step_and_key(aws: Any) -> None:
    raw = event("apigw_v2_get.json")
    raw["routeKey"] = "GET /store-large"
    result = http.handle(hosted(LARGE, "StoreLarge"), raw)
    error = json.loads(result["body"])["error"]
    assert result["statusCode"] == 500
    assert "step 'StoreLarge': the value at 'blobs' / 'b-1' is" in error and "400.0 KiB item limit" in error
    assert DynamoStateStore(STATE_TABLE).get("blobs", "b-1") is None
