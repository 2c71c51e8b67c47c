"""`motia status`: how the deployed stage is doing: the stack, and each step's function."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING

from compiler.commands.aws_options import add_aws_options, target_from_args
from compiler.commands.common import add_project_options, stack_name_of
from compiler.report import table

if TYPE_CHECKING:
    from compiler.deploy.aws import Clients
    from compiler.deploy.history import Version
    from compiler.operate.logs import LogLine
    from compiler.operate.stage import StageStatus

HEALTHY_STACK = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "status",
        help="show the deployed stack and each step's function",
        description=(
            "Show the deployed stack <app>-<stage>: its state and when it was last deployed, and for "
            "each step its function's state, last update, code hash, memory, timeout and its newest error "
            "line of the last 24 hours; then the stage's recorded versions (for `motia rollback`). Reads "
            "CloudFormation, Lambda, CloudWatch Logs and the asset bucket only; nothing is compiled. Exit status: 0 the stack is "
            "deployed and every function is active, 1 otherwise (no stack, a failed or rolled back "
            "deploy, a function not active), 2 usage error."
        ),
    )
    add_project_options(parser)
    add_aws_options(parser)
    parser.add_argument("--json", action="store_true", help="print the status as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from compiler.deploy.aws import connect
    from compiler.operate.stage import stage_status

    clients = connect(target_from_args(args))
    status = stage_status(clients, stack_name_of(args))
    versions = _versions(clients, status.stack_name)
    errors = _last_errors(clients, status)
    healthy = status.status in HEALTHY_STACK and all(f.state in ("Active", "") for f in status.functions)
    if args.json:
        from compiler.deploy.history import as_json

        json.dump({**dataclasses.asdict(status), "healthy": healthy, "versions": [as_json(v) for v in versions],
                   "last_errors": {step: line.as_json() for step, line in errors.items()}}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0 if healthy else 1
    reason = f" ({status.reason})" if status.reason else ""
    version = f", version {versions[-1].number}" if versions else ""
    print(f"{status.stack_name}: {status.status}{reason}, last deployed {status.last_deployed}{version}")
    rows = [(f.step, f.function_name, f.state or "-", f.last_update or "-", f.code_sha, f"{f.memory_mb} MB",
             f"{f.timeout_s} s", _error_cell(errors.get(f.step))) for f in status.functions]
    print("\n".join(table(("step", "function", "state", "last update", "code", "memory", "timeout",
                           f"last error ({ERRORS_SINCE})"), rows)))
    if versions:
        from compiler.deploy.history import describe

        print("versions (newest last; `motia rollback --to N` deploys one again):")
        print("\n".join(table(("version", "deployed", "how", "code", ""), [describe(v, versions[-1].number) for v in versions])))
    return 0 if healthy else 1


ERRORS_SINCE = "24h"


def _last_errors(clients: Clients, status: StageStatus) -> dict[str, LogLine]:
    from compiler.operate.logs import last_errors, log_group_of, since_ms

    groups = {f.step: log_group_of(f.function_name) for f in status.functions if f.step != "?"}
    return last_errors(clients, groups, since_ms(ERRORS_SINCE))


def _error_cell(line: LogLine | None) -> str:
    if line is None:
        return "-"
    from datetime import datetime, timezone

    when = datetime.fromtimestamp(line.timestamp_ms / 1000, tz=timezone.utc).strftime("%m-%d %H:%M")
    text = line.message if len(line.message) <= 60 else line.message[:57] + "..."
    return f"{when} {text}"


def _versions(clients: Clients, stack_name: str) -> tuple[Version, ...]:
    from compiler.deploy.history import read_history, stage_bucket

    bucket = stage_bucket(clients, stack_name)
    return read_history(clients, bucket, stack_name) if bucket else ()
