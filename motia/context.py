"""`FlowContext`: what a handler gets besides its input."""

from __future__ import annotations

from motia import runtime as _runtime
from motia._model import P, Subscriptable
from motia.invoke import is_awaitable
from motia.log import Logger
from motia.state_manager import StateManager
from motia.types import ApiRequest, MotiaHttpArgs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from motia.streams import Stream
    from motia.types import TriggerInfo


class FlowContext(Subscriptable[P]):
    """trace_id, logger, state, streams, trigger, enqueue, and `match` over trigger kinds.

    Hosts build one per invocation, with the runtime of the function it runs in (`runtime=`):
    state, streams and enqueue of this invocation go there. Users' own tests may pass
    `enqueue=` (any async or sync callable); otherwise `enqueue` goes to the runtime.
    """

    def __init__(
        self,
        *,
        trigger: TriggerInfo,
        trace_id: str = "",
        enqueue: Callable[[Any], Any] | None = None,
        state: Any = None,
        logger: Any = None,
        streams: Any = None,  # a StreamsByName from hosts; users' tests may pass a dict
        input_value: Any = None,
        step_name: str = "",
        runtime: _runtime.Runtime | None = None,
        **camel_case: Any,
    ) -> None:
        if camel_case:  # FlowContext(traceId=..., inputValue=...), as Motia's pydantic model takes
            trace_id, input_value, step_name = _camel_case_arguments(camel_case, trace_id, input_value, step_name)
        self.trigger = trigger
        self.trace_id = trace_id
        self._enqueuer = enqueue
        self.runtime = runtime
        self.state = state if state is not None else StateManager(runtime)
        self.logger = logger if logger is not None else Logger(step=step_name, trace_id=trace_id)
        self.streams = streams if streams is not None else {}
        self.input_value = input_value
        self.step_name = step_name

    async def enqueue(self, message: dict[str, Any]) -> None:
        """Publish `{"topic": ..., "data": ..., "messageGroupId"?: ...}` to a declared topic."""
        if self._enqueuer is not None:
            result = self._enqueuer(message)
            if is_awaitable(result):
                await result
            return
        (self.runtime if self.runtime is not None else _runtime.active()).enqueue(self, message)

    async def emit(self, event: dict[str, Any]) -> None:
        """Legacy 0.x: `emit({"topic"|"type": ..., "data": ...})`."""
        message = dict(event)
        if "topic" not in message and "type" in message:
            message["topic"] = message.pop("type")
        await self.enqueue(message)

    def is_queue(self) -> bool:
        return self.trigger.type == "queue"

    def is_api(self) -> bool:
        return self.trigger.type == "http"

    is_http = is_api

    def is_cron(self) -> bool:
        return self.trigger.type == "cron"

    def is_state(self) -> bool:
        return self.trigger.type == "state"

    def is_stream(self) -> bool:
        return self.trigger.type == "stream"

    def get_data(self) -> Any:
        """The payload whatever the trigger: the request body for HTTP, None for cron."""
        if self.is_cron():
            return None
        if isinstance(self.input_value, (ApiRequest, MotiaHttpArgs)):
            return self.input_value.body
        return self.input_value

    async def match(self, handlers: dict[str, Callable[..., Any]]) -> Any:
        """Run the branch for the trigger that fired: keys http/api, queue, cron, state, stream, default."""
        kind = self.trigger.type
        handler = handlers.get(kind) or (handlers.get("api") if kind == "http" else None)
        if handler is None:
            handler = handlers.get("default")
        if handler is None:
            raise RuntimeError(
                f"ctx.match has no branch for trigger type {kind!r} "
                f"(branches: {', '.join(sorted(handlers)) or 'none'}); add {kind!r} or 'default'"
            )
        if kind == "cron" and handler is not handlers.get("default"):
            result = handler()
        else:
            result = handler(self.input_value)
        if is_awaitable(result):
            return await result
        return result


_CAMEL_CASE = {"traceId": "trace_id", "inputValue": "input_value", "stepName": "step_name"}


def _camel_case_arguments(given: dict[str, Any], trace_id: str, input_value: Any, step_name: str) -> tuple[str, Any, str]:
    unknown = sorted(set(given) - set(_CAMEL_CASE))
    if unknown:
        raise TypeError(f"FlowContext() got an unexpected keyword argument {unknown[0]!r}")
    values = {"trace_id": trace_id, "input_value": input_value, "step_name": step_name}
    for key, value in given.items():
        values[_CAMEL_CASE[key]] = value
    return values["trace_id"], values["input_value"], values["step_name"]


def enqueue(message: dict[str, Any]) -> Any:
    """Standalone enqueue (1.0 head): publishes at once; the result may also be awaited."""
    ctx = _runtime.current_context()
    if ctx is None:
        raise _runtime.RuntimeNotActive("enqueue() was called outside a running step")
    if ctx._enqueuer is not None:
        result = ctx._enqueuer(message)
        return result if is_awaitable(result) else _Done()
    (ctx.runtime if ctx.runtime is not None else _runtime.active()).enqueue(ctx, message)
    return _Done()


class _Done:
    """An already-finished awaitable, so `enqueue(...)` works with and without `await`."""

    def __await__(self) -> Any:
        return None
        yield  # pragma: no cover - makes this a generator


__all__ = ["FlowContext", "enqueue"]
