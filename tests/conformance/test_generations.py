"""The same todo app written in each generation of Motia's Python API, run on the emulator.

Each case names the Motia behaviour it pins; where generations differ (what a queue handler
or a state trigger receives, the raw request body), the expectation says which does what.
See tests/fixtures/conformance/README.md.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compiler.emulator.testing import Client, running_app

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conformance"
GENERATIONS = ("sync_1_0_4", "awaited_1_0_3", "ctx_1_0_0_rc")
KEY = {"x-api-key": "secret"}
SDK_REFERENCE = json.loads((FIXTURES / "sdk_reference.json").read_text())
# 1.0.4 handlers get the engine's state payload ("state:created"); earlier ones read the
# record's attribute (`input.event_type == "created"`).
STATE_EVENTS = {
    "sync_1_0_4": ("state:created", "state:updated", "state:deleted"),
    "awaited_1_0_3": ("created", "updated", "deleted"),
    "ctx_1_0_0_rc": ("created", "updated", "deleted"),
}


@pytest.fixture(scope="module", params=GENERATIONS)
def app(request: pytest.FixtureRequest) -> Iterator[tuple[str, Client]]:
    with running_app(FIXTURES / request.param) as emulator:
        yield request.param, emulator


def _new_id() -> str:
    return f"t-{os.urandom(4).hex()}"


def _create(emulator: Client, title: Any = "write tests") -> tuple[str, int, Any]:
    todo_id = _new_id()
    status, body = emulator.post_json("/todos", {"id": todo_id, "title": title}, KEY)
    return todo_id, status, body


def _json(reply: tuple[int, dict[str, str], bytes]) -> tuple[int, Any]:
    status, _, raw = reply
    return status, json.loads(raw)


# -- state and streams: results of each call ----------------------------------------------

def test_set_returns_old_and_new_value_for_state_and_streams(app: tuple[str, Client]) -> None:
    # 1.0.x: stateManager.set / Stream.set (ctx.state / ctx.streams.<name> in 1.0.0-rc) return
    # the engine's {old_value, new_value}, called awaited or not.
    _, emulator = app
    _, status, body = _create(emulator)
    assert (status, body) == (201, {
        "state": {"old_value": None, "new_value": {"title": "write tests", "done": False}},
        "stream": {"old_value": None, "new_value": {"title": "write tests", "draft": True}},
    })


def test_get_reads_back_what_set_wrote(app: tuple[str, Client]) -> None:
    # 1.0.x: stateManager.get / Stream.get give the stored value (ctx.streams["todo"] in 1.0.0-rc).
    _, emulator = app
    todo_id, _, _ = _create(emulator, "read me")
    assert emulator.get_json(f"/todos/{todo_id}") == (200, {
        "state": {"title": "read me", "done": False}, "stream": {"title": "read me", "draft": True}})
    assert emulator.get_json(f"/todos/{_new_id()}") == (200, {"state": None, "stream": None})


def test_list_and_get_group_give_every_item_and_list_groups_the_group(app: tuple[str, Client]) -> None:
    # 1.0.x: stateManager.list(scope) (ctx.state.get_group in 1.0.0-rc) and Stream.get_group
    # give the group's values; Stream.list_groups names the groups.
    _, emulator = app
    first, _, _ = _create(emulator, "first")
    second, _, _ = _create(emulator, "second")
    status, body = emulator.get_json("/todos")
    assert status == 200 and "inbox" in body["groups"]
    assert {"title": "first", "done": False} in body["state"] and {"title": "second", "done": False} in body["state"]
    assert {"title": "first", "draft": True} in body["stream"] and {"title": "second", "draft": True} in body["stream"]


def test_update_applies_the_engines_ops_and_returns_old_and_new_value(app: tuple[str, Client]) -> None:
    # 1.0.x update ops: set, increment (from 0 when absent), remove; path a top-level key;
    # the result is {old_value, new_value} for state and streams alike.
    _, emulator = app
    todo_id, _, _ = _create(emulator, "finish")
    assert _json(emulator.request("PATCH", f"/todos/{todo_id}", {})) == (200, {
        "state": {"old_value": {"title": "finish", "done": False},
                  "new_value": {"title": "finish", "done": True, "edits": 1}},
        "stream": {"old_value": {"title": "finish", "draft": True}, "new_value": {"title": "finish", "done": True}},
    })
    assert emulator.get_json(f"/todos/{todo_id}")[1]["state"] == {"title": "finish", "done": True, "edits": 1}


def test_state_delete_returns_the_old_value_and_stream_delete_returns_none(app: tuple[str, Client]) -> None:
    # 1.0.x: stateManager.delete returns what was stored; Stream.delete returns None.
    _, emulator = app
    todo_id, _, _ = _create(emulator, "drop")
    assert _json(emulator.request("DELETE", f"/todos/{todo_id}")) == (200, {
        "state": {"title": "drop", "done": False}, "stream": None})
    assert emulator.get_json(f"/todos/{todo_id}") == (200, {"state": None, "stream": None})


# -- triggers fired, with their inputs ------------------------------------------------------

def test_enqueue_reaches_the_queue_step_with_its_validated_input(app: tuple[str, Client]) -> None:
    # enqueue({"topic", "data"}) (ctx.enqueue in 1.0.0-rc) delivers data to queue(topic) steps;
    # queue(input=Model) gives the handler a model instance, a JSON Schema input the dict.
    # Expected: the SDK's own _validate_input_schema (`queue_input` in sdk_reference.json).
    generation, emulator = app
    todo_id, _, _ = _create(emulator, "queued")
    assert emulator.wait_until(lambda: emulator.state("seen", f"queue:{todo_id}") is not None)
    expected = SDK_REFERENCE["queue_input"][generation]["valid"]
    assert emulator.state("seen", f"queue:{todo_id}") == {"input": expected, "title": "queued"}


def test_state_trigger_sees_created_updated_deleted_with_old_and_new_value(app: tuple[str, Client]) -> None:
    # State triggers fire on every change of any scope; the condition (reading scope / group_id)
    # keeps the step to "todos"; the handler gets the event and the old and new values.
    generation, emulator = app
    created, updated, deleted = STATE_EVENTS[generation]
    todo_id, _, _ = _create(emulator, "watched")
    emulator.request("PATCH", f"/todos/{todo_id}", {})
    emulator.request("DELETE", f"/todos/{todo_id}")
    assert emulator.wait_idle()
    done = {"title": "watched", "done": True, "edits": 1}
    assert emulator.state("seen", f"state:{todo_id}:{created}") == {"old": None, "new": {"title": "watched", "done": False}}
    assert emulator.state("seen", f"state:{todo_id}:{updated}") == {"old": {"title": "watched", "done": False}, "new": done}
    assert emulator.state("seen", f"state:{todo_id}:{deleted}") == {"old": done, "new": None}
    # The condition kept the step off the other scopes: its own write of "seen"/"queue:<id>"
    # (by the queue step) fired the trigger, and was skipped.
    assert emulator.state("seen", f"queue:{todo_id}") is not None
    assert emulator.state("seen", f"state:queue:{todo_id}:{created}") is None


def test_stream_trigger_sees_create_update_delete_of_its_group(app: tuple[str, Client]) -> None:
    # stream(name, group_id=...) triggers get streamName, groupId, id and event {type, data}
    # (1.0.4 reads the engine's keys, earlier generations the attributes).
    _, emulator = app
    todo_id, _, _ = _create(emulator, "followed")
    emulator.request("PATCH", f"/todos/{todo_id}", {})
    emulator.request("DELETE", f"/todos/{todo_id}")
    assert emulator.wait_idle()
    seen = {event: emulator.state("seen", f"stream:{todo_id}:{event}") for event in ("create", "update", "delete")}
    # timestamp: when the change happened, in epoch milliseconds.
    assert all(abs(seen[e].pop("at") / 1000 - time.time()) < 300 for e in seen if seen[e])
    assert seen["create"] == {"stream": "todo", "group": "inbox", "data": {"title": "followed", "draft": True}}
    assert seen["update"] == {"stream": "todo", "group": "inbox", "data": {"title": "followed", "done": True}}
    assert seen["delete"] is not None and (seen["delete"]["stream"], seen["delete"]["group"]) == ("todo", "inbox")


def test_ctx_match_runs_the_branch_of_the_trigger_that_fired(app: tuple[str, Client]) -> None:
    # One step, http + queue triggers: ctx.match({"http": f, "queue": g}) calls the branch with
    # the input, ctx.trigger.type and ctx.is_queue() say which fired, ctx.get_data() is the body.
    _, emulator = app
    todo_id = _new_id()
    assert emulator.post_json(f"/todos/{todo_id}/archive", {"reason": "done"}) == (202, {"queued": todo_id, "trigger": "http"})
    assert emulator.wait_until(lambda: emulator.state("archived", todo_id) is not None)
    assert emulator.state("archived", todo_id) == {"reason": "done", "trigger": "queue", "is_queue": True}


def test_a_cron_tick_runs_the_handler_once_with_no_input(app: tuple[str, Client]) -> None:
    # Cron handlers: (input, ctx) with input None in 1.0.x, (ctx) in 1.0.0-rc.
    _, emulator = app
    before = (emulator.state("audit", "ticks") or {}).get("n", 0)
    assert emulator.fire_cron("Tick").ok
    assert emulator.state("audit", "ticks") == {"n": before + 1, "input": "None"}


# -- failures -------------------------------------------------------------------------------

def test_fails_invalid_queue_input_into_the_dead_letter_queue_after_max_retries(
    app: tuple[str, Client], capfd: pytest.CaptureFixture[str],
) -> None:
    # queue(input=...) validates before the handler runs; an invalid message is retried with
    # Motia's backoff, then after max_retries (2) attempts lands, unchanged, in the DLQ.
    # The SDK rejects it for a pydantic model; a JSON Schema it checks only when `jsonschema`
    # happens to be installed (motia 1.0.4 does not require it), we always do, as issue 16 asks.
    generation, emulator = app
    rejects = SDK_REFERENCE["queue_input"][generation]["invalid"] == "rejected"
    assert rejects == (generation == "sync_1_0_4")
    todo_id, status, _ = _create(emulator, 42)
    assert status == 201
    dead = lambda: [m for m in emulator.dead_letters("AuditTodo") if m.get("id") == todo_id]  # noqa: E731
    assert emulator.wait_until(lambda: bool(dead()), timeout=15)
    assert dead() == [{"id": todo_id, "title": 42}]
    # Only this case makes AuditTodo fail in its generation's emulator.
    assert len([d for d in emulator.deliveries if d.step == "AuditTodo" and not d.ok]) == 2
    # Each attempt logs the step, the topic and the field at fault; the last says where it went.
    logged = [json.loads(line) for line in capfd.readouterr().out.splitlines() if "queue input is invalid" in line]
    assert [(e["step"], e["topic"], e["fields"], e["attempt"]) for e in logged] == [
        ("AuditTodo", "todo.created", ["title"], 1), ("AuditTodo", "todo.created", ["title"], 2)]
    assert logged[-1]["message"].endswith("dead-lettered")
    assert emulator.state("seen", f"queue:{todo_id}") is None  # the handler never ran


def test_fails_a_state_and_a_stream_handler_once_keeping_the_record(app: tuple[str, Client]) -> None:
    # Motia does not retry a failing state or stream trigger handler: it runs once, and the
    # record it failed on is kept (here: the step's failure queue), with the error.
    _, emulator = app
    todo_id, status, _ = _create(emulator, "explode")
    assert status == 201 and emulator.wait_idle()
    assert emulator.state("attempts", f"watch:{todo_id}") == {"n": 1}
    assert emulator.state("attempts", f"follow:{todo_id}") == {"n": 1}
    [watch] = [f for f in emulator.trigger_failures("WatchTodos") if todo_id in json.dumps(f["record"])]
    assert (watch["step"], watch["error"]["message"], watch["record"]["eventName"]) == (
        "WatchTodos", f"todo {todo_id} exploded", "INSERT")
    [follow] = [f for f in emulator.trigger_failures("FollowInbox") if todo_id in json.dumps(f["record"])]
    assert (follow["step"], follow["error"]["message"]) == ("FollowInbox", f"inbox item {todo_id} exploded")
    # The queue step of the same todo is unaffected.
    assert emulator.state("seen", f"queue:{todo_id}") is not None


def test_fails_with_a_500_naming_the_step_when_a_handler_returns_an_unawaited_coroutine(app: tuple[str, Client]) -> None:
    # Under Motia the coroutine's repr would be serialized with 200; here it is an error naming
    # the step and the fix.
    _, emulator = app
    status, body = emulator.get_json(f"/todos/{_new_id()}/summary")
    assert status == 500 and body["error_id"]
    assert "'SummarizeTodo'" in body["error"] and "never awaited" in body["error"] and "await" in body["error"]


def test_fails_with_a_500_and_an_error_id_when_a_handler_raises(app: tuple[str, Client]) -> None:
    # 1.0.x engine: a handler exception answers 500 {"error": <message>, "error_id": <id>}.
    _, emulator = app
    status, body = emulator.post_json("/todos/import", [{"id": _new_id()}])  # no title: KeyError
    assert status == 500 and body["error"] == "'title'" and body["error_id"]


# -- HTTP as Motia delivers it --------------------------------------------------------------

def test_a_middleware_that_answers_stops_the_chain(app: tuple[str, Client]) -> None:
    # http(..., middleware=[fn, ...]) with fn(request, ctx, next_fn): an answer instead of
    # next_fn() is the response; the later middleware and the handler never run.
    _, emulator = app
    todo_id = _new_id()
    status, headers, raw = emulator.request("POST", "/todos", {"id": todo_id, "title": "sneaky"})
    assert (status, json.loads(raw), headers.get("x-trigger")) == (401, {"error": "missing api key"}, None)
    assert emulator.state("todos", todo_id) is None


@pytest.mark.parametrize("case", ["with_key", "without_key"])
def test_the_middleware_chain_answers_as_motias_own_composition(app: tuple[str, Client], case: str) -> None:
    # Motia composes middleware first to last around the handler; next_fn() gives the rest of
    # the chain's response, which a middleware may change; ctx.trigger is TriggerInfo(type,
    # index, method, path). Expected: the SDK's own _compose_middleware run over these
    # fixtures' middleware (`middleware` in sdk_reference.json, see sdk_reference.py).
    generation, emulator = app
    expected = SDK_REFERENCE["middleware"][generation][case]
    status, headers, _ = emulator.request("POST", "/todos", {"id": _new_id(), "title": "stamped"},
                                          KEY if case == "with_key" else {})
    assert {"status": status, "x-trigger": headers.get("x-trigger")} == expected


def test_a_false_http_condition_answers_422_skipped(app: tuple[str, Client]) -> None:
    # 1.0.x engine: a false condition answers 422 {"error": "Request condition not met", "skipped": true}.
    _, emulator = app
    assert emulator.post_json("/todos/import", {"id": "not a list"}) == (
        422, {"error": "Request condition not met", "skipped": True})
    todo_id = _new_id()
    assert emulator.post_json("/todos/import", [{"id": todo_id, "title": "bulk"}]) == (201, {"imported": 1})
    assert emulator.state("imported", todo_id) == {"title": "bulk"}


@pytest.mark.parametrize(("raw", "content_type"), [(b"{not json", "application/json"), (b"plain words", "text/plain")])
def test_a_body_that_is_not_json_reaches_the_handler_as_none(app: tuple[str, Client], raw: bytes, content_type: str) -> None:
    # Malformed JSON or another content type: body None, and the step answers (never our 500).
    _, emulator = app
    status, body = _json(emulator.request("POST", "/notes", raw, {"content-type": content_type}))
    assert status == 200 and body["body"] is None


def test_query_parameters_repeat_as_a_list(app: tuple[str, Client]) -> None:
    # The SDK types query_params dict[str, str | list[str]]: a parameter given once is a string,
    # a repeated one the list of its values, in order.
    _, emulator = app
    status, body = _json(emulator.request("POST", "/notes?tag=a&tag=b&one=1", {"n": 1}))
    assert (status, body["body"], body["query"]) == (200, {"n": 1}, {"tag": ["a", "b"], "one": "1"})


@pytest.mark.parametrize("app", ["sync_1_0_4"], indirect=True)
def test_1_0_4_request_body_reader_holds_the_raw_bytes(app: tuple[str, Client]) -> None:
    # 1.0.4 MotiaHttpArgs: `await args.request.request_body.read_all()` and `async for` over
    # its `.stream` give the bytes as sent, JSON or not (1.0.1-1.0.3's ApiRequest has no raw body).
    _, emulator = app
    for raw, content_type in ((b"{not json", "application/json"), (b"plain words", "text/plain"), (b'{"a": 1}', "application/json")):
        status, body = _json(emulator.request("POST", "/notes", raw, {"content-type": content_type}))
        assert (status, body["raw"], body["streamed"], body["method"]) == (200, raw.decode(), raw.decode(), "POST")


@pytest.mark.parametrize("app", ["sync_1_0_4"], indirect=True)
def test_1_0_4_a_bytes_body_is_answered_as_it_is(app: tuple[str, Client]) -> None:
    # Motia 1.0.4 writes a response body that is bytes unchanged (anything else as JSON), with
    # the handler's headers.
    _, emulator = app
    raw = b"\x00plain \xffbytes"
    status, headers, body = emulator.request("POST", "/notes?echo=raw", raw, {"content-type": "application/octet-stream"})
    assert (status, headers["content-type"], body) == (200, "text/plain", raw)
