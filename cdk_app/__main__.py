"""`python -m cdk_app`: what `cdk synth` runs (cdk.json), the same code path as `motia synth`.

The project comes from MOTIA_APP_DIR (default: the current directory), the stage from
MOTIA_STAGE, else the `stage` context (`cdk synth -c stage=prod`), else the default. The
output directory is the one the CDK CLI passes in CDK_OUTDIR. Synthesis goes through
`compiler.synth.synthesize_into`, so every check of `motia synth` (the resource limit
included) holds for `cdk synth` too.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from compiler.errors import MotiaError, ProjectError, ProjectNotFound
from compiler.pipeline import DEFAULT_STAGE, compile_project
from compiler.report import format_diagnostics

ENV_APP_DIR = "MOTIA_APP_DIR"
ENV_STAGE = "MOTIA_STAGE"


def _app_dir() -> Path:
    app_dir = Path(os.environ.get(ENV_APP_DIR, "."))
    if not app_dir.is_dir():
        raise ProjectNotFound(f"app directory {str(app_dir)!r} does not exist; set {ENV_APP_DIR} to your project folder")
    return app_dir


def synth() -> None:
    """Compile the project and synthesize it into CDK_OUTDIR; a `MotiaError` when it cannot be."""
    from compiler.synth import new_app, synthesize_into

    # The CDK CLI always sets CDK_OUTDIR; run by hand, the CDK picks a temporary folder.
    out_dir = os.environ.get("CDK_OUTDIR")
    # `cdk synth --validation` sets CDK_VALIDATION=true; off otherwise, as in `motia synth`.
    cdk_app = new_app(Path(out_dir) if out_dir else None,
                      validate=os.environ.get("CDK_VALIDATION", "false") == "true")
    stage = os.environ.get(ENV_STAGE) or cdk_app.node.try_get_context("stage") or DEFAULT_STAGE
    app = compile_project(_app_dir(), stage=str(stage))
    lines = format_diagnostics(app.diagnostics)
    if lines:
        print("\n".join(lines), file=sys.stderr)
    if app.errors:
        raise ProjectError("nothing synthesized; fix the errors above")
    synthesize_into(cdk_app, app)


def main() -> int:
    try:
        synth()
    except MotiaError as error:
        print(f"cdk_app: {error}", file=sys.stderr)
        return error.exit_status
    return 0


if __name__ == "__main__":
    sys.exit(main())
