"""Shared test options: `--update-golden` rewrites golden files instead of comparing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_PROJECTS = REPO / "tests" / "fixtures" / "projects"
EXAMPLES = REPO / "examples"

# Node 20 makes jsii print an end-of-life box on every run.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files; review the diff")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
