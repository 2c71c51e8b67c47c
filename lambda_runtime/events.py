"""Which AWS service sent an event: the shim's dispatch key, decided from the event's shape."""

from __future__ import annotations

from lambda_runtime.contract import CRON_EVENT_MARKER, CRON_TICK_ATTRIBUTE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

    EventKind = Literal["http", "sqs", "cron", "dynamodb"]

EVENT_KINDS = ("http", "sqs", "cron", "dynamodb")  # every EventKind (entry's adapter table covers each)


class UnrecognisedEvent(ValueError):
    """The shim cannot tell which service sent this event."""


def _records_source(event: dict[str, Any]) -> str | None:
    records = event.get("Records")
    if not isinstance(records, list) or not records or not isinstance(records[0], dict):
        return None
    first = records[0]
    return first.get("eventSource") or first.get("EventSource")


def event_kind(event: Any) -> EventKind:
    """`http` (API Gateway v1/v2), `sqs`, `cron` (Scheduler input or scheduled rule), `dynamodb`."""
    if isinstance(event, dict):
        if "requestContext" in event and ("routeKey" in event or "httpMethod" in event):
            return "http"
        if CRON_EVENT_MARKER in event:
            return "cron"
        if event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event":
            return "cron"
        if event.get("source") == "aws.scheduler":
            return "cron"
        source = _records_source(event)
        if source == "aws:sqs":
            # A sub-minute cron's ticks come back through SQS (lambda_runtime.adapters.schedule).
            return "cron" if CRON_TICK_ATTRIBUTE in (event["Records"][0].get("messageAttributes") or {}) else "sqs"
        if source == "aws:dynamodb":
            return "dynamodb"
    keys = ", ".join(sorted(map(str, event))) if isinstance(event, dict) else type(event).__name__
    raise UnrecognisedEvent(
        f"the Motia Lambda shim does not recognise this event (keys: {keys or 'none'}); it handles "
        f"API Gateway HTTP events, SQS batches, DynamoDB stream batches and schedules "
        f'({{"{CRON_EVENT_MARKER}": "<expression>"}})'
    )
