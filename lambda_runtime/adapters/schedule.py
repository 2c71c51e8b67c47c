"""EventBridge Scheduler targets (`{"motia_cron": expr, "motia_trigger": index}`) -> cron handler."""

from __future__ import annotations

from motia.types import TriggerInfo

from lambda_runtime.contract import (
    CRON_DAY_FILTER,
    CRON_EVENT_MARKER,
    CRON_SCHEDULED_TIME,
    CRON_TRIGGER_MARKER,
    SCHEDULER_SCHEDULED_TIME,
)
from lambda_runtime.invocation import log_failure, new_id, run_triggered

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.hosted import HostedFunction


class UnknownSchedule(LookupError):
    """A schedule input that names no cron trigger of the step."""


def _by_expression(fn: HostedFunction, event: dict[str, Any]) -> int:
    """Schedules deployed before `motia_trigger` existed carry only the expression; a scheduled
    rule of the user's own carries neither, which is unambiguous only for a single cron trigger."""
    crons = [i for i, t in enumerate(fn.step.triggers) if t.type == "cron"]
    if CRON_EVENT_MARKER in event:
        matching = [i for i in crons if fn.step.triggers[i].expression == event[CRON_EVENT_MARKER]]
    else:
        matching = crons if len(crons) == 1 else []
    if not matching:
        expressions = ", ".join(repr(fn.step.triggers[i].expression) for i in crons) or "none"
        raise UnknownSchedule(
            f"step {fn.name!r} ({fn.step.file}) has no cron trigger for this schedule "
            f"(input {CRON_EVENT_MARKER}={event.get(CRON_EVENT_MARKER)!r}; its cron triggers: {expressions}); "
            f"redeploy so each schedule passes {{{CRON_TRIGGER_MARKER!r}: <index>}}"
        )
    return matching[0]


def match_trigger(fn: HostedFunction, event: dict[str, Any]) -> tuple[int, Any]:
    """The cron trigger the schedule names by index (or, for older inputs, by expression)."""
    index = event.get(CRON_TRIGGER_MARKER)
    if index is None:
        index = _by_expression(fn, event)
    elif isinstance(index, bool) or not isinstance(index, int):
        raise UnknownSchedule(f"step {fn.name!r}: schedule input {CRON_TRIGGER_MARKER}={index!r} is not a trigger index")
    return index, fn.trigger_at(index, "cron")


def cron_input(fn: HostedFunction, index: int, event: dict[str, Any]) -> dict[str, str]:
    """What Motia's engine hands a cron condition: `{trigger, job_id, scheduled_time, actual_time}`
    (RFC 3339); the handler itself gets None, as in Motia 1.0.4."""
    from datetime import datetime, timezone  # only cron invocations pay for it

    now = datetime.now(timezone.utc).isoformat()
    scheduled = event.get(CRON_SCHEDULED_TIME)
    if not isinstance(scheduled, str) or scheduled in ("", SCHEDULER_SCHEDULED_TIME):
        scheduled = now  # a tick fired by hand, or a schedule deployed before the time was passed
    return {"trigger": "cron", "job_id": f"{fn.name}::cron::{index}", "scheduled_time": scheduled, "actual_time": now}


def on_motias_day(event: dict[str, Any], scheduled_time: str) -> bool:
    """Whether the tick's day matches the schedule's other day field (always, without one).

    Motia runs a cron whose two day fields are restricted only when both match; AWS fired on
    one field, and the compiler passed the other here (`motia_days`).
    """
    days = event.get(CRON_DAY_FILTER)
    if not isinstance(days, dict) or not days:
        return True
    from datetime import datetime, timezone

    when = datetime.fromisoformat(scheduled_time.replace("Z", "+00:00")).astimezone(timezone.utc)
    if "weekday" in days:
        return (when.weekday() + 1) % 7 in days["weekday"]  # Motia: Sunday = 0
    return when.day in days.get("monthday", ())


def handle(fn: HostedFunction, event: dict[str, Any]) -> None:
    """Runs the handler with no input; an exception propagates so the invocation is marked failed."""
    index, trigger = match_trigger(fn, event)
    trace_id = new_id()
    info = TriggerInfo(type="cron", index=index, expression=trigger.expression)
    tick = cron_input(fn, index, event)
    if not on_motias_day(event, tick["scheduled_time"]):
        return  # the day AWS fired on is not one of both day fields: Motia would not run
    try:
        run_triggered(fn, trigger, info, trace_id, tick, prepare=lambda _tick: None)
    except Exception as error:
        # Not run again (no retries are configured): the next tick runs as usual, as in Motia.
        log_failure(fn, trace_id, "cron handler failed; not retried, the next tick runs as scheduled", error,
                    expression=trigger.expression, scheduled_time=tick["scheduled_time"])
        raise
