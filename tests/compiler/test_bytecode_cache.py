"""compiler/bytecode_cache.py: Lambda bytecode compiled once per source, identical to a fresh
compile; interpreter probes remembered while the executable is unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import bytecode_cache
from compiler.bytecode_cache import compile_asset_bytecode, describe_interpreter
from compiler.code_asset import find_lambda_python
from compiler.errors import AssetError

pytestmark = pytest.mark.slow  # runs Python 3.12's compileall


def asset(root: Path, **sources: str) -> Path:
    for name, text in sources.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def pycs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.pyc"))}


def test_cached_bytecode_is_what_a_fresh_compile_writes(tmp_path: Path, lambda_python: tuple[str, ...]) -> None:
    sources = {"steps__a_step.py": "x = 1\n", "lib__util.py": "def f():\n    return 2\n"}
    first = asset(tmp_path / "first", **sources)
    compile_asset_bytecode(first, lambda_python, tmp_path / "cache")
    again = asset(tmp_path / "again", **sources)
    compile_asset_bytecode(again, lambda_python, tmp_path / "cache")
    fresh = asset(tmp_path / "fresh", **sources)
    compile_asset_bytecode(fresh, lambda_python, tmp_path / "other-cache")
    assert set(pycs(first)) == {"steps/__pycache__/a_step.cpython-312.pyc", "lib/__pycache__/util.cpython-312.pyc"}
    assert pycs(first) == pycs(again) == pycs(fresh)


def test_listed_files_compile_as_compileall_compiles_them(tmp_path: Path, lambda_python: tuple[str, ...]) -> None:
    sources = {"steps__a_step.py": "x = 1\n", "lib__util.py": "def f():\n    return 2\n"}
    listed = asset(tmp_path / "listed", **sources)
    bytecode_cache._compileall(listed, lambda_python, [
        bytecode_cache.PycJob(f, f"{bytecode_cache.LAMBDA_TASK_ROOT}/{f.relative_to(listed).as_posix()}",
                              f.parent / "__pycache__" / f"{f.stem}.cpython-312.pyc") for f in sorted(listed.rglob("*.py"))])
    tree = asset(tmp_path / "tree", **sources)
    subprocess.run([*lambda_python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
                    "-s", str(tree), "-p", bytecode_cache.LAMBDA_TASK_ROOT, str(tree)], check=True)
    assert len(pycs(listed)) == 2
    assert pycs(listed) == pycs(tree)


def test_a_listed_file_that_does_not_compile_is_an_asset_error(tmp_path: Path, lambda_python: tuple[str, ...]) -> None:
    broken = asset(tmp_path / "broken", **{"lib__bad.py": "def (:\n"})
    with pytest.raises(AssetError, match="bad.py"):
        bytecode_cache._compileall(broken, lambda_python, [
            bytecode_cache.PycJob(broken / "lib" / "bad.py", "/var/task/lib/bad.py", tmp_path / "bad.pyc")])


def test_compiles_only_the_sources_it_has_not_seen(
    tmp_path: Path, lambda_python: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    compile_asset_bytecode(asset(tmp_path / "a", **{"one_step.py": "x = 1\n", "two_step.py": "y = 2\n"}), lambda_python, cache)
    compiled: list[list[str]] = []
    real = bytecode_cache._compileall
    monkeypatch.setattr(bytecode_cache, "_compileall", lambda dest, python, jobs: (
        compiled.append(sorted(job.source.name for job in jobs or [])), real(dest, python, jobs)))
    changed = asset(tmp_path / "b", **{"one_step.py": "x = 1\n", "two_step.py": "y = 3\n"})
    compile_asset_bytecode(changed, lambda_python, cache)
    assert compiled == [["two_step.py"]]
    assert set(pycs(changed)) == {"__pycache__/one_step.cpython-312.pyc", "__pycache__/two_step.cpython-312.pyc"}
    compile_asset_bytecode(asset(tmp_path / "c", **{"one_step.py": "x = 1\n", "two_step.py": "y = 3\n"}), lambda_python, cache)
    assert compiled == [["two_step.py"]]  # nothing new: no compileall at all


def test_warming_compiles_into_the_cache_what_a_later_build_takes(
    tmp_path: Path, lambda_python: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN sources compiled in the background from where they are, under their asset paths
    project = asset(tmp_path / "project", **{"steps__a_step.py": "x = 1\n", "lib__util.py": "y = 2\n"})
    cache = tmp_path / "cache"
    warming = bytecode_cache.warm_bytecode(
        [(project / "steps" / "a_step.py", "steps/a_step.py"), (project / "lib" / "util.py", "lib/util.py")],
        lambda_python, cache)
    warming.wait()
    # WHEN an asset of the same files is built THEN nothing is compiled, and its pycs are a fresh compile's
    monkeypatch.setattr(bytecode_cache, "_compileall", lambda *args: pytest.fail("compiled again"))
    built = asset(tmp_path / "built", **{"steps__a_step.py": "x = 1\n", "lib__util.py": "y = 2\n"})
    compile_asset_bytecode(built, lambda_python, cache)
    monkeypatch.undo()
    fresh = asset(tmp_path / "fresh", **{"steps__a_step.py": "x = 1\n", "lib__util.py": "y = 2\n"})
    compile_asset_bytecode(fresh, lambda_python, tmp_path / "other-cache")
    assert len(pycs(built)) == 2 and pycs(built) == pycs(fresh)
    assert bytecode_cache.warm_bytecode([(project / "lib" / "util.py", "lib/util.py")], lambda_python, cache).process is None


def test_probe_is_remembered_until_the_executable_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python = (sys.executable,)
    found = describe_interpreter(python, tmp_path)
    assert found is not None and found.version == "%d.%d" % sys.version_info[:2]
    assert found.cache_tag == sys.implementation.cache_tag
    probes: list[tuple[str, ...]] = []
    real = bytecode_cache._run_probe
    monkeypatch.setattr(bytecode_cache, "_run_probe", lambda p: (probes.append(tuple(p)), real(p))[1])
    assert describe_interpreter(python, tmp_path) == found and probes == []
    monkeypatch.setattr(bytecode_cache, "_stamp", lambda executable: 1)  # as if reinstalled
    assert describe_interpreter(python, tmp_path) == found and probes == [python]


def test_an_interpreter_that_does_not_run_is_not_remembered(tmp_path: Path) -> None:
    assert describe_interpreter((str(tmp_path / "no-python"),), tmp_path) is None
    assert not (tmp_path / bytecode_cache.PROBES_FILE).exists()
    assert os.listdir(tmp_path) == []


def test_find_lambda_python_takes_a_remembered_candidate_without_probing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler import code_asset

    version = "%d.%d" % sys.version_info[:2]
    # GIVEN a first candidate that never runs (a pyenv shim refusing) and a working one
    monkeypatch.setattr(code_asset, "python_candidates", lambda wanted: [str(tmp_path / "shim"), sys.executable])
    assert find_lambda_python(version, tmp_path) == (sys.executable,)
    probes: list[tuple[str, ...]] = []
    monkeypatch.setattr(bytecode_cache, "_run_probe", lambda p: probes.append(tuple(p)))
    # WHEN asked again THEN the remembered one is taken and nothing runs
    assert find_lambda_python(version, tmp_path) == (sys.executable,)
    assert probes == []
