"""SQS batches (raw SNS delivery or SNS-enveloped bodies) -> one queue handler call per record.

Reports only failed records (`batchItemFailures`, the event source mapping has
ReportBatchItemFailures). In a FIFO queue, once a record of a message group fails, the later
records of that group are reported failed without running, so the group keeps its order.
Which queue() trigger a record belongs to is looked up by its queue's name in the function's
config; a record from a queue the config does not list is a failed record.

The handler gets the trigger's `input` applied (`lambda_runtime.queue_input`: a model instance
for a pydantic model), after the condition, as under Motia. A failed record is hidden for
Motia's backoff delay of its attempt (`lambda_runtime.queue_backoff`) before it is reported.
"""

from __future__ import annotations

import json

from motia.types import TriggerInfo

from motia.log import Logger

from lambda_runtime import contract, queue_backoff
from lambda_runtime.invocation import log_failure, new_id, run_triggered
from lambda_runtime.queue_input import InvalidQueueInput, validated_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.hosted import HostedFunction


class QueueMessage:
    """One SQS record, unwrapped: data, message attributes, group (FIFO), source queue, receipt."""

    __slots__ = ("message_id", "data", "attributes", "group_id", "queue_name", "queue_arn", "receipt_handle", "receive_count")

    def __init__(
        self, message_id: str, data: Any, attributes: dict[str, str], group_id: str | None, queue_name: str,
        queue_arn: str = "", receipt_handle: str = "", receive_count: int = 1,
    ) -> None:
        self.message_id = message_id
        self.data = data
        self.attributes = attributes
        self.group_id = group_id
        self.queue_name = queue_name
        self.queue_arn = queue_arn
        self.receipt_handle = receipt_handle
        self.receive_count = receive_count


def _json_or_text(text: Any) -> Any:
    """JSON when the text parses, else the text; JSON nested past Python's recursion limit raises
    RecursionError, which fails the record (it can never be decoded: it ends in the DLQ)."""
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
    sqs_attributes = record.get("attributes") or {}
    count = str(sqs_attributes.get("ApproximateReceiveCount") or "1")
    return QueueMessage(
        message_id=str(record.get("messageId")),
        data=body,
        attributes=attributes,
        group_id=sqs_attributes.get("MessageGroupId"),
        queue_name=arn.rsplit(":", 1)[-1],
        queue_arn=arn,
        receipt_handle=str(record.get("receiptHandle") or ""),
        receive_count=int(count) if count.isdigit() else 1,
    )


def _input_preparer(fn: HostedFunction, trigger: Any, trace_id: str) -> Any:
    """The trigger's `input` check for run_triggered, or None when it has none."""
    schema = getattr(trigger, "input", None)
    if not schema:
        return None

    def warn(message: str) -> None:
        Logger(step=fn.name, trace_id=trace_id).warn(message, topic=trigger.topic)

    return lambda value: validated_input(schema, value, warn)


def _report_failure(fn: HostedFunction, message: QueueMessage, trace_id: str, topic: str | None, error: BaseException) -> None:
    """Log the failure (one line), then hide the message for Motia's backoff delay of this attempt."""
    backoff_ms, attempts = fn.config.queue_retries.get(message.queue_name, (queue_backoff.DEFAULT_BACKOFF_MS, 0))
    delay_s = queue_backoff.visibility_after_failure(backoff_ms, message.receive_count, attempts)
    outcome = "dead-lettered" if attempts and message.receive_count >= attempts else f"retried in {delay_s} s"
    where = {"message_id": message.message_id, "attempt": message.receive_count, "topic": topic}
    if isinstance(error, InvalidQueueInput):
        Logger(step=fn.name, trace_id=trace_id).error(
            f"queue input is invalid ({', '.join(error.fields)}); the message will be {outcome}",
            fields=list(error.fields), error=error.detail, **where,
        )
    else:
        log_failure(fn, trace_id, f"queue handler failed; the message will be {outcome}", error, **where)
    if not (message.queue_arn and message.receipt_handle):
        return
    try:
        queue_backoff.hide_for(message.queue_arn, message.receipt_handle, delay_s)
    except Exception as hide_error:  # the retry still happens, after the queue's visibility timeout
        log_failure(fn, trace_id, "could not set the failed message's retry delay", hide_error, **where)


def record_id(record: Any) -> str:
    """The record's messageId, what `batchItemFailures` names (an unnamed record fails the batch on AWS)."""
    return str(record.get("messageId")) if isinstance(record, dict) else "None"


def group_of(record: Any) -> str | None:
    """The record's FIFO message group, read apart from the rest so a malformed record still holds its group."""
    attributes = record.get("attributes") if isinstance(record, dict) else None
    group = attributes.get("MessageGroupId") if isinstance(attributes, dict) else None
    return None if group is None else str(group)


def _run_record(fn: HostedFunction, record: dict[str, Any]) -> bool:
    """Parse, decode and run one record; True when it is done (ran or skipped), False when it failed.

    Every exception of the record stays with the record, BaseExceptions of user code included
    (SystemExit, asyncio.CancelledError, RecursionError from deep data): on AWS one escaping
    would fail the whole batch and re-run records that already finished. Only KeyboardInterrupt,
    the operator stopping the process, goes on.
    """
    message: QueueMessage | None = None
    trace_id = ""
    topic: str | None = None
    try:
        message = parse_record(record)
        given = message.attributes.get(contract.ATTR_TRACE_ID)
        trace_id = given if contract.well_formed_trace_id(given) else new_id()
        index = fn.config.queue_trigger(message.queue_name)
        trigger = fn.trigger_at(index, "queue")
        topic = trigger.topic
        info = TriggerInfo(type="queue", index=index, topic=topic)
        run_triggered(fn, trigger, info, trace_id, message.data, _input_preparer(fn, trigger, trace_id))
        return True
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        try:
            if message is None:
                log_failure(fn, trace_id or new_id(), "could not read the queue record; it will be retried", error,
                            message_id=record_id(record))
            else:
                _report_failure(fn, message, trace_id, topic, error)
        except KeyboardInterrupt:
            raise
        except BaseException:  # reporting must not fail the batch; the record is failed all the same
            pass
        return False


def handle(fn: HostedFunction, event: dict[str, Any]) -> dict[str, Any]:
    """One call per record; only failed records are reported. In a FIFO queue, the records of a
    group after a failed one are reported failed without running, so the group keeps its order."""
    failures: list[dict[str, str]] = []
    failed_groups: set[str] = set()
    for record in event["Records"]:
        group = group_of(record)
        if (group is not None and group in failed_groups) or not _run_record(fn, record):
            failures.append({"itemIdentifier": record_id(record)})
            if group is not None:
                failed_groups.add(group)
    return {"batchItemFailures": failures}
