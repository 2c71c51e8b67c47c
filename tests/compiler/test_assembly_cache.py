"""compiler/assembly_cache.py and `synthesize_cached`: an unchanged project reuses its
assembly without Node; any change that reaches the assembly misses. One synth per module:
the key tests compare keys, the store tests use small assemblies of their own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from compiler import assembly_cache, assembly_restore
from compiler.assembly_cache import assembly_key
from compiler.assembly_entries import (
    ASSEMBLY_DIR,
    ENTRY_FILE,
    MAX_ENTRIES,
    STAGING_PREFIX,
    TRASH_PREFIX,
    CachedAssembly,
    assemblies_root,
    commit,
    lookup,
    new_staging_dir,
    prune,
)
from compiler.file_digest import sources_fingerprint
from compiler.ir import Application
from compiler.pipeline import compile_project
from compiler.synth import SynthResult, synthesize, synthesize_cached

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
STEP = '''from motia import http

config = {"name": "Hello", "triggers": [http("GET", "/hello")], "include_files": ["../data/greeting.txt"]}


def handler(request, ctx):
    return {"status": 200, "body": {"greeting": "hi"}}
'''


def write_project(root: Path) -> Path:
    """One HTTP step with an include file, and requirements that install nothing (no pip)."""
    (root / "steps").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "steps" / "hello_step.py").write_text(STEP)
    (root / "data" / "greeting.txt").write_text("hello\n")
    (root / "requirements.txt").write_text("# nothing to install yet\n")
    return root


def compiled(root: Path, stage: str = "dev") -> Application:
    app = compile_project(root, stage=stage, app_name="hello")
    assert not app.errors, app.diagnostics
    return app


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, SynthResult]:
    """(project, cache root, result) of the module's one synth, which filled the cache."""
    project = write_project(tmp_path_factory.mktemp("project"))
    cache_root = tmp_path_factory.mktemp("cache")
    result = synthesize_cached(compiled(project), tmp_path_factory.mktemp("out") / "cdk.out",
                               cache_root=cache_root)
    return project, cache_root, result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of this test's own, free to change."""
    return write_project(tmp_path / "project")


# --- hits ---------------------------------------------------------------------------------

def test_first_synth_stores_a_whole_entry(cached: tuple[Path, Path, SynthResult]) -> None:
    project, cache_root, result = cached
    assert not result.reused
    assert result.template_path == result.out_dir / "hello-dev.template.json"
    entry = lookup(assemblies_root(cache_root), assembly_key(compiled(project)))
    assert entry is not None and entry.stack_name == "hello-dev"
    assert (entry.assembly_dir / entry.template_file).read_bytes() == result.template_path.read_bytes()
    assert entry.resource_counts == result.resource_counts


def test_first_synth_links_its_out_folder_to_the_entry_it_committed(cached: tuple[Path, Path, SynthResult]) -> None:
    # Not copied again: every file of the user's folder is the entry's own, same bytes
    project, cache_root, result = cached
    entry = lookup(assemblies_root(cache_root), assembly_key(compiled(project)))
    assert entry is not None
    entry_files = sorted(p.relative_to(entry.assembly_dir) for p in entry.assembly_dir.rglob("*") if p.is_file())
    out_files = sorted(p.relative_to(result.out_dir) for p in result.out_dir.rglob("*")
                       if p.is_file() and p.name != assembly_restore.RESTORED_FILE)
    assert out_files == entry_files and len(entry_files) > 10
    assert all((result.out_dir / f).samefile(entry.assembly_dir / f) for f in entry_files)


