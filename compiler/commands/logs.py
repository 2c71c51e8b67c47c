"""`motia logs`: the deployed steps' logs, merged in time order, as `motia dev` prints them."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Callable

from compiler.commands.aws_options import add_aws_options, target_from_args
from compiler.commands.common import add_project_options, stack_name_of

if TYPE_CHECKING:
    from compiler.deploy.aws import Clients
    from compiler.operate.logs import LogLine

DEFAULT_SINCE = "10m"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "logs",
        help="print the deployed steps' logs, merged in time order",
        description=(
            "Print the CloudWatch Logs of the deployed stage's functions, merged across steps in time "
            "order and shown as `motia dev` shows them: time (UTC), step, level, message, fields, and "
            "the head of the trace id. Lambda's START/END/REPORT lines are left out. Reads AWS only; "
            "nothing is compiled. Exit status: 0 printed, 1 an AWS error or no such stack, 2 usage error."
        ),
    )
    parser.add_argument("steps", nargs="*", metavar="STEP", help="only these steps (default: every step)")
    add_project_options(parser)
    add_aws_options(parser)
    parser.add_argument("--since", default=DEFAULT_SINCE, metavar="WHEN",
                        help=f"from this long ago (30s, 10m, 2h, 1d) or this time (ISO 8601, UTC) (default: {DEFAULT_SINCE})")
    parser.add_argument("--trace", default=None, metavar="ID",
                        help="only the lines of this trace id, in every step it reached")
    parser.add_argument("--follow", "-f", action="store_true",
                        help="keep printing new lines until Ctrl-C, through a CloudWatch Logs live tail session "
                             "(billed per minute by AWS; up to 10 steps) or by polling every 2 s where that is not available")
    parser.add_argument("--poll", action="store_true", help="with --follow: poll, never open a live tail session")
    parser.add_argument("--json", action="store_true", help="one JSON object a line: time, step, level, message, trace_id, fields")
    parser.set_defaults(run=run)


def _groups(clients: Clients, stack_name: str, wanted: list[str]) -> dict[str, str]:
    from compiler.errors import UsageError
    from compiler.operate.logs import log_group_of
    from compiler.operate.stage import deployed_stack, function_configs

    deployed_stack(clients, stack_name)
    groups = {config.step_name: log_group_of(name) for name, config in function_configs(clients, stack_name).items()}
    unknown = [step for step in wanted if step not in groups]
    if unknown:
        raise UsageError(f"no step named {', '.join(map(repr, unknown))} in {stack_name} (its steps: {', '.join(sorted(groups)) or 'none'})")
    return {step: group for step, group in groups.items() if not wanted or step in wanted}


def _printer(as_json: bool) -> Callable[[LogLine], None]:
    from compiler.operate.logs import render

    def show(line: LogLine) -> None:
        print(json.dumps(line.as_json(), default=str) if as_json else render(line), flush=True)

    return show


def run(args: argparse.Namespace) -> int:
    from compiler.deploy.aws import connect
    from compiler.operate.logs import fetch, follow, since_ms

    start = since_ms(args.since)
    clients = connect(target_from_args(args))
    stack_name = stack_name_of(args)
    groups = _groups(clients, stack_name, list(args.steps))
    show = _printer(args.json)
    lines = fetch(clients, groups, start, args.trace)
    for line in lines:
        show(line)
    if not args.follow:
        if not lines and not args.json:
            print(f"no log lines since {args.since} in {', '.join(sorted(groups)) or 'no step'}", file=sys.stderr)
        return 0
    print(f"following {len(groups)} step(s) of {stack_name}; Ctrl-C to stop", file=sys.stderr)
    try:
        newest = max([start] + [line.timestamp_ms for line in lines])
        if not args.poll:
            from compiler.deploy.aws import account_id
            from compiler.operate.logs import live_tail

            newest = max(newest, live_tail(clients, groups, account_id(clients), args.trace, show))
        follow(lambda since: fetch(clients, groups, since, args.trace), show, newest, keep_going=lambda: True)
    except KeyboardInterrupt:
        print("", file=sys.stderr)
    return 0
