"""SQS batches (raw SNS delivery or SNS-enveloped bodies) -> one queue handler call per record.

Reports only failed records (`batchItemFailures`, the event source mapping has
ReportBatchItemFailures). In a FIFO queue, once a record of a message group fails, the later
records of that group are reported failed without running, so the group keeps its order.
"""

from __future__ import annotations

import json
import os

from motia.types import TriggerInfo

from lambda_runtime import contract
from lambda_runtime.invocation import log_failure, new_id, run_triggered

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.loader import LoadedStep


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


def _queue_topics() -> dict[str, str]:
    raw = os.environ.get(contract.ENV_QUEUE_TOPICS)
    return json.loads(raw) if raw else {}


def topic_of(message: QueueMessage, step: LoadedStep, queue_topics: dict[str, str]) -> str | None:
    """The Motia topic: the queue's subscription (emitter env), else the motia_topic attribute."""
    topic = queue_topics.get(message.queue_name) or message.attributes.get(contract.ATTR_TOPIC)
    if topic:
        return topic
    queue_triggers = step.triggers_of("queue")
    return queue_triggers[0].topic if len(queue_triggers) == 1 else None


def _trigger_for(step: LoadedStep, topic: str | None) -> tuple[int, Any]:
    for index, trigger in enumerate(step.triggers):
        if trigger.type == "queue" and (topic is None or trigger.topic == topic):
            return index, trigger
    raise LookupError(
        f"step {step.name!r} does not subscribe to topic {topic!r}; its queue triggers: "
        f"{', '.join(repr(t.topic) for t in step.triggers_of('queue')) or 'none'}"
    )


def handle(step: LoadedStep, event: dict[str, Any]) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    failed_groups: set[str] = set()
    queue_topics = _queue_topics()
    for record in event["Records"]:
        message = parse_record(record)
        if message.group_id is not None and message.group_id in failed_groups:
            failures.append({"itemIdentifier": message.message_id})
            continue
        trace_id = message.attributes.get(contract.ATTR_TRACE_ID) or new_id()
        try:
            topic = topic_of(message, step, queue_topics)
            index, trigger = _trigger_for(step, topic)
            info = TriggerInfo(type="queue", index=index, topic=trigger.topic)
            run_triggered(step, trigger, info, trace_id, message.data)
        except Exception as error:
            log_failure(step, trace_id, "queue handler failed; the message will be retried", error, message_id=message.message_id)
            failures.append({"itemIdentifier": message.message_id})
            if message.group_id is not None:
                failed_groups.add(message.group_id)
    return {"batchItemFailures": failures}
