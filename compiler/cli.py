"""`motia`: the command line. Each subcommand lives in its own module under compiler/commands.

A command module exposes `register(subparsers)`, which adds its parser and sets
`run=<function(args) -> exit status>`; only the module of the command being run is imported.
Exit status: 0 ok, 1 the project (or the cloud) has errors, 2 usage errors. User mistakes
never end in a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Iterable, NamedTuple, Sequence


class Command(NamedTuple):
    """A subcommand: its name, the module that registers it, and its line in `motia --help`."""

    name: str
    module: str
    help: str


# Order is the order of `motia --help`. The help repeats the module's own so that listing the
# commands imports none of them (tests/compiler/test_cli.py keeps the two equal).
COMMANDS: tuple[Command, ...] = (
    Command("plan", "compiler.commands.plan", "show what the project compiles to (no Node, no AWS)"),
    Command("synth", "compiler.commands.synth", "write the CloudFormation template and assets (cdk.out)"),
    Command("dev", "compiler.commands.dev", "run the app locally on an embedded AWS emulator (moto)"),
    Command("deploy", "compiler.commands.deploy", "deploy the project to AWS through a CloudFormation change set"),
    Command("destroy", "compiler.commands.destroy", "delete the project's stack from AWS (tables are kept)"),
    Command("outputs", "compiler.commands.outputs", "print the deployed API URL, tables and topics"),
    Command("status", "compiler.commands.status", "show the deployed stack and each step's function"),
    Command("rollback", "compiler.commands.rollback", "deploy a version the stage ran before"),
    Command("logs", "compiler.commands.logs", "print the deployed steps' logs, merged in time order"),
    Command("invoke", "compiler.commands.invoke", "send a deployed step an HTTP request, a message or a cron tick"),
    Command("dlq", "compiler.commands.dlq", "list, show, redrive or purge the deployed stage's dead letters"),
    Command("secrets", "compiler.commands.secrets", "manage the stage's secrets (SSM SecureStrings)"),
)


def build_parser(commands: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The `motia` parser: `commands` (default: all) with their options, the rest by name and help.

    Only the modules of `commands` are imported: `motia plan` must not pay for deploy's or dev's
    imports (boto3, the emulator), nor `motia --help` for any of them.
    """
    wanted = None if commands is None else set(commands)
    parser = argparse.ArgumentParser(
        prog="motia",
        description=(
            "Compile a Motia project (Python step files) into an AWS deployment: "
            "see the plan, synthesize the CloudFormation, deploy it, or run it locally."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        if wanted is None or command.name in wanted:
            importlib.import_module(command.module).register(subparsers)
        else:
            subparsers.add_parser(command.name, help=command.help)
    return parser


def parser_for(argv: Sequence[str] | None) -> argparse.ArgumentParser:
    """The parser for this command line: only the command it names is imported in full."""
    args = sys.argv[1:] if argv is None else argv
    # `motia` takes no options of its own before the command, so the command is the first word.
    named = next((arg for arg in args if not arg.startswith("-")), None)
    return build_parser([named] if named else [])


def main(argv: Sequence[str] | None = None) -> int:
    parser = parser_for(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    from compiler.errors import MotiaError, report

    try:
        from compiler.sdk_conflict import check_no_sdk

        check_no_sdk()
        return int(args.run(args))
    except MotiaError as error:
        # One place turns every user-fixable error into its line and exit status.
        status = report(args.command, error)
        if getattr(args, "uses_jsii", False):
            from compiler.commands.common import finish

            return finish(status)  # errors too end without jsii's exit wait
        return status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
