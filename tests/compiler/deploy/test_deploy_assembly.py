"""`motia deploy`'s assembly (compiler.commands.deploy.synthesized_artifact): reused when the
inputs did not change, else taken from the assembly cache as `motia synth` leaves it, else
synthesized. No AWS here: this is all before the first call to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.cli import build_parser
from compiler.commands.deploy import synthesized_artifact
from compiler.commands.synth import write_synth
from compiler.pipeline import compile_project

pytestmark = pytest.mark.slow

STAGE = "deploytest"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "orders"


def test_a_deploy_takes_what_motia_synth_cached_without_synthesizing(tmp_path: Path) -> None:
    # GIVEN `motia synth` of a project (a stage of its own: no other test caches its assembly)
    app_dir = Path(shutil.copytree(EXAMPLE, tmp_path / "orders", ignore=shutil.ignore_patterns("__pycache__", "cdk.out")))
    write_synth(compile_project(app_dir, stage=STAGE), tmp_path / "synth.out", validate=False, use_cache=True)
    # WHEN motia deploy wants the assembly in its own folder
    lines: list[str] = []
    args = build_parser().parse_args(["deploy", "--app-dir", str(app_dir), "--stage", STAGE,
                                                                                  "--out", str(tmp_path / "deploy.out")])
    artifact = synthesized_artifact(args, lines.append)
    # THEN it is the cached one, restored there: no synth
    assert lines == ["reusing the cached assembly of orders-deploytest (the same inputs were synthesized before; no synth)"]
    assert artifact.template_path.read_bytes() == (tmp_path / "synth.out" / artifact.template_path.name).read_bytes()
    # AND a second deploy of the same inputs takes the folder as it is
    lines.clear()
    synthesized_artifact(args, lines.append)
    assert lines == [f"reusing the cloud assembly in {tmp_path / 'deploy.out'} (inputs unchanged)"]
