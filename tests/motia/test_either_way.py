"""`sync_or_awaited`: the same call works awaited (1.0.1-1.0.3) and not (1.0.4), running once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from motia.either_way import Finished, sync_or_awaited

ROOT = Path(__file__).resolve().parents[2]


class Counter:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    @sync_or_awaited
    def get(self, key: str, default: Any = None) -> dict[str, Any]:
        """Get a key."""
        self.calls.append((key, default))
        return {"key": key, "default": default}


def test_a_plain_call_gives_the_value_in_sync_and_async_code() -> None:
    counter = Counter()

    async def handler() -> Any:
        return counter.get("a")

    assert counter.get("s") == {"key": "s", "default": None}
    assert asyncio.run(handler()) == {"key": "a", "default": None}
    assert counter.calls == [("s", None), ("a", None)]


def test_an_awaited_call_gives_the_value_in_every_await_form() -> None:
    counter = Counter()

    async def handler() -> list[Any]:
        plain = await counter.get("a")
        keyword = await counter.get("b", default=1)
        parenthesised = await (counter.get("c"))
        in_comprehension = [await counter.get(k) for k in ("d", "e")]
        in_expression = (await counter.get("f"))["key"] + "!"
        return [plain, keyword, parenthesised, in_comprehension, in_expression]

    plain, keyword, parenthesised, in_comprehension, in_expression = asyncio.run(handler())
    assert plain == {"key": "a", "default": None} and keyword == {"key": "b", "default": 1}
    assert parenthesised["key"] == "c" and [v["key"] for v in in_comprehension] == ["d", "e"]
    assert in_expression == "f!"
    assert len(counter.calls) == 6  # each ran exactly once


def test_an_unawaited_call_in_async_code_still_runs() -> None:
    counter = Counter()

    async def forgetful() -> None:
        counter.get("written")  # 1.0.3 code missing its await: nothing is lost

    asyncio.run(forgetful())
    assert counter.calls == [("written", None)]


def test_the_wrapper_keeps_the_methods_name_and_doc() -> None:
    assert Counter.get.__name__ == "get" and Counter.get.__doc__ == "Get a key."
    assert asyncio.run(_await(Finished(3))) == 3


async def _await(value: Any) -> Any:
    return await value


def test_fails_loudly_when_a_result_is_passed_on_unawaited_to_asyncio() -> None:
    counter = Counter()

    async def gathered() -> Any:
        return await asyncio.gather(counter.get("g"))

    with pytest.raises(TypeError):
        asyncio.run(gathered())
    assert counter.calls == [("g", None)]  # the operation ran once all the same


def _interpreters() -> list[str]:
    """This Python, and each other 3.10+ this machine has (Lambda runs 3.10 to 3.13)."""
    others = sorted(str(p) for p in Path("/root/.pyenv/versions").glob("3.1[0-9].*/bin/python3.1[0-9]"))
    return [sys.executable, *others]


@pytest.mark.parametrize("interpreter", _interpreters())
def test_call_sites_are_read_right_on_each_python(interpreter: str) -> None:
    code = (
        "import asyncio, sys\n"
        "from motia.either_way import sync_or_awaited\n"
        "class S:\n"
        "    @sync_or_awaited\n"
        "    def get(self, k): return k\n"
        "s = S()\n"
        "async def h():\n"
        "    return [s.get(1), await s.get(2), await (s.get(3)), [await s.get(i) for i in (4, 5)]]\n"
        "print(asyncio.run(h()), s.get(6))\n"
    )
    out = subprocess.run([interpreter, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[1, 2, 3, [4, 5]] 6"
