"""Motia's own SDK beside motia-aws is found before any command runs, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import sdk_conflict
from compiler.cli import main
from compiler.errors import UsageError
from compiler.sdk_conflict import check_no_sdk, installed_sdk, motia_is_ours


def test_finds_the_sdks_distribution_and_not_ours(tmp_path: Path) -> None:
    (tmp_path / "motia_aws-0.1.0.dist-info").mkdir()
    assert installed_sdk([str(tmp_path), str(tmp_path / "missing")]) is None
    (tmp_path / "motia-1.0.4rc1.dist-info").mkdir()
    assert installed_sdk([str(tmp_path)]) == ("1.0.4rc1", str(tmp_path))


def test_fails_naming_the_sdk_its_folder_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "motia-1.0.4rc1.dist-info").mkdir()
    with pytest.raises(UsageError, match=r"motia 1\.0\.4rc1, in .*pip uninstall motia.*motia-aws"):
        check_no_sdk([str(tmp_path)])


def test_fails_when_import_motia_finds_another_package(tmp_path: Path) -> None:
    assert motia_is_ours("/site/motia/__init__.py", "/site/compiler/__init__.py")
    assert not motia_is_ours("/other/motia/__init__.py", "/site/compiler/__init__.py")


def test_every_command_refuses_to_run_with_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "motia-1.0.4rc1.dist-info").mkdir()
    monkeypatch.setattr(sdk_conflict, "search_path", lambda: [str(tmp_path)])
    assert main(["plan", "--app-dir", str(tmp_path)]) == 2
    assert "pip uninstall motia" in capsys.readouterr().err


def test_this_environment_has_no_conflict() -> None:
    check_no_sdk()
