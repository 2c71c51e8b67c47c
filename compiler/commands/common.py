"""Options and steps every command shares: the app dir, the stage, compiling with a report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from compiler.errors import ProjectError, ProjectNotFound
from compiler.naming import DEFAULT_STAGE

if TYPE_CHECKING:
    from compiler import ir
    from compiler.pipeline import Compiled


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


def project_dir(args: argparse.Namespace) -> Path:
    """The --app-dir folder; `ProjectNotFound` (usage, 2) when it does not exist."""
    app_dir: Path = args.app_dir
    if not app_dir.is_dir():
        raise ProjectNotFound(f"app directory {str(app_dir)!r} does not exist; pass --app-dir with your project folder")
    return app_dir


def stack_name_of(args: argparse.Namespace) -> str:
    """`<app>-<stage>` from the options alone: no compile, so a broken project still has its stack."""
    from compiler.naming import app_prefix

    return app_prefix(args.app_name or project_dir(args).resolve().name, args.stage)


def compile_or_exit(args: argparse.Namespace) -> ir.Application:
    """The compiled app, errors included; `ProjectNotFound` when --app-dir is not a folder."""
    # Imported here: the pipeline (pydantic, every rule) is most of a start-up, and neither
    # `motia outputs` nor an unchanged `motia synth` (compiler.resynth) compiles.
    from compiler.pipeline import compile_project

    return compile_project(project_dir(args), stage=args.stage, app_name=args.app_name)


def compile_sources_or_exit(args: argparse.Namespace) -> Compiled:
    """`compile_or_exit`, with the facts of the sources it read (`motia synth` records them)."""
    from compiler.pipeline import compile_sources

    return compile_sources(project_dir(args), stage=args.stage, app_name=args.app_name)


def compile_and_report(args: argparse.Namespace, when_errors: str) -> ir.Application:
    """Compile and print every diagnostic; the app, or `ProjectError(when_errors)` when it has errors.

    Warnings go to stdout with the command's output; errors to stderr, and the CLI follows
    them with `motia <command>: <when_errors>` so the user knows what did not happen.
    """
    return report_compiled(compile_or_exit(args), when_errors)


def report_compiled(app: ir.Application, when_errors: str) -> ir.Application:
    """`compile_and_report` of a compiled app."""
    print_diagnostics(app, sys.stderr if app.errors else sys.stdout)
    if app.errors:
        raise ProjectError(when_errors)
    return app


def print_diagnostics(app: ir.Application, stream: TextIO | None = None) -> None:
    from compiler.report import format_diagnostics

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

        from compiler.jsii_direct import discard_runtime_folders

        discard_runtime_folders()  # jsii's exit handler would have; os._exit skips it
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status
