"""`lambda_runtime.entry.handler`: the one Lambda handler of every step function.

Cold start parses the function's config (MOTIA_FUNCTION), imports its step and builds its AWS
runtime (boto3 is imported later, on first use). Each invocation is dispatched on the event's
kind to one adapter; nothing about an invocation is kept between invocations.
"""

from __future__ import annotations

import os
from importlib import import_module

from motia import runtime as motia_runtime

from lambda_runtime.contract import ENV_FUNCTION
from lambda_runtime.events import UnrecognisedEvent, event_kind
from lambda_runtime.function_config import FunctionConfig
from lambda_runtime.hosted import HostedFunction
from lambda_runtime.loader import load_step
from lambda_runtime.secrets import load_secrets

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

# Event kind -> adapter module, imported on first use: a function only sees its triggers' kinds.
ADAPTERS = {
    "http": "lambda_runtime.adapters.http",
    "sqs": "lambda_runtime.adapters.sqs",
    "cron": "lambda_runtime.adapters.schedule",
    "dynamodb": "lambda_runtime.adapters.dynamodb",
}
# Trigger type -> the event kind that delivers it.
TRIGGER_EVENTS = {"http": "http", "queue": "sqs", "cron": "cron", "state": "dynamodb", "stream": "dynamodb"}

_function: HostedFunction | None = None


# Event kind -> its adapter's `handle`, once imported (import_module costs ~3 us per invocation).
_handles: dict[str, Callable[[HostedFunction, dict[str, Any]], Any]] = {}


def adapter(kind: str) -> Callable[[HostedFunction, dict[str, Any]], Any]:
    """The `handle` of the adapter for events of `kind`; UnrecognisedEvent for any other kind."""
    handle = _handles.get(kind)
    if handle is None:
        module = ADAPTERS.get(kind)
        if module is None:
            raise UnrecognisedEvent(f"the Motia Lambda shim has no adapter for {kind!r} events (it has: {', '.join(ADAPTERS)})")
        handle = _handles[kind] = import_module(module).handle
    return handle


def preload_adapters(fn: HostedFunction) -> None:
    """Import the adapters this step can receive now, in the init phase (full CPU on Lambda)."""
    for trigger in fn.step.triggers:
        kind = TRIGGER_EVENTS.get(trigger.type)
        if kind is not None:
            adapter(kind)


def load() -> HostedFunction:
    """Parse this function's config, import its step, build its runtime (once per container)."""
    global _function
    if _function is None:
        config = FunctionConfig.from_environment(os.environ)
        load_secrets(os.environ)  # before the step file: it may read them at import
        fn = HostedFunction(load_step(config), config)
        # One function per process on Lambda: its runtime also serves code outside an invocation.
        motia_runtime.install(fn.runtime)
        preload_adapters(fn)
        _function = fn
    return _function


def reset() -> None:
    """Forget the loaded function (tests load several in one process)."""
    global _function
    _function = None


def dispatch(fn: HostedFunction, event: Any) -> Any:
    """Adapt one event for `fn` (the emulator calls this for functions it hosts itself)."""
    return adapter(event_kind(event))(fn, event)


def handler(event: Any, context: Any = None) -> Any:
    return dispatch(load(), event)


# Load during Lambda's init phase (full CPU, not billed per invocation) when configured;
# plain imports (tests, the emulator) load on first use or call `dispatch` directly.
if os.environ.get(ENV_FUNCTION):
    load()
