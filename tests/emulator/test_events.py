from __future__ import annotations

import base64
from datetime import datetime, timezone

from compiler.emulator.events import HttpRequest, failed_message_ids, http_event, http_reply, sqs_record

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def _request(body: bytes = b"", content_type: str = "application/json", query: str = "") -> HttpRequest:
    headers = (("Host", "127.0.0.1:3000"), ("Content-Type", content_type), ("X-Tag", "a"), ("X-Tag", "b"),
               ("Cookie", "a=1; b=2"))
    return HttpRequest("POST", "/orders/7", query, headers, body, "127.0.0.1", NOW)


def test_http_event_has_api_gateway_v2_shape() -> None:
    event = http_event(_request(b'{"a":1}', query="x=1&x=2&y="), "POST /orders/{id}", {"id": "7"}, "req-1")
    assert event["version"] == "2.0" and event["routeKey"] == "POST /orders/{id}"
    assert event["headers"]["x-tag"] == "a,b" and "cookie" not in event["headers"]
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["queryStringParameters"] == {"x": "1,2", "y": ""}
    assert event["pathParameters"] == {"id": "7"}
    assert event["body"] == '{"a":1}' and event["isBase64Encoded"] is False
    assert event["requestContext"]["http"]["method"] == "POST" and event["requestContext"]["timeEpoch"] == int(NOW.timestamp() * 1000)


def test_binary_body_is_base64() -> None:
    event = http_event(_request(b"\x00\xff", "application/octet-stream"), "POST /x", {}, "r")
    assert event["isBase64Encoded"] and base64.b64decode(event["body"]) == b"\x00\xff"


def test_reply_is_the_proxy_result_byte_for_byte() -> None:
    reply = http_reply({"statusCode": 201, "headers": {"content-type": "text/plain"}, "body": "héllo", "cookies": ["s=1"]})
    assert reply.status == 201 and reply.body == "héllo".encode()
    assert ("set-cookie", "s=1") in reply.headers
    binary = http_reply({"statusCode": 200, "body": base64.b64encode(b"\x01").decode(), "isBase64Encoded": True})
    assert binary.body == b"\x01"


def test_bare_result_becomes_200_json() -> None:
    assert http_reply({"a": 1}).status == 200 and http_reply({"a": 1}).body == b'{"a": 1}'


def test_sqs_record_renames_attributes_as_lambda_does() -> None:
    message = {"MessageId": "m1", "ReceiptHandle": "h", "Body": "{}", "MD5OfBody": "x",
               "Attributes": {"ApproximateReceiveCount": "2", "MessageGroupId": "g"},
               "MessageAttributes": {"motia_trace_id": {"DataType": "String", "StringValue": "t1"}}}
    record = sqs_record(message, "arn:aws:sqs:us-east-1:123456789012:q", "us-east-1")
    assert record["messageAttributes"]["motia_trace_id"]["stringValue"] == "t1"
    assert record["attributes"]["MessageGroupId"] == "g" and record["eventSource"] == "aws:sqs"


def test_failed_ids_follow_report_batch_item_failures() -> None:
    assert failed_message_ids({"batchItemFailures": [{"itemIdentifier": "b"}]}, ["a", "b"]) == {"b"}
    assert failed_message_ids(None, ["a"]) == frozenset()
    assert failed_message_ids({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, ["a"]) == {"a"}  # malformed: all
