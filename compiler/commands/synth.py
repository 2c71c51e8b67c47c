"""`motia synth`: compile the project and write the CloudFormation cloud assembly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compiler import ir
from compiler.commands.common import add_project_options, compile_and_report, finish

DEFAULT_OUT = Path("cdk.out")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="write the CloudFormation template and assets (cdk.out)",
        description=(
            "Compile the project and write the AWS CDK cloud assembly: the CloudFormation "
            "template of the stack <app>-<stage> and the Lambda code asset (step files, "
            "include_files, the runtime, and requirements.txt installed as manylinux wheels). "
            "Prints the resources by type, the HTTP routes and every warning. An unchanged "
            "project's assembly is copied from the user cache instead of synthesized again "
            "(--no-cache synthesizes afresh). Exit status: "
            "0 written, 1 the project has errors (nothing written), 2 usage error."
        ),
    )
    add_project_options(parser)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
        help=f"cloud assembly directory, replaced on each run (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--validate", action="store_true",
        help="also run the AWS CDK's built-in CloudFormation validator (adds 4-8 s)",
    )
    parser.add_argument(
        "--no-cache", action="store_true",
        help="synthesize afresh instead of copying the cached assembly of an unchanged project",
    )
    parser.set_defaults(run=run, uses_jsii=True)  # see common.finish


def synth_command(args: argparse.Namespace) -> int:
    """Compile, report, synthesize; the exit status. Leaves the jsii process running."""
    app = compile_and_report(args, "nothing written; fix the errors above")
    return write_assembly(app, args.out, validate=args.validate, use_cache=not args.no_cache)


def write_assembly(app: ir.Application, out: Path, *, validate: bool, use_cache: bool = False) -> int:
    # Imported here: loading aws_cdk starts Node, which `motia --help` must not pay for.
    from compiler.synth import synthesize, synthesize_cached
    from compiler.synth_text import render_synth_summary

    if not use_cache:
        result = synthesize(app, out, validate=validate)
    else:
        # A copy, not links: the directory is the user's, tools may write into it.
        result = synthesize_cached(app, out, validate=validate, link=False)
        if result.reused:
            print(f"{app.prefix} is unchanged since its last synth: copied the cached assembly "
                  "(no synth; --no-cache synthesizes afresh)")
        elif result.code_only:
            print(f"only step code changed in {app.prefix}: wrote the new code asset into the cached "
                  "assembly (no synth; --no-cache synthesizes afresh)")
    sys.stdout.write(render_synth_summary(app, result))
    return 0


def run(args: argparse.Namespace) -> int:
    return finish(synth_command(args))
