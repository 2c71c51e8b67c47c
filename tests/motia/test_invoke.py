"""Handlers may take 0, 1 or 2 arguments and be sync or async (DESIGN.md 1)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from motia import FlowContext, TriggerInfo
from motia.invoke import call_handler


def ctx(kind: str) -> FlowContext[Any]:
    return FlowContext(trigger=TriggerInfo(type=kind))  # type: ignore[arg-type]


async def two_async(data: Any, c: Any) -> Any:
    return ("two", data, c.trigger.type)


def two_sync(data: Any, c: Any) -> Any:
    return ("two", data, c.trigger.type)


def one(data: Any) -> Any:
    return ("one", data)


async def one_cron(c: Any) -> Any:
    return ("cron-ctx", c.trigger.type)


def zero() -> Any:
    return "zero"


def varargs(*args: Any) -> Any:
    return len(args)


@pytest.mark.parametrize(
    ("handler", "kind", "expected"),
    [
        (two_async, "queue", ("two", "in", "queue")),
        (two_sync, "http", ("two", "in", "http")),
        (one, "queue", ("one", "in")),
        (one_cron, "cron", ("cron-ctx", "cron")),
        (zero, "cron", "zero"),
        (varargs, "state", 2),
        (lambda d, c=None: d, "stream", "in"),
    ],
)
def test_calls_handler_with_the_arguments_it_takes(handler: Any, kind: str, expected: Any) -> None:
    assert asyncio.run(call_handler(handler, "in", ctx(kind))) == expected
