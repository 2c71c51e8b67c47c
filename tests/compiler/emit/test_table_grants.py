"""Table grants by use (compiler/emit/functions.py), read from the orders example's golden
templates (tests/compiler/test_template_golden.py keeps them equal to what is emitted). The
steps' roles live in nested stacks, which name a table's ARN by a parameter of the root's."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import GOLDEN

WRITE_ACTIONS = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
ITEM_ACTIONS = WRITE_ACTIONS | {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem"}
TABLES = ("state", "streams")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    """Every template's resources, by logical id (unique across the example's templates)."""
    templates = json.loads((GOLDEN / "orders.template.json").read_text()).values()
    return {k: r for t in templates for k, r in t["Resources"].items()}


def table_of(resource: Any) -> str | None:
    """The table kind whose ARN `resource` names: the table's own (flat) or the nested stack's
    parameter for it (`referencetoordersciTablestate8CF32CD8Arn`)."""
    name = ""
    if isinstance(resource, dict) and isinstance(resource.get("Fn::GetAtt"), list) and resource["Fn::GetAtt"][1] == "Arn":
        name = resource["Fn::GetAtt"][0]
    elif isinstance(resource, dict) and str(resource.get("Ref", "")).startswith("referenceto"):
        name = resource["Ref"] if resource["Ref"].endswith("Arn") else ""
    return next((kind for kind in TABLES if re.search(rf"Table{kind}[0-9A-F]{{8}}(Arn)?$", name)), None)


def item_actions(template: dict[str, Any], step: str) -> dict[str, set[str]]:
    """Table kind -> the item actions `step`'s role may take on that table."""
    [policy] = [r for k, r in template.items() if r["Type"] == "AWS::IAM::Policy" and k.startswith(f"Step{step}Role")]
    found: dict[str, set[str]] = {kind: set() for kind in TABLES}
    for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for kind in filter(None, map(table_of, resources)):
            found[kind] |= set(actions) & ITEM_ACTIONS
    return found


def test_a_step_that_only_reads_state_may_not_write_it(template: dict[str, Any]) -> None:
    access = item_actions(template, "GetOrder")
    assert "dynamodb:GetItem" in access["state"] and not access["state"] & WRITE_ACTIONS
    assert access["streams"] == set()


def test_a_step_that_writes_state_and_a_stream_may_write_both(template: dict[str, Any]) -> None:
    access = item_actions(template, "CreateOrder")
    assert WRITE_ACTIONS <= access["state"] and WRITE_ACTIONS <= access["streams"]


@pytest.mark.parametrize("step", ["SendConfirmation", "AuditOrderState", "WatchPendingOrders"])
def test_a_step_that_uses_no_table_gets_no_item_access(template: dict[str, Any], step: str) -> None:
    assert item_actions(template, step) == {"state": set(), "streams": set()}
