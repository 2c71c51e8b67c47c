"""`python -m cdk_app` (what `cdk synth` runs through cdk.json) writes the `motia synth` template."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.pipeline import compile_project
from compiler.synth import synthesize

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
ORDERS = REPO / "examples" / "orders"


def test_cdk_json_runs_the_cdk_app_module() -> None:
    assert json.loads((REPO / "cdk.json").read_text())["app"] == "python -m cdk_app"


def test_cdk_app_writes_the_same_template_as_motia_synth(tmp_path: Path) -> None:
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path / "cli"), "MOTIA_APP_DIR": str(ORDERS),
           "MOTIA_STAGE": "cdk"}
    done = subprocess.run([sys.executable, "-m", "cdk_app"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ours = synthesize(compile_project(ORDERS, stage="cdk"), tmp_path / "motia")
    assert (tmp_path / "cli" / "orders-cdk.template.json").read_bytes() == ours.template_path.read_bytes()
