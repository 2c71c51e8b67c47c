"""A state or stream handler that fails is not retried (Motia logs it and moves on): its
record goes to the step's failure queue, with the error, so nothing is lost unseen."""

from __future__ import annotations

import json

from lambda_runtime.aws_clients import client

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.hosted import HostedFunction


class NoFailureQueue(LookupError):
    """The function config names no failure queue for this table (an older deployment)."""


def failure_message(fn: HostedFunction, record: dict[str, Any], error: BaseException, trace_id: str) -> str:
    """The failed record as Lambda delivered it, what failed, and where it came from."""
    body = {
        "step": fn.name,
        "file": fn.step.file,
        "traceId": trace_id,
        "error": {"type": type(error).__name__, "message": str(error)},
        "record": record,
    }
    return json.dumps(body, default=str)


def send_failed_record(fn: HostedFunction, table: str, record: dict[str, Any], error: BaseException, trace_id: str) -> str:
    """Send to the failure queue of `table` ("state" or "streams"); returns the queue URL."""
    queue_url = fn.config.failure_queues.get(table)
    if not queue_url:
        raise NoFailureQueue(
            f"step {fn.name!r} has no failure queue for the {table} table in its function config; redeploy"
        )
    client("sqs").send_message(QueueUrl=queue_url, MessageBody=failure_message(fn, record, error, trace_id))
    return queue_url
