"""compiler/data_access_cache.py: module facts remembered by source bytes give what the
analysis gives, without analysing again; a damaged file is analysed again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler import data_access_cache
from compiler.data_access import EVERYTHING, READ, WRITE, Usage, file_usage, module_facts
from compiler.data_access_cache import cached_facts, facts_file

STEP = '''from .helpers import save

async def handler(input, ctx):
    await ctx.state.get("a", "b")
    await save(ctx)
'''
HELPER = '''async def save(ctx):
    await ctx.streams.orders.set("g", "i", {})
'''


def write_project(root: Path) -> Path:
    steps = root / "steps"
    steps.mkdir(parents=True)
    (steps / "__init__.py").write_text("")
    (steps / "a_step.py").write_text(STEP)
    (steps / "helpers.py").write_text(HELPER)
    return root


def test_cached_facts_are_the_analysis_and_are_not_computed_again(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a first run that analysed the step and the helper it imports
    root = write_project(tmp_path / "project")
    cache = tmp_path / "cache"
    with cached_facts(cache) as facts_of:
        first = file_usage(root / "steps" / "a_step.py", root, facts_of)
    assert first == file_usage(root / "steps" / "a_step.py", root) == Usage(state=READ, streams=WRITE)
    assert facts_file(cache).is_file()

    # WHEN a second run finds the same sources THEN it answers without analysing anything
    def refuse(source: bytes) -> None:
        raise AssertionError("analysed again")

    monkeypatch.setattr(data_access_cache, "module_facts", refuse)
    with cached_facts(cache) as facts_of:
        assert file_usage(root / "steps" / "a_step.py", root, facts_of) == first


def test_a_changed_source_is_analysed_again(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project")
    cache = tmp_path / "cache"
    with cached_facts(cache) as facts_of:
        file_usage(root / "steps" / "a_step.py", root, facts_of)
    (root / "steps" / "helpers.py").write_text("async def save(ctx):\n    return None\n")
    with cached_facts(cache) as facts_of:
        assert file_usage(root / "steps" / "a_step.py", root, facts_of) == Usage(state=READ)


def test_fails_over_to_the_analysis_when_the_file_is_damaged(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project")
    cache = tmp_path / "cache"
    facts_file(cache).parent.mkdir(parents=True)
    facts_file(cache).write_text("{not json")
    with cached_facts(cache) as facts_of:
        assert file_usage(root / "steps" / "a_step.py", root, facts_of) == Usage(state=READ, streams=WRITE)


def test_fails_over_to_the_analysis_when_a_row_is_damaged(tmp_path: Path) -> None:
    source = b"x = 1\n"
    cache = tmp_path / "cache"
    with cached_facts(cache) as facts_of:
        facts_of(source)
    text = facts_file(cache).read_text()
    facts_file(cache).write_text(text.replace("[0,0,true,[]]", '"broken"'))
    with cached_facts(cache) as facts_of:
        assert facts_of(source) == module_facts(source)


def test_unparsable_source_is_remembered_as_everything(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for _ in range(2):
        with cached_facts(cache) as facts_of:
            facts = facts_of(b"def broken(:\n")
        assert (facts.parsed, facts.usage) == (False, EVERYTHING)


def test_keeps_at_most_max_facts_and_those_used_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_access_cache, "MAX_FACTS", 3)
    cache = tmp_path / "cache"
    for n in range(5):
        with cached_facts(cache) as facts_of:
            facts_of(f"x = {n}\n".encode())
    rows = json.loads(facts_file(cache).read_text())
    assert len(rows) == 3
