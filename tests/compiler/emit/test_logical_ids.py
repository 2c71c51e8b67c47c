"""Logical ids are a contract: they derive only from step and topic names (DESIGN.md 2)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from compiler import ir, naming
from compiler.pipeline import compile_project
from compiler.synth import configure_jsii_environment, synthesize
from tests.compiler.emit.ir_fixtures import every_kind
from tests.compiler.projects import write_project

configure_jsii_environment()
from aws_cdk import App, aws_lambda as lambda_
from aws_cdk.assertions import Template

from compiler.emit.logical_ids import logical_id  # noqa: E402
from compiler.emit.stack import emit_application  # noqa: E402

pytestmark = pytest.mark.slow


def rename_step(app: ir.Application, old: str, new: str) -> ir.Application:
    """`app` with step `old` called `new` everywhere the IR names it."""
    def swap(value: Any) -> Any:
        if isinstance(value, str):
            return new if value == old else value.replace(f"-{old}", f"-{new}")
        if isinstance(value, tuple):
            return tuple(swap(v) for v in value)
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(value, **{f.name: swap(getattr(value, f.name))
                                                 for f in dataclasses.fields(value)})
        return value
    return swap(app)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    code_dir = tmp_path_factory.mktemp("code")
    (code_dir / "placeholder.py").write_text("")
    base = every_kind(Path("/project"))
    apps = {
        "base": base,
        "renamed": rename_step(base, "ship-order", "dispatch-order"),
    }
    cdk_app = App(outdir=str(tmp_path_factory.mktemp("out")))
    stacks = {key: emit_application(cdk_app, key, app, lambda_.Code.from_asset(str(code_dir)))
              for key, app in apps.items()}
    return {key: Template.from_stack(stack).to_json() for key, stack in stacks.items()}


def ids(template: dict[str, Any]) -> set[str]:
    return set(template["Resources"]) | set(template.get("Outputs", {}))


def test_renaming_a_step_replaces_only_its_own_resources(templates: dict[str, dict[str, Any]]) -> None:
    before, after = ids(templates["base"]), ids(templates["renamed"])
    assert before - after and all(i.startswith("Stepshiporder") for i in before - after)
    assert all(i.startswith("Stepdispatchorder") for i in after - before)
    assert len(before - after) == len(after - before)


# Step names long enough that every function, queue, DLQ and schedule name is shortened with a
# hash of the whole name, prefix and stage included. (Topic names are not: SNS allows 256
# characters, more than a topic's 100-character display name.)
LONG_STEP = "StepWithANameLongEnoughThatEveryPhysicalNameGetsShortened"
LONG_TOPIC = "order.created." + ".".join(["storefront"] * 7)
LONG_PROJECT = {
    "steps/create_step.py": f"""
        config = {{"name": "{LONG_STEP}Create", "triggers": [http("POST", "/orders")], "enqueues": ["{LONG_TOPIC}"]}}
        async def handler(request, ctx):
            return None
    """,
    "steps/charge_step.py": f"""
        config = {{"name": "{LONG_STEP}Charge", "triggers": [queue("{LONG_TOPIC}", config={{"type": "fifo"}})]}}
        async def handler(input, ctx):
            return None
    """,
    "steps/ship_step.py": f"""
        config = {{"name": "{LONG_STEP}Ship", "triggers": [queue("{LONG_TOPIC}")]}}
        async def handler(input, ctx):
            return None
    """,
    "steps/report_step.py": f"""
        config = {{"name": "{LONG_STEP}Report", "triggers": [cron("0 9 1 * MON"), cron("*/10 * * * *")]}}
        async def handler(ctx):
            return None
    """,
    "steps/audit_step.py": f"""
        config = {{"name": "{LONG_STEP}Audit", "triggers": [state(), stream("orders", group_id="pending")]}}
        async def handler(input, ctx):
            return None
    """,
}
STAGES = ("dev", "stage-of-twenty-char")
_HASHED = re.compile(r"-[0-9a-f]{%d}(\.fifo)?$" % naming.HASH_LENGTH)


@pytest.fixture(scope="module")
def staged_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ir.Application, dict[str, Any]]]:
    """The long-named project compiled and synthesized once per stage."""
    root = write_project(tmp_path_factory.mktemp("project") / "longids", LONG_PROJECT)
    result = {}
    for stage in STAGES:
        app = compile_project(root, stage=stage)
        assert app.errors == (), app.errors
        synth = synthesize(app, tmp_path_factory.mktemp(f"out-{stage}"))
        result[stage] = (app, json.loads(synth.template_path.read_text()))
    return result


def physical_names(app: ir.Application) -> list[str]:
    return ([f.function_name for f in app.functions] + [n for q in app.queues for n in (q.queue_name, q.dlq_name)]
            + [s.schedule_name for s in app.schedules])


def test_logical_ids_do_not_depend_on_the_stage_even_when_names_are_shortened(
    staged_templates: dict[str, tuple[ir.Application, dict[str, Any]]],
) -> None:
    (dev, dev_template), (other, other_template) = (staged_templates[stage] for stage in STAGES)
    assert len(STAGES[1]) == 20
    # Every physical name ends in a hash, and the hash differs by stage: the ids must not follow.
    assert len(dev.schedules) == 2 and {q.fifo for q in dev.queues} == {True, False}
    assert all(_HASHED.search(name) for name in physical_names(dev) + physical_names(other))
    assert not set(physical_names(dev)) & set(physical_names(other))
    assert ids(dev_template) == ids(other_template)


def cdk_allocated_ids(stack: Any) -> dict[tuple[str, ...], str]:
    """Every CloudFormation element of `stack` (not of its nested stacks): its construct ids
    below the stack -> the logical id CDK gives it."""
    from aws_cdk import CfnElement, Stack

    found = {}
    for construct in stack.node.find_all():
        if isinstance(construct, CfnElement) and Stack.of(construct) is stack:
            scopes = construct.node.scopes
            path = tuple(scope.node.id for scope in scopes[scopes.index(stack) + 1:])
            found[path] = str(stack.resolve(stack.get_logical_id(construct)))
    return found


def test_computed_logical_ids_are_cdk_s_for_every_resource_flat_and_nested(tmp_path: Path) -> None:
    from aws_cdk import CfnResource, NestedStack, Stack
    from constructs import Construct

    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "placeholder.py").write_text("")
    cdk_app = App(outdir=str(tmp_path / "out"))
    app = every_kind(Path("/project"))
    flat = emit_application(cdk_app, "flat", app, lambda_.Code.from_asset(str(code_dir)))
    nested = emit_application(cdk_app, "nested", app, lambda_.Code.from_asset(str(code_dir)),
                              new_code=lambda: lambda_.Code.from_asset(str(code_dir)))
    # The corners of CDK's rule: Default dropped, Resource hidden, repeats, long and odd ids.
    odd = Stack(cdk_app, "odd")
    for path in (["Default", "Solo"], ["Foo", "FooFoo", "Foo"], ["Bar", "Bar", "Resource"], ["a" * 300],
                 ["x" * 150, "y.z-" * 40, "Resource"], ["Ünicode ids", "with spaces/and:colons"]):
        scope: Construct = odd
        for component in path[:-1]:
            scope = scope.node.try_find_child(component) or Construct(scope, component)  # type: ignore[assignment]
        CfnResource(scope, path[-1], type="AWS::SNS::Topic")
    stacks = [flat, nested, odd, *(c for c in nested.node.find_all() if isinstance(c, NestedStack))]
    compared = 0
    for stack in stacks:
        for path, expected in cdk_allocated_ids(stack).items():
            assert logical_id(path) == expected, path
            compared += 1
    assert compared > 100
