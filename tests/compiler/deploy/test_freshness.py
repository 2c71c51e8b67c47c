from __future__ import annotations

import shutil
from pathlib import Path

from compiler.deploy.freshness import FINGERPRINT_FILE, assembly_is_current, fingerprint, record_fingerprint
from compiler.pipeline import compile_project
from compiler.assembly_cache import CUSTOMIZE_HOOK_FILE
from compiler.stack_layout import record_layout

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "orders"


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "orders", ignore=shutil.ignore_patterns("__pycache__", "cdk.out")))


def test_same_project_same_fingerprint(tmp_path: Path) -> None:
    app_dir = _copy(tmp_path)
    assert fingerprint(compile_project(app_dir)) == fingerprint(compile_project(app_dir))


def test_editing_a_handler_changes_the_fingerprint(tmp_path: Path) -> None:
    app_dir = _copy(tmp_path)
    before = fingerprint(compile_project(app_dir))
    step = app_dir / "steps" / "notifications" / "send_confirmation_step.py"
    step.write_text(step.read_text().replace("confirmation sent", "confirmation mailed"))
    assert fingerprint(compile_project(app_dir)) != before


def test_a_layout_record_changes_the_fingerprint(tmp_path: Path) -> None:
    app_dir = _copy(tmp_path)
    before = fingerprint(compile_project(app_dir))
    record_layout(app_dir, "flat")
    assert fingerprint(compile_project(app_dir)) != before
    record_layout(app_dir, "nested")  # the default, written out: the same assembly
    assert fingerprint(compile_project(app_dir)) == before


def test_the_customize_hook_changes_the_fingerprint(tmp_path: Path) -> None:
    app_dir = _copy(tmp_path)
    before = fingerprint(compile_project(app_dir))
    (app_dir / CUSTOMIZE_HOOK_FILE).write_text("def customize(stack, app):\n    pass\n")
    with_hook = fingerprint(compile_project(app_dir))
    (app_dir / CUSTOMIZE_HOOK_FILE).write_text("def customize(stack, app):\n    stack.node.add_metadata('x', 1)\n")
    assert len({before, with_hook, fingerprint(compile_project(app_dir))}) == 3


def test_another_stage_changes_the_fingerprint(tmp_path: Path) -> None:
    app_dir = _copy(tmp_path)
    assert fingerprint(compile_project(app_dir, stage="prod")) != fingerprint(compile_project(app_dir))


def test_a_recorded_fingerprint_marks_the_assembly_current(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{}")
    record_fingerprint(tmp_path, "abc")
    assert assembly_is_current(tmp_path, "abc")
    assert not assembly_is_current(tmp_path, "abd")


def test_rejects_an_assembly_without_manifest_as_current(tmp_path: Path) -> None:
    (tmp_path / FINGERPRINT_FILE).write_text("abc\n")
    assert not assembly_is_current(tmp_path, "abc")
