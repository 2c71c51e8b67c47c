"""Building SQS and DynamoDB stream records as Lambda delivers them, for the batch tests."""

from __future__ import annotations

import json
from typing import Any

from tests.lambda_runtime.conftest import STATE_TABLE, STREAMS_TABLE, queue_names

ACCOUNT = "123456789012"


def queue_arn(step: str, topic: str = "work", fifo: bool = False) -> str:
    standard, fifo_name = queue_names(step, topic)
    return f"arn:aws:sqs:us-east-1:{ACCOUNT}:{fifo_name if fifo else standard}"


def sqs_record(message_id: str, data: Any, arn: str, group: str | None = None, body: str | None = None) -> dict[str, Any]:
    """One SQS record of a raw SNS delivery; `body` replaces the JSON of `data` (malformed bodies)."""
    attributes = {"ApproximateReceiveCount": "1", "SentTimestamp": "1611050827340"}
    if group is not None:
        attributes.update({"MessageGroupId": group, "MessageDeduplicationId": f"dedup-{message_id}"})
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": json.dumps(data) if body is None else body,
        "attributes": attributes,
        "messageAttributes": {"motia_trace_id": {"stringValue": f"trace-{message_id}", "dataType": "String"}},
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": "us-east-1",
    }


def _ddb(value: Any) -> dict[str, Any]:
    """DynamoDB JSON of a plain value (what the tables hold: maps, numbers, strings, booleans)."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {k: _ddb(v) for k, v in value.items()}}
    if value is None:
        return {"NULL": True}
    raise TypeError(value)


def stream_record(sequence: int, data: Any, kind: str = "state") -> dict[str, Any]:
    """One INSERT of the state table (group g, key = sequence) or of stream `jobs`, group g."""
    table = STATE_TABLE if kind == "state" else STREAMS_TABLE
    pk = "g" if kind == "state" else "jobs#g"
    image = {"pk": {"S": pk}, "sk": {"S": f"k-{sequence}"}, "value": _ddb(data)}
    if kind == "stream":
        image.update({"stream_name": {"S": "jobs"}, "group_id": {"S": "g"}})
    return {
        "eventID": str(sequence),
        "eventVersion": "1.1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "eventSourceARN": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table}/stream/2024-01-01T00:00:00.000",
        "dynamodb": {
            "Keys": {"pk": {"S": pk}, "sk": {"S": f"k-{sequence}"}},
            "NewImage": image,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
            "SequenceNumber": str(sequence),
            "SizeBytes": 80,
        },
    }
