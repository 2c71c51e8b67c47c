"""compiler/stack_layout.py: stable bucket placement; nested from the first step unless recorded flat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.ir import Application, Function
from compiler.stack_layout import (
    BUCKETS,
    LAYOUT_FILE,
    LayoutFileError,
    bucket_of,
    decide_layout,
    record_layout,
    recorded_layout,
    synth_layout,
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


@pytest.mark.parametrize("steps", [0, 1, 3, 120, 2000])
def test_every_project_without_a_record_is_nested_whatever_its_size(tmp_path: Path, steps: int) -> None:
    # GIVEN no record WHEN a project grows from nothing THEN it is nested at every size: it never
    # crosses from one layout to the other, which would move every step's resources.
    assert decide_layout(app_with(tmp_path, steps)) == "nested"


def test_recorded_flat_is_respected_even_when_large(tmp_path: Path) -> None:
    (tmp_path / LAYOUT_FILE).write_text(json.dumps({"layout": "flat"}))
    assert decide_layout(app_with(tmp_path, 120)) == "flat"


def test_a_written_record_reads_back(tmp_path: Path) -> None:
    for layout in ("flat", "nested"):
        record_layout(tmp_path, layout)
        assert recorded_layout(tmp_path) == decide_layout(app_with(tmp_path, 1)) == layout


def test_the_emulator_always_gets_one_flat_stack(tmp_path: Path) -> None:
    assert synth_layout(app_with(tmp_path, 3), for_emulator=True) == "flat"
    assert synth_layout(app_with(tmp_path, 3)) == "nested"


@pytest.mark.parametrize("text", ['{"layout": "sideways"}', "not json", "[1]"])
def test_a_bad_record_names_the_file_and_the_fix(tmp_path: Path, text: str) -> None:
    (tmp_path / LAYOUT_FILE).write_text(text)
    with pytest.raises(LayoutFileError, match=rf"{LAYOUT_FILE}.*fix: .*nested"):
        recorded_layout(tmp_path)
