"""Golden CloudFormation templates: every change to what a project deploys shows up as a diff.

One synth per project for this module (Node starts once per process). Regenerate with
`pytest tests/compiler/test_template_golden.py --update-golden` and review
`git diff tests/golden`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.pipeline import compile_project
from compiler.stack_layout import LAYOUT_FILE
from compiler.synth import SynthResult, assembly_templates, synthesize
from tests.conftest import EXAMPLES, FIXTURE_PROJECTS, GOLDEN, REPO, check_golden

EMULATOR_PROJECTS = FIXTURE_PROJECTS.parent / "emulator"
# Every fixture project that compiles without errors, and the example.
PROJECTS = {
    "orders": EXAMPLES / "orders",
    "generations": FIXTURE_PROJECTS / "generations",
    "relative_imports": FIXTURE_PROJECTS / "relative_imports",
    "sub_minute_crons": FIXTURE_PROJECTS / "sub_minute_crons",
    "emulator_flows": EMULATOR_PROJECTS / "flows",
    "emulator_slow": EMULATOR_PROJECTS / "slow",
    "emulator_load": EMULATOR_PROJECTS / "load",
    "emulator_realtime": EMULATOR_PROJECTS / "realtime",
}
STAGE = "ci"  # the stage the other synth tests use; it reaches names, tags and the description
THIS_FILE = "tests/compiler/test_template_golden.py"
# Placeholders for what depends on the machine or on code outside the project.
ASSET_HASH = "<asset-hash>"  # content hash of the code asset: changes with lambda_runtime/, motia/
CDK_OUT = "<cdk.out>"
PROJECT_DIR = "<project>"
REPO_DIR = "<repo>"


def replace_all(value: Any, replacements: dict[str, str]) -> Any:
    """`value` (parsed JSON) with every occurrence of each key replaced, in strings and keys."""
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [replace_all(item, replacements) for item in value]
    if isinstance(value, dict):
        return {replace_all(k, replacements): replace_all(v, replacements) for k, v in value.items()}
    return value


def asset_hashes(result: SynthResult) -> list[str]:
    """Hashes of the assets the stack's asset manifest lists: the code asset, the template itself."""
    manifest = json.loads((result.out_dir / f"{result.stack_name}.assets.json").read_text())
    return sorted({*manifest.get("files", {}), *manifest.get("dockerImages", {})})


def normalised_template(result: SynthResult, project_dir: Path) -> str:
    """The stack's templates as golden text: placeholders for hashes and paths, sorted keys."""
    # Longest first: the assembly may sit inside the project or the repository.
    paths = sorted({str(result.out_dir): CDK_OUT, str(project_dir): PROJECT_DIR, str(REPO): REPO_DIR}.items(),
                   key=lambda item: len(item[0]), reverse=True)
    replacements = {**{h: ASSET_HASH for h in asset_hashes(result)}, **dict(paths)}
    # The root template and each nested one (every project is nested: compiler.stack_layout), by file.
    templates = {path.name: json.loads(path.read_text())
                 for path in assembly_templates(result.out_dir, result.template_path)}
    return json.dumps(replace_all(templates, replacements), sort_keys=True, indent=2) + "\n"


@pytest.fixture(scope="module", params=sorted(PROJECTS))
def synthesized(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, SynthResult]:
    """(project name, its assembly), synthesized once for this module."""
    name: str = request.param
    app = compile_project(PROJECTS[name], stage=STAGE)
    assert app.errors == ()
    return name, synthesize(app, tmp_path_factory.mktemp(name) / "cdk.out")


@pytest.mark.slow
def test_template_matches_golden(synthesized: tuple[str, SynthResult], update_golden: bool) -> None:
    name, result = synthesized
    template = normalised_template(result, PROJECTS[name])
    check_golden(GOLDEN / f"{name}.template.json", template, update_golden, THIS_FILE)


@pytest.mark.slow
def test_normalised_template_holds_no_asset_hash_or_machine_path(synthesized: tuple[str, SynthResult]) -> None:
    name, result = synthesized
    template = normalised_template(result, PROJECTS[name])
    hashes = asset_hashes(result)
    assert any(h in result.template_path.read_text() for h in hashes)
    assert len(json.loads(template)) > 1  # the root and its nested stacks
    assert not (PROJECTS[name] / LAYOUT_FILE).exists()  # nested without a record: the synth writes none
    assert not any(h in template for h in hashes)
    assert f'"{ASSET_HASH}.zip"' in template
    assert str(result.out_dir) not in template and str(REPO) not in template


def test_every_fixture_project_that_compiles_has_a_template_golden() -> None:
    folders = [*FIXTURE_PROJECTS.iterdir(), *EMULATOR_PROJECTS.iterdir()]
    compiling = {p.resolve() for p in folders if p.is_dir() and not compile_project(p).errors}
    covered = {p.resolve() for p in PROJECTS.values()}
    assert compiling - covered == set(), "add the project to PROJECTS and run with --update-golden"


def test_normalising_replaces_hashes_and_paths_inside_strings_and_keys() -> None:
    replacements = {"abc123": ASSET_HASH, "/home/me/app": PROJECT_DIR}
    template = {"Code": {"S3Key": "abc123.zip"}, "Metadata": {"/home/me/app/x": ["asset.abc123", 5, None]}}
    assert replace_all(template, replacements) == {
        "Code": {"S3Key": f"{ASSET_HASH}.zip"},
        "Metadata": {f"{PROJECT_DIR}/x": [f"asset.{ASSET_HASH}", 5, None]},
    }
