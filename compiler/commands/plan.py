"""`motia plan`: what the project compiles to, without Node or AWS."""

from __future__ import annotations

import argparse
import sys

from compiler.commands.common import add_project_options, compile_or_exit
from compiler.ir_json import application_to_json
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


def run(args: argparse.Namespace) -> int:
    app = compile_or_exit(args)
    if isinstance(app, int):
        return app
    sys.stdout.write(application_to_json(app) if args.json else render_plan(app))
    return 1 if app.errors else 0
