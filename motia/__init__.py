"""The Motia step API: what step files import.

Importing this package is cheap by design (no pydantic, no boto3): it runs at every Lambda
cold start. `step()` and the trigger constructors only record configuration; the compiler
validates it, and the host (Lambda shim, `motia dev`) provides state, streams and enqueue.

Layers (a module imports only from layers before it): engine_only < _model, aliases, either_way, invoke, routes,
runtime, schema < bridge, channels, cli, iii, log, setup_step_endpoint, state_manager, stream_client, streams, tracing, types, validator
< context, definition, guards, record_aliases, triggers < config < enqueue, loader, logger, multi_trigger, schema_utils,
state, step, types_stream.

Modules named as in Motia's own SDK (`motia.state`, `motia.step`, `motia.types_stream`, ...) hold the
same names; those of its engine (`motia.iii`, `motia.tracing`, ...) fail on import with what to use.
"""

from __future__ import annotations

import importlib
import sys as _sys
from types import ModuleType as _ModuleType  # loaded by the interpreter already: free

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Each public name and the module that defines it. Loaded on first use (PEP 562), so a step
# file pays only for what it imports: the cold start is the budget (DESIGN.md 4).
_EXPORTS: dict[str, str] = {
    "ApiMiddleware": "motia.record_aliases",
    "ApiRequest": "motia.types",
    "ApiResponse": "motia.types",
    "ApiRouteMethod": "motia.aliases",
    "ApiTrigger": "motia.types",
    "ChannelReader": "motia.channels",
    "ChannelWriter": "motia.channels",
    "CronTrigger": "motia.types",
    "Enqueue": "motia.types",
    "Enqueuer": "motia.aliases",
    "FlowContext": "motia.context",
    "HandlerConfig": "motia.types",
    "InfrastructureConfig": "motia.types",
    "Motia": "motia.runtime",
    "MotiaHttpArgs": "motia.types",
    "MotiaHttpRequest": "motia.types",
    "MotiaHttpResponse": "motia.types",
    "MultiTriggerStepBuilder": "motia.definition",
    "QueryParam": "motia.types",
    "QueueConfig": "motia.types",
    "QueueTrigger": "motia.types",
    "StateManager": "motia.state_manager",
    "StateTrigger": "motia.types",
    "StateTriggerInput": "motia.types",
    "Step": "motia.types",
    "StepBuilder": "motia.definition",
    "StepConfig": "motia.types",
    "StepDefinition": "motia.definition",
    "Stream": "motia.streams",
    "StreamAuthInput": "motia.streams",
    "StreamAuthResult": "motia.streams",
    "StreamConfig": "motia.streams",
    "StreamEvent": "motia.types",
    "StreamSubscription": "motia.streams",
    "StreamTrigger": "motia.types",
    "StreamTriggerInput": "motia.types",
    "TriggerCondition": "motia.aliases",
    "TriggerConfig": "motia.record_aliases",
    "TriggerInfo": "motia.types",
    "TriggerInput": "motia.aliases",
    "api": "motia.triggers",
    "cron": "motia.triggers",
    "enqueue": "motia.context",
    "generate_step_id": "motia.definition",
    "get_api_triggers": "motia.guards",
    "get_cron_triggers": "motia.guards",
    "get_instance": "motia.iii",
    "get_queue_triggers": "motia.guards",
    "get_state_triggers": "motia.guards",
    "get_stream_triggers": "motia.guards",
    "http": "motia.triggers",
    "init_iii": "motia.iii",
    "is_api_step": "motia.guards",
    "is_api_trigger": "motia.guards",
    "is_cron_step": "motia.guards",
    "is_cron_trigger": "motia.guards",
    "is_queue_step": "motia.guards",
    "is_queue_trigger": "motia.guards",
    "is_state_step": "motia.guards",
    "is_state_trigger": "motia.guards",
    "is_stream_step": "motia.guards",
    "is_stream_trigger": "motia.guards",
    "logger": "motia.log",
    "multi_trigger_step": "motia.definition",
    "queue": "motia.triggers",
    "schema_to_json_schema": "motia.schema",
    "setup_step_endpoint": "motia.setup_step_endpoint",
    "state": "motia.triggers",
    "stateManager": "motia.state_manager",
    "step": "motia.definition",
    "step_definitions": "motia.config",
    "stream": "motia.triggers",
}

# Names of Motia's engine import with a clear error (motia.engine_only): `from motia import *`
# must not trip on them.
_ENGINE_MODULES = ("motia.iii", "motia.runtime", "motia.setup_step_endpoint")
__all__ = sorted(name for name, module in _EXPORTS.items() if module not in _ENGINE_MODULES)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'motia' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


class _Package(_ModuleType):
    """`motia` itself. Some SDK module paths share a name with a function or object of the
    package (`motia.step` the module, `motia.step` the function; likewise state, enqueue,
    logger): importing the module must not replace the package's name, as Python's import
    system does for a submodule, so `from motia import step` keeps giving the function."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, _ModuleType) and value.__name__ == f"motia.{name}":
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
