"""The input a cron schedule's target sends the step's function: the compiler's half of the
contract whose other half is the shim's cron adapter (lambda_runtime.contract names its keys).
The emitter, the emulator's scheduler and the plan's next-fire times all build it here."""

from __future__ import annotations

from compiler.ir import Schedule
from lambda_runtime import contract


def schedule_input(schedule: Schedule) -> dict[str, object]:
    """What a schedule's target passes the function: the Motia expression, the trigger, the
    tick's scheduled time (filled in by Scheduler), the other day field to check, if any, and
    the minute's second offsets when they are not just second 0.
    The emitter and the emulator's scheduler both send this."""
    payload: dict[str, object] = {
        contract.CRON_EVENT_MARKER: schedule.source,
        contract.CRON_TRIGGER_MARKER: schedule.trigger_index,
        contract.CRON_SCHEDULED_TIME: contract.SCHEDULER_SCHEDULED_TIME,
    }
    if schedule.day_filter is not None:
        kind, days = schedule.day_filter
        payload[contract.CRON_DAY_FILTER] = {kind: list(days)}
    if schedule.seconds != (0,):
        payload[contract.CRON_SECONDS] = list(schedule.seconds)
        payload[contract.CRON_TICK_QUEUE] = schedule.tick_queue
    return payload
