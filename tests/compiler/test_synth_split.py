"""compiler/synth_split.py and compiler/assembly_merge.py: a large nested project synthesized by
two processes gives, byte for byte, the assembly of one; when it is split; what a failure says."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import pytest

from bench.plan_bench import write_project as write_generated
from compiler import synth_split
from compiler.assembly_merge import MergeError, merged_metadata, merged_root
from compiler.errors import SplitSynthError, UsageError
from compiler.ir import Application, Realtime
from compiler.pipeline import compile_project
from compiler.settings import parse_settings
from compiler.stack_layout import bucket_of, nested_stack_id, record_layout, step_of
from compiler.synth import synthesize
from compiler.synth_split import MIN_STEPS, Split, partition, processes_setting, split_of
from tests.compiler.emit.ir_fixtures import PREFIX, every_kind, write_project
from tests.compiler.test_settings import FULL


def nested_app(tmp_path: Path, steps: int = 0) -> Application:
    """every_kind, or a generated project of `steps` steps, recorded as nested."""
    root = tmp_path / "proj"
    root.mkdir()
    record_layout(root, "nested")
    if steps:
        write_generated(root, steps)
        return compile_project(root)
    app = every_kind(root)
    write_project(root, app)
    return app


# -- when a synth is split, and how -----------------------------------------------------------

def test_partition_gives_every_used_bucket_to_exactly_one_process(tmp_path: Path) -> None:
    app = nested_app(tmp_path, steps=MIN_STEPS)
    split = partition(app)
    assert split is not None
    used = {bucket_of(fn.name) for fn in app.functions}
    assert split.main | split.helper == used and not split.main & split.helper
    # This process keeps the first function's bucket: the code asset is named after it.
    assert bucket_of(app.functions[0].name) in split.main


def test_partition_shares_the_steps_about_evenly(tmp_path: Path) -> None:
    app = nested_app(tmp_path, steps=120)
    split = partition(app)
    assert split is not None
    mine = sum(1 for fn in app.functions if bucket_of(fn.name) in split.main)
    assert abs(mine - (len(app.functions) - mine)) <= len(app.functions) // 10


def test_one_bucket_is_never_split(tmp_path: Path) -> None:
    app = every_kind(tmp_path)
    one = dataclasses.replace(app, functions=app.functions[:1], routes=(), queues=(), schedules=(),
                              state_triggers=(), stream_triggers=())
    assert partition(one) is None


@pytest.mark.parametrize(("layout", "validate", "processes", "cpus", "split"), [
    ("nested", False, None, 2, True),
    ("flat", False, 2, 2, False),  # only nested stacks can be built apart
    ("nested", True, 2, 2, False),  # CDK's validator checks each template as Node writes it
    ("nested", False, 1, 2, False),  # MOTIA_SYNTH_PROCESSES=1
    ("nested", False, None, 1, False),  # one core: nothing to gain
])
def test_split_rules(tmp_path: Path, layout: str, validate: bool, processes: int | None, cpus: int,
                     split: bool) -> None:
    app = nested_app(tmp_path, steps=MIN_STEPS)
    assert (split_of(app, layout, validate=validate, processes=processes, cpus=cpus) is not None) is split  # type: ignore[arg-type]


def test_a_small_project_is_split_only_when_asked(tmp_path: Path) -> None:
    app = nested_app(tmp_path)  # 7 steps
    assert split_of(app, "nested", validate=False, processes=None, cpus=8) is None
    assert split_of(app, "nested", validate=False, processes=2, cpus=1) is not None


def test_the_projects_stack_hook_is_never_split(tmp_path: Path) -> None:
    app = nested_app(tmp_path, steps=MIN_STEPS)
    (Path(app.root) / "motia_aws_stack.py").write_text("def customize(stack, app):\n    pass\n")
    assert split_of(app, "nested", validate=False, processes=2, cpus=2) is None


def test_processes_setting_names_the_variable_and_the_values() -> None:
    assert processes_setting({}) is None
    assert processes_setting({"MOTIA_SYNTH_PROCESSES": " 2 "}) == 2
    with pytest.raises(UsageError, match=r"MOTIA_SYNTH_PROCESSES is 'four'; set it to 1 .* or 2"):
        processes_setting({"MOTIA_SYNTH_PROCESSES": "four"})


def test_every_trigger_row_names_its_step() -> None:
    app = every_kind(Path("/tmp"))
    for field_name in synth_split.STEP_FIELDS:
        for item in getattr(app, field_name):
            assert step_of(item) in {fn.name for fn in app.functions}, item
    assert {step_of(item) for item in (*app.tables, *app.topics)} == {None}


# -- the merge's checks ----------------------------------------------------------------------

def stack_resource(url: str) -> dict[str, object]:
    return {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": url}}


def test_merged_root_takes_the_helpers_stacks_and_keeps_the_order() -> None:
    a, b = "Steps00NestedStackSteps00NestedStackResourceAAAA", "Steps01NestedStackSteps01NestedStackResourceBBBB"
    main = {"Resources": {"Table": {"Type": "T"}, a: stack_resource("full-0"), b: stack_resource("empty-1")}}
    helper = {"Resources": {"Table": {"Type": "T"}, a: stack_resource("empty-0"), b: stack_resource("full-1")}}
    merged = merged_root(main, helper, taken={b}, nested={a, b})
    assert list(merged["Resources"]) == ["Table", a, b]
    assert merged["Resources"][a] == stack_resource("full-0") and merged["Resources"][b] == stack_resource("full-1")


def test_merged_root_refuses_any_other_difference() -> None:
    a = "Steps00NestedStackSteps00NestedStackResourceAAAA"
    main = {"Resources": {"Topic": {"Type": "T", "Properties": {"Name": "x"}}, a: stack_resource("0")}}
    helper = {"Resources": {"Topic": {"Type": "T", "Properties": {"Name": "y"}}, a: stack_resource("1")}}
    with pytest.raises(MergeError, match="Topic"):
        merged_root(main, helper, taken={a}, nested={a})
    with pytest.raises(MergeError, match="Outputs"):
        merged_root({**main, "Outputs": {"A": 1}}, {**main, "Outputs": {"A": 2}}, taken={a}, nested={a})


def test_merged_metadata_lists_each_nested_stack_from_its_builder_in_the_roots_order() -> None:
    s0, s1 = nested_stack_id(0), nested_stack_id(1)
    own = {"/app": ["root"], f"/app/{s1}": ["file1"], f"/app/{s0}": ["file0"]}
    main = {**own, f"/app/{s0}/Step-a/Role": ["a"]}
    helper = {**own, f"/app/{s1}/Step-b/Role": ["b"], f"/app/{s1}/Step-c/Role": ["c"]}
    merged = merged_metadata(main, helper, frozenset({1}))
    assert list(merged) == ["/app", f"/app/{s1}", f"/app/{s0}", f"/app/{s1}/Step-b/Role", f"/app/{s1}/Step-c/Role",
                            f"/app/{s0}/Step-a/Role"]
    with pytest.raises(MergeError):
        merged_metadata(main, {**helper, "/app": ["other"]}, frozenset({1}))


# -- the helper process ----------------------------------------------------------------------

def test_a_failing_helper_is_reported_with_its_last_lines_and_the_way_out(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth_split, "HELPER_MODULE", "compiler.no_such_helper")
    app = nested_app(tmp_path)
    split = Split(frozenset({bucket_of(app.functions[0].name)}), frozenset())
    running = synth_split.send_request(synth_split.start_helper(), app, split, tmp_path / "out")
    try:
        with pytest.raises(SplitSynthError) as raised:
            synth_split.finish_helper(running, tmp_path / "out", "x.template.json")
    finally:
        synth_split.discard(running)
    assert "No module named compiler.no_such_helper" in str(raised.value)
    assert "set MOTIA_SYNTH_PROCESSES=1 to synthesize in one process" in str(raised.value)
    assert not running.out_dir.exists()


def test_an_unclaimed_prestarted_helper_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTIA_SYNTH_PROCESSES", "2")
    root = nested_app(tmp_path).root
    with synth_split.prestarted(Path(root)):
        assert len(synth_split._prestarted) == 1
        process = synth_split._prestarted[0].process
    assert synth_split._prestarted == [] and process.poll() is not None


def test_no_helper_is_prestarted_for_a_flat_or_small_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTIA_SYNTH_PROCESSES", raising=False)
    root = Path(nested_app(tmp_path).root)  # 7 step files
    with synth_split.prestarted(root):
        assert synth_split._prestarted == []
    record_layout(root, "flat")
    monkeypatch.setenv("MOTIA_SYNTH_PROCESSES", "2")
    with synth_split.prestarted(root):
        assert synth_split._prestarted == []


# -- the assembly: the same bytes as one process's ---------------------------------------------

def assembly_files(out_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(out_dir).as_posix(): path.read_bytes()
            for path in sorted(out_dir.rglob("*")) if path.is_file()}


def synthesized_both_ways(app: Application, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                          ) -> tuple[dict[str, bytes], dict[str, bytes]]:
    outs = {}
    for processes in ("2", "1"):
        monkeypatch.setenv("MOTIA_SYNTH_PROCESSES", processes)
        outs[processes] = synthesize(app, tmp_path / f"out{processes}", bytecode_python=()).out_dir
    assert not list(outs["2"].glob(f"{synth_split.HELPER_DIR}*"))  # the helper's folder is gone
    return assembly_files(outs["2"]), assembly_files(outs["1"])


@pytest.mark.slow
def test_split_assembly_of_every_kind_and_setting_is_byte_identical(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    app = nested_app(tmp_path)
    settings, problems = parse_settings({**FULL, "jwt": {"issuer": "https://auth.example.com/", "audiences": ["shop"]}},
                                        "test")
    assert problems == []
    realtime = Realtime(connections_table=f"{PREFIX}-connections", socket_function=f"{PREFIX}-streams-ws",
                        fanout_function=f"{PREFIX}-streams-fanout")
    app = dataclasses.replace(app, settings=settings, realtime=realtime)
    split = partition(app)
    assert split is not None and split.helper  # both processes build steps
    split_files, one_process_files = synthesized_both_ways(app, tmp_path, monkeypatch)
    assert split_files.keys() == one_process_files.keys()
    assert [name for name in split_files if split_files[name] != one_process_files[name]] == []


@pytest.mark.slow
def test_split_assembly_of_a_generated_project_is_byte_identical(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    app = nested_app(tmp_path, steps=MIN_STEPS)
    split_files, one_process_files = synthesized_both_ways(app, tmp_path, monkeypatch)
    assert split_files.keys() == one_process_files.keys()
    assert [name for name in split_files if split_files[name] != one_process_files[name]] == []
    nested = [name for name in split_files if name.endswith(".nested.template.json")]
    assert len(nested) > 10
