"""The readable form of the IR that `motia plan` prints: a table per resource kind."""

from __future__ import annotations

from compiler import ir
from compiler.report import format_diagnostics, plural, table


def _functions(app: ir.Application) -> list[str]:
    rows = [
        (f.name, f.function_name, f"{f.memory_mb} MB", f"{f.timeout_s} s", ", ".join(f.triggers) or "-", f.file)
        for f in app.functions
    ]
    lines = table(("step", "function", "memory", "timeout", "triggers", "file"), rows)
    for f in app.functions:
        if f.memory_reason:
            lines.append(f"    {f.name}: memory {f.memory_reason}")
    return lines


def _routes(app: ir.Application) -> list[str]:
    return table(("method", "path", "step"), [(r.method, r.path, r.function) for r in app.routes])


def _topics(app: ir.Application) -> list[str]:
    rows = [
        (t.name, "fifo" if t.fifo else "standard", t.sns_name, ", ".join(t.publishers) or "-",
         ", ".join(t.subscribers) or "-")
        for t in app.topics
    ]
    return table(("topic", "type", "sns topic", "publishers", "subscribers"), rows)


def _queues(app: ir.Application) -> list[str]:
    rows = [
        (q.topic, q.function, q.queue_name, "fifo" if q.fifo else "standard", q.max_receive_count,
         f"{q.visibility_timeout_s} s", f"{q.delay_s} s", q.dlq_name)
        for q in app.queues
    ]
    return table(("topic", "step", "queue", "type", "attempts", "visibility", "delay", "dead-letter queue"), rows)


def _schedules(app: ir.Application) -> list[str]:
    rows = [(s.function, s.source, s.expression, s.timezone, s.schedule_name) for s in app.schedules]
    return table(("step", "motia cron", "aws expression", "zone", "schedule"), rows)


def _triggers(app: ir.Application) -> list[str]:
    rows = [(t.function, "state", "every state change", "yes" if t.has_condition else "no") for t in app.state_triggers]
    rows += [
        (t.function, "stream", " / ".join(x for x in (t.stream, t.group_id, t.item_id) if x),
         "yes" if t.has_condition else "no")
        for t in app.stream_triggers
    ]
    return table(("step", "kind", "fires on", "condition"), rows)


def _tables(app: ir.Application) -> list[str]:
    rows = [(t.kind, t.table_name, f"{t.partition_key} / {t.sort_key}") for t in app.tables]
    lines = table(("table", "dynamodb name", "keys"), rows)
    if app.streams:
        lines.append(f"    streams: {', '.join(app.streams)}")
    return lines


_SECTIONS = (
    ("Functions", "functions", _functions),
    ("HTTP routes (one HTTP API, API Gateway v2)", "routes", _routes),
    ("Topics (SNS)", "topics", _topics),
    ("Queue subscriptions (SQS, each with its dead-letter queue)", "queues", _queues),
    ("Schedules (EventBridge Scheduler)", "schedules", _schedules),
    ("State and stream triggers (DynamoDB streams)", None, _triggers),
    ("Tables (DynamoDB, on demand)", "tables", _tables),
)


def summary_line(app: ir.Application) -> str:
    counts = [
        plural(len(app.functions), "function"), plural(len(app.routes), "route"),
        plural(len(app.topics), "topic"), plural(len(app.queues), "queue"),
        plural(len(app.schedules), "schedule"), plural(len(app.tables), "table"),
    ]
    return f"{app.name} (stage {app.stage}): {', '.join(counts)}"


def render_plan(app: ir.Application) -> str:
    """The tables, then warnings; a project with errors gets only its diagnostics."""
    if app.errors:
        return "\n".join([
            f"{app.name}: the project does not compile", "", *format_diagnostics(app.diagnostics), "",
            "Fix the errors above and run `motia plan` again.",
        ]) + "\n"
    lines = [summary_line(app)]
    for title, attribute, render in _SECTIONS:
        present = getattr(app, attribute) if attribute else (app.state_triggers or app.stream_triggers)
        if not present:
            continue
        lines += ["", title, *render(app)]
    diagnostics = format_diagnostics(app.diagnostics)
    if diagnostics:
        lines += ["", *diagnostics]
    return "\n".join(lines) + "\n"
