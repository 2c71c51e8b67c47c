"""Two resources of one stage must not get one AWS name: CloudFormation would refuse the second
at deploy time ("already exists"), after minutes of deploying. `motia plan` says so first.

Names are built from the app, the stage and user-chosen step and topic names joined with `-`
(`compiler.naming`), so distinct Motia names can meet: a step `Beat` with a seconds cron has the
tick queue `<prefix>-Beat-ticks`, which is also the queue of step `ticks` subscribed to topic
`Beat`; a step named `streams-ws` takes the WebSocket function's name.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from compiler import ir

__all__ = ["physical_name_problems"]

FIX = "rename one of the steps or topics: AWS names join app, stage, topic and step names with '-'"


def _queues(app: ir.Application) -> Iterator[tuple[str, str, str]]:
    """(AWS name, step, what it is) of every SQS queue of the stage."""
    for sub in app.queues:
        yield sub.queue_name, sub.function, f"the queue of its subscription to topic {sub.topic!r}"
        yield sub.dlq_name, sub.function, f"the dead-letter queue of its subscription to topic {sub.topic!r}"
    for schedule in app.schedules:
        if schedule.tick_queue is not None:
            yield schedule.tick_queue, schedule.function, "the tick queue of its cron with seconds"


def _functions(app: ir.Application) -> Iterator[tuple[str, str, str]]:
    for fn in app.functions:
        yield fn.function_name, fn.name, "its Lambda function"
    if app.realtime is not None:
        yield app.realtime.socket_function, "", "the streams' WebSocket function"
        yield app.realtime.fanout_function, "", "the streams' fan-out function"


def _schedules(app: ir.Application) -> Iterator[tuple[str, str, str]]:
    for schedule in app.schedules:
        yield schedule.schedule_name, schedule.function, f"the schedule of its cron {schedule.source!r}"


def _clashes(kind: str, named: Iterator[tuple[str, str, str]]) -> Iterator[ir.Diagnostic]:
    owners: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, step, what in named:
        if (step, what) not in owners[name]:  # a schedule's tick queue is shared by its crons
            owners[name].append((step, what))
    for name, holders in sorted(owners.items()):
        if len(holders) < 2:
            continue
        listed = "; ".join(f"{what} of step {step!r}" if step else what for step, what in holders)
        for step in sorted({step for step, _ in holders if step}):  # the realtime ones are ours
            yield ir.Diagnostic("error", "", step, f"{kind} name {name!r} is taken twice: {listed}", FIX)


def physical_name_problems(app: ir.Application) -> tuple[ir.Diagnostic, ...]:
    """An error per resource whose AWS name another resource of the same kind has."""
    files = {fn.name: fn.file for fn in app.functions}
    found = [*_clashes("SQS queue", _queues(app)), *_clashes("Lambda function", _functions(app)),
             *_clashes("schedule", _schedules(app))]
    return tuple(ir.Diagnostic(d.severity, files.get(d.step, ""), d.step, d.message, d.hint) for d in found)
