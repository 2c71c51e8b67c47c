"""bench/synth_bench.py runs end to end at a small size: both apps synthesize, declare the same
resources, and the re-synths are reported. Untimed: the figures are the bench's to print."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synth_bench import bench_size, compare_resources, write_project

pytestmark = pytest.mark.slow


def test_bench_compares_like_with_like_at_a_small_size(tmp_path: Path) -> None:
    rows = bench_size(tmp_path, 3, resynth=True)
    assert len(rows) == 4, rows
    assert "nested" in rows[0] and "exit" not in " ".join(rows), rows
    assert rows[0].endswith("same 39 resources"), rows[0]  # 36 and the 3 nested stacks
    assert "unchanged" in rows[1] and "code-only, 1 step file" in rows[2] and "code-only, 1 step file" in rows[3]


def test_comparison_names_the_types_that_differ(tmp_path: Path) -> None:
    ours, plain = tmp_path / "ours", tmp_path / "plain"
    ours.mkdir(), plain.mkdir()
    (ours / "a.template.json").write_text('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    (plain / "a.template.json").write_text('{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}')
    assert compare_resources(ours, plain) == "DIFFERENT: SNS::Topic 0/1, SQS::Queue 1/0"


def test_an_edit_of_the_first_step_changes_that_file_only(tmp_path: Path) -> None:
    first = write_project(tmp_path / "a", 6)
    edited = write_project(tmp_path / "b", 6)
    write_project(edited, 6, edition=1, only_first=True)
    changed = [p.name for p in sorted((first / "steps").iterdir())
               if p.read_text() != (edited / "steps" / p.name).read_text()]
    assert changed == ["s000_step.py"]


def test_a_code_only_edition_changes_handlers_not_configs(tmp_path: Path) -> None:
    first = write_project(tmp_path / "a", 3)
    second = write_project(tmp_path / "b", 3, edition=1)
    changed = [p.name for p in sorted((first / "steps").iterdir())
               if p.read_text() != (second / "steps" / p.name).read_text()]
    assert changed == ["s000_step.py"]
    config = 's = step('
    assert [l for l in (first / "steps" / "s000_step.py").read_text().splitlines() if l.startswith(config)] == \
        [l for l in (second / "steps" / "s000_step.py").read_text().splitlines() if l.startswith(config)]
