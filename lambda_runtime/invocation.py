"""Running one handler call: the FlowContext, the condition, sync or async, with no event loop.

Importing asyncio costs ~70 ms here, more than the whole cold-start budget, and handlers that
only await `ctx.state` / `ctx.enqueue` (synchronous boto3 underneath) never suspend. So an
awaitable is driven by hand; only when the step module itself imported asyncio (it may then
await real futures) is an event loop used: one per thread (on Lambda, one per container;
in the emulator, invocations run on many threads at once and a loop runs on one thread only).
"""

from __future__ import annotations

import os
import sys
from _thread import _local  # threading.local without importing threading on the cold path

from motia import runtime as motia_runtime
from motia.context import FlowContext
from motia.invoke import handler_args
from motia.log import Logger
from motia.types import TriggerInfo

from lambda_runtime import contract

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from lambda_runtime.hosted import HostedFunction

_loops = _local()  # `.owner`: this thread's event loop, only for steps that use asyncio


class _LoopOwner:
    """Closes its thread's loop when the thread ends (the emulator's HTTP threads are short-lived):
    dropped with the thread's locals while the loop's sockets are still open, unlike the loop's own
    finaliser, which the garbage collector may run after them and which then fails."""

    __slots__ = ("loop",)

    def __init__(self, loop: Any) -> None:
        self.loop = loop

    def __del__(self) -> None:
        if not self.loop.is_closed():
            self.loop.close()


def new_id() -> str:
    """A random UUID-formatted id (uuid itself imports platform: a cold-start cost)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def drive(awaitable: Any) -> Any:
    """Run an awaitable to its end by hand, with no event loop (none may be running here)."""
    coroutine = awaitable.__await__()
    try:
        while True:
            yielded = coroutine.send(None)
            if yielded is not None:  # a real future: only an event loop can wait for it
                raise RuntimeError(
                    "the handler awaited an asyncio future where no event loop runs: add `import asyncio` "
                    "at the top of the step file, and make a middleware that calls next_fn() async "
                    "(`return await next_fn()`)"
                )
    except StopIteration as done:
        return done.value


def resolve(value: Any) -> Any:
    """The value of a handler or condition result, awaiting it when it is awaitable."""
    if not hasattr(value, "__await__"):
        return value
    if "asyncio" not in sys.modules:
        return drive(value)
    import asyncio

    owner = getattr(_loops, "owner", None)
    if owner is None or owner.loop.is_closed():
        owner = _loops.owner = _LoopOwner(asyncio.new_event_loop())
    loop = owner.loop

    async def wrap() -> Any:
        return await value

    return loop.run_until_complete(wrap())


def make_context(fn: HostedFunction, trigger: TriggerInfo, trace_id: str, input_value: Any) -> FlowContext[Any]:
    """The invocation's context, bound to the function's runtime (its tables and topics)."""
    level = os.environ.get(contract.ENV_LOG_LEVEL, "info")
    logger = Logger(step=fn.name, trace_id=trace_id, min_level=level)
    return FlowContext(
        trigger=trigger, trace_id=trace_id, logger=logger, input_value=input_value, step_name=fn.name, runtime=fn.runtime,
        streams=fn.streams,
    )


def condition_holds(trigger: Any, input_value: Any, ctx: FlowContext[Any]) -> bool:
    """A trigger's `condition(input, ctx)`, sync or async; no condition means true."""
    condition = getattr(trigger, "condition", None)
    if condition is None:
        return True
    return bool(resolve(condition(input_value, ctx)))


def run_triggered(
    fn: HostedFunction, trigger: Any, info: TriggerInfo, trace_id: str, input_value: Any,
    prepare: Callable[[Any], Any] | None = None,
) -> tuple[bool, Any]:
    """(False, None) when the condition skips the event, else (True, handler result).

    `prepare` turns the input the condition saw into the one the handler gets (a queue's
    `input` model), as Motia's engine asks the condition before the handler validates.
    """
    ctx = make_context(fn, info, trace_id, input_value)
    token = motia_runtime.set_current_context(ctx)
    try:
        if not condition_holds(trigger, input_value, ctx):
            return False, None
        if prepare is not None:
            input_value = ctx.input_value = prepare(input_value)
        handler = fn.step.handler
        return True, checked_result(fn, resolve(handler(*handler_args(handler, input_value, ctx))))
    finally:
        motia_runtime.reset_current_context(token)


class UnawaitedResult(TypeError):
    """A handler returned or serialized an awaitable it never awaited."""


def unawaited(fn: HostedFunction, value: Any) -> UnawaitedResult:
    """The error for `value`, an awaitable the step forgot; closed so it never runs half-way."""
    close = getattr(value, "close", None)
    if callable(close):
        close()  # a coroutine: no "was never awaited" warning later, far from its cause
    return UnawaitedResult(
        f"step {fn.name!r} ({fn.step.file}) produced {value!r}, which was never awaited: "
        "add `await` before the call that made it"
    )


def checked_result(fn: HostedFunction, value: Any) -> Any:
    """A handler's final value; an awaitable left in it is the step's mistake, never a value."""
    if hasattr(value, "__await__"):
        raise unawaited(fn, value)
    return value


def describe(error: BaseException) -> str:
    """`str(error)`, or its type's name when that is empty or str() itself fails (user exceptions may)."""
    try:
        text = str(error)
    except Exception:
        text = ""
    return text or type(error).__name__


def log_failure(fn: HostedFunction, trace_id: str, message: str, error: BaseException, **extra: Any) -> None:
    """One JSON error line with the stack trace (traceback is imported only on failure)."""
    import traceback

    try:
        stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    except Exception:  # a traceback too deep or an object that cannot print: the type still says what
        stack = type(error).__name__
    Logger(step=fn.name, trace_id=trace_id).error(message, error=describe(error), stack=stack, **extra)
