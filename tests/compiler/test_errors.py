"""One error hierarchy: every error the CLI can meet is a MotiaError, reported in one line."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

import compiler.commands.plan as plan_command
from compiler.cli import main
from compiler.errors import MotiaError, UsageError
from tests.conftest import FIXTURE_PROJECTS, REPO

# (module the error is raised from, its name there, the exit status `motia` ends with)
ERRORS = [
    ("compiler.pipeline", "ProjectNotFound", 2),
    ("compiler.emulator.http_server", "PortInUse", 2),
    ("compiler.errors", "UsageError", 2),
    ("compiler.emulator.testing", "ProjectError", 1),
    ("compiler.code_asset", "AssetError", 1),
    ("compiler.synth", "ResourceLimitError", 1),
    ("compiler.deploy.assembly", "AssemblyError", 1),
    ("compiler.deploy.aws", "DeployError", 1),
    ("compiler.emulator.deploy", "DeployError", 1),
    ("compiler.emulator.backend", "MotoMissing", 1),
]


def error_class(module: str, name: str) -> type[MotiaError]:
    found = getattr(importlib.import_module(module), name)
    assert isinstance(found, type)
    return found


@pytest.mark.parametrize(("module", "name", "status"), ERRORS)
def test_each_error_kind_is_a_motia_error_with_its_exit_status(module: str, name: str, status: int) -> None:
    kind = error_class(module, name)
    assert issubclass(kind, MotiaError)
    assert kind.exit_status == status
    assert issubclass(kind, UsageError) == (status == 2)


def test_the_deployer_and_the_emulator_raise_the_same_deploy_error() -> None:
    assert error_class("compiler.deploy.aws", "DeployError") is error_class("compiler.emulator.deploy", "DeployError")


@pytest.mark.parametrize(("module", "name", "status"), ERRORS)
def test_fails_with_one_line_and_the_status_when_a_command_raises(
        module: str, name: str, status: int, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    kind = error_class(module, name)

    def raising(_args: argparse.Namespace) -> int:
        raise kind(f"what went wrong with {name}; the fix")

    monkeypatch.setattr(plan_command, "run", raising)
    assert main(["plan"]) == status
    captured = capsys.readouterr()
    assert captured.err == f"motia plan: what went wrong with {name}; the fix\n"
    assert captured.out == ""


def test_fails_in_one_line_without_traceback_when_synth_meets_a_broken_project() -> None:
    done = subprocess.run([sys.executable, "-m", "compiler", "synth", "--app-dir", str(FIXTURE_PROJECTS / "broken")],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.splitlines()[-1] == "motia synth: nothing written; fix the errors above"


def test_rejects_a_missing_app_dir_as_usage_with_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    # destroy, not synth: in-process, synth's hard exit would end the test run once jsii is loaded.
    assert main(["destroy", "--app-dir", "no/such/project", "--yes"]) == 2
    assert capsys.readouterr().err == (
        "motia destroy: app directory 'no/such/project' does not exist; pass --app-dir with your project folder\n")
