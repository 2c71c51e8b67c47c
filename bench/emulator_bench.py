"""Emulator throughput on loopback: HTTP requests/s and queue messages/s (examples/orders).

    .venv/bin/python bench/emulator_bench.py [--requests N]

Each POST /orders fans out to two queue subscribers, then a FIFO hop, plus state and stream
triggers: messages/s counts queue records handled until the emulator is idle again.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="HTTP requests to send (default 200)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients (default 4)")
    args = parser.parse_args()
    from compiler.emulator.testing import running_app

    devnull = open(os.devnull, "w")
    with running_app(REPO / "examples" / "orders") as emu:
        real_stdout, sys.stdout = sys.stdout, devnull  # handler logs would dominate the timing
        try:
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                statuses = list(pool.map(lambda i: emu.post_json("/orders", {"item": f"i{i}", "amount": 5})[0], range(args.requests)))
            http_s = time.perf_counter() - started
            idle = emu.wait_idle(timeout=300)
            total_s = time.perf_counter() - started
        finally:
            sys.stdout = real_stdout
        messages = sum(d.records for d in emu.deliveries if d.trigger.startswith("queue"))
    print(f"requests: {args.requests} ({statuses.count(201)} x 201) in {http_s:.2f} s = {args.requests / http_s:.0f} requests/s")
    print(f"queue messages handled: {messages} in {total_s:.2f} s = {messages / total_s:.0f} messages/s (idle: {idle})")
    return 0 if idle and statuses.count(201) == args.requests else 1


if __name__ == "__main__":
    sys.exit(main())
