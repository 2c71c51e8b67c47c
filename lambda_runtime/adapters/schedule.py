"""EventBridge Scheduler targets (`{"motia_cron": expr, "motia_trigger": index}`) -> cron handler.

A cron with seconds (`*/5 * * * * *`) is scheduled by the minute; the minute's invocation sends
each tick off second 0 to the step's tick queue delayed to its second (`motia_seconds`,
`motia_tick_queue` in the input), runs second 0's tick itself, and the queue's event source
mapping brings each tick back to this function one at a time (docs/cron.md).
"""

from __future__ import annotations

from motia.types import TriggerInfo

from lambda_runtime.contract import (
    CRON_DAY_FILTER,
    CRON_EVENT_MARKER,
    CRON_SCHEDULED_TIME,
    CRON_SECONDS,
    CRON_TICK_ATTRIBUTE,
    CRON_TICK_QUEUE,
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


MAX_DELAY_SECONDS = 900  # SQS's largest DelaySeconds
SEND_BATCH = 10  # SQS's largest SendMessageBatch
_queue_urls: dict[str, str] = {}  # tick queue name -> URL, once per container


def tick_delays(minute: str, offsets: list[int], now: str) -> list[tuple[str, int]]:
    """(scheduled time, DelaySeconds) of each tick of the fired minute off second 0 (pure).

    The delay counts from `now`, so a late start of the minute's invocation does not shift
    the ticks; a tick already due is sent undelayed (it still runs, as every tick does).
    """
    from datetime import datetime, timedelta, timezone

    # Scheduler passes the minute itself (second 0): the offsets count from it.
    start = datetime.fromisoformat(minute.replace("Z", "+00:00")).astimezone(timezone.utc)
    current = datetime.fromisoformat(now.replace("Z", "+00:00"))
    ticks = []
    for offset in offsets:
        if offset == 0:
            continue
        when = start + timedelta(seconds=offset)
        delay = round((when - current).total_seconds())
        ticks.append((when.isoformat(), min(max(delay, 0), MAX_DELAY_SECONDS)))
    return ticks


def _queue_url(name: str) -> str:
    if name not in _queue_urls:
        from lambda_runtime import aws_clients

        _queue_urls[name] = aws_clients.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
    return _queue_urls[name]


def fan_out(fn: HostedFunction, event: dict[str, Any], index: int, tick: dict[str, str]) -> int:
    """Send the minute's ticks off second 0 to the tick queue; returns how many were sent."""
    import json

    from lambda_runtime import aws_clients

    name = event.get(CRON_TICK_QUEUE)
    if not isinstance(name, str) or not name:
        raise UnknownSchedule(f"step {fn.name!r}: schedule input has {CRON_SECONDS} but no {CRON_TICK_QUEUE}; redeploy the stack")
    ticks = tick_delays(tick["scheduled_time"], list(event[CRON_SECONDS]), tick["actual_time"])
    entries = [
        {
            "Id": str(position),
            "MessageBody": json.dumps({CRON_EVENT_MARKER: event.get(CRON_EVENT_MARKER), CRON_TRIGGER_MARKER: index, CRON_SCHEDULED_TIME: when}),
            "DelaySeconds": delay,
            "MessageAttributes": {CRON_TICK_ATTRIBUTE: {"DataType": "String", "StringValue": "1"}},
        }
        for position, (when, delay) in enumerate(ticks)
    ]
    sqs, url = aws_clients.client("sqs"), _queue_url(name)
    failed: list[str] = []
    for start in range(0, len(entries), SEND_BATCH):
        reply = sqs.send_message_batch(QueueUrl=url, Entries=entries[start : start + SEND_BATCH])
        failed.extend(str(f.get("Message") or f.get("Code")) for f in reply.get("Failed") or ())
    if failed:
        raise RuntimeError(f"step {fn.name!r}: {len(failed)} of {len(entries)} cron ticks could not be queued: {failed[0]}")
    return len(entries)


def _run_tick(fn: HostedFunction, index: int, trigger: Any, tick: dict[str, str]) -> None:
    """Run one tick's handler; a failure is logged and raised (never retried by the caller)."""
    trace_id = new_id()
    info = TriggerInfo(type="cron", index=index, expression=trigger.expression)
    try:
        run_triggered(fn, trigger, info, trace_id, tick, prepare=lambda _tick: None)
    except Exception as error:
        # Not run again (no retries are configured): the next tick runs as usual, as in Motia.
        log_failure(fn, trace_id, "cron handler failed; not retried, the next tick runs as scheduled", error,
                    expression=trigger.expression, scheduled_time=tick["scheduled_time"])
        raise


def handle_ticks(fn: HostedFunction, event: dict[str, Any]) -> dict[str, list[Any]]:
    """Ticks from the tick queue: each runs once; a failure is logged and the message consumed."""
    import json

    for record in event["Records"]:
        body = json.loads(record.get("body") or "{}")
        index, trigger = match_trigger(fn, body)
        try:
            _run_tick(fn, index, trigger, cron_input(fn, index, body))
        except Exception:
            pass  # logged by _run_tick; Motia does not run a failed tick again
    return {"batchItemFailures": []}


def handle(fn: HostedFunction, event: dict[str, Any]) -> Any:
    """Runs the handler with no input; an exception propagates so the invocation is marked failed."""
    if "Records" in event:
        return handle_ticks(fn, event)
    index, trigger = match_trigger(fn, event)
    tick = cron_input(fn, index, event)
    if not on_motias_day(event, tick["scheduled_time"]):
        return None  # the day AWS fired on is not one of both day fields: Motia would not run
    offsets = event.get(CRON_SECONDS)
    if isinstance(offsets, list) and offsets != [0]:
        fan_out(fn, event, index, tick)
        if 0 not in offsets:
            return None
    _run_tick(fn, index, trigger, tick)
    return None
