"""`stateManager`, `ctx.state`, `Stream` and `ctx.streams` as each Motia generation calls them."""

from __future__ import annotations

import asyncio
from typing import Any, Iterator

import pytest

from motia import FlowContext, Stream, StreamConfig, TriggerInfo, stateManager
from motia import runtime as motia_runtime
from motia.streams import StreamsByName
from tests.motia.memory_runtime import MemoryRuntime


@pytest.fixture
def memory() -> Iterator[MemoryRuntime]:
    runtime = MemoryRuntime()
    motia_runtime.install(runtime)
    try:
        yield runtime
    finally:
        motia_runtime.install(None)


def _ctx(runtime: MemoryRuntime, streams: Any = None) -> FlowContext[Any]:
    return FlowContext(trigger=TriggerInfo(type="queue"), runtime=runtime, streams=streams)  # type: ignore[arg-type]


def test_state_called_as_1_0_4_does_synchronously(memory: MemoryRuntime) -> None:
    # Motia 1.0.4: StateManager methods are plain functions.
    assert stateManager.set("orders", "o1", {"n": 1}) == {"old_value": None, "new_value": {"n": 1}}
    assert stateManager.get("orders", "o1") == {"n": 1}
    assert stateManager.update("orders", "o1", [{"type": "increment", "path": "n", "by": 2}]) == {
        "old_value": {"n": 1}, "new_value": {"n": 3},
    }
    assert stateManager.list("orders") == [{"n": 3}] == stateManager.get_group("orders")
    assert stateManager.list_groups() == ["orders"]
    assert stateManager.delete("orders", "o1") == {"n": 3}  # the old value, as the engine answers
    stateManager.set("orders", "o2", 2)
    assert stateManager.clear("orders") is None and stateManager.list("orders") == []


def test_state_called_as_1_0_3_does_with_await(memory: MemoryRuntime) -> None:
    async def handler() -> list[Any]:
        first = await stateManager.set("g", "k", 1)
        value = await stateManager.get("g", "k")
        deleted = await stateManager.delete("g", "k")
        return [first, value, deleted, await stateManager.get("g", "k")]

    assert asyncio.run(handler()) == [{"old_value": None, "new_value": 1}, 1, 1, None]


def test_ctx_state_of_1_0_0_rc_works_awaited_and_not(memory: MemoryRuntime) -> None:
    own = MemoryRuntime()  # the invocation's runtime, not the installed one
    ctx = _ctx(own)

    async def handler() -> Any:
        await ctx.state.set("g", "a", 1)
        ctx.state.set("g", "b", 2)
        return ctx.state.list("g")

    assert asyncio.run(handler()) == [1, 2]
    assert own.state.items == {("g", "a"): 1, ("g", "b"): 2} and memory.state.items == {}


def test_stream_by_name_or_by_config_called_either_way(memory: MemoryRuntime) -> None:
    by_name = Stream("todos")
    by_config = Stream(StreamConfig(name="todos", description="Todo items", schema={"type": "object"}))
    assert by_config.stream_name == "todos" and by_config.config.description == "Todo items"
    assert by_name.config.name == "todos"

    assert by_name.set("inbox", "t1", {"title": "a"}) == {"old_value": None, "new_value": {"title": "a"}}

    async def handler() -> list[Any]:
        item = await by_config.get("inbox", "t1")
        updated = await by_config.update("inbox", "t1", [{"type": "set", "path": "done", "value": True}])
        return [item, updated, by_name.get_group("inbox"), await by_name.list_groups()]

    item, updated, group, groups = asyncio.run(handler())
    assert item == {"title": "a"}
    assert updated == {"old_value": {"title": "a"}, "new_value": {"title": "a", "done": True}}
    assert group == [{"title": "a", "done": True}] and groups == ["inbox"]
    assert by_name.delete("inbox", "t1") is None  # Stream.delete gives None, as in the SDK
    assert by_name.get("inbox", "t1") is None


def test_ctx_streams_gives_the_projects_streams_by_attribute_and_item(memory: MemoryRuntime) -> None:
    own = MemoryRuntime()
    ctx = _ctx(own, StreamsByName(["todos", "chat-messages"]))

    async def handler() -> None:
        await ctx.streams.todos.set("g", "1", {"x": 1})
        ctx.streams["chat-messages"].set("room", "m1", "hi")

    token = motia_runtime.set_current_context(ctx)
    try:
        asyncio.run(handler())
    finally:
        motia_runtime.reset_current_context(token)
    assert own.streams.get("todos", "g", "1") == {"x": 1} and own.streams.get("chat-messages", "room", "m1") == "hi"
    assert "todos" in ctx.streams and sorted(ctx.streams) == ["chat-messages", "todos"] and len(ctx.streams) == 2


def test_rejects_a_stream_name_the_project_does_not_declare() -> None:
    streams = StreamsByName(["todos"])
    with pytest.raises(AttributeError, match=r"no stream named 'todo' \(its streams: todos\).*StreamConfig\(name='todo'\)"):
        streams.todo
    with pytest.raises(KeyError, match="no stream named 'x'"):
        streams["x"]
    with pytest.raises(AttributeError, match="read-only"):
        streams.todos = None  # type: ignore[misc]


def test_trigger_inputs_read_as_attributes_and_as_the_engines_dict() -> None:
    from motia import StateTriggerInput, StreamEvent, StreamTriggerInput

    change = StateTriggerInput(group_id="orders", item_id="o1", old_value=None, new_value={"n": 1}, event_type="created")
    assert change.group_id == "orders" and change.event_type == "created"  # before 1.0.4
    assert (change["scope"], change["key"], change["event_type"], change["new_value"]) == ("orders", "o1", "state:created", {"n": 1})
    assert change.get("type") == "state" and change["groupId"] == "orders" and dict(change.items())["key"] == "o1"
    assert set(change.keys()) == {"type", "event_type", "scope", "key", "old_value", "new_value"}

    item = StreamTriggerInput(stream_name="todos", group_id="inbox", id="t1", event=StreamEvent(type="create", data={"x": 1}), timestamp=5)
    assert (item["streamName"], item["groupId"], item["id"], item["timestamp"]) == ("todos", "inbox", "t1", 5)
    assert item["event"]["type"] == "create" and item["event"]["data"] == {"x": 1} and item.stream_name == "todos"
    assert "streamName" in item and item.get("nothing", 0) == 0


def test_trigger_inputs_are_the_engines_dicts_for_json_equality_and_storage() -> None:
    # Under Motia 1.0.4 the handler's input is the engine's JSON object: handlers dump it,
    # compare it to dicts and store it as is.
    import json

    from motia import StateTriggerInput, StreamEvent, StreamTriggerInput

    change = StateTriggerInput(group_id="orders", item_id="o1", new_value={"n": 1}, event_type="created")
    assert isinstance(change, dict)
    assert json.loads(json.dumps(change)) == {
        "type": "state", "event_type": "state:created", "scope": "orders", "key": "o1", "old_value": None, "new_value": {"n": 1},
    }
    assert change == dict(change) and change != {"scope": "orders"}

    item = StreamTriggerInput(stream_name="todos", group_id="inbox", id="t1", event=StreamEvent(type="update", data=[1]), timestamp=5)
    assert type(item["event"]) is dict and item.event.type == "update"  # the record for older steps
    assert json.loads(json.dumps(item))["event"] == {"type": "update", "data": [1]}
    item.group_id = "archive"  # a handler that changes an attribute sees it under the engine's key
    assert item["groupId"] == "archive" and json.loads(json.dumps(item))["groupId"] == "archive"
