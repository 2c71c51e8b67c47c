"""compiler/code_only.py with `motia synth`: after a change to step code only, the new code asset
is written into the last assembly without compiling (no pydantic, no pipeline, no Node), and the
assembly is the one a fresh synth writes; any change the recorded facts cannot prove code-only
compiles. One Node synth per module: each test copies the project and the cache it filled."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler.code_only import SourceRecord, derive_code_asset, plan_code_only
from compiler.data_access import reach_of
from compiler.assembly_restore import RESTORED_FILE
from compiler.bytecode_cache import compile_asset_bytecode
from tests.compiler.test_resynth import Setup, loaded, recorded_copy

HELLO = '''from motia import http

from lib.greet import greeting

config = {"name": "Hello", "triggers": [http("GET", "/hello")]}


async def handler(request, ctx):
    return {"status": 200, "body": {"greeting": greeting()}}
'''
TICK = '''from motia import cron

config = {"name": "Tick", "triggers": [cron("*/5 * * * *")]}


async def handler(ctx):
    return None
'''
GREET = 'def greeting():\n    return "hi"\n'
CODE_ONLY = "only step code changed in project-dev"


def write_project(root: Path) -> None:
    (root / "steps").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "steps" / "hello_step.py").write_text(HELLO)
    (root / "steps" / "tick_step.py").write_text(TICK)
    (root / "lib" / "__init__.py").write_text("")
    (root / "lib" / "greet.py").write_text(GREET)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    setup = Setup(tmp_path_factory.mktemp("first"))
    write_project(setup.project)
    setup.lib.mkdir()
    first = setup.synth()
    assert first.returncode == 0, first.stderr
    return setup.base


@pytest.fixture
def setup(synthesized: Path, tmp_path: Path) -> Setup:
    return recorded_copy(synthesized, tmp_path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != RESTORED_FILE}


def compiled(run: subprocess.CompletedProcess[str]) -> bool:
    """Did the run compile? (A Node synth exits before saying what it loaded.)"""
    modules = loaded(run)
    return modules is None or "compiler.pipeline" in modules


def fresh_assembly(setup: Setup) -> dict[str, bytes]:
    """What `--no-cache` writes for the project as it is now, into a folder of its own (outside
    the working directory: a new folder there changes the key's `sys.path` part)."""
    other = Setup(setup.base)
    other.out = setup.base.parent / "fresh-out"
    fresh = other.synth("--no-cache")
    assert fresh.returncode == 0, fresh.stderr
    return files_of(other.out)


def test_a_handler_edit_writes_the_new_code_without_compiling(setup: Setup) -> None:
    # GIVEN a synthesized project WHEN only a handler's body changes
    edit(setup.project / "steps" / "hello_step.py", '{"greeting": greeting()}', '{"greeting": greeting(), "v": 2}')
    fast = setup.synth()
    # THEN nothing heavy is imported, the code-only line is printed, and the assembly is a fresh synth's
    assert fast.returncode == 0, fast.stderr
    assert loaded(fast) == []
    assert fast.stdout.startswith(CODE_ONLY)
    assert "Synthesized stack project-dev" in fast.stdout
    assert files_of(setup.out) == fresh_assembly(setup)
    again = setup.synth()  # recorded: the next run is the unchanged one
    assert loaded(again) == [] and again.stdout.startswith("project-dev is unchanged")


def test_a_helper_edit_imports_again_only_what_reaches_it(setup: Setup) -> None:
    edit(setup.project / "lib" / "greet.py", '"hi"', '"hello"')
    fast = setup.synth()
    assert fast.returncode == 0, fast.stderr
    assert loaded(fast) == [] and fast.stdout.startswith(CODE_ONLY)
    assert files_of(setup.out) == fresh_assembly(setup)


@pytest.mark.parametrize("path, old, new, why", [
    ("steps/hello_step.py", '"/hello"', '"/hi"', "a config change"),
    ("steps/hello_step.py", "    return {", "    await ctx.state.set('g', 'k', 1)\n    return {", "new data access"),
    ("lib/greet.py", "def greeting", "import importlib\nimportlib.import_module('json')\n\n\ndef greeting",
     "an import by value"),
    ("steps/tick_step.py", "config = {", "print('tick imported')\nconfig = {", "a print at import"),
])
def test_what_may_change_the_model_compiles(setup: Setup, path: str, old: str, new: str, why: str) -> None:
    edit(setup.project / path, old, new)
    run = setup.synth()
    assert run.returncode == 0, run.stderr
    assert compiled(run), why
    assert files_of(setup.out) == fresh_assembly(setup), why


def test_a_step_file_that_no_longer_imports_is_reported_by_the_compile(setup: Setup) -> None:
    edit(setup.project / "steps" / "hello_step.py", "async def handler", "async def handler(:\nasync def old")
    run = setup.synth()
    assert run.returncode == 1 and compiled(run)
    assert "hello_step.py" in run.stderr and "syntax error" in run.stderr


def test_a_change_outside_the_code_asset_reuses_the_assembly(setup: Setup) -> None:
    # GIVEN a module under tests/ (never packaged, imported by no step) WHEN it changes
    (setup.project / "tests").mkdir()
    (setup.project / "tests" / "check.py").write_text("X = 1\n")
    assert setup.synth().returncode == 0  # a new file: compiled and recorded
    (setup.project / "tests" / "check.py").write_text("X = 2\n")
    run = setup.synth()
    # THEN the last assembly is the answer, said as such, without a compile
    assert run.returncode == 0, run.stderr
    assert loaded(run) == [] and run.stdout.startswith("project-dev is unchanged since its last synth")


def test_a_project_with_the_cdk_hook_compiles_on_every_change(setup: Setup) -> None:
    # GIVEN the project's motia_aws_stack.py reads a step file at synth (it may read any file)
    (setup.project / "motia_aws_stack.py").write_text(
        "from pathlib import Path\nfrom aws_cdk import CfnOutput\n\n\ndef customize(stack, app):\n"
        "    text = Path(__file__).with_name('steps').joinpath('hello_step.py').read_text()\n"
        "    CfnOutput(stack, 'HelloLines', value=str(len(text.splitlines())))\n")
    assert setup.synth().returncode == 0
    # WHEN a handler's body changes THEN the project compiles, and the hook sees the new file
    edit(setup.project / "steps" / "hello_step.py", "    return {", "    x = 1\n    return {")
    run = setup.synth()
    assert run.returncode == 0, run.stderr
    assert compiled(run)
    assert files_of(setup.out) == fresh_assembly(setup)


def test_a_new_file_compiles(setup: Setup) -> None:
    (setup.project / "lib" / "extra.py").write_text("X = 1\n")
    run = setup.synth()
    assert run.returncode == 0, run.stderr
    assert compiled(run)


RECORD = SourceRecord(
    stage="dev", python="3.12",
    fragments=(("steps/a_step.py", "fa"), ("steps/b_step.py", "fb")),
    reach=(("steps/a_step.py", ("lib/util.py", "steps/a_step.py")), ("steps/b_step.py", ("steps/b_step.py",))),
    usage=(("steps/a_step.py", 0, 0), ("steps/b_step.py", 0, 0)),
    stream_reach=("steps/todo.stream.py", "lib/streams.py"), complete=True,
    asset_files=("lib/util.py", "steps/a_step.py", "steps/b_step.py"),
)
BEFORE = {"options": "o", "project/steps/a_step.py": "1", "project/steps/b_step.py": "2", "project/lib/util.py": "3",
          "project/lib/streams.py": "4", "project/.env": "5", "project/motia_aws_stack.py": "6"}


def test_plan_imports_again_the_step_files_that_reach_a_changed_file() -> None:
    without_hook = {k: v for k, v in BEFORE.items() if k != "project/motia_aws_stack.py"}
    plan = plan_code_only(without_hook, {**without_hook, "project/lib/util.py": "x"}, RECORD)
    assert plan is not None and plan.changed == ("lib/util.py",) and plan.reimport == ("steps/a_step.py",)
    plan = plan_code_only(without_hook, {**without_hook, "project/steps/b_step.py": "x"}, RECORD)
    assert plan is not None and plan.reimport == ("steps/b_step.py",)


@pytest.mark.parametrize("now", [
    {**BEFORE, "project/.env": "x"},  # not Python
    {**BEFORE, "options": "x"},  # not a project file
    {**BEFORE, "project/motia_aws_stack.py": "x"},  # the CDK hook
    {**BEFORE, "project/steps/a_step.py": "x"},  # a step file, but the project has the CDK hook
    {**BEFORE, "project/lib/streams.py": "x"},  # a stream config reaches it
    {**BEFORE, "project/lib/new.py": "x"},  # added
    {k: v for k, v in BEFORE.items() if k != "project/lib/util.py"},  # removed
    BEFORE,  # nothing changed: the unchanged fast path's case
])
def test_plan_refuses_what_is_not_step_code(now: dict[str, str]) -> None:
    assert plan_code_only(BEFORE, now, RECORD) is None


def test_plan_refuses_an_incomplete_record_or_a_step_without_fragment() -> None:
    before = {k: v for k, v in BEFORE.items() if k != "project/motia_aws_stack.py"}
    now = {**before, "project/steps/a_step.py": "x"}
    assert plan_code_only(before, now, RECORD) is not None
    assert plan_code_only(before, now, dataclasses.replace(RECORD, complete=False)) is None
    assert plan_code_only(before, now, dataclasses.replace(RECORD, fragments=(("steps/a_step.py", None),))) is None


def test_reach_is_incomplete_when_a_module_imports_by_value(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "a_step.py").write_text("import helper\n")
    (tmp_path / "helper.py").write_text("X = 1\n")
    reach = reach_of(tmp_path / "steps" / "a_step.py", tmp_path)
    assert reach.complete and {p.name for p in reach.files} == {"a_step.py", "helper.py"}
    (tmp_path / "helper.py").write_text("import importlib\nm = importlib.import_module('other')\n")
    assert not reach_of(tmp_path / "steps" / "a_step.py", tmp_path).complete


def test_derive_replaces_changed_files_and_never_writes_through_a_link(tmp_path: Path) -> None:
    # GIVEN an old asset with a step file and its (stand-in) bytecode, and the project's new source
    old = tmp_path / "old"
    (old / "steps" / "__pycache__").mkdir(parents=True)
    (old / "steps" / "a_step.py").write_text("x = 1\n")
    (old / "steps" / "b_step.py").write_text("y = 1\n")
    (old / "lib.py").write_text("z = 1\n")
    project = tmp_path / "project"
    (project / "steps").mkdir(parents=True)
    (project / "steps" / "a_step.py").write_text("x = 2\n")
    before = files_of(old)
    # WHEN the asset is derived without bytecode
    new = derive_code_asset(old, tmp_path / "new", project, ["steps/a_step.py", "tests/not_packaged.py"], (), tmp_path)
    # THEN the changed file is the project's, the others are links, and the old asset is as it was
    assert files_of(new) == {**before, "steps/a_step.py": b"x = 2\n"}
    assert (new / "lib.py").stat().st_ino == (old / "lib.py").stat().st_ino
    assert (new / "steps" / "a_step.py").stat().st_ino != (old / "steps" / "a_step.py").stat().st_ino
    assert files_of(old) == before


def test_derive_compiles_the_changed_bytecode_and_leaves_the_old_one(tmp_path: Path, lambda_python: tuple[str, ...]) -> None:
    python = lambda_python
    old = tmp_path / "old"
    (old / "steps").mkdir(parents=True)
    (old / "steps" / "a_step.py").write_text("x = 1\n")
    compile_asset_bytecode(old, python, tmp_path / "cache")
    before = files_of(old)
    project = tmp_path / "project"
    (project / "steps").mkdir(parents=True)
    (project / "steps" / "a_step.py").write_text("x = 2\n")
    new = derive_code_asset(old, tmp_path / "new", project, ["steps/a_step.py"], python, tmp_path / "cache")
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh)
    compile_asset_bytecode(fresh, python, tmp_path / "other-cache")
    assert files_of(new) == files_of(fresh) != before
    assert files_of(old) == before
