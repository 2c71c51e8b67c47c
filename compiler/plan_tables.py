"""The tables of `motia plan`, one per resource kind; `compiler.plan_text` lays them out.

Each trigger kind's table is named by its entry in `compiler.trigger_kinds`.
"""

from __future__ import annotations

from compiler import ir
from compiler.report import table


def functions_table(app: ir.Application) -> list[str]:
    rows = [
        (f.name, f.function_name, f"{f.memory_mb} MB", f"{f.timeout_s} s", ", ".join(f.triggers) or "-", f.file)
        for f in app.functions
    ]
    lines = table(("step", "function", "memory", "timeout", "triggers", "file"), rows)
    for f in app.functions:
        if f.memory_reason:
            lines.append(f"    {f.name}: memory {f.memory_reason}")
    return lines


def topics_table(app: ir.Application) -> list[str]:
    rows = [
        (t.name, "fifo" if t.fifo else "standard", t.sns_name, ", ".join(t.publishers) or "-",
         ", ".join(t.subscribers) or "-")
        for t in app.topics
    ]
    return table(("topic", "type", "sns topic", "publishers", "subscribers"), rows)


def tables_table(app: ir.Application) -> list[str]:
    rows = [(t.kind, t.table_name, f"{t.partition_key} / {t.sort_key}") for t in app.tables]
    lines = table(("table", "dynamodb name", "keys"), rows)
    if app.streams:
        lines.append(f"    streams: {', '.join(app.streams)}")
    return lines


def routes_table(app: ir.Application) -> list[str]:
    return table(("method", "path", "step"), [(r.method, r.path, r.function) for r in app.routes])


def _concurrency(q: ir.QueueSubscription) -> str:
    if q.reserved_concurrency is not None:
        return f"{q.reserved_concurrency} (reserved)"
    return str(q.max_concurrency) if q.max_concurrency is not None else "-"


def queues_table(app: ir.Application) -> list[str]:
    rows = [
        (q.topic, q.function, q.queue_name, "fifo" if q.fifo else "standard", q.max_receive_count,
         f"{q.backoff_ms} ms x2", _concurrency(q), f"{q.visibility_timeout_s} s", f"{q.delay_s} s", q.dlq_name)
        for q in app.queues
    ]
    lines = table(("topic", "step", "queue", "type", "attempts", "backoff", "concurrency", "visibility", "delay",
                   "dead-letter queue"), rows)
    for q in app.queues:
        if q.reserved_concurrency is not None:
            lines.append(
                f"    {q.function} on {q.topic}: concurrency {q.reserved_concurrency} is below the SQS event source's "
                f"minimum of 2: the mapping takes 2 and the function reserves {q.reserved_concurrency} concurrent "
                "execution, which all its triggers share; a receive throttled by it counts as an attempt"
            )
    if app.queues:
        lines.append("    a failed message is retried after backoff x 2^(attempt-1) (Motia's), in whole seconds")
    return lines


_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def day_filter_text(day_filter: tuple[str, tuple[int, ...]] | None) -> str:
    """`Mon,Wed` or `days 1,15`: the other day field the function checks at each tick."""
    if day_filter is None:
        return "-"
    kind, days = day_filter
    if kind == "weekday":
        return ",".join(_WEEKDAYS[d] for d in days)
    return "days " + ",".join(map(str, days))


NEXT_RUNS_SHOWN = 5


def seconds_text(seconds: tuple[int, ...]) -> str:
    """`0` or `0,5,10,...`: the seconds of each fired minute the handler runs at (the function
    runs second 0 and queues the others, docs/cron.md)."""
    return ",".join(map(str, seconds))


def schedules_table(app: ir.Application) -> list[str]:
    from datetime import datetime, timezone

    from compiler.schedule_time import next_invocations

    rows = [(s.function, s.source, s.expression, seconds_text(s.seconds), day_filter_text(s.day_filter), s.timezone,
             s.schedule_name) for s in app.schedules]
    lines = table(("step", "motia cron", "aws expression", "at seconds", "and only on", "zone", "schedule"), rows)
    now = datetime.now(timezone.utc)
    runs_by_timing: dict[tuple[object, ...], str] = {}  # projects repeat a few timings over many steps
    for s in app.schedules:
        timing = (s.expression, s.timezone, s.day_filter, s.seconds)
        if timing not in runs_by_timing:
            runs = [t.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S") for t in next_invocations(s, now, NEXT_RUNS_SHOWN)]
            runs_by_timing[timing] = ", ".join(runs) or "never"
        lines.append(f"    {s.schedule_name}: next runs (UTC) {runs_by_timing[timing]}")
    return lines


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def state_triggers_table(app: ir.Application) -> list[str]:
    rows = [(t.function, len(t.trigger_indexes), _yes_no(t.has_condition)) for t in app.state_triggers]
    return table(("step", "triggers", "condition"), rows)


def stream_triggers_table(app: ir.Application) -> list[str]:
    rows = [
        (t.function, t.stream, t.group_id or "any", t.item_id or "any", _yes_no(t.has_condition))
        for t in app.stream_triggers
    ]
    return table(("step", "stream", "group", "item", "condition"), rows)
