"""`lambda_runtime.entry.handler`: the one Lambda handler of every step function.

Cold start imports the step named by MOTIA_STEP_FILE / MOTIA_STEP_NAME and installs the AWS
runtime (boto3 is imported later, on first use). Each invocation is dispatched on the
event's shape to one adapter; nothing about an invocation is kept between invocations.
"""

from __future__ import annotations

import os

from motia import runtime as motia_runtime

from lambda_runtime.aws_runtime import AwsRuntime
from lambda_runtime.contract import ENV_STEP_FILE
from lambda_runtime.events import event_kind
from lambda_runtime.loader import LoadedStep, load_from_environment

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

_step: LoadedStep | None = None


def _adapter(kind: str) -> Callable[[LoadedStep, dict[str, Any]], Any]:
    # Imported on first use: a function only ever sees the kinds of its own triggers.
    if kind == "http":
        from lambda_runtime.adapters import http

        return http.handle
    if kind == "sqs":
        from lambda_runtime.adapters import sqs

        return sqs.handle
    if kind == "cron":
        from lambda_runtime.adapters import schedule

        return schedule.handle
    from lambda_runtime.adapters import dynamodb

    return dynamodb.handle


def load() -> LoadedStep:
    """Import this function's step and install the AWS runtime (once per container)."""
    global _step
    if _step is None:
        step = load_from_environment()
        motia_runtime.install(AwsRuntime({step.name: step.enqueues}))
        # Import the adapters this step can receive now, in the init phase (full CPU on Lambda).
        kinds = {"http": "http", "queue": "sqs", "cron": "cron", "state": "dynamodb", "stream": "dynamodb"}
        for trigger in step.triggers:
            _adapter(kinds.get(trigger.type, "dynamodb"))
        _step = step
    return _step


def reset() -> None:
    """Forget the loaded step (tests and the emulator load several steps in one process)."""
    global _step
    _step = None


def dispatch(step: LoadedStep, event: Any) -> Any:
    """Adapt one event for `step` (the emulator calls this for steps it loaded itself)."""
    return _adapter(event_kind(event))(step, event)


def handler(event: Any, context: Any = None) -> Any:
    return dispatch(load(), event)


# Load during Lambda's init phase (full CPU, not billed per invocation) when configured;
# plain imports (tests, the emulator) load on first use or call `dispatch` directly.
if os.environ.get(ENV_STEP_FILE):
    load()
