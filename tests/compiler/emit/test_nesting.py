"""Nested stacks (compiler/emit/nesting.py, compiler/stack_layout.py): a 300-step project
synthesizes with every template within CloudFormation's limits, and growing 40 -> 300 steps
(or shrinking back) never moves a resource to another stack. Two synths in this module."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.plan_bench import write_project
from compiler.emit.hardening import TOPIC_POLICY_ID
from compiler.pipeline import compile_project
from compiler.stack_layout import bucket_of, nested_stack_id
from compiler.synth import MAX_RESOURCES_PER_STACK, MAX_TEMPLATE_BYTES, SynthResult, synthesize

pytestmark = pytest.mark.slow

SMALL, LARGE = 40, 300
MAX_OUTPUTS = MAX_PARAMETERS = 200  # CloudFormation's limits per template
_STEP_OF_ID = re.compile(r"^StepStep(\d+)[A-Z]")  # plan_bench names steps Step<i>
ROOT = "root"


@dataclass(frozen=True)
class Assembly:
    result: SynthResult
    templates: dict[str, dict]  # ROOT or nested stack id (Steps07) -> template
    sizes: dict[str, int]

    def placement(self) -> dict[str, tuple[str, str]]:
        """logical id -> (stack, resource type), over every template."""
        return {logical_id: (stack, resource["Type"]) for stack, template in self.templates.items()
                for logical_id, resource in template["Resources"].items()}


def read_assembly(result: SynthResult) -> Assembly:
    templates = {ROOT: json.loads(result.template_path.read_text())}
    sizes = {ROOT: result.template_path.stat().st_size}
    for path in result.out_dir.glob("*.nested.template.json"):
        stack = re.search(r"(Steps\d\d)[0-9A-F]{8}\.nested", path.name)
        assert stack is not None, path.name
        templates[stack.group(1)] = json.loads(path.read_text())
        sizes[stack.group(1)] = path.stat().st_size
    return Assembly(result, templates, sizes)


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assembly, Assembly]:
    """The same project synthesized at 40 steps and grown to 300, with no layout record: the
    default, nested from the first step, so growing crosses no threshold."""
    root = tmp_path_factory.mktemp("grow") / "proj"
    root.mkdir()
    write_project(root, SMALL)
    small = read_assembly(synthesize(compile_project(root), root.parent / "small.out"))
    write_project(root, LARGE)  # the first 40 step files are rewritten identical
    large = read_assembly(synthesize(compile_project(root), root.parent / "large.out"))
    return small, large


def test_every_template_of_300_steps_is_within_cloudformation_limits(grown: tuple[Assembly, Assembly]) -> None:
    large = grown[1]
    assert len(large.templates) > 1
    for stack, template in large.templates.items():
        assert len(template["Resources"]) <= MAX_RESOURCES_PER_STACK, stack
        assert len(template.get("Outputs", {})) <= MAX_OUTPUTS, stack
        assert len(template.get("Parameters", {})) <= MAX_PARAMETERS, stack
        assert large.sizes[stack] <= MAX_TEMPLATE_BYTES, stack
    # Every step's function in a nested stack; the root keeps the realtime functions only.
    assert sum(1 for _, (stack, kind) in large.placement().items() if kind == "AWS::Lambda::Function" and stack != ROOT) == LARGE


def test_each_step_lives_in_its_bucket_and_shared_resources_in_the_root(grown: tuple[Assembly, Assembly]) -> None:
    for logical_id, (stack, kind) in grown[1].placement().items():
        step = _STEP_OF_ID.match(logical_id)
        if step is not None:
            assert stack == nested_stack_id(bucket_of(f"Step{step.group(1)}")), logical_id
        else:
            assert stack == ROOT, (logical_id, kind)


def test_growing_keeps_every_resource_in_its_stack_with_its_logical_id(grown: tuple[Assembly, Assembly]) -> None:
    small, large = (a.placement() for a in grown)
    assert {k: v for k, v in large.items() if k in small} == small


def test_shrinking_removes_only_the_removed_steps_resources(grown: tuple[Assembly, Assembly]) -> None:
    # Shrinking 300 -> 40 gives the 40-step assembly again: what disappears is the difference.
    small, large = (a.placement() for a in grown)
    kept_buckets = {nested_stack_id(bucket_of(f"Step{i}")) for i in range(SMALL)}
    for logical_id, (stack, kind) in large.items() - small.items():
        step = _STEP_OF_ID.match(logical_id)
        if step is not None:
            assert int(step.group(1)) >= SMALL, logical_id
        elif kind == "AWS::CloudFormation::Stack":
            assert not any(logical_id.startswith(f"{b}NestedStack") for b in kept_buckets), logical_id
        elif kind == "AWS::SNS::TopicPolicy":  # a shared TLS-only policy of the topics that went
            assert stack == ROOT and logical_id.startswith(TOPIC_POLICY_ID), logical_id
        else:  # topics only the removed steps enqueue to
            assert kind == "AWS::SNS::Topic" and stack == ROOT, logical_id
            number = re.match(r"Topic(?:Fifo)?topic(\d+)", logical_id)
            assert number is not None and int(number.group(1)) > SMALL, logical_id


def test_root_and_largest_nested_templates_pass_cfn_lint_without_errors(grown: tuple[Assembly, Assembly]) -> None:
    # Nested templates differ only in which steps they hold; linting all 32 takes minutes.
    from cfnlint.api import lint_file

    out_dir = grown[1].result.out_dir
    nested = sorted(out_dir.glob("*.nested.template.json"), key=lambda p: p.stat().st_size)
    paths = [grown[1].result.template_path, *nested[-2:]]
    errors = [f"{path.name}: {m}" for path in paths for m in lint_file(path) if m.rule.id.startswith("E")]
    assert errors == []


def test_the_asset_manifest_publishes_every_nested_template(grown: tuple[Assembly, Assembly]) -> None:
    from compiler.deploy.assembly import read_stack_artifact

    result = grown[1].result
    artifact = read_stack_artifact(result.out_dir)
    sources = {asset.source for asset in artifact.assets}
    assert {p.name for p in result.out_dir.glob("*.nested.template.json")} <= sources
