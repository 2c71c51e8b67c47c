"""`python -m cdk_app` (what `cdk synth` runs through cdk.json) writes the `motia synth` template."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import compiler.synth
from cdk_app.__main__ import main
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


def test_fails_through_cdk_app_over_the_resource_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # The orders example declares a few dozen resources: a low limit stands for 500.
    monkeypatch.setattr(compiler.synth, "MAX_RESOURCES_PER_STACK", 5)
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "cli"))
    monkeypatch.setenv("MOTIA_APP_DIR", str(ORDERS))
    monkeypatch.setenv("MOTIA_STAGE", "limit")
    assert main() == 1
    err = capsys.readouterr().err
    assert err.startswith("cdk_app: stack orders-limit declares ") and "at most 5 per stack. Fix: split" in err
    assert not (tmp_path / "cli" / "orders-limit.template.json").exists()


def test_rejects_a_missing_project_folder_with_the_variable_to_set(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "cli"))
    monkeypatch.setenv("MOTIA_APP_DIR", str(tmp_path / "missing"))
    assert main() == 2
    assert capsys.readouterr().err == (
        f"cdk_app: app directory {str(tmp_path / 'missing')!r} does not exist; set MOTIA_APP_DIR to your project folder\n")
