"""Calls that work awaited or not: Motia 1.0.4's state and streams are synchronous, 1.0.1-1.0.3's
were coroutines, and step files of both generations run here unchanged.

The operation always runs at the call, so nothing is lost whichever way it is written. What the
call returns depends on its call site: when the caller's next instruction awaits the result
(`x = await stream.get(g, i)`), an awaitable that gives the value; otherwise the value itself
(`x = stream.get(g, i)`). The call site is read from the caller's bytecode once per code object.

Known limit, documented in the README: a result passed on before being awaited
(`asyncio.gather(stream.get(a, b))`, `asyncio.create_task(...)`) is the plain value, and asyncio
rejects it with a TypeError: the operation has still run once.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType, FrameType
    from typing import Any, Callable, Generator, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])

# Per code object: byte offsets of the calls whose result the next instruction awaits.
_awaited_calls: dict[CodeType, frozenset[int]] = {}


class Finished:
    """An awaitable whose value is already known: `await Finished(v)` is `v`."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, Any]:
        return self.value
        yield  # pragma: no cover - makes this a generator

    def __repr__(self) -> str:
        return f"Finished({self.value!r})"


def _scan(code: CodeType) -> frozenset[int]:
    # `opcode` is imported here, on the first state or stream call, not at cold start.
    from opcode import opmap

    cache, get_awaitable = opmap.get("CACHE", 0), opmap["GET_AWAITABLE"]
    raw = code.co_code
    offsets = set()
    for offset in range(0, len(raw), 2):
        if raw[offset] != get_awaitable:
            continue
        # The call and its inline caches (3.11+): a frame's f_lasti is the call on 3.12, its
        # last cache entry on 3.11.
        previous = offset - 2
        while previous >= 0 and raw[previous] == cache:
            offsets.add(previous)
            previous -= 2
        if previous >= 0:
            offsets.add(previous)
    return frozenset(offsets)


def awaited_at(frame: FrameType) -> bool:
    """Whether the call `frame` is executing has its result awaited by the next instruction."""
    code = frame.f_code
    offsets = _awaited_calls.get(code)
    if offsets is None:
        offsets = _awaited_calls[code] = _scan(code)
    return frame.f_lasti in offsets


def sync_or_awaited(operation: F) -> F:
    """Wrap a synchronous method so its call site may also `await` it."""

    def call(*args: Any, **kwargs: Any) -> Any:
        value = operation(*args, **kwargs)
        return Finished(value) if awaited_at(sys._getframe(1)) else value

    call.__name__ = operation.__name__
    call.__qualname__ = operation.__qualname__
    call.__doc__ = operation.__doc__
    call.__wrapped__ = operation  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]
