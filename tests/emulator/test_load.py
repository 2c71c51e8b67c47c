"""A bounded loopback load: N requests, N*k messages, each handled exactly as expected or dead-lettered."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from compiler.emulator.testing import Client

pytestmark = pytest.mark.slow

N, K, POISON_EVERY = 20, 5, 7


def test_every_message_handled_exactly_once_or_dead_lettered(flows: Client) -> None:
    run = f"load-{os.urandom(3).hex()}"

    def submit(i: int) -> int:
        mode = "poison" if i % POISON_EVERY == 0 else "ok"
        return flows.post_json("/jobs", {"id": f"{run}-{i}", "count": K, "mode": mode})[0]

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(submit, range(N))) == [202] * N
    ids = {f"{run}-{i}-{j}" for i in range(N) for j in range(K)}
    poison = {f"{run}-{i}-{j}" for i in range(0, N, POISON_EVERY) for j in range(K)}

    def handled(step: str) -> list[str]:
        return [v["id"] for v in flows.state_list(f"handled-{step}") if v["id"].startswith(run)]

    assert flows.wait_until(lambda: len({m["id"] for m in flows.dead_letters("FanoutB")} & poison) == len(poison), timeout=60)
    assert flows.wait_idle(timeout=30)
    assert sorted(handled("FanoutA")) == sorted(ids)  # every message, exactly once
    assert sorted(handled("FanoutB")) == sorted(ids - poison)
    assert {m["id"] for m in flows.dead_letters("FanoutB")} & ids == poison
