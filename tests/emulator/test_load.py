"""A bounded loopback load: N requests, N*k messages, each handled exactly as expected or dead-lettered."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from compiler.emulator.testing import Client, running_app
from tests.emulator.conftest import ORDERS

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


ORDERS_N, ORDERS_THREADS = 100, 8
QUEUE_STEPS = ("ChargePayment", "SendConfirmation", "FulfillOrder")


def test_orders_under_concurrent_requests_are_each_handled_exactly_once() -> None:
    run = os.urandom(3).hex()[:5]
    with running_app(ORDERS) as emu:
        def create(i: int) -> tuple[int, dict[str, str]]:
            # The order id is the trace id's first 8 characters: make those unique per request.
            return emu.post_json("/orders", {"item": "book", "amount": 5}, {"x-motia-trace-id": f"{i:03d}{run}-load"})

        with ThreadPoolExecutor(ORDERS_THREADS) as pool:
            replies = list(pool.map(create, range(ORDERS_N)))
        assert [status for status, _ in replies] == [201] * ORDERS_N
        ids = {order["id"] for _, order in replies}
        assert len(ids) == ORDERS_N

        def fulfilled() -> set[str]:
            return {o["id"] for o in emu.state_list("orders") if o.get("status") == "fulfilled"} & ids

        assert emu.wait_until(lambda: fulfilled() == ids, timeout=120), len(fulfilled())
        assert emu.wait_idle(timeout=30)
        for step in QUEUE_STEPS:
            deliveries = [d for d in emu.deliveries if d.step == step]
            assert all(d.ok for d in deliveries), [d.outcome for d in deliveries if not d.ok]
            assert sum(d.records for d in deliveries) == ORDERS_N, step  # each message once: no loss, no repeat
        report = emu.report()
    assert report.in_flight == 0 and report.dead_letters == {}
