"""`motia`: the command line. Each subcommand lives in its own module under compiler/commands.

A command module exposes `register(subparsers)`, which adds its parser and sets
`run=<function(args) -> exit status>`. Exit status: 0 ok, 1 the project (or the cloud) has
errors, 2 usage errors. User mistakes never end in a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

# Order is the order of `motia --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "compiler.commands.plan",
    "compiler.commands.synth",
    "compiler.commands.dev",
    "compiler.commands.deploy",
    "compiler.commands.destroy",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motia",
        description=(
            "Compile a Motia project (Python step files) into an AWS deployment: "
            "see the plan, synthesize the CloudFormation, deploy it, or run it locally."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    from compiler.errors import MotiaError, report

    try:
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
