"""`motia rollback [--to N]`: deploy a version the stage ran before, from its history."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Callable

from compiler.commands.aws_options import add_aws_options, confirm_from_terminal, require_terminal, target_from_args
from compiler.commands.common import add_project_options, stack_name_of
from compiler.errors import DeployError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rollback",
        help="deploy a version the stage ran before",
        description=(
            "Deploy an earlier version of the stage from its history (`motia status` lists the "
            "versions): its template and code, both still in the asset bucket, go through the same "
            "change set (or code-only update) as `motia deploy`, shown and confirmed first. Nothing "
            "is compiled. The rollback is itself recorded as a new version. Exit status: 0 deployed "
            "or nothing to do, 1 failed, declined or not restorable, 2 usage error."
        ),
    )
    add_project_options(parser)
    add_aws_options(parser)
    parser.add_argument("--to", type=int, default=None, metavar="N", help="the version to return to (default: the one before the current)")
    parser.add_argument("--no-execute", action="store_true", help="stop after showing the change set")
    parser.add_argument("--keep-versions", type=int, default=10, metavar="N", help="how many versions the history keeps (default: 10)")
    parser.set_defaults(run=run)


def rollback_command(args: argparse.Namespace, emit: Callable[[str], None] | None = None) -> int:
    from compiler.commands.deploy import remember_version
    from compiler.deploy.aws import connect
    from compiler.deploy.flow import DeployOptions, deploy_artifact
    from compiler.deploy.history import materialize, missing_assets, read_history, stage_bucket
    from compiler.operate.stage import deployed_stack

    emit = emit or (lambda line: print(line, flush=True))
    asks = not args.yes and not args.no_execute
    if asks:
        require_terminal("rollback")
    clients = connect(target_from_args(args))
    stack_name = stack_name_of(args)
    deployed_stack(clients, stack_name)
    bucket = stage_bucket(clients, stack_name)
    history = read_history(clients, bucket, stack_name) if bucket else ()
    if len(history) < 2 and args.to is None:
        raise DeployError(f"{stack_name} has no earlier version to return to "
                          f"({len(history)} recorded; `motia deploy` records one per deploy)")
    current = history[-1]
    wanted = args.to if args.to is not None else history[-2].number
    target = next((v for v in history if v.number == wanted), None)
    if target is None:
        kept = ", ".join(str(v.number) for v in history) or "none"
        raise UsageError(f"{stack_name} has no version {wanted} (versions kept: {kept})")
    if target.number == current.number:
        emit(f"{stack_name} already runs version {current.number}: nothing to do")
        return 0
    emit(f"rolling {stack_name} back from version {current.number} to version {target.number} "
         f"(deployed {target.deployed_at}, code {target.code})")
    with tempfile.TemporaryDirectory(prefix="motia-rollback-") as work:
        artifact = materialize(clients, target, stack_name, Path(work))
        gone = missing_assets(clients, artifact)
        if gone:
            raise DeployError(f"version {target.number} cannot be restored: {', '.join(gone)} is no longer in the "
                              "asset bucket; deploy that code from source instead")
        confirm = confirm_from_terminal() if asks else (lambda _question: True)
        status = deploy_artifact(clients, artifact, emit, DeployOptions(execute=not args.no_execute, confirm=confirm))
        if status == 0 and not args.no_execute:
            remember_version(clients, artifact, f"rollback to {target.number}", args.keep_versions, emit)
    return status


def run(args: argparse.Namespace) -> int:
    return rollback_command(args)  # boto3 only: no jsii process to skip at exit
