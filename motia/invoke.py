"""Calling user handlers the way Motia does: 0, 1 or 2 parameters, sync or async."""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Any, Callable


@lru_cache(maxsize=256)
def _positional_arity(handler: Callable[..., Any]) -> int:
    """How many positional arguments the handler takes (2 when it takes *args)."""
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


async def call_handler(handler: Callable[..., Any], input_value: Any, ctx: Any) -> Any:
    """Call a sync or async handler with the arguments its signature asks for."""
    result = handler(*handler_args(handler, input_value, ctx))
    if inspect.isawaitable(result):
        return await result
    return result
