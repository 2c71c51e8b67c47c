"""Motia's retry delay for a failed queue message, applied through the message's visibility.

Motia's engine (iii, builtin queue: `Job::calculate_backoff`) waits `backoff_delay_ms * 2 **
(attempts_made - 1)` after the attempts_made-th failure, 1000 ms by default, whatever the
`backoff_type`; after `max_retries` attempts the message goes to the dead-letter queue. On SQS
the shim sets the failed message's visibility to that delay before reporting it failed, so it
comes back when Motia would retry it; SQS counts receives and dead-letters it after the last.
"""

from __future__ import annotations

DEFAULT_BACKOFF_MS = 1000  # iii's queue default (`default_backoff_ms`)
VISIBILITY_MAX_S = 43200  # SQS's most: 12 hours
_MAX_DOUBLINGS = 30  # past this the delay is far over SQS's most anyway


def retry_delay_ms(backoff_ms: int, failed_attempts: int) -> int:
    """Motia's delay before the next attempt, after `failed_attempts` (>= 1) failures."""
    return backoff_ms * 2 ** min(max(failed_attempts, 1) - 1, _MAX_DOUBLINGS)


def visibility_after_failure(backoff_ms: int, receive_count: int, attempts: int) -> int:
    """Seconds the failed message stays hidden: Motia's delay in whole seconds (SQS's unit),
    or 0 after the last attempt, so SQS moves it to the dead-letter queue at once."""
    if attempts and receive_count >= attempts:
        return 0
    delay_ms = retry_delay_ms(backoff_ms, receive_count)
    return min(-(-delay_ms // 1000), VISIBILITY_MAX_S)


def queue_url(queue_arn: str) -> str:
    """The queue's URL from its ARN (arn:aws:sqs:<region>:<account>:<name>), without a lookup."""
    _, _, _, region, account, name = queue_arn.split(":", 5)
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def hide_for(queue_arn: str, receipt_handle: str, seconds: int) -> None:
    """ChangeMessageVisibility of one received message (boto3 is imported on first use)."""
    from lambda_runtime import aws_clients

    aws_clients.client("sqs").change_message_visibility(
        QueueUrl=queue_url(queue_arn), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds,
    )
