"""The same todo app in each generation of Motia's Python API, on the emulator: each case names
the Motia behaviour it pins. See tests/fixtures/conformance/README.md."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compiler.emulator.testing import Client, running_app

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conformance"
GENERATIONS = ("sync_1_0_4", "awaited_1_0_3", "ctx_1_0_0_rc")
KEY = {"x-api-key": "secret"}


@pytest.fixture(scope="module", params=GENERATIONS)
def app(request: pytest.FixtureRequest) -> Iterator[tuple[str, Client]]:
    with running_app(FIXTURES / request.param) as emulator:
        yield request.param, emulator


def _todo(emulator: Client, title: str = "write tests") -> tuple[str, int, Any]:
    todo_id = f"t-{os.urandom(3).hex()}"
    status, body = emulator.post_json("/todos", {"id": todo_id, "title": title}, KEY)
    return todo_id, status, body


def test_set_answers_old_and_new_value_for_state_and_streams(app: tuple[str, Client]) -> None:
    # 1.0.x: stateManager.set / Stream.set (and ctx.state / ctx.streams in 1.0.0-rc) answer
    # the engine's {old_value, new_value}, awaited or not.
    _, emulator = app
    todo_id, status, body = _todo(emulator)
    assert status == 201
    assert body == {
        "state": {"old_value": None, "new_value": {"title": "write tests", "done": False}},
        "stream": {"old_value": None, "new_value": {"title": "write tests"}},
    }
    status, read = emulator.get_json(f"/todos/{todo_id}")
    assert (status, read) == (200, {"state": {"title": "write tests", "done": False}, "stream": {"title": "write tests"}})


def test_the_flow_reaches_queue_state_and_stream_triggers(app: tuple[str, Client]) -> None:
    # A write fires the state trigger (its condition reads the input as that generation does),
    # the stream item fires the stream trigger of its group, the enqueue reaches the queue step.
    generation, emulator = app
    todo_id, status, _ = _todo(emulator, "flow")
    assert status == 201 and emulator.wait_idle()
    queued = emulator.state("seen", f"queue:{todo_id}")
    # 1.0.4: queue(input=Model) hands the handler a validated model instance; before, the dict.
    assert queued == {"input": "Created" if generation == "sync_1_0_4" else "dict", "title": "flow"}
    # 1.0.4 handlers read the engine's payload (event_type "state:created"); earlier ones the
    # record's attributes (event_type "created").
    event = "state:created" if generation == "sync_1_0_4" else "created"
    assert emulator.state("seen", f"state:{todo_id}") == {"event": event, "new": {"title": "flow", "done": False}}
    assert emulator.state("seen", f"stream:{todo_id}") == {"stream": "todo", "event": "create"}
    assert (emulator.state("audit", "count") or {}).get("n", 0) >= 1


def test_a_cron_tick_runs_the_handler_once(app: tuple[str, Client]) -> None:
    # Cron handlers: (input, ctx) with input None in 1.0.4, (ctx) before; update ops increment.
    _, emulator = app
    before = (emulator.state("audit", "ticks") or {}).get("n", 0)
    assert emulator.fire_cron("Tick").ok
    assert emulator.state("audit", "ticks") == {"n": before + 1}


def test_a_middleware_answers_for_the_route_without_the_handler(app: tuple[str, Client]) -> None:
    # 1.0.x middleware(args, ctx, next_fn): one that answers stops the chain, nothing is written.
    _, emulator = app
    todo_id = f"t-{os.urandom(3).hex()}"
    status, body = emulator.post_json("/todos", {"id": todo_id, "title": "sneaky"})
    assert (status, body) == (401, {"error": "missing api key"})
    assert emulator.state("todos", todo_id) is None
