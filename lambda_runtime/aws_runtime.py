"""The `motia.runtime.Runtime` of one Lambda function: DynamoDB state and streams, SNS enqueue.

Built from the function's `FunctionConfig` (its tables and topic ARNs) and shared by every
invocation of that function, also by concurrent ones in the emulator: it holds nothing per
invocation (that lives on the FlowContext the adapters create). The stores and the publisher
are imported on first use: a step that never touches them never pays for them (hashlib,
decimal, boto3) at cold start.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading's Lock without importing threading on the cold path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from motia.context import FlowContext

    from lambda_runtime.function_config import FunctionConfig
    from lambda_runtime.state_store import DynamoStateStore
    from lambda_runtime.stream_store import DynamoStreamStore


class AwsRuntime:
    """Step services of one function, as its config says."""

    def __init__(self, config: FunctionConfig) -> None:
        self.config = config
        self._lock = allocate_lock()  # the stores are created once even when threads race
        self._state: DynamoStateStore | None = None
        self._streams: DynamoStreamStore | None = None

    @property
    def state(self) -> DynamoStateStore:
        if self._state is None:
            from lambda_runtime.access_guard import guarded
            from lambda_runtime.state_store import DynamoStateStore

            with self._lock:
                if self._state is None:
                    self._state = guarded(DynamoStateStore(self.config.state_table), self.config, "state")
        return self._state

    @property
    def streams(self) -> DynamoStreamStore:
        if self._streams is None:
            from lambda_runtime.access_guard import guarded
            from lambda_runtime.stream_store import DynamoStreamStore

            with self._lock:
                if self._streams is None:
                    self._streams = guarded(DynamoStreamStore(self.config.streams_table), self.config, "streams")
        return self._streams

    def enqueue(self, ctx: FlowContext[Any], message: dict[str, Any]) -> None:
        if not isinstance(message, dict):
            raise TypeError(f"enqueue takes a dict {{'topic', 'data', 'messageGroupId'?}}, got {type(message).__name__}")
        from lambda_runtime.publish import publish

        # Per invocation: numbers identical messages for their deduplication ids.
        seen = ctx.__dict__.setdefault("_published", {})
        publish(self.config.step_name, ctx.trace_id, message, self.config.topics, seen)