def test_a_cdk_synth_into_a_linked_folder_never_changes_what_the_cache_serves(
    cached: tuple[Path, Path, SynthResult], tmp_path: Path
) -> None:
    # GIVEN a cache entry linked into the user's cdk.out (a cache of this test's own: the
    # module's entry already links into the first synth's folder)
    from compiler.synth import new_app, synthesize_into

    project, cache_root, _ = cached
    key = assembly_key(compiled(project))
    root = tmp_path / "assemblies"
    shutil.copytree(assemblies_root(cache_root) / key, root / key)
    original = {p.relative_to(root / key).as_posix(): p.read_bytes() for p in (root / key).rglob("*") if p.is_file()}
    entry = lookup(root, key)
    assert entry is not None
    out = assembly_restore.restore(entry, tmp_path / "cdk.out", link=False)
    assert (out / entry.template_file).samefile(entry.assembly_dir / entry.template_file)
    # WHEN `cdk synth` (cdk_app) writes a changed project into that cdk.out, Node truncating
    # the existing files in place
    changed = shutil.copytree(project, tmp_path / "changed")
    step = changed / "steps" / "hello_step.py"
    step.write_text(step.read_text().replace('"/hello"', '"/hello-again"'))
    synthesize_into(new_app(out, validate=False), compiled(changed), cache_root=cache_root)
    assert "/hello-again" in "".join(p.read_text() for p in out.glob("*.template.json"))  # the route's nested stack
    # THEN the entry is never served with those bytes: it is broken, and removed
    assert lookup(root, key) is None and not (root / key).exists()
    assert original[f"{ASSEMBLY_DIR}/{entry.template_file}"] != (out / entry.template_file).read_bytes()


HIT_SCRIPT = """
import json, sys
from pathlib import Path
from compiler.pipeline import compile_project
from compiler.synth import synthesize_cached
app = compile_project(Path(sys.argv[1]), stage="dev", app_name="hello")
result = synthesize_cached(app, Path(sys.argv[3]), cache_root=Path(sys.argv[2]), link=True)
print(json.dumps({"reused": result.reused, "template": str(result.template_path),
                  "loaded": sorted(m for m in ("aws_cdk", "jsii") if m in sys.modules)}))
"""


