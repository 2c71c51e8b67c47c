"""The emulator on loopback (examples/orders): start time, idle CPU, latency and throughput.

    .venv/bin/python bench/emulator_bench.py [--requests N] [--orders N] [--mode inprocess|server]

Each POST /orders writes state and a stream item, fans out to two queue subscribers, then a
FIFO hop that writes state again; state and stream triggers read both tables. Printed:
- start: `running_app` entered, first (compile + synth + deploy) and again (deploy only);
- idle CPU: the process's CPU time over 5 s with nothing to do, in % of one core;
- one POST /orders p50, and the order flow's settle time p50: from the POST until every
  record of the flow (every queue, state and stream hop) has been delivered, one order at a time;
- throughput: concurrent POSTs (requests/s), then queue records handled until idle (messages/s),
  with the CPU time each request cost (meaningful when other work shares the cores).
Everything is bounded: a flow that does not settle within 30 s fails the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
ORDERS = REPO / "examples" / "orders"
IDLE_SECONDS = 5.0
SETTLE_TIMEOUT_S = 30.0


@contextmanager
def quiet() -> Iterator[None]:
    """Handler logs go to stdout; printing them would dominate the timings."""
    real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")
    try:
        yield
    finally:
        sys.stdout.close()
        sys.stdout = real_stdout


def records_delivered(emu: Any) -> int:
    return sum(d.records for d in emu.deliveries)


def queue_records(emu: Any) -> int:
    return sum(d.records for d in emu.deliveries if d.trigger.startswith("queue"))


def wait_for_records(emu: Any, target: int) -> bool:
    """Until `target` records were delivered (polls the delivery log: no call into moto)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while records_delivered(emu) < target:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def order_latencies(emu: Any, orders: int) -> tuple[list[float], list[float]]:
    """(POST ms, settle ms) of `orders` orders sent one at a time."""
    before = records_delivered(emu)
    assert emu.post_json("/orders", {"item": "warm-up", "amount": 5})[0] == 201
    assert emu.wait_idle(timeout=SETTLE_TIMEOUT_S), "the warm-up order did not settle"
    per_order = records_delivered(emu) - before
    posts, settles = [], []
    for i in range(orders):
        target = records_delivered(emu) + per_order
        started = time.perf_counter()
        status, _ = emu.post_json("/orders", {"item": f"single-{i}", "amount": 5})
        posts.append((time.perf_counter() - started) * 1000)
        assert status == 201 and wait_for_records(emu, target), f"order {i} did not settle"
        settles.append((time.perf_counter() - started) * 1000)
    return posts, settles


def idle_cpu_percent(seconds: float) -> float:
    """This process's CPU time while the emulator has nothing to do, in % of one core."""
    time.sleep(0.5)  # let start-up work (first reads of empty streams and queues) finish
    cpu, wall = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    return 100 * (time.process_time() - cpu) / (time.perf_counter() - wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="HTTP requests of the throughput run (default 200)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients (default 4)")
    parser.add_argument("--orders", type=int, default=20, help="orders sent one at a time for latencies (default 20)")
    parser.add_argument("--mode", choices=["inprocess", "server"], default="inprocess")
    args = parser.parse_args()
    from compiler.emulator.testing import running_app

    started = time.perf_counter()
    with running_app(ORDERS, mode=args.mode):
        first_start_s = time.perf_counter() - started
    started = time.perf_counter()
    with running_app(ORDERS, mode=args.mode) as emu:
        start_s = time.perf_counter() - started
        idle_cpu = idle_cpu_percent(IDLE_SECONDS)
        with quiet():
            posts, settles = order_latencies(emu, args.orders)
            queued_before = queue_records(emu)
            cpu, started = time.process_time(), time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                statuses = list(pool.map(lambda i: emu.post_json("/orders", {"item": f"i{i}", "amount": 5})[0], range(args.requests)))
            http_s, http_cpu = time.perf_counter() - started, time.process_time() - cpu
            idle = emu.wait_idle(timeout=300)
            total_s = time.perf_counter() - started
        messages = queue_records(emu) - queued_before
    print(f"mode: {args.mode}")
    print(f"running_app start: {first_start_s:.2f} s with compile + synth, {start_s:.2f} s again")
    print(f"idle CPU: {idle_cpu:.1f}% of a core over {IDLE_SECONDS:.0f} s")
    print(f"one POST /orders: p50 {statistics.median(posts):.1f} ms; order flow settled: p50 {statistics.median(settles):.1f} ms "
          f"(max {max(settles):.1f} ms, {args.orders} orders one at a time)")
    print(f"requests: {args.requests} ({statuses.count(201)} x 201) in {http_s:.2f} s = {args.requests / http_s:.0f} requests/s, "
          f"{1000 * http_cpu / args.requests:.1f} ms CPU each")
    print(f"queue messages handled: {messages} in {total_s:.2f} s = {messages / total_s:.0f} messages/s (idle: {idle})")
    return 0 if idle and statuses.count(201) == args.requests else 1


if __name__ == "__main__":
    sys.exit(main())
