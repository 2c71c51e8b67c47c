"""compiler/input_key.py: the raw inputs of `motia synth`, hashed without compiling. Every input
that can change the assembly changes the key; what never can (bytecode, VCS folders, the
assembly written, variables the shell changes by itself) leaves it as it was."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import pytest

from compiler.input_key import (
    Inputs,
    ProjectTooLarge,
    SynthRequest,
    changed_labels,
    covered_folders,
    external_files,
    inputs_of,
    project_digests,
)

ENV = {"HOME": "/home/me", "PATH": "/usr/bin", "_": "/usr/bin/motia", "SHLVL": "1"}


def write_project(root: Path) -> Path:
    (root / "steps").mkdir(parents=True)
    (root / "steps" / "hello_step.py").write_text("config = {'name': 'Hello'}\n")
    (root / ".env").write_text("GREETING=hi\n")
    return root


def request(root: Path, **options: str) -> SynthRequest:
    return SynthRequest(root.resolve(), (root / "cdk.out").resolve(), (root / ".cache").resolve(),
                        tuple(sorted({"stage": "dev", **options}.items())))


def key(root: Path, environ: dict[str, str] = ENV, **options: str) -> str:
    return inputs_of(request(root, **options), environ).key


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


def test_same_inputs_give_the_same_key(project: Path) -> None:
    assert key(project) == key(project)


@pytest.mark.parametrize("change", [
    lambda root: (root / "steps" / "hello_step.py").write_text("config = {'name': 'Bye'}\n"),
    lambda root: (root / "steps" / "other_step.py").write_text(""),
    lambda root: (root / ".env").write_text("GREETING=hello\n"),
    lambda root: (root / ".env.prod").write_text("X=1\n"),
    lambda root: (root / "data.json").write_text("{}"),  # a step may read it at import, or include it
    lambda root: (root / "tests").mkdir() or (root / "tests" / "helper.py").write_text(""),
    lambda root: (root / ".hidden").mkdir() or (root / ".hidden" / "x_step.py").write_text(""),
    lambda root: (root / "motia-stacks.json").write_text('{"layout": "nested"}'),
    lambda root: (root / "requirements.txt").write_text("requests==2.0\n"),
])
def test_misses_when_a_project_file_changes_or_appears(project: Path, change: Callable[[Path], object]) -> None:
    before = key(project)
    change(project)
    assert key(project) != before


def test_misses_when_a_project_file_is_removed(project: Path) -> None:
    before = key(project)
    (project / ".env").unlink()
    assert key(project) != before


@pytest.mark.parametrize("folder", ["__pycache__", ".git", "node_modules", "cdk.out", ".mypy_cache"])
def test_keeps_the_key_when_a_folder_that_holds_no_input_changes(project: Path, folder: str) -> None:
    before = key(project)
    (project / "steps" / folder).mkdir()
    (project / "steps" / folder / "x.py").write_text("anything")
    assert key(project) == before


def test_keeps_the_key_when_the_out_folder_or_the_cache_inside_the_project_changes(project: Path) -> None:
    before = key(project)
    for name in ("cdk.out", ".cache"):
        (project / name).mkdir()
        (project / name / "entry.json").write_text("{}")
    assert key(project) == before


def test_keeps_the_key_when_a_virtualenv_in_the_project_changes(project: Path) -> None:
    before = key(project)
    (project / "env311").mkdir()
    (project / "env311" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / "env311" / "lib.py").write_text("")
    assert key(project) == before


def test_misses_when_an_option_changes(project: Path) -> None:
    assert key(project, stage="prod") != key(project)
    assert key(project, validate="True") != key(project, validate="False")


def test_misses_when_an_environment_variable_changes_or_appears(project: Path) -> None:
    assert key(project, {**ENV, "HOME": "/home/you"}) != key(project)
    assert key(project, {**ENV, "ORDERS_TABLE": "x"}) != key(project)


def test_keeps_the_key_when_only_variables_the_shell_changes_by_itself_change(project: Path) -> None:
    assert key(project, {**ENV, "_": "/usr/bin/env", "SHLVL": "3", "OLDPWD": "/tmp"}) == key(project)


def test_misses_when_the_working_directory_changes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = key(project)
    monkeypatch.chdir(project)
    assert key(project) != before


def test_misses_when_the_tool_changes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import compiler.input_key as input_key

    before = key(project)
    monkeypatch.setattr(input_key, "sources_fingerprint", lambda root: "edited " + str(root))
    assert key(project) != before


def test_misses_when_a_distribution_is_installed_on_the_path(project: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    before = key(project)
    (site / "requests-2.32.0.dist-info").mkdir()
    assert key(project) != before
    before = key(project)
    (site / "requests-2.32.0.dist-info").rename(site / "requests-2.33.0.dist-info")  # an upgrade
    assert key(project) != before


def test_files_hashed_again_keep_what_the_process_fixed(project: Path) -> None:
    # GIVEN the inputs at the start WHEN the synth sets variables of its own (jsii's)
    before = inputs_of(request(project), ENV)
    after = inputs_of(request(project), {**ENV, "CDK_VALIDATION": "false"}, before)
    # THEN only files are hashed again: nothing changed
    assert after == before
    (project / "motia-stacks.json").write_text('{"layout": "flat"}')
    assert changed_labels(before, inputs_of(request(project), ENV, before)) == {"project/motia-stacks.json"}


def test_a_fifo_is_keyed_by_its_kind_and_never_read(project: Path) -> None:
    os.mkfifo(project / "pipe")  # reading it would block for ever
    assert project_digests(project)["project/pipe"].startswith("special")


def test_fails_over_past_the_size_limit(project: Path) -> None:
    with pytest.raises(ProjectTooLarge):
        project_digests(project, limit=10)


def test_project_digests_label_files_by_their_path_in_the_project(project: Path) -> None:
    assert sorted(project_digests(project)) == ["project/.env", "project/steps/hello_step.py"]


def test_external_files_are_the_modules_outside_every_covered_folder(tmp_path: Path) -> None:
    covered, outside = tmp_path / "covered", tmp_path / "outside"
    for folder in (covered, outside):
        folder.mkdir()
        (folder / "lib.py").write_text("")
    found = external_files([str(covered / "lib.py"), str(outside / "lib.py"), str(outside / "missing.py")],
                           [covered])
    assert found == (str((outside / "lib.py").resolve()),)


def test_covered_folders_hold_the_project_the_tool_and_the_standard_library(project: Path) -> None:
    folders = covered_folders(request(project))
    assert project.resolve() in folders
    assert Path(os.path.realpath(os.path.dirname(os.__file__))) in folders
    compiler_file = sys.modules["compiler.input_key"].__file__
    assert compiler_file is not None
    assert external_files([compiler_file, os.__file__], folders) == ()


def test_inputs_key_depends_on_every_part() -> None:
    assert Inputs((("a", "1"),)).key != Inputs((("a", "2"),)).key != Inputs((("b", "1"),)).key
