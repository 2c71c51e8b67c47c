"""Every module path and public name of Motia's Python SDK 1.0.4 imports from our `motia`,
or fails with the engine-only error. The lists are the SDK's own (`dir()` of each module of
motia==1.0.4rc1 in a scratch venv), written here because CI does not install the SDK."""

from __future__ import annotations

import importlib

import pytest

from motia.engine_only import EngineOnly

SDK_MODULES: dict[str, tuple[str, ...]] = {
    "enqueue": ("enqueue",),
    "guards": (
        "get_api_triggers", "get_cron_triggers", "get_queue_triggers", "get_state_triggers", "get_stream_triggers",
        "is_api_step", "is_api_trigger", "is_cron_step", "is_cron_trigger", "is_queue_step", "is_queue_trigger",
        "is_state_step", "is_state_trigger", "is_stream_step", "is_stream_trigger",
    ),
    "loader": ("generate_step_id",),
    "logger": ("logger",),
    "multi_trigger": ("MultiTriggerStepBuilder", "multi_trigger_step"),
    "schema_utils": ("schema_to_json_schema",),
    "state": ("StateManager", "stateManager"),
    "step": ("StepBuilder", "StepDefinition", "step"),
    "streams": ("Stream",),
    "triggers": ("api", "cron", "http", "queue", "state", "stream"),
    "types": (
        "ApiRequest", "ApiResponse", "ApiTrigger", "CronTrigger", "Enqueue", "FlowContext", "HandlerConfig",
        "MotiaHttpArgs", "MotiaHttpRequest", "MotiaHttpResponse", "QueryParam", "QueueConfig", "QueueTrigger",
        "StateTrigger", "StateTriggerInput", "Step", "StepConfig", "StreamEvent", "StreamTrigger",
        "StreamTriggerInput", "TBody", "TCommon", "TEnqueueData", "TInput", "TOutput", "TResult", "TriggerInfo",
    ),
    "types_stream": ("StreamAuthInput", "StreamAuthResult", "StreamConfig", "StreamSubscription"),
}
ENGINE_MODULES: dict[str, tuple[str, ...]] = {
    "iii": ("get_instance", "init_iii"),
    "runtime": ("Motia",),
    "setup_step_endpoint": ("setup_step_endpoint",),
    "stream_client": ("StreamClient", "StreamSubscription"),
    "tracing": ("operation_span", "step_span", "get_tracer"),
    "validator": ("validate_step", "validate_step_config"),
    "cli": ("main",),
}
SDK_TOP_LEVEL = (
    "ApiMiddleware", "ApiRequest", "ApiResponse", "ApiRouteMethod", "ApiTrigger", "ChannelReader", "ChannelWriter",
    "CronTrigger", "Enqueue", "Enqueuer", "FlowContext", "MotiaHttpArgs", "MotiaHttpRequest", "MotiaHttpResponse",
    "MultiTriggerStepBuilder", "QueryParam", "QueueTrigger", "StateManager", "StateTrigger", "StateTriggerInput",
    "Step", "StepBuilder", "StepConfig", "StepDefinition", "Stream", "StreamAuthInput", "StreamAuthResult",
    "StreamConfig", "StreamEvent", "StreamSubscription", "StreamTrigger", "StreamTriggerInput", "TriggerCondition",
    "TriggerConfig", "TriggerInfo", "TriggerInput", "api", "cron", "enqueue", "generate_step_id", "get_api_triggers",
    "get_cron_triggers", "get_queue_triggers", "get_state_triggers", "get_stream_triggers", "http", "is_api_step",
    "is_api_trigger", "is_cron_step", "is_cron_trigger", "is_queue_step", "is_queue_trigger", "is_state_step",
    "is_state_trigger", "is_stream_step", "is_stream_trigger", "logger", "multi_trigger_step", "queue",
    "schema_to_json_schema", "state", "stateManager", "step", "stream",
)
SDK_ENGINE_TOP_LEVEL = ("Motia", "get_instance", "init_iii", "setup_step_endpoint")


@pytest.mark.parametrize("module", sorted(SDK_MODULES))
def test_every_sdk_module_path_gives_its_names(module: str) -> None:
    loaded = importlib.import_module(f"motia.{module}")
    missing = [name for name in SDK_MODULES[module] if not hasattr(loaded, name)]
    assert missing == []


def test_every_top_level_name_of_the_sdk_imports() -> None:
    import motia

    assert [name for name in SDK_TOP_LEVEL if not hasattr(motia, name)] == []


def test_the_same_object_answers_at_every_path() -> None:
    import motia
    from motia.state import stateManager
    from motia.step import step
    from motia.types_stream import StreamConfig

    assert (stateManager, step, StreamConfig) == (motia.stateManager, motia.step, motia.StreamConfig)


@pytest.mark.parametrize("module", sorted(ENGINE_MODULES))
def test_fails_importing_an_engine_name_saying_it_has_no_meaning_on_aws(module: str) -> None:
    loaded = importlib.import_module(f"motia.{module}")
    for name in ENGINE_MODULES[module]:
        with pytest.raises(EngineOnly, match=f"motia.{module}.{name} belongs to Motia's engine.*no meaning on AWS"):
            exec(f"from motia.{module} import {name}", {})
        assert isinstance(EngineOnly("x"), ImportError) and loaded


@pytest.mark.parametrize("name", SDK_ENGINE_TOP_LEVEL)
def test_fails_importing_an_engine_name_from_the_package(name: str) -> None:
    with pytest.raises(ImportError, match="belongs to Motia's engine"):
        exec(f"from motia import {name}", {})
