"""SQS batches (raw SNS delivery or SNS-enveloped bodies) -> one queue handler call per record.

Reports only failed records (`batchItemFailures`, the event source mapping has
ReportBatchItemFailures). In a FIFO queue, once a record of a message group fails, the later
records of that group are reported failed without running, so the group keeps its order.
Which queue() trigger a record belongs to is looked up by its queue's name in the function's
config; a record from a queue the config does not list is a failed record.
"""

from __future__ import annotations

import json

from motia.types import TriggerInfo

from lambda_runtime import contract
from lambda_runtime.invocation import log_failure, new_id, run_triggered

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.hosted import HostedFunction


class QueueMessage:
    """One SQS record, unwrapped: data, message attributes, group (FIFO), source queue name."""

    __slots__ = ("message_id", "data", "attributes", "group_id", "queue_name")

    def __init__(self, message_id: str, data: Any, attributes: dict[str, str], group_id: str | None, queue_name: str) -> None:
        self.message_id = message_id
        self.data = data
        self.attributes = attributes
        self.group_id = group_id
        self.queue_name = queue_name


def _json_or_text(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _is_sns_envelope(body: Any) -> bool:
    return isinstance(body, dict) and body.get("Type") == "Notification" and "TopicArn" in body and "Message" in body


def parse_record(record: dict[str, Any]) -> QueueMessage:
    """The Motia message in a record, whether SNS delivered it raw or in its JSON envelope."""
    body = _json_or_text(record.get("body"))
    attributes = {
        name: str(value.get("stringValue"))
        for name, value in (record.get("messageAttributes") or {}).items()
        if isinstance(value, dict) and value.get("stringValue") is not None
    }
    if _is_sns_envelope(body):
        attributes.update(
            {name: str(value.get("Value")) for name, value in (body.get("MessageAttributes") or {}).items() if isinstance(value, dict)}
        )
        body = _json_or_text(body["Message"])
    arn = str(record.get("eventSourceARN") or "")
    return QueueMessage(
        message_id=str(record.get("messageId")),
        data=body,
        attributes=attributes,
        group_id=(record.get("attributes") or {}).get("MessageGroupId"),
        queue_name=arn.rsplit(":", 1)[-1],
    )


def handle(fn: HostedFunction, event: dict[str, Any]) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    failed_groups: set[str] = set()
    for record in event["Records"]:
        message = parse_record(record)
        if message.group_id is not None and message.group_id in failed_groups:
            failures.append({"itemIdentifier": message.message_id})
            continue
        trace_id = message.attributes.get(contract.ATTR_TRACE_ID) or new_id()
        try:
            index = fn.config.queue_trigger(message.queue_name)
            trigger = fn.trigger_at(index, "queue")
            info = TriggerInfo(type="queue", index=index, topic=trigger.topic)
            run_triggered(fn, trigger, info, trace_id, message.data)
        except Exception as error:
            log_failure(fn, trace_id, "queue handler failed; the message will be retried", error, message_id=message.message_id)
            failures.append({"itemIdentifier": message.message_id})
            if message.group_id is not None:
                failed_groups.add(message.group_id)
    return {"batchItemFailures": failures}
