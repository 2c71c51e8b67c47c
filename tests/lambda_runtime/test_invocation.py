from __future__ import annotations

import subprocess
import sys

import pytest

from lambda_runtime.invocation import drive, new_id


async def _answer() -> int:
    return 42


async def _yields_then_answers() -> int:
    import types

    @types.coroutine
    def bare_yield():  # what asyncio.sleep(0) does: yield None to the loop
        yield

    await bare_yield()
    return 7


def test_drives_coroutines_without_an_event_loop() -> None:
    assert drive(_answer()) == 42
    assert drive(_yields_then_answers()) == 7


def test_fails_clearly_when_a_real_future_is_awaited_without_asyncio() -> None:
    class Future:
        def __await__(self):  # type: ignore[no-untyped-def]
            yield self

    with pytest.raises(RuntimeError, match="import asyncio"):
        drive(Future())


def test_uses_an_event_loop_when_asyncio_is_loaded() -> None:
    code = (
        "import asyncio\n"
        "from lambda_runtime.invocation import resolve\n"
        "async def h():\n"
        "    await asyncio.sleep(0.001)\n"
        "    return 'slept'\n"
        "print(resolve(h()), resolve(h()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "slept slept"


def test_shim_entry_imports_neither_boto3_nor_pydantic_nor_asyncio() -> None:
    code = "import sys, lambda_runtime.entry; print(sorted({'boto3', 'pydantic', 'asyncio'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_new_ids_are_uuid_shaped_and_distinct() -> None:
    first, second = new_id(), new_id()
    assert first != second and len(first) == 36 and first.count("-") == 4


def test_each_thread_runs_awaitables_on_its_own_loop_closed_when_the_thread_ends() -> None:
    import asyncio
    import gc
    import threading

    from lambda_runtime.invocation import resolve

    per_thread: list[list[asyncio.AbstractEventLoop]] = [[], []]  # each thread its own list: no race

    async def which_loop() -> asyncio.AbstractEventLoop:
        await asyncio.sleep(0)
        return asyncio.get_running_loop()

    def run(loops: list[asyncio.AbstractEventLoop]) -> None:
        loops.append(resolve(which_loop()))
        loops.append(resolve(which_loop()))

    threads = [threading.Thread(target=run, args=(loops,)) for loops in per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    gc.collect()
    (a1, a2), (b1, b2) = per_thread
    assert a1 is a2 and b1 is b2  # one loop per thread, reused
    assert a1 is not b1
    assert all(loop.is_closed() for loop in (a1, b1))  # no leaked self-pipe sockets
