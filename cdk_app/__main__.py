"""`python -m cdk_app`: what `cdk synth` runs (cdk.json), the same code path as `motia synth`.

The project comes from MOTIA_APP_DIR (default: the current directory), the stage from
MOTIA_STAGE, else the `stage` context (`cdk synth -c stage=prod`), else the default. The
output directory is the one the CDK CLI passes in CDK_OUTDIR.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from compiler.pipeline import DEFAULT_STAGE, ProjectNotFound, compile_project
from compiler.report import format_diagnostics


def main() -> int:
    from compiler.code_asset import AssetError, build_code_asset
    from compiler.synth import add_application_stack, new_app

    # `cdk synth --validation` sets CDK_VALIDATION=true; off otherwise, as in `motia synth`.
    cdk_app = new_app(None, validate=os.environ.get("CDK_VALIDATION", "false") == "true")
    stage = os.environ.get("MOTIA_STAGE") or cdk_app.node.try_get_context("stage") or DEFAULT_STAGE
    try:
        app = compile_project(Path(os.environ.get("MOTIA_APP_DIR", ".")), stage=str(stage))
    except ProjectNotFound as error:
        print(f"motia: {error}; set MOTIA_APP_DIR to your project folder", file=sys.stderr)
        return 2
    lines = format_diagnostics(app.diagnostics)
    if lines:
        print("\n".join(lines), file=sys.stderr)
    if app.errors:
        return 1
    with tempfile.TemporaryDirectory(prefix="motia-asset-") as tmp:
        try:
            code_dir = build_code_asset(app, Path(tmp) / "code")
        except AssetError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        add_application_stack(cdk_app, app, code_dir)
        cdk_app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
