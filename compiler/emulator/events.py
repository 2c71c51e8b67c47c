"""Lambda event JSON, built exactly as AWS builds it (pure: no I/O, no boto3, no clock reads).

The emulator's delivery modules gather facts (a request, received SQS messages, stream
records) and these functions shape them into the events the shim receives on AWS: API
Gateway HTTP API payload 2.0, SQS batches, DynamoDB stream batches and Scheduler inputs.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from lambda_runtime.contract import CRON_EVENT_MARKER

ACCOUNT_ID = "123456789012"  # moto's default account
API_ID = "motiadev"

# Content types whose bodies API Gateway passes as text; everything else is base64.
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript",
              "application/x-www-form-urlencoded", "+json", "+xml")


@dataclass(frozen=True)
class HttpRequest:
    """What the HTTP server read off the socket."""

    method: str
    raw_path: str
    raw_query: str
    headers: tuple[tuple[str, str], ...]  # as received, in order, names as sent
    body: bytes
    source_ip: str
    time: datetime


@dataclass(frozen=True)
class HttpReply:
    """What goes back on the socket: the proxy result, decoded as API Gateway decodes it."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _is_text(content_type: str) -> bool:
    lowered = content_type.lower()
    return not lowered or any(t in lowered for t in TEXT_TYPES)


def _joined(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    # Payload 2.0 joins repeated headers and query parameters with commas.
    out: dict[str, str] = {}
    for name, value in pairs:
        out[name] = f"{out[name]},{value}" if name in out else value
    return out


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(raw_query, keep_blank_values=True)


def http_event(request: HttpRequest, route_key: str, path_parameters: Mapping[str, str], request_id: str) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) event for one request."""
    headers = _joined([(name.lower(), value) for name, value in request.headers if name.lower() != "cookie"])
    cookies = [c.strip() for name, value in request.headers if name.lower() == "cookie" for c in value.split(";") if c.strip()]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": headers.get("host", "127.0.0.1").split(".")[0],
            "http": {
                "method": request.method.upper(),
                "path": request.raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": request.time.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(request.time.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if request.raw_query:
        event["queryStringParameters"] = _joined(_query_pairs(request.raw_query))
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if request.body:
        if _is_text(headers.get("content-type", "")):
            try:
                event["body"] = request.body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"] = base64.b64encode(request.body).decode()
                event["isBase64Encoded"] = True
        else:
            event["body"] = base64.b64encode(request.body).decode()
            event["isBase64Encoded"] = True
    return event


def http_reply(result: Any) -> HttpReply:
    """The response API Gateway sends for a Lambda's payload-2.0 result.

    A dict with `statusCode` is a proxy result; anything else is a bare value that API
    Gateway returns as a 200 JSON body (its documented inference for format 2.0).
    """
    if isinstance(result, dict) and "statusCode" in result:
        body = result.get("body") or ""
        # A lone surrogate in a text body cannot be UTF-8: it goes out as "?", never as a crash.
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8", "replace")
        headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers.extend((str(name), str(v)) for v in values)
        headers.extend(("set-cookie", str(c)) for c in result.get("cookies") or [])
        return HttpReply(int(result["statusCode"]), tuple(headers), raw)
    raw = (result if isinstance(result, str) else json.dumps(result)).encode("utf-8")
    return HttpReply(200, (("content-type", "application/json"),), raw)


def error_reply(status: int, message: str) -> HttpReply:
    """API Gateway's own error responses (`{"message": ...}`), e.g. no route, Lambda failure."""
    body = json.dumps({"message": message}).encode()
    return HttpReply(status, (("content-type", "application/json"),), body)


def _epoch_ms(value: Any) -> str:
    if isinstance(value, datetime):
        return str(int(value.timestamp() * 1000))
    return str(value)


def _sqs_message_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    # The SQS API says StringValue/DataType; the Lambda event says stringValue/dataType.
    out = {}
    for name, value in attributes.items():
        out[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": base64.b64encode(value["BinaryValue"]).decode() if value.get("BinaryValue") else None,
            "stringListValues": list(value.get("StringListValues") or []),
            "binaryListValues": [],
            "dataType": value.get("DataType", "String"),
        }
    return out


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of a Lambda SQS event from one ReceiveMessage result."""
    attributes = {k: _epoch_ms(v) if k.endswith("Timestamp") else str(v) for k, v in (message.get("Attributes") or {}).items()}
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": attributes,
        "messageAttributes": _sqs_message_attributes(message.get("MessageAttributes") or {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def sqs_event(messages: Sequence[Mapping[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {"Records": [sqs_record(m, queue_arn, region) for m in messages]}


def failed_message_ids(result: Any, batch_ids: Sequence[str]) -> frozenset[str]:
    """Which records Lambda would treat as failed from a ReportBatchItemFailures response.

    As on AWS, a response that is not a well-formed `batchItemFailures` list fails the batch.
    """
    if result is None:
        return frozenset()
    if not isinstance(result, dict):
        return frozenset(batch_ids)
    failures = result.get("batchItemFailures")
    if failures is None:
        return frozenset()
    if not isinstance(failures, list):
        return frozenset(batch_ids)
    ids = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in batch_ids:
            return frozenset(batch_ids)
        ids.add(str(identifier))
    return frozenset(ids)


def stream_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """One Lambda DynamoDB stream record from a GetRecords record (datetimes become epoch s)."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.replace(tzinfo=created.tzinfo or timezone.utc).timestamp())
    return {
        "eventID": record.get("eventID", ""),
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", region),
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


def stream_event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": list(records)}


def cron_event(expression: str) -> dict[str, Any]:
    """What the emitted Scheduler target passes as Input: the Motia expression that fired."""
    return {CRON_EVENT_MARKER: expression}