def test_reuses_an_unchanged_assembly_without_starting_node(
    cached: tuple[Path, Path, SynthResult], tmp_path: Path
) -> None:
    # GIVEN the cache holds the project's assembly WHEN a fresh process asks for it again
    project, cache_root, first = cached
    run = subprocess.run([sys.executable, "-c", HIT_SCRIPT, str(project), str(cache_root), str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr
    # THEN it is reused, byte for byte, and neither aws_cdk nor jsii was imported
    answer = json.loads(run.stdout)
    assert answer == {"reused": True, "template": str(tmp_path / "out" / "hello-dev.template.json"), "loaded": []}
    assert Path(answer["template"]).read_bytes() == first.template_path.read_bytes()


CODE_ONLY_SCRIPT = HIT_SCRIPT.replace('"reused": result.reused,', '"reused": result.reused, "code_only": result.code_only,')


def test_a_code_only_change_is_written_into_the_cached_assembly_as_a_synth_would_write_it(
    cached: tuple[Path, Path, SynthResult], tmp_path: Path
) -> None:
    # GIVEN the cached project WHEN only a handler's body changes (the model does not)
    project, cache_root, first = cached
    changed = tmp_path / "changed"
    shutil.copytree(project, changed)
    step = changed / "steps" / "hello_step.py"
    step.write_text(step.read_text().replace('"hi"', '"hello again"'))
    run = subprocess.run([sys.executable, "-c", CODE_ONLY_SCRIPT, str(changed), str(cache_root), str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr
    # THEN no synth ran (no Node), and the assembly is what a fresh synth of the change writes
    answer = json.loads(run.stdout)
    assert (answer["reused"], answer["code_only"], answer["loaded"]) == (False, True, [])
    rewritten = tmp_path / "out"
    fresh = synthesize(compiled(changed), tmp_path / "fresh", cache_root=cache_root).out_dir
    for name in ("hello-dev.template.json", "hello-dev.assets.json", "manifest.json"):
        assert (rewritten / name).read_text() == (fresh / name).read_text(), name
    assert (rewritten / name).read_text() != (first.out_dir / "hello-dev.template.json").read_text()
    [asset] = [p.name for p in rewritten.glob("asset.*")]
    assert [p.name for p in fresh.glob("asset.*")] == [asset]
    assert "hello again" in (rewritten / asset / "steps" / "hello_step.py").read_text()


def test_copies_the_assembly_for_motia_synth_and_says_so(
    cached: tuple[Path, Path, SynthResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from compiler.commands.synth import write_assembly

    project, cache_root, first = cached
    monkeypatch.setenv("MOTIA_CACHE_DIR", str(cache_root))
    assert write_assembly(compiled(project), tmp_path / "cdk.out", validate=False, use_cache=True) == 0
    assert "hello-dev is unchanged since its last synth: reused the cached assembly" in capsys.readouterr().out
    template = tmp_path / "cdk.out" / "hello-dev.template.json"
    assert template.read_bytes() == first.template_path.read_bytes()
    # A copy: the entry's files are linked into the first synth's folder already, and no two
    # user folders ever share a file.
    assert template.stat().st_nlink == 1


def test_motia_dev_prints_one_line_when_it_reuses_the_assembly(
    cached: tuple[Path, Path, SynthResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from compiler.commands.dev import synthesize_with_cache

    project, cache_root, _ = cached
    monkeypatch.setenv("MOTIA_CACHE_DIR", str(cache_root))
    synthesize_with_cache(compiled(project), tmp_path / "first")  # the emulator's own (flat) entry
    capsys.readouterr()
    synthesize_with_cache(compiled(project), tmp_path / "cdk.out")
    assert capsys.readouterr().out == "assembly of hello-dev reused from the cache: the project is unchanged (no synth)\n"
    assert (tmp_path / "cdk.out" / "hello-dev.template.json").is_file()


def test_key_is_the_same_for_the_same_project_anywhere(project: Path, tmp_path: Path) -> None:
    elsewhere = shutil.copytree(project, tmp_path / "moved")
    assert assembly_key(compiled(project)) == assembly_key(compiled(project)) == assembly_key(compiled(elsewhere))


# --- misses -------------------------------------------------------------------------------

def test_misses_when_a_step_file_changes(project: Path) -> None:
    before = assembly_key(compiled(project))
    step = project / "steps" / "hello_step.py"
    step.write_text(step.read_text().replace('"hi"', '"hello"'))  # same model, other code
    assert assembly_key(compiled(project)) != before


def test_misses_when_an_include_file_changes(project: Path) -> None:
    before = assembly_key(compiled(project))
    (project / "data" / "greeting.txt").write_text("bonjour\n")
    assert assembly_key(compiled(project)) != before


def test_misses_when_a_project_module_appears(project: Path) -> None:
    before = assembly_key(compiled(project))
    (project / "helpers.py").write_text("GREETING = 'hi'\n")  # packaged: steps may import it
    assert assembly_key(compiled(project)) != before


def test_misses_when_the_stage_changes(project: Path) -> None:
    assert assembly_key(compiled(project, "dev")) != assembly_key(compiled(project, "prod"))


def test_misses_when_requirements_change(project: Path) -> None:
    before = assembly_key(compiled(project))
    (project / "requirements.txt").write_text("requests==2.32.3\n")
    assert assembly_key(compiled(project)) != before


def test_misses_when_the_compiler_changes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = compiled(project)
    before = assembly_key(app)
    monkeypatch.setattr(assembly_cache, "compiler_fingerprint", lambda: "an emitter was edited")
    assert assembly_key(app) != before


def test_misses_when_synth_options_change(project: Path) -> None:
    app = compiled(project)
    keys = {assembly_key(app), assembly_key(app, validate=True), assembly_key(app, bytecode_python=()),
            assembly_key(app, bytecode_python=("/usr/bin/python3.12",))}
    assert len(keys) == 4


def test_sources_fingerprint_follows_contents_not_bytecode(tmp_path: Path) -> None:
    (tmp_path / "emit").mkdir()
    (tmp_path / "emit" / "queues.py").write_text("VISIBILITY = 6\n")
    before = sources_fingerprint(tmp_path)
    (tmp_path / "emit" / "__pycache__").mkdir()
    (tmp_path / "emit" / "__pycache__" / "queues.cpython-311.pyc").write_bytes(b"\0")
    assert sources_fingerprint(tmp_path) == before  # bytecode comes and goes: not a change
    (tmp_path / "emit" / "queues.py").write_text("VISIBILITY = 7\n")
    assert sources_fingerprint(tmp_path) != before


# --- the store ----------------------------------------------------------------------------

def stage_entry(root: Path, template: str = "{}") -> Path:
    """A staging dir holding a small assembly, as `synthesize_cached` leaves it for `commit`."""
    staging = new_staging_dir(root)
    (staging / ASSEMBLY_DIR).mkdir()
    (staging / ASSEMBLY_DIR / "app-dev.template.json").write_text(template)
    return staging


def store(root: Path, key: str, template: str = "{}") -> CachedAssembly:
    return commit(root, key, stage_entry(root, template), "app-dev", "app-dev.template.json",
                  (("AWS::SNS::Topic", 1),))


def test_fails_lookup_of_a_corrupt_entry_and_rebuilds_it(cached: tuple[Path, Path, SynthResult], tmp_path: Path) -> None:
    # GIVEN a copy of the module's real entry whose template was truncated
    project, cache_root, _ = cached
    key = assembly_key(compiled(project))
    root = tmp_path / "assemblies"
    shutil.copytree(assemblies_root(cache_root) / key, root / key)
    template = root / key / ASSEMBLY_DIR / "hello-dev.template.json"
    template.write_text(template.read_text()[:100])
    # WHEN it is looked up THEN it is a miss and removed, and the next commit takes its place
    assert lookup(root, key) is None
    assert not (root / key).exists()
    rebuilt = store(root, key)
    assert lookup(root, key) == rebuilt


def test_fails_lookup_of_an_entry_without_its_record(tmp_path: Path) -> None:
    store(tmp_path, "k1")
    (tmp_path / "k1" / ENTRY_FILE).unlink()  # as if written by hand, or by a broken version
    assert lookup(tmp_path, "k1") is None


def test_concurrent_writer_of_the_same_key_loses_harmlessly(tmp_path: Path) -> None:
    first = store(tmp_path, "k1", '{"first": true}')
    second = store(tmp_path, "k1", '{"second": true}')
    assert second == first
    assert (first.assembly_dir / first.template_file).read_text() == '{"first": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["k1"]  # the loser's staging dir is gone


def test_keeps_only_the_most_recently_used_entries(tmp_path: Path) -> None:
    for n in range(MAX_ENTRIES + 5):
        store(tmp_path, f"k{n:02d}")
        os.utime(tmp_path / f"k{n:02d}", (1_000_000 + n, 1_000_000 + n))  # k00 oldest
    assert lookup(tmp_path, "k00") is None  # pruned at the last commits
    lookup(tmp_path, "k05")  # used now: the newest
    store(tmp_path, "new")
    kept = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(TRASH_PREFIX))
    assert len(kept) == MAX_ENTRIES
    assert "k05" in kept and "new" in kept and "k06" not in kept


def test_pruned_entries_are_gone_at_once_and_their_files_deleted_on_a_thread(tmp_path: Path) -> None:
    # GIVEN trash a process left when it exited mid-deletion, and an entry to prune
    leftover = tmp_path / f"{TRASH_PREFIX}k0-0000"
    (leftover / "cdk.out").mkdir(parents=True)
    store(tmp_path, "k1")
    # WHEN pruned THEN the entry is no longer a name of the cache, and the thread deletes both
    prune(tmp_path, keep=0)
    assert lookup(tmp_path, "k1") is None
    for thread in [t for t in threading.enumerate() if t.name == "motia-cache-prune"]:
        thread.join(timeout=10)
    assert list(tmp_path.iterdir()) == []


def test_prune_removes_staging_dirs_of_dead_synths_only(tmp_path: Path) -> None:
    dead = stage_entry(tmp_path)
    os.utime(dead, (1_000_000, 1_000_000))
    live = stage_entry(tmp_path)
    prune(tmp_path)
    assert not dead.exists() and live.exists() and live.name.startswith(STAGING_PREFIX)


def test_restore_leaves_an_untouched_earlier_restore_in_place(tmp_path: Path) -> None:
    # GIVEN an entry restored (copied) into the user's directory
    entry = store(tmp_path / "assemblies", "k1")
    out = assembly_restore.restore(entry, tmp_path / "cdk.out", link=False)
    template = out / entry.template_file
    stamp = template.stat().st_mtime_ns
    # WHEN the same entry is restored again THEN nothing is copied
    assembly_restore.restore(entry, out, link=False)
    assert template.stat().st_mtime_ns == stamp
    # WHEN a file of it was changed or added meanwhile THEN it is copied afresh
    template.write_text('{"edited": true}')
    (out / "extra.txt").write_text("x")
    assembly_restore.restore(entry, out, link=False)
    assert template.read_text() == (entry.assembly_dir / entry.template_file).read_text()
    assert not (out / "extra.txt").exists()
