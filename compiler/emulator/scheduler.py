"""Cron steps fired on time (moto's CloudFormation skips `AWS::Scheduler::Schedule`).

Fire times come from the AWS expressions the compiler emitted, in the schedule's timezone,
so a local run fires when the deployed schedule would. `fire` runs one now (tests, demos).
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from compiler.emulator.events import cron_event
from compiler.emulator.invoker import Delivery, Invoker
from compiler.schedule_time import next_fire
from compiler.emulator.worker import Worker
from compiler.ir import Application, Schedule
from compiler.schedule_input import schedule_input
from lambda_runtime.contract import CRON_SCHEDULED_TIME, CRON_TRIGGER_MARKER


class Scheduler(Worker):
    def __init__(self, app: Application, invoker: Invoker, stop: threading.Event) -> None:
        self._app = app
        self._invoker = invoker
        self._stop = stop
        self._started = datetime.now(timezone.utc)
        super().__init__("motia-dev-scheduler")

    @property
    def schedules(self) -> tuple[Schedule, ...]:
        return self._app.schedules

    def next_times(self, after: datetime) -> list[tuple[Schedule, datetime | None]]:
        return [(s, next_fire(s.expression, after, s.timezone, self._started)) for s in self.schedules]

    def start(self) -> None:
        if self.schedules:  # nothing to fire: no thread
            super().start()

    def _run(self) -> None:
        now = datetime.now(timezone.utc)
        upcoming = {s.schedule_name: t for s, t in self.next_times(now)}
        while not self._stop.is_set():
            due = [t for t in upcoming.values() if t is not None]
            if not due:
                return
            wait = (min(due) - datetime.now(timezone.utc)).total_seconds()
            if wait > 0 and self._stop.wait(wait):
                return
            now = datetime.now(timezone.utc)
            for schedule in self.schedules:
                when = upcoming.get(schedule.schedule_name)
                if when is not None and when <= now:
                    self.fire(schedule, when)
                    upcoming[schedule.schedule_name] = next_fire(schedule.expression, now, schedule.timezone, self._started)

    def fire(self, schedule: Schedule, scheduled: datetime | None = None) -> Delivery:
        """Invoke the schedule's step, as its Scheduler target would; returns the delivery.

        A scheduled tick (`scheduled`) carries the target's whole input, the other day field
        included; a tick fired by hand runs the handler whatever the day.
        """
        function = self._app.function(schedule.function).function_name
        if scheduled is None:
            event = {**cron_event(schedule.source), CRON_TRIGGER_MARKER: schedule.trigger_index}
        else:
            event = {**schedule_input(schedule), CRON_SCHEDULED_TIME: scheduled.isoformat()}
        invocation = self._invoker.invoke(function, event)
        outcome = "ok" if invocation.error is None else f"failed: {invocation.error}"
        delivery = Delivery(step=schedule.function, trigger=f"cron {schedule.source}", duration_ms=invocation.duration_ms,
                            outcome=outcome, ok=invocation.error is None)
        self._invoker.record(delivery)
        return delivery

    def fire_step(self, step: str) -> Delivery:
        """Fire the (first) schedule of `step`; KeyError names the steps that have one."""
        for schedule in self.schedules:
            if schedule.function == step:
                return self.fire(schedule)
        names = ", ".join(sorted({s.function for s in self.schedules})) or "none"
        raise KeyError(f"step {step!r} has no cron trigger (cron steps: {names})")
