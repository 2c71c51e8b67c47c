"""The `motia.runtime.Runtime` of a Lambda function: DynamoDB state and streams, SNS enqueue.

Holds only per-container things (which topics each step may use, lazily created stores);
per-invocation data lives on the FlowContext the adapters create.
"""

from __future__ import annotations

from lambda_runtime.publish import publish
from lambda_runtime.state_store import DynamoStateStore
from lambda_runtime.stream_store import DynamoStreamStore

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from motia.context import FlowContext


class AwsRuntime:
    """Step services for the steps of this process, keyed by step name (the emulator hosts many)."""

    def __init__(
        self, enqueues: dict[str, tuple[str, ...]], state_table: str | None = None, streams_table: str | None = None
    ) -> None:
        self.enqueues = dict(enqueues)
        self.state = DynamoStateStore(state_table)
        self.streams = DynamoStreamStore(streams_table)

    def enqueue(self, ctx: FlowContext[Any], message: dict[str, Any]) -> None:
        if not isinstance(message, dict):
            raise TypeError(f"enqueue takes a dict {{'topic', 'data', 'messageGroupId'?}}, got {type(message).__name__}")
        seen = ctx.__dict__.setdefault("_published", {})
        publish(ctx.step_name, ctx.trace_id, message, self.enqueues.get(ctx.step_name, ()), seen)
