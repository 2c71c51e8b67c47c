"""compiler/resynth.py with `motia synth`: an unchanged project is restored from its record without
compiling and prints what a compiling run prints; any change, a corrupt record or a changed
module imported from outside the project falls back to compiling. One Node synth per module:
each test copies the project and the cache it filled."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import resynth
from compiler.input_key import SynthRequest, inputs_of

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
STEP = '''from greeting import NAME
from motia import http

print("importing the hello step")  # what a step prints at import goes to stderr, replayed on a hit

config = {"name": NAME, "triggers": [http("GET", "/hello")]}


def handler(request, ctx):
    return {"status": 200, "body": {"greeting": "hi"}}
'''
# Run the CLI in a fresh process and, when it returns (no jsii: os._exit skips this), say
# which heavy modules it loaded.
CLI = """
import json, sys
from compiler.cli import main
status = main(sys.argv[1:])
heavy = ("pydantic", "compiler.pipeline", "compiler.synth", "jsii", "aws_cdk")
print("LOADED " + json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
sys.exit(status)
"""


def write_project(root: Path, lib: Path) -> Path:
    """One HTTP step whose name comes from a module outside the project (on PYTHONPATH)."""
    (root / "steps").mkdir(parents=True)
    (root / "steps" / "hello_step.py").write_text(STEP)
    lib.mkdir(parents=True, exist_ok=True)
    (lib / "greeting.py").write_text('NAME = "Hello"\n')
    return root


class Setup:
    """A project, its outside library, the cache and out folders, in one folder of a test's own."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.project, self.lib = base / "project", base / "lib"
        self.cache, self.out = base / "cache", base / "out"

    def env(self) -> dict[str, str]:
        # pytest names the phase (setup, call) in PYTEST_CURRENT_TEST: a variable like any
        # other to the key, so it is left out as a user's shell would not have it.
        env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_SILENCE") and k != "PYTEST_CURRENT_TEST"}
        return {**env, "MOTIA_CACHE_DIR": str(self.cache), "PYTHONPATH": os.pathsep.join((str(REPO), str(self.lib)))}

    def synth(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", CLI, "synth", "--app-dir", str(self.project),
                               "--out", str(self.out), *extra],
                              cwd=self.base, env=self.env(), capture_output=True, text=True, timeout=180)

    def records(self) -> list[Path]:
        return sorted((self.cache / resynth.RECORDS_DIR).glob("*.json"))


def loaded(run: subprocess.CompletedProcess[str]) -> list[str] | None:
    lines = [line for line in run.stderr.splitlines() if line.startswith("LOADED ")]
    return json.loads(lines[-1].removeprefix("LOADED ")) if lines else None


