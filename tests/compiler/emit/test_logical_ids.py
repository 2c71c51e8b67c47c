"""Logical ids are a contract: they derive only from step and topic names (DESIGN.md 2)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from compiler import ir
from compiler.synth import configure_jsii_environment
from tests.compiler.emit.ir_fixtures import every_kind

configure_jsii_environment()
aws_cdk = pytest.importorskip("aws_cdk")
from aws_cdk import App, aws_lambda as lambda_  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402

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


def restage(app: ir.Application, stage: str) -> ir.Application:
    prefix = f"{app.name}-{stage}"
    def swap(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(app.prefix, prefix)
        if isinstance(value, tuple):
            return tuple(swap(v) for v in value)
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(value, **{f.name: swap(getattr(value, f.name))
                                                 for f in dataclasses.fields(value)})
        return value
    return dataclasses.replace(swap(app), stage=stage)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    code_dir = tmp_path_factory.mktemp("code")
    (code_dir / "placeholder.py").write_text("")
    base = every_kind(Path("/project"))
    apps = {
        "base": base,
        "renamed": rename_step(base, "ship-order", "dispatch-order"),
        "prod": restage(base, "prod"),
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


def test_logical_ids_do_not_depend_on_the_stage(templates: dict[str, dict[str, Any]]) -> None:
    assert ids(templates["base"]) == ids(templates["prod"])
    assert "shop-prod-state" in str(templates["prod"]) and "shop-test" not in str(templates["prod"])
