"""compiler/handler_facts.py: whether a handler streams its HTTP response, read from the names
its code (and the code it wraps) uses."""

from __future__ import annotations

import functools
from typing import Any, Callable

from compiler.handler_facts import is_streaming_http


async def streams(args: Any, ctx: Any) -> None:
    async def write() -> None:
        await args.response.writer.write(b"x")  # in a nested function: still the handler's
    await write()


async def answers(args: Any, ctx: Any) -> dict[str, Any]:
    return {"status": 200, "body": {}}


def logged(handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    async def wrapper(*args: Any) -> Any:
        return await handler(*args)
    return wrapper


def test_the_writer_is_found_in_nested_and_wrapped_code() -> None:
    assert is_streaming_http(streams) and is_streaming_http(logged(streams))
    assert not is_streaming_http(answers) and not is_streaming_http(logged(answers))


def test_a_wrapped_chain_that_loops_is_read_as_its_own_code() -> None:
    # GIVEN a decorator bug: the wrapper names itself as what it wraps
    looping = logged(answers)
    looping.__wrapped__ = looping  # type: ignore[attr-defined]
    # THEN no error: the wrapper's own code is read
    assert not is_streaming_http(looping)
