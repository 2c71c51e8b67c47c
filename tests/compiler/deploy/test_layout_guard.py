"""compiler/deploy/layout_guard.py: a deployed stack never moves its steps to another layout."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.deploy.layout_guard import deployed_layout, layout_refusal

STEP_FUNCTION = {"Type": "AWS::Lambda::Function",
                 "Properties": {"Environment": {"Variables": {"MOTIA_FUNCTION": "{}"}}}}
SHARED_FUNCTION = {"Type": "AWS::Lambda::Function",  # the realtime functions stay in the root
                   "Properties": {"Environment": {"Variables": {"MOTIA_WEBSOCKET": "1"}}}}
TABLE = {"Type": "AWS::DynamoDB::Table", "Properties": {}}
FLAT = {"Resources": {"Tablestate": TABLE, "StepCreateOrderFunction5D6B10B5": STEP_FUNCTION,
                      "RealtimeSocketFunction": SHARED_FUNCTION}}
NESTED = {"Resources": {"Tablestate": TABLE, "RealtimeSocketFunction": SHARED_FUNCTION,
                        "Steps07NestedStackSteps07NestedStackResource5AC33B5C": {"Type": "AWS::CloudFormation::Stack",
                                                                                 "Properties": {}}}}
NO_STEP = {"Resources": {"Tablestate": TABLE, "RealtimeSocketFunction": SHARED_FUNCTION}}


@pytest.mark.parametrize(("template", "layout"), [(FLAT, "flat"), (NESTED, "nested"), (NO_STEP, None), ({}, None)])
def test_the_layout_is_read_from_the_root_template(template: dict[str, Any], layout: str | None) -> None:
    assert deployed_layout(template) == layout


def test_a_user_s_own_nested_stack_is_not_a_steps_stack() -> None:
    user = {"Resources": {"Steps07": {"Type": "AWS::CloudFormation::Stack"},
                          "SearchNestedStackSearchNestedStackResource5AC33B5C": {"Type": "AWS::CloudFormation::Stack"}}}
    assert deployed_layout(user) is None


@pytest.mark.parametrize(("deployed", "new"), [(FLAT, FLAT), (NESTED, NESTED), (NO_STEP, NESTED), (FLAT, NO_STEP),
                                                ({}, NESTED)])
def test_the_same_layout_or_no_step_on_either_side_deploys(deployed: dict[str, Any], new: dict[str, Any]) -> None:
    assert layout_refusal("shop-prod", deployed, new) is None


def test_flat_to_nested_is_refused_with_the_record_that_keeps_it_flat() -> None:
    refusal = layout_refusal("shop-prod", FLAT, NESTED)
    assert refusal is not None
    assert refusal.startswith("stack shop-prod keeps its steps in its root stack, and this assembly puts them in nested stacks")
    assert "queued messages would be lost" in refusal and "Nothing was changed" in refusal
    assert 'Fix: write {"layout": "flat"} to motia-stacks.json' in refusal


def test_nested_to_flat_is_refused_with_the_record_to_remove() -> None:
    refusal = layout_refusal("shop-prod", NESTED, FLAT)
    assert refusal is not None and "keeps its steps in nested stacks, and this assembly puts them in its root stack" in refusal
    assert 'Fix: remove the {"layout": "flat"} record from motia-stacks.json' in refusal
