"""Calling user handlers the way Motia does: 0, 1 or 2 parameters, sync or async.

Arity comes from the code object, not `inspect` (a cold-start cost of ~15 ms here);
`inspect` is imported only for unusual callables (partials, C functions).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

_CO_VARARGS = 0x04


def _positional_arity(handler: Callable[..., Any]) -> int:
    """How many positional arguments the handler takes (2 when it takes *args)."""
    target: Any = handler
    bound = 0
    if hasattr(target, "__func__"):  # a bound method: `self` is already supplied
        target, bound = target.__func__, 1
    code = getattr(target, "__code__", None)
    if code is None:
        call = getattr(type(target), "__call__", None)
        code = getattr(call, "__code__", None)
        bound = 1
    if code is None:
        return _arity_by_signature(handler)
    if code.co_flags & _CO_VARARGS:
        return 2
    return int(code.co_argcount) - bound


def _arity_by_signature(handler: Callable[..., Any]) -> int:
    import inspect

    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return 2
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return 2
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def handler_args(handler: Callable[..., Any], input_value: Any, ctx: Any) -> tuple[Any, ...]:
    """`(input, ctx)`, `(input)`, `(ctx)` for a one-parameter cron handler, or `()`."""
    arity = _positional_arity(handler)
    if arity >= 2:
        return (input_value, ctx)
    if arity == 1:
        is_cron = getattr(getattr(ctx, "trigger", None), "type", None) == "cron"
        return (ctx,) if is_cron else (input_value,)
    return ()


def is_awaitable(value: Any) -> bool:
    return hasattr(value, "__await__")


async def call_handler(handler: Callable[..., Any], input_value: Any, ctx: Any) -> Any:
    """Call a sync or async handler with the arguments its signature asks for."""
    result = handler(*handler_args(handler, input_value, ctx))
    if is_awaitable(result):
        return await result
    return result
