"""compiler/stack_layout.py: stable bucket placement and the layout decided once, recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.ir import Application, Function
from compiler.stack_layout import (
    BUCKETS,
    LAYOUT_FILE,
    NEST_ABOVE_RESOURCES,
    LayoutFileError,
    bucket_of,
    decide_layout,
    estimated_resources,
    record_layout,
    recorded_layout,
)


# sha256-derived values: if they change, every nested project moves its resources.
KNOWN_BUCKETS = (0, 17, 5)


def app_with(root: Path, steps: int) -> Application:
    functions = tuple(Function(name=f"Step{i}", function_name=f"p-dev-step{i}", file=f"steps/s{i}_step.py",
                               memory_mb=256, timeout_s=10, triggers=(), enqueues=()) for i in range(steps))
    return Application("p", "dev", "p-dev", str(root), functions=functions)


def test_bucket_is_a_fixed_function_of_the_step_name() -> None:
    # GIVEN names hashed today WHEN hashed again THEN the same buckets: a change here moves resources.
    assert (bucket_of("Step144"), bucket_of("Step0"), bucket_of("create-order")) == KNOWN_BUCKETS
    assert {bucket_of(f"Step{i}") for i in range(300)} == set(range(BUCKETS))


def test_small_project_without_a_record_is_flat(tmp_path: Path) -> None:
    app = app_with(tmp_path, 3)
    assert estimated_resources(app) <= NEST_ABOVE_RESOURCES
    assert decide_layout(app) == ("flat", False)


def test_large_project_without_a_record_is_newly_nested(tmp_path: Path) -> None:
    assert decide_layout(app_with(tmp_path, 120)) == ("nested", True)


def test_recorded_nesting_survives_shrinking(tmp_path: Path) -> None:
    # GIVEN a project that was nested once WHEN it shrinks to one step THEN it stays nested.
    record_layout(tmp_path, "nested")
    assert recorded_layout(tmp_path) == "nested"
    assert decide_layout(app_with(tmp_path, 1)) == ("nested", False)


def test_recorded_flat_is_respected_even_when_large(tmp_path: Path) -> None:
    (tmp_path / LAYOUT_FILE).write_text(json.dumps({"layout": "flat"}))
    assert decide_layout(app_with(tmp_path, 120)) == ("flat", False)


@pytest.mark.parametrize("text", ['{"layout": "sideways"}', "not json", "[1]"])
def test_a_bad_record_names_the_file_and_the_fix(tmp_path: Path, text: str) -> None:
    (tmp_path / LAYOUT_FILE).write_text(text)
    with pytest.raises(LayoutFileError, match=rf"{LAYOUT_FILE}.*fix: .*nested"):
        recorded_layout(tmp_path)
