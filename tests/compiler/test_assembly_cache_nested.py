"""compiler/assembly_cache.py on a nested project: a code-only change is written into the
cached assembly without Node, nested templates and their hashes included, exactly as a fresh
synth writes it. Two synths in this module."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.synth_bench import write_project
from compiler.assembly_rewrite import COMPACT_FILE, nested_template_hash
from compiler.pipeline import compile_project
from compiler.synth import synthesize, synthesize_cached

pytestmark = pytest.mark.slow

STEPS = 6  # HTTP, queue and cron steps, spread over several nested stacks


def test_a_code_only_change_of_a_nested_project_is_written_as_a_synth_would_write_it(tmp_path: Path) -> None:
    # GIVEN a nested project whose assembly is cached
    root = write_project(tmp_path / "proj", STEPS)
    cache = tmp_path / "cache"
    first = synthesize_cached(compile_project(root), tmp_path / "first.out", cache_root=cache)
    assert not first.code_only and len(list(first.out_dir.glob("*.nested.template.json"))) > 1
    # WHEN only a handler's body changes
    write_project(root, STEPS, edition=1)
    app = compile_project(root)
    rewritten = synthesize_cached(app, tmp_path / "rewritten.out", cache_root=cache)
    # THEN no synth ran, and every file of the assembly is the one a fresh synth writes
    assert (rewritten.reused, rewritten.code_only) == (False, True)
    fresh = synthesize(app, tmp_path / "fresh.out", cache_root=cache)
    names = sorted(p.name for p in fresh.out_dir.glob("*.json"))
    assert names == sorted(p.name for p in rewritten.out_dir.glob("*.json"))
    for name in names:
        assert (rewritten.out_dir / name).read_text() == (fresh.out_dir / name).read_text(), name
    assert (rewritten.out_dir / "proj-dev.template.json").read_text() != first.template_path.read_text()
    assert sorted(p.name for p in rewritten.out_dir.glob("asset.*")) == sorted(p.name for p in fresh.out_dir.glob("asset.*"))


def test_compact_templates_kept_with_an_entry_are_checked_before_use(tmp_path: Path) -> None:
    # GIVEN a cached nested assembly whose kept compact templates are wrong (not its templates')
    root = write_project(tmp_path / "proj", STEPS)
    cache = tmp_path / "cache"
    first = synthesize_cached(compile_project(root), tmp_path / "first.out", cache_root=cache)
    kept = cache / "assemblies" / first.entry_key / COMPACT_FILE
    compact = json.loads(kept.read_text())
    assert sorted(compact) == sorted(p.name for p in first.out_dir.glob("*.nested.template.json"))
    assert all(nested_template_hash((first.out_dir / name).read_text()) == hashlib.sha256(text.encode()).hexdigest()
               for name, text in compact.items())
    kept.write_text(json.dumps({name: text.replace("Function", "Funktion") for name, text in compact.items()}))
    # WHEN only code changes THEN the rewrite still names each nested template by its own hash
    write_project(root, STEPS, edition=1)
    app = compile_project(root)
    rewritten = synthesize_cached(app, tmp_path / "rewritten.out", cache_root=cache)
    assert rewritten.code_only
    fresh = synthesize(app, tmp_path / "fresh.out", cache_root=tmp_path / "other-cache")
    for path in fresh.out_dir.glob("*.json"):
        assert (rewritten.out_dir / path.name).read_text() == path.read_text(), path.name


def test_nested_template_hash_is_over_compact_json_not_the_file() -> None:
    text = '{\n "Resources": {\n  "Q": {"Type": "AWS::SQS::Queue", "Note": "é"}\n }\n}'
    compact = '{"Resources":{"Q":{"Type":"AWS::SQS::Queue","Note":"é"}}}'
    assert nested_template_hash(text) == hashlib.sha256(compact.encode()).hexdigest()
    assert json.loads(text) == json.loads(compact)
