"""compiler/code_asset_worker.py: the code asset built in a process of its own, as in ours."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import pytest

from compiler import code_asset_worker
from compiler.code_asset import AssetError, asset_build, asset_fingerprint, build_code_asset
from tests.compiler.emit.ir_fixtures import every_kind, write_project


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    app = every_kind(tmp_path / "project")
    write_project(Path(app.root), app)
    return Path(app.root)


def test_the_worker_builds_the_asset_this_process_builds(project: Path, tmp_path: Path) -> None:
    app = every_kind(project)
    here = build_code_asset(app, tmp_path / "here", pip_command=["false"], bytecode_python=())
    with code_asset_worker.start(asset_build(app, pip_command=["false"], bytecode_python=()), tmp_path / "there") as job:
        there = job.result()
    assert there == tmp_path / "there"
    assert asset_fingerprint(there) == asset_fingerprint(here)
    assert not list(tmp_path.glob(".*.outcome.json"))


def test_an_asset_error_in_the_worker_is_raised_here_with_its_message(project: Path, tmp_path: Path) -> None:
    (project / "steps" / "data" / "prices.json").unlink()
    app = every_kind(project)
    with pytest.raises(AssetError) as here:
        build_code_asset(app, tmp_path / "here", pip_command=["false"], bytecode_python=())
    with code_asset_worker.start(asset_build(app, pip_command=["false"], bytecode_python=()), tmp_path / "there") as job:
        with pytest.raises(AssetError) as there:
            job.result()
    assert str(there.value) == str(here.value) and "steps/data/prices.json: file not found" in str(there.value)


def test_another_failure_is_reported_with_the_worker_s_traceback(project: Path, tmp_path: Path) -> None:
    build = dataclasses.replace(asset_build(every_kind(project), bytecode_python=()), cache_root=str(project / "steps" / "create_order_step.py"))
    (project / "requirements.txt").write_text("requests\n")  # vendoring needs a cache folder: a file is in the way
    with code_asset_worker.start(build, tmp_path / "there") as job:
        with pytest.raises(RuntimeError, match=r"building the code asset failed:\nTraceback"):
            job.result()


def test_leaving_the_block_early_stops_the_build(project: Path, tmp_path: Path) -> None:
    # A pip that never returns stands for a long build; the emission fails meanwhile.
    (project / "requirements.txt").write_text("requests\n")
    build = asset_build(every_kind(project), pip_command=["sleep", "60"], bytecode_python=(), cache_root=tmp_path / "cache")
    started = time.monotonic()
    with pytest.raises(ValueError, match="emission failed"):
        with code_asset_worker.start(build, tmp_path / "there") as job:
            raise ValueError("emission failed")
    assert job._process.poll() is not None and time.monotonic() - started < 30
    if os.name == "posix":  # the stand-in pip, started by the worker, is gone with it
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and group_alive(job._process.pid):
            time.sleep(0.05)
        assert not group_alive(job._process.pid)
    assert not list(tmp_path.glob(".*.outcome.json"))
