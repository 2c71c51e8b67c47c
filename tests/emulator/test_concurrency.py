"""Handlers run in parallel in the emulator: across functions, and within one function."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest

from compiler.emulator.backend import REGION
from compiler.emulator.events import sqs_event
from compiler.emulator.testing import Client, running_app

SLOW = Path(__file__).resolve().parents[1] / "fixtures" / "emulator" / "slow"
SLEEP_S = 0.3


@pytest.fixture(scope="module")
def slow() -> Iterator[Client]:
    with running_app(SLOW) as emulator:
        yield emulator


def queue_message(run: str, trace_id: str) -> dict[str, Any]:
    """A ReceiveMessage result for the SlowQueue subscription (what its poller would deliver)."""
    return {
        "MessageId": f"m-{run}", "ReceiptHandle": f"r-{run}", "Body": json.dumps({"run": run}),
        "Attributes": {"ApproximateReceiveCount": "1"},
        "MessageAttributes": {"motia_trace_id": {"DataType": "String", "StringValue": trace_id}},
    }


def runs(emu: Client, run: str) -> list[dict[str, Any]]:
    return sorted(emu.state_list(f"runs-{run}"), key=lambda r: r["start"])


def test_http_and_queue_handlers_of_different_functions_overlap_in_time(slow: Client) -> None:
    run = f"mix-{os.urandom(3).hex()}"
    (subscription,) = [q for q in slow.app.queues if q.function == "SlowQueue"]
    queue_arn = f"arn:aws:sqs:{REGION}:123456789012:{subscription.queue_name}"
    function = slow.app.function("SlowQueue").function_name

    def by_queue() -> Any:
        return slow.invoker.invoke(function, sqs_event([queue_message(run, "t-queue")], queue_arn, REGION))  # type: ignore[union-attr]

    with ThreadPoolExecutor(2) as pool:
        queued = pool.submit(by_queue)
        status, _ = pool.submit(slow.get_json, f"/slow/{run}", {"x-trace-id": "t-http"}).result()
        invocation = queued.result()
    assert status == 200 and invocation.error is None and invocation.result == {"batchItemFailures": []}
    first, second = runs(slow, run)
    assert {first["step"], second["step"]} == {"SlowHttp", "SlowQueue"}
    assert {first["trace_id"], second["trace_id"]} == {"t-http", "t-queue"}  # each its own FlowContext
    assert second["start"] < first["end"] - SLEEP_S / 2, (first, second)  # ran side by side


def test_concurrent_requests_to_one_function_run_in_parallel_each_with_its_own_context(slow: Client) -> None:
    run, n = f"same-{os.urandom(3).hex()}", 6
    started = time.monotonic()
    with ThreadPoolExecutor(n) as pool:
        replies = list(pool.map(lambda i: slow.get_json(f"/slow/{run}", {"x-trace-id": f"t-{i}"}), range(n)))
    elapsed = time.monotonic() - started
    assert [status for status, _ in replies] == [200] * n
    assert sorted(body["trace_id"] for _, body in replies) == sorted(f"t-{i}" for i in range(n))
    recorded = runs(slow, run)
    assert sorted(r["trace_id"] for r in recorded) == sorted(f"t-{i}" for i in range(n))
    assert elapsed < n * SLEEP_S / 2, elapsed  # serialised they would take n x 0.3 s
    assert max(r["start"] for r in recorded) < min(r["end"] for r in recorded)  # all at once
