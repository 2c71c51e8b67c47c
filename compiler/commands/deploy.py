"""`motia deploy`: synthesize (or reuse the assembly), publish assets, change set, execute, watch."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from compiler.assembly_restore import check_out_dir
from compiler.commands.aws_options import (
    add_aws_options,
    confirm_from_terminal,
    require_terminal,
    target_from_args,
)
from compiler.commands.common import add_project_options, compile_and_report, finish
from compiler.errors import UsageError
from compiler.deploy.assembly import StackArtifact, read_stack_artifact
from compiler.deploy.freshness import assembly_is_current, fingerprint, record_fingerprint
from compiler.synth import synthesize_cached

if TYPE_CHECKING:
    from compiler.deploy.aws import Clients

ASSEMBLY_DIR = "cdk.out"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "deploy",
        help="deploy the project to AWS through a CloudFormation change set",
        description=(
            "Compile the project, synthesize its CloudFormation stack <app>-<stage> (reusing the "
            "cloud assembly when nothing changed), upload the code to the asset bucket "
            "motia-aws-assets-<account>-<region> (created encrypted and private if missing; "
            "no `cdk bootstrap` needed), create a change set and show what it adds, modifies, "
            "replaces and removes, ask for confirmation, execute it and follow the stack events, "
            "then print the outputs (the HTTP API URL). Credentials come from the usual AWS chain "
            "(AWS_PROFILE, environment variables, SSO). Exit status: 0 deployed or nothing to change, "
            "1 the project, the assembly or the deployment failed (or the change set was declined), "
            "2 usage error."
        ),
    )
    add_project_options(parser)
    add_aws_options(parser)
    parser.add_argument(
        "--full", action="store_true",
        help="always deploy through a change set; by default, when only step code changed, the functions' "
             "code is updated directly (seconds) and the stack then records it",
    )
    parser.add_argument(
        "--keep-versions", type=int, default=10, metavar="N",
        help="how many deployed versions the stage's history keeps for `motia rollback` (default: 10)",
    )
    parser.add_argument(
        "--no-execute", action="store_true",
        help="stop after showing the change set (it stays in CloudFormation for review)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR",
        help=f"where the cloud assembly is written, replaced on each run (default: <app-dir>/{ASSEMBLY_DIR}); "
             "a folder holding the project or other files is refused, never emptied",
    )
    parser.add_argument(
        "--assembly", type=Path, default=None, metavar="DIR",
        help="deploy this existing cloud assembly (from motia synth or cdk synth) instead of compiling",
    )
    parser.set_defaults(run=run, uses_jsii=True)  # see common.finish


def synthesized_artifact(args: argparse.Namespace, emit: Callable[[str], None]) -> StackArtifact:
    """The project's assembly: reused when its inputs did not change, else taken from the
    assembly cache as `motia synth` does (the same assembly without Node; only the code asset
    written when only step code changed), else synthesized now."""
    app = compile_and_report(args, "the project has errors; nothing was deployed")
    out = args.out or Path(app.root) / ASSEMBLY_DIR
    check_out_dir(out, Path(app.root))
    expected = fingerprint(app)
    if assembly_is_current(out, expected):
        emit(f"reusing the cloud assembly in {out} (inputs unchanged)")
    else:
        result = synthesize_cached(app, out, on_synth=lambda: emit(f"synthesizing {app.prefix} into {out} ..."))
        if result.reused:
            emit(f"reusing the cached assembly of {app.prefix} (the same inputs were synthesized before; no synth)")
        elif result.code_only:
            emit(f"only step code changed in {app.prefix}: wrote the new code asset into the cached assembly (no synth)")
        record_fingerprint(out, expected)
    return read_stack_artifact(out, app.prefix)


def deploy_command(args: argparse.Namespace, emit: Callable[[str], None] | None = None) -> int:
    """The whole command; the exit status, or a `MotiaError`. Leaves the jsii process running (see `run`)."""
    # boto3 only now: every command module is imported to build `motia --help`.
    from compiler.deploy.aws import account_id, connect
    from compiler.deploy.flow import DeployOptions, deploy_artifact

    emit = emit or (lambda line: print(line, flush=True))
    if args.keep_versions < 1:
        raise UsageError(f"--keep-versions must be at least 1 (got {args.keep_versions})")
    asks = not args.yes and not args.no_execute
    if asks:
        require_terminal("deploy")
    # Credentials and region first: a mistake there is found before seconds of synthesis.
    clients = connect(target_from_args(args))
    account_id(clients)
    artifact = read_stack_artifact(args.assembly) if args.assembly else synthesized_artifact(args, emit)
    confirm = confirm_from_terminal() if asks else (lambda _question: True)
    status = deploy_artifact(clients, artifact, emit, DeployOptions(execute=not args.no_execute, confirm=confirm, full=args.full))
    if status == 0 and not args.no_execute:
        remember_version(clients, artifact, "deploy", args.keep_versions, emit)
    return status


def remember_version(clients: Clients, artifact: StackArtifact, how: str, keep: int, emit: Callable[[str], None]) -> None:
    """Record the deployed assembly in the stage's history (compiler.deploy.history), for rollback."""
    from compiler.deploy.history import record_version

    version = record_version(clients, artifact, how, keep)
    if version is not None:
        emit(f"recorded as version {version.number} of {artifact.stack_name} "
             f"(`motia rollback` returns to the one before; `motia status` lists them)")


def run(args: argparse.Namespace) -> int:
    return finish(deploy_command(args))
