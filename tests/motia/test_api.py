"""The public step API: names, step() forms, triggers, guards, data types, FlowContext."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import motia
from motia import (
    ApiRequest,
    ApiResponse,
    FlowContext,
    StateTriggerInput,
    StepBuilder,
    StepDefinition,
    StreamEvent,
    StreamTriggerInput,
    TriggerInfo,
    api,
    cron,
    http,
    multi_trigger_step,
    queue,
    state,
    step,
    stream,
)

# DESIGN.md 1: the names Motia's own Python package exports, so existing imports work.
EXPECTED_EXPORTS = """
step StepBuilder StepDefinition multi_trigger_step MultiTriggerStepBuilder http api queue cron
state stream StepConfig Step HandlerConfig QueueConfig Enqueue Enqueuer ApiTrigger QueueTrigger
CronTrigger StateTrigger StreamTrigger TriggerConfig TriggerCondition TriggerInfo TriggerInput
ApiRequest ApiResponse ApiRouteMethod ApiMiddleware QueryParam MotiaHttpArgs MotiaHttpRequest
MotiaHttpResponse FlowContext StateTriggerInput StreamTriggerInput StreamEvent StreamConfig
StreamSubscription StreamAuthInput StreamAuthResult Stream StateManager stateManager enqueue logger
schema_to_json_schema generate_step_id is_api_trigger is_queue_trigger is_cron_trigger
is_state_trigger is_stream_trigger is_api_step is_queue_step is_cron_step get_api_triggers
get_queue_triggers get_cron_triggers
""".split()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


@pytest.mark.parametrize("name", EXPECTED_EXPORTS)
def test_exports_motia_public_name(name: str) -> None:
    assert name in motia.__all__
    assert getattr(motia, name) is not None


def test_exported_functions_are_not_shadowed_by_submodules() -> None:
    import motia.config  # noqa: F401  (imports the modules defining step/state/logger)

    assert callable(motia.step) and motia.step.__name__ == "step"
    assert callable(motia.state) and motia.state.__name__ == "state"
    assert hasattr(motia.logger, "info")


def test_step_with_handler_returns_definition() -> None:
    async def handler(request: ApiRequest[Any], ctx: FlowContext[Any]) -> ApiResponse[Any]:
        return ApiResponse(status=200, body={})

    definition = step({"name": "A", "triggers": [http("GET", "/a")]}, handler)
    assert isinstance(definition, StepDefinition)
    assert definition.handler is handler


def test_step_without_handler_returns_builder_completed_by_handle() -> None:
    builder = step({"name": "A", "triggers": [queue("t")]})
    assert isinstance(builder, StepBuilder)

    @builder.handle
    async def handler(data: Any, ctx: Any) -> None: ...

    assert isinstance(handler, StepDefinition)
    assert builder.definition is handler


def test_triggers_record_their_arguments() -> None:
    def only_big(data: Any, ctx: Any) -> bool:
        return True

    assert http("POST", "/o/:id", condition=only_big).condition is only_big
    q = queue("orders", config={"type": "fifo", "maxRetries": 2})
    assert (q.type, q.topic, q.config) == ("queue", "orders", {"type": "fifo", "maxRetries": 2})
    assert cron("*/5 * * * *").expression == "*/5 * * * *"
    assert state().type == "state"
    s = stream("orders", group_id="pending")
    assert (s.stream_name, s.group_id, s.item_id) == ("orders", "pending", None)


def test_api_is_a_deprecated_alias_of_http() -> None:
    with pytest.warns(DeprecationWarning, match="use http"):
        trigger = api("GET", "/x")
    assert trigger == http("GET", "/x")


def test_guards_accept_objects_and_dicts() -> None:
    config = {"name": "A", "triggers": [http("GET", "/"), {"type": "queue", "topic": "t"}, {"type": "api"}]}
    assert motia.is_api_step(config) and motia.is_queue_step(config) and not motia.is_cron_step(config)
    assert len(motia.get_api_triggers(config)) == 2
    assert motia.is_stream_trigger(stream("s")) and not motia.is_state_trigger(stream("s"))


def test_api_request_supports_attribute_and_dict_access_in_both_cases() -> None:
    request = ApiRequest(path_params={"id": "7"}, query_params={"q": ["a", "b"]}, body={"x": 1})
    assert request.path_params["id"] == "7"
    assert request["pathParams"] == {"id": "7"} and request.get("path_params") == {"id": "7"}
    assert request.get("nope", "default") == "default"
    assert request.model_dump()["query_params"] == {"q": ["a", "b"]}
    assert request.model_dump(by_alias=True)["queryParams"] == {"q": ["a", "b"]}


def test_api_response_model_dump() -> None:
    assert ApiResponse(status=201, body={"id": 1}).model_dump() == {"status": 201, "body": {"id": 1}, "headers": {}}


def test_state_trigger_input_attribute_and_dict_access() -> None:
    event = StateTriggerInput(group_id="g", item_id="i", old_value=None, new_value={"a": 1}, event_type="created")
    assert event.group_id == event["group_id"] == event["groupId"] == "g"
    assert event["new_value"] == {"a": 1} and event.event_type == "created"
    assert "groupId" in event and "nothing" not in event


def test_stream_trigger_input_attribute_and_dict_access() -> None:
    event = StreamTriggerInput(stream_name="s", group_id="g", id="1", event=StreamEvent(type="create", data={}))
    assert event["streamName"] == "s" and event.event.type == "create"


def _ctx(kind: str, **kwargs: Any) -> FlowContext[Any]:
    return FlowContext(trigger=TriggerInfo(type=kind), trace_id="t-1", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["http", "queue", "cron", "state", "stream"])
def test_is_helpers_tell_the_trigger_kind(kind: str) -> None:
    ctx = _ctx(kind)
    flags = {"http": ctx.is_api(), "queue": ctx.is_queue(), "cron": ctx.is_cron(),
             "state": ctx.is_state(), "stream": ctx.is_stream()}
    assert [k for k, v in flags.items() if v] == [kind]


def test_match_runs_the_branch_of_the_trigger() -> None:
    calls: list[Any] = []

    async def on_queue(data: Any) -> str:
        calls.append(data)
        return "queue"

    def on_cron() -> str:  # sync branches work too
        return "cron"

    assert run(_ctx("queue", input_value={"a": 1}).match({"queue": on_queue, "cron": on_cron})) == "queue"
    assert run(_ctx("cron").match({"queue": on_queue, "cron": on_cron})) == "cron"
    assert calls == [{"a": 1}]


def test_match_accepts_api_as_the_http_key_and_falls_back_to_default() -> None:
    assert run(_ctx("http", input_value="req").match({"api": lambda r: r})) == "req"
    assert run(_ctx("state", input_value="s").match({"default": lambda x: ("d", x)})) == ("d", "s")


def test_fails_match_without_a_branch_naming_the_kind() -> None:
    with pytest.raises(RuntimeError, match="no branch for trigger type 'stream'"):
        run(_ctx("stream").match({"http": lambda r: r}))


def test_enqueue_goes_to_the_given_enqueuer_and_emit_accepts_legacy_type_key() -> None:
    sent: list[Any] = []

    async def fake(message: Any) -> None:
        sent.append(message)

    ctx = _ctx("http", enqueue=fake)
    run(ctx.enqueue({"topic": "a", "data": 1}))
    run(ctx.emit({"type": "b", "data": 2}))
    assert sent == [{"topic": "a", "data": 1}, {"topic": "b", "data": 2}]


def test_fails_enqueue_without_a_runtime_with_a_clear_error() -> None:
    from motia.runtime import RuntimeNotActive

    with pytest.raises(RuntimeNotActive, match="no Motia runtime is active"):
        run(_ctx("http").enqueue({"topic": "a", "data": 1}))


def test_multi_trigger_step_dispatches_by_trigger_kind() -> None:
    async def on_queue(data: Any, ctx: Any) -> str:
        return f"queue:{data}"

    def on_http(request: Any) -> str:  # one-argument, sync
        return f"http:{request}"

    definition = multi_trigger_step({"name": "M", "triggers": [queue("t"), http("GET", "/")]}).on_queue(
        on_queue).handlers({"api": on_http})
    assert run(definition.handler("x", _ctx("queue"))) == "queue:x"
    assert run(definition.handler("r", _ctx("http"))) == "http:r"
    with pytest.raises(RuntimeError, match="no handler for trigger type 'cron'"):
        run(definition.handler(None, _ctx("cron")))


def test_rejects_unknown_kind_in_multi_trigger_handlers() -> None:
    with pytest.raises(ValueError, match="unknown trigger kind"):
        multi_trigger_step({"name": "M", "triggers": []}).handlers({"webhook": lambda x: x})


def test_generate_step_id_is_stable() -> None:
    assert motia.generate_step_id("steps/a_step.py") == motia.generate_step_id("steps\\a_step.py")
    assert motia.generate_step_id("steps/a_step.py") != motia.generate_step_id("steps/b_step.py")


def test_schema_to_json_schema_accepts_pydantic_models_and_dicts() -> None:
    from pydantic import BaseModel

    class Order(BaseModel):
        amount: int

    assert motia.schema_to_json_schema(Order)["properties"]["amount"]["type"] == "integer"
    assert motia.schema_to_json_schema({"type": "object"}) == {"type": "object"}
    assert motia.schema_to_json_schema(None) is None


def test_logger_writes_one_json_object_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import json

    from motia.log import Logger

    monkeypatch.delenv("MOTIA_LOG_FORMAT", raising=False)
    out = io.StringIO()
    Logger(step="S", trace_id="t-1", stream=out).info("hello", {"a": 1})
    record = json.loads(out.getvalue())
    assert {k: record[k] for k in ("level", "message", "step", "trace_id", "data")} == {
        "level": "info", "message": "hello", "step": "S", "trace_id": "t-1", "data": {"a": 1}}


def test_logger_pretty_format_for_local_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from motia.log import Logger

    monkeypatch.setenv("MOTIA_LOG_FORMAT", "pretty")
    out = io.StringIO()
    logger = Logger(step="S", trace_id="t-1", stream=out)
    logger.warn("careful", {"a": 1})
    logger.debug("hidden")
    assert out.getvalue() == '    S                    warn  careful {"a": 1}\n'


def test_logger_pretty_format_prints_stack_traces_as_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from motia.log import Logger

    monkeypatch.setenv("MOTIA_LOG_FORMAT", "pretty")
    out = io.StringIO()
    Logger(step="S", stream=out).error("failed", error="boom", stack="Traceback:\n  line 1\nValueError: boom\n")
    assert out.getvalue().splitlines() == [
        '    S                    error failed {"error": "boom"}',
        "        Traceback:", "          line 1", "        ValueError: boom",
    ]
