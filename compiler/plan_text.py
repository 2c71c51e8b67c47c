"""The readable form of the IR that `motia plan` prints: a table per resource kind."""

from __future__ import annotations

from compiler import ir, plan_tables
from compiler.permissions import permission_lines
from compiler.plan_environment import environment_lines
from compiler.plan_settings import settings_section
from compiler.realtime import realtime_table
from compiler.report import format_diagnostics, plural
from compiler.trigger_kinds import KINDS, PlanTable


# Each section: title, the Application field whose presence shows it, its table.
_SECTIONS: tuple[tuple[str, str, PlanTable], ...] = (
    ("Functions", "functions", plan_tables.functions_table),
    ("Topics (SNS)", "topics", plan_tables.topics_table),
    *((kind.plan_title, kind.ir_field, kind.plan_table) for kind in KINDS),
    ("Tables (DynamoDB, on demand)", "tables", plan_tables.tables_table),
    ("Streams (API Gateway WebSocket, Motia's stream clients)", "realtime", realtime_table),
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
        if getattr(app, attribute):
            lines += ["", title, *render(app)]
    lines += permission_lines(app) + environment_lines(app)
    if settings := settings_section(app.settings):
        lines += ["", *settings]
    diagnostics = format_diagnostics(app.diagnostics)
    if diagnostics:
        lines += ["", *diagnostics]
    return "\n".join(lines) + "\n"
