"""`motia plan`: what the project compiles to, without Node or AWS."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from compiler import ir
from compiler.commands.common import add_project_options, compile_or_exit
from compiler.ir_json import application_to_dict
from compiler.plan_text import render_plan


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="show what the project compiles to (no Node, no AWS)",
        description=(
            "Compile the project and show every function (memory, timeout), HTTP route, topic, "
            "queue with its dead-letter queue, schedule (with the translated AWS expression), "
            "table, and every problem found. Exit status: 0 no errors, 1 the project has "
            "errors, 2 usage error."
        ),
    )
    add_project_options(parser)
    parser.add_argument(
        "--json", action="store_true",
        help="print the application model as JSON (schema in the README), for scripts and CI",
    )
    parser.set_defaults(run=run)


NEXT_FIRES = 10  # in --json; the text shows the first five


def plan_json(app: ir.Application, now: datetime) -> str:
    """The model as JSON, each schedule with `next_fires`: when its handler runs next (ISO 8601,
    UTC), computed from what AWS runs (the expression, then the day filter), not from the cron."""
    from compiler.schedule_time import next_invocations

    data = application_to_dict(app)
    for schedule, plain in zip(app.schedules, data["schedules"], strict=True):
        plain["next_fires"] = [t.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
                               for t in next_invocations(schedule, now, NEXT_FIRES)]
    return json.dumps(data, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    app = compile_or_exit(args)
    now = datetime.now(timezone.utc)
    sys.stdout.write(plan_json(app, now) if args.json else render_plan(app))
    return 1 if app.errors else 0
