"""Reading a queue by receiving, without consuming it: what `trigger_failures` shows (dead letters
are read off moto instead: `moto_direct.queue_messages`)."""

from __future__ import annotations

from typing import Any

MAX_RECEIVES = 100  # each receive returns at most 10 messages: up to 1,000 shown


def peek_messages(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every message of the queue (bodies and attributes), visible again afterwards."""
    found: dict[str, dict[str, Any]] = {}
    for _ in range(MAX_RECEIVES):  # hidden ones come back at once: stop at the first empty batch
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=30,
                                    MessageAttributeNames=["All"], AttributeNames=["All"]).get("Messages", [])
        if not batch:
            break
        found.update({m["MessageId"]: m for m in batch})
    for message in found.values():  # visible again for the developer's own tools
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return list(found.values())
