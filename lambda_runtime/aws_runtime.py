"""The `motia.runtime.Runtime` of a Lambda function: DynamoDB state and streams, SNS enqueue.

Holds only per-container things (which topics each step may use, lazily created stores);
per-invocation data lives on the FlowContext the adapters create. The stores and the
publisher are imported on first use: a step that never touches them never pays for them
(hashlib, decimal, boto3) at cold start.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from motia.context import FlowContext

    from lambda_runtime.state_store import DynamoStateStore
    from lambda_runtime.stream_store import DynamoStreamStore


class AwsRuntime:
    """Step services for the steps of this process, keyed by step name (the emulator hosts many)."""

    def __init__(
        self, enqueues: dict[str, tuple[str, ...]], state_table: str | None = None, streams_table: str | None = None
    ) -> None:
        self.enqueues = dict(enqueues)
        self._state_table = state_table
        self._streams_table = streams_table
        self._state: DynamoStateStore | None = None
        self._streams: DynamoStreamStore | None = None

    @property
    def state(self) -> DynamoStateStore:
        if self._state is None:
            from lambda_runtime.state_store import DynamoStateStore

            self._state = DynamoStateStore(self._state_table)
        return self._state

    @property
    def streams(self) -> DynamoStreamStore:
        if self._streams is None:
            from lambda_runtime.stream_store import DynamoStreamStore

            self._streams = DynamoStreamStore(self._streams_table)
        return self._streams

    def enqueue(self, ctx: FlowContext[Any], message: dict[str, Any]) -> None:
        if not isinstance(message, dict):
            raise TypeError(f"enqueue takes a dict {{'topic', 'data', 'messageGroupId'?}}, got {type(message).__name__}")
        from lambda_runtime.publish import publish

        # Per invocation: numbers identical messages for their deduplication ids.
        seen = ctx.__dict__.setdefault("_published", {})
        publish(ctx.step_name, ctx.trace_id, message, self.enqueues.get(ctx.step_name, ()), seen)
