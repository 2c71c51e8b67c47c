"""Shared test options and golden files: `--update-golden` rewrites them instead of comparing."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_PROJECTS = REPO / "tests" / "fixtures" / "projects"
EXAMPLES = REPO / "examples"
GOLDEN = REPO / "tests" / "golden"
DIFF_LINES_SHOWN = 80  # a template diff can run to thousands of lines; `git diff` has the rest

# Node 20 makes jsii print an end-of-life box on every run.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


_CACHE_KEY = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """The tests' own user cache (assemblies, bytecode, requirements, records), empty at the
    start of each run and removed at its end, as on a fresh CI machine: never the developer's
    `~/.cache/motia-aws`, whose entries could make a test pass or fail."""
    cache = Path(tempfile.mkdtemp(prefix="motia-test-cache-"))
    config.stash[_CACHE_KEY] = cache
    os.environ["MOTIA_CACHE_DIR"] = str(cache)


def pytest_unconfigure(config: pytest.Config) -> None:
    cache = config.stash.get(_CACHE_KEY, None)
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files; review the diff")


@pytest.fixture(scope="session")
def lambda_python() -> tuple[str, ...]:
    """A Python of Lambda's version to compile the asset's bytecode with; its tests are skipped
    without one: optional, the asset then ships sources only."""
    from compiler.code_asset import find_lambda_python

    python = find_lambda_python()
    if not python:
        pytest.skip("no Python 3.12 on this machine: optional, the asset then ships sources only (README, What you get on AWS)")
    return python


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def golden_mismatch(golden: Path, actual: str, test_file: str) -> str | None:
    """Why `actual` is not the golden file's text (a diff and how to regenerate), or None."""
    relative = golden.relative_to(REPO) if golden.is_relative_to(REPO) else golden
    regenerate = (f"If the change is intended, regenerate with `pytest {test_file} --update-golden` "
                  "and review `git diff tests/golden` before committing.")
    if not golden.exists():
        return f"no golden file {relative}. {regenerate}"
    expected = golden.read_text()
    if actual == expected:
        return None
    diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                     f"{relative} (golden)", f"{relative} (now)", lineterm=""))
    shown = "\n".join(diff[:DIFF_LINES_SHOWN])
    more = f"\n... {len(diff) - DIFF_LINES_SHOWN} more diff lines" if len(diff) > DIFF_LINES_SHOWN else ""
    return f"{relative} no longer matches. {regenerate}\n{shown}{more}"


def check_golden(golden: Path, actual: str, update: bool, test_file: str) -> None:
    """Compare `actual` with the golden file, or rewrite the file when `--update-golden` is given."""
    if update:
        golden.write_text(actual)
    problem = golden_mismatch(golden, actual, test_file)
    if problem:
        pytest.fail(problem, pytrace=False)
