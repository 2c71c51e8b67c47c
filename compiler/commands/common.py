"""Options and steps every command shares: the app dir, the stage, compiling with a report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from compiler import ir
from compiler.pipeline import DEFAULT_STAGE, ProjectNotFound, compile_project
from compiler.report import format_diagnostics


def add_project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--app-dir", type=Path, default=Path("."), metavar="DIR",
        help="the Motia project: the folder holding steps/ (default: the current folder)",
    )
    parser.add_argument(
        "--stage", default=DEFAULT_STAGE, metavar="NAME",
        help=f"deployment stage; prefixes every AWS name so stages coexist (default: {DEFAULT_STAGE})",
    )
    parser.add_argument(
        "--app-name", default=None, metavar="NAME",
        help="application name in AWS names (default: the project folder's name)",
    )


def compile_or_exit(args: argparse.Namespace) -> ir.Application | int:
    """The compiled app; or an exit status after reporting a usage error (2)."""
    try:
        return compile_project(args.app_dir, stage=args.stage, app_name=args.app_name)
    except ProjectNotFound as error:
        print(f"motia: {error}; pass --app-dir with your project folder", file=sys.stderr)
        return 2


def compile_and_report(args: argparse.Namespace, command: str, when_errors: str) -> ir.Application | int:
    """Compile and print every diagnostic; the app, or the exit status (1 errors, 2 usage).

    Warnings go to stdout with the command's output; errors to stderr, followed by
    `motia <command>: <when_errors>` so the user knows what did not happen.
    """
    app = compile_or_exit(args)
    if isinstance(app, int):
        return app
    print_diagnostics(app, sys.stderr if app.errors else sys.stdout)
    if app.errors:
        print(f"motia {command}: {when_errors}", file=sys.stderr)
        return 1
    return app


def print_diagnostics(app: ir.Application, stream: TextIO | None = None) -> None:
    lines = format_diagnostics(app.diagnostics)
    if lines:
        print("\n".join(lines), file=stream or sys.stdout)


def finish(status: int) -> int:
    """Return `status`, skipping jsii's exit handler when aws_cdk was used.

    jsii waits up to 5 s at interpreter exit for its Node process (DESIGN.md 5); once our
    output is written there is nothing left to wait for. Flush first: os._exit drops
    buffered output.
    """
    if "jsii" in sys.modules:
        import os

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status
