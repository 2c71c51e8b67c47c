"""`motia synth`: compile the project and write the CloudFormation cloud assembly.

An unchanged project (same raw inputs as a recorded synth: `compiler.resynth`) is restored
before anything heavy is imported, and so is one where only step code changed
(`compiler.code_only`); otherwise the project is compiled and synthesized through the assembly
cache, and the run recorded for the next one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.commands.common import add_project_options, compile_sources_or_exit, finish, report_compiled

if TYPE_CHECKING:
    from compiler import ir
    from compiler.input_key import Inputs, SynthRequest
    from compiler.synth import SynthResult

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
            "project's assembly is taken from the user cache instead of synthesized again, and "
            "after a change to step code only the new code asset is written into it, without "
            "compiling the project or starting Node (--no-cache synthesizes afresh). Exit status: "
            "0 written, 1 the project has errors (nothing written), 2 usage error."
        ),
    )
    add_project_options(parser)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
        help=f"cloud assembly directory, replaced on each run (default: {DEFAULT_OUT}); a folder holding the "
             "project or other files is refused, never emptied",
    )
    parser.add_argument(
        "--validate", action="store_true",
        help="also run the AWS CDK's built-in CloudFormation validator (adds 4-8 s)",
    )
    parser.add_argument(
        "--no-cache", action="store_true",
        help="compile and synthesize afresh instead of reusing the cached assembly (unchanged project) or "
             "writing only the new code asset into it (step code changed)",
    )
    parser.set_defaults(run=run, uses_jsii=True)  # see common.finish


def synth_command(args: argparse.Namespace, request: SynthRequest | None = None,
                  before: Inputs | None = None) -> int:
    """Compile, report, synthesize; the exit status. Leaves the jsii process running.
    With `request` and its inputs `before` the compile, the run is recorded for the fast path."""
    from compiler import resynth

    # Beside the compile, Node starts and loads aws-cdk-lib.
    from compiler.synth import preload_cdk

    preload_cdk(args.validate)
    with resynth.teeing_stderr() as stderr:  # step files print while imported: replayed on a hit
        compiled = compile_sources_or_exit(args)
        app = report_compiled(compiled.app, "nothing written; fix the errors above")
    result = write_synth(app, args.out, validate=args.validate, use_cache=not args.no_cache)
    if request is not None and before is not None and result.entry_key:
        from compiler.code_asset import project_files
        from compiler.code_only import source_record
        from compiler.report import format_diagnostics
        from compiler.synth_text import render_synth_summary

        warnings = "".join(line + "\n" for line in format_diagnostics(app.diagnostics))
        summary = render_synth_summary(app, result)
        sources = source_record(request.app_dir, args.stage, app.settings.python, compiled.fragments,
                                compiled.stream_files, compiled.reaches, tuple(item.dest for item in project_files(app)))
        resynth.remember(request, before, resynth.Record(result.entry_key, app.prefix, warnings, summary,
                                                         stderr.copy.getvalue(), external=(), sources=sources))
    return 0


def write_assembly(app: ir.Application, out: Path, *, validate: bool, use_cache: bool = False) -> int:
    """`write_synth`, as an exit status."""
    write_synth(app, out, validate=validate, use_cache=use_cache)
    return 0


def write_synth(app: ir.Application, out: Path, *, validate: bool, use_cache: bool = False) -> SynthResult:
    """Synthesize `app` into `out` (through the assembly cache when `use_cache`), print what
    was done; the result."""
    # Imported here: loading aws_cdk starts Node, which `motia --help` must not pay for.
    from compiler.resynth import code_only_line, reused_line
    from compiler.synth import synthesize, synthesize_cached
    from compiler.synth_text import render_synth_summary

    if not use_cache:
        result = synthesize(app, out, validate=validate)
    else:
        # link=False: the directory is the user's; what it shares with the cache is checked (assembly_entries).
        result = synthesize_cached(app, out, validate=validate, link=False)
        if result.reused:
            print(reused_line(app.prefix))
        elif result.code_only:
            print(code_only_line(app.prefix))
    sys.stdout.write(render_synth_summary(app, result))
    return result


def run(args: argparse.Namespace) -> int:
    from compiler.assembly_restore import check_out_dir

    check_out_dir(args.out, args.app_dir)  # before anything is written there, the fast paths too
    if args.no_cache:
        return finish(synth_command(args))
    from compiler import resynth
    from compiler.code_asset import default_cache_root
    from compiler.input_key import ProjectTooLarge, inputs_of

    request = resynth.request_of(args, default_cache_root())
    if request is None:
        return finish(synth_command(args))
    try:
        before = inputs_of(request, os.environ)
    except ProjectTooLarge:
        return finish(synth_command(args))
    if resynth.replay_unchanged(request, before, sys.stdout, sys.stderr) or resynth.replay_code_only(request, before, sys.stdout):
        return 0
    return finish(synth_command(args, request, before))