def without_loaded(stderr: str) -> str:
    return "".join(line + "\n" for line in stderr.splitlines() if not line.startswith("LOADED "))


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose project was synthesized once (Node): its cache holds the entry and a record."""
    setup = Setup(tmp_path_factory.mktemp("first"))
    write_project(setup.project, setup.lib)
    first = setup.synth()
    assert first.returncode == 0, first.stderr
    assert "Synthesized stack project-dev" in first.stdout
    return setup.base


def recorded_copy(synthesized: Path, tmp_path: Path) -> Setup:
    """A copy of a synthesized folder at the same path layout, free to change, synthesized once
    more so the record has its paths (a compile, no Node: the entry is in the copied cache)."""
    copy = tmp_path / "copy"
    shutil.copytree(synthesized, copy, symlinks=True)
    moved = Setup(copy)
    shutil.rmtree(moved.out)
    first = moved.synth()
    assert first.returncode == 0, first.stderr
    return moved


@pytest.fixture
def setup(synthesized: Path, tmp_path: Path) -> Setup:
    return recorded_copy(synthesized, tmp_path)


def test_an_unchanged_resynth_restores_without_compiling_and_prints_what_a_compile_prints(setup: Setup) -> None:
    # GIVEN a project synthesized and recorded WHEN `motia synth` runs again unchanged
    fast = setup.synth()
    # THEN nothing heavy was imported, the assembly is there, and the output is a compiling run's
    assert fast.returncode == 0, fast.stderr
    assert loaded(fast) == []
    assert fast.stdout.startswith("project-dev is unchanged since its last synth: reused the cached assembly")
    assert (setup.out / "project-dev.template.json").is_file()
    for record in setup.records():
        record.unlink()
    compiled = setup.synth()
    # A compiling run: Node loads aws-cdk-lib beside the compile (compiler.synth.preload_cdk), so
    # the process leaves through os._exit, before the LOADED report.
    assert loaded(compiled) is None
    assert (fast.stdout, without_loaded(fast.stderr)) == (compiled.stdout, without_loaded(compiled.stderr))
    assert "importing the hello step" in fast.stderr


def test_restores_an_out_folder_a_tool_changed(setup: Setup) -> None:
    # GIVEN a tool that replaced a file of the out folder (a new file renamed over it, as
    # editors and `sync_folder` do) WHEN `motia synth` runs unchanged THEN it restores it
    template = setup.out / "project-dev.template.json"
    expected = template.read_bytes()
    (setup.out / "new.json").write_text("{}")
    os.replace(setup.out / "new.json", template)
    fast = setup.synth()
    assert loaded(fast) == [] and template.read_bytes() == expected


def test_fails_over_to_synthesizing_when_a_tool_wrote_into_a_file_the_cache_shares(setup: Setup) -> None:
    # GIVEN the out folder's files are hard links to the cache entry's (it had no other link)
    # and a tool wrote one in place (truncated, as Node's writeFileSync in `cdk synth`)
    template = setup.out / "project-dev.template.json"
    expected = template.read_bytes()
    assert template.stat().st_nlink == 2
    with template.open("r+b") as tool:
        tool.write(b"{}" + b" " * (len(expected) - 2))  # same size
    # WHEN `motia synth` runs unchanged THEN the changed entry is not served: it synthesizes again
    again = setup.synth()
    assert again.returncode == 0, again.stderr
    assert "Synthesized stack project-dev" in again.stdout and "unchanged" not in again.stdout
    assert template.read_bytes() == expected


def test_fails_over_to_compiling_when_a_step_changes(setup: Setup) -> None:
    step = setup.project / "steps" / "hello_step.py"
    step.write_text(step.read_text().replace('"hi"', '"hello again"'))
    changed = setup.synth()
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith("only step code changed in project-dev")
    again = setup.synth()  # the change was recorded: the next run is fast again
    assert loaded(again) == [] and again.stdout.startswith("project-dev is unchanged")


def test_fails_over_to_compiling_when_a_module_outside_the_project_changes(setup: Setup) -> None:
    # GIVEN the step's name comes from a module on PYTHONPATH, outside every keyed folder
    (setup.lib / "greeting.py").write_text('NAME = "Goodbye"\n')
    # WHEN it changes THEN the record is not replayed: the compile sees the new name
    changed = setup.synth()
    assert loaded(changed) != []
    assert "Goodbye" in "".join(p.read_text() for p in setup.out.glob("*.template.json"))  # its step's nested stack


def test_fails_over_to_compiling_when_an_option_or_a_variable_changes(setup: Setup) -> None:
    staged = setup.synth("--stage", "qa")
    assert staged.returncode == 0, staged.stderr
    assert "project-qa" in staged.stdout and loaded(staged) != []


def test_fails_over_to_compiling_when_a_record_is_corrupt_or_its_entry_is_gone(setup: Setup) -> None:
    for record in setup.records():  # the copy's, and the first folder's (keyed by other paths)
        record.write_text("{not json")
    broken = setup.synth()
    assert broken.returncode == 0, broken.stderr
    assert loaded(broken) != [] and broken.stdout.startswith("project-dev is unchanged")
    shutil.rmtree(setup.cache / "assemblies")
    pruned = setup.synth()
    assert pruned.returncode == 0, pruned.stderr
    assert "Synthesized stack project-dev" in pruned.stdout


def test_no_cache_never_replays(setup: Setup) -> None:
    fresh = setup.synth("--no-cache")
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout.startswith("Synthesized stack project-dev")


def request_for(root: Path) -> SynthRequest:
    return SynthRequest(root.resolve(), (root / "cdk.out").resolve(), (root / ".cache").resolve(), ())


RECORD = resynth.Record("entrykey", "hello-dev", "", "summary\n", "", ())


def test_remember_skips_inputs_changed_during_the_synth(tmp_path: Path) -> None:
    # GIVEN inputs taken before a compile WHEN a step file is edited before the synth ends
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "a_step.py").write_text("a = 1\n")
    request = request_for(tmp_path)
    before = inputs_of(request, os.environ)
    (tmp_path / "steps" / "a_step.py").write_text("a = 2\n")
    resynth.remember(request, before, RECORD)
    # THEN nothing is recorded: the assembly is the old file's, the inputs the new one's
    assert not (tmp_path / ".cache" / resynth.RECORDS_DIR).exists()


def test_remember_skips_a_layout_file_the_user_changed_during_the_synth(tmp_path: Path) -> None:
    # GIVEN a project with a layout file WHEN it is edited during the synth (the synth never
    # writes one) THEN nothing is recorded: the assembly has the old layout
    (tmp_path / "steps").mkdir()
    (tmp_path / "motia-stacks.json").write_text('{"layout": "flat"}')
    request = request_for(tmp_path)
    before = inputs_of(request, os.environ)
    (tmp_path / "motia-stacks.json").write_text('{"layout": "nested"}')
    resynth.remember(request, before, RECORD)
    assert not (tmp_path / ".cache" / resynth.RECORDS_DIR).exists()


def test_an_out_folder_of_other_files_is_refused_not_replaced_even_by_the_fast_path(setup: Setup) -> None:
    # The recorded synth restored into setup.out; the folder then became someone's notes.
    shutil.rmtree(setup.out)
    setup.out.mkdir()
    (setup.out / "notes.txt").write_text("mine\n")
    run = setup.synth()
    assert run.returncode == 2
    assert "--out" in run.stderr and "holds files that are not a cloud assembly (notes.txt)" in run.stderr
    assert "Traceback" not in run.stderr
    assert [p.name for p in setup.out.iterdir()] == ["notes.txt"]


def test_the_project_folder_is_never_an_out_folder(setup: Setup) -> None:
    before = sorted(p.relative_to(setup.project) for p in setup.project.rglob("*"))
    run = setup.synth("--out", str(setup.project))
    assert run.returncode == 2
    assert f"--out {setup.project} is the project folder" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.relative_to(setup.project) for p in setup.project.rglob("*")) == before
