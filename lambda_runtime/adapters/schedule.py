"""EventBridge Scheduler targets (`{"motia_cron": expr}`) and scheduled rules -> cron handler."""

from __future__ import annotations

from motia.types import TriggerInfo

from lambda_runtime.contract import CRON_EVENT_MARKER
from lambda_runtime.invocation import log_failure, new_id, run_triggered

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.loader import LoadedStep


def match_trigger(step: LoadedStep, event: dict[str, Any]) -> tuple[int, Any]:
    """The cron trigger whose expression the schedule carries, else the step's first one."""
    expression = event.get(CRON_EVENT_MARKER)
    crons = [(i, t) for i, t in enumerate(step.triggers) if t.type == "cron"]
    for index, trigger in crons:
        if trigger.expression == expression:
            return index, trigger
    if not crons:
        raise LookupError(f"step {step.name!r} has no cron trigger, but a schedule invoked it")
    return crons[0]


def handle(step: LoadedStep, event: dict[str, Any]) -> None:
    """Runs the handler with no input; an exception propagates so the scheduler retries."""
    index, trigger = match_trigger(step, event)
    trace_id = new_id()
    info = TriggerInfo(type="cron", index=index, expression=trigger.expression)
    try:
        run_triggered(step, trigger, info, trace_id, None)
    except Exception as error:
        log_failure(step, trace_id, "cron handler failed", error, expression=trigger.expression)
        raise
