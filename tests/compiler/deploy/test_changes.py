from __future__ import annotations

from typing import Any

from compiler.deploy.changes import is_empty_change_set, plan_from_changes, render_change_plan


def change(action: str, logical_id: str, resource_type: str, replacement: str | None = None,
           physical_id: str = "") -> dict[str, Any]:
    rc: dict[str, Any] = {"Action": action, "LogicalResourceId": logical_id, "ResourceType": resource_type}
    if replacement is not None:
        rc["Replacement"] = replacement
    if physical_id:
        rc["PhysicalResourceId"] = physical_id
    return {"Type": "Resource", "ResourceChange": rc}


def test_modify_with_replacement_true_is_a_replace() -> None:
    plan = plan_from_changes([change("Modify", "Q", "AWS::SQS::Queue", "True")])
    assert [c.action for c in plan.changes] == ["replace"]


def test_modify_with_conditional_replacement_is_a_maybe() -> None:
    plan = plan_from_changes([change("Modify", "F", "AWS::Lambda::Function", "Conditional")])
    assert [c.action for c in plan.changes] == ["replace (maybe)"]


def test_rows_are_sorted_by_action_then_logical_id() -> None:
    plan = plan_from_changes([
        change("Remove", "A", "AWS::SNS::Topic"),
        change("Modify", "C", "AWS::Lambda::Function", "False"),
        change("Add", "Z", "AWS::SQS::Queue"),
        change("Add", "B", "AWS::SQS::Queue"),
    ])
    assert [(c.action, c.logical_id) for c in plan.changes] == [
        ("add", "B"), ("add", "Z"), ("modify", "C"), ("remove", "A")]


def test_queue_and_table_replacements_and_removals_are_called_out() -> None:
    plan = plan_from_changes([
        change("Modify", "Orders", "AWS::DynamoDB::Table", "True", "app-dev-state"),
        change("Remove", "Dlq", "AWS::SQS::Queue", physical_id="https://sqs/q"),
        change("Remove", "Topic", "AWS::SNS::Topic"),
        change("Modify", "Queue", "AWS::SQS::Queue", "False"),
    ])
    assert [c.logical_id for c in plan.data_losses] == ["Orders", "Dlq"]
    text = "\n".join(render_change_plan(plan, "app-dev", creating=False))
    assert "WARNING: 2 resources holding data will be replaced or removed" in text
    assert "  replace table Orders (app-dev-state)" in text
    assert "  remove queue Dlq (https://sqs/q)" in text
    assert "1 to modify, 1 to replace, 2 to remove" in text


def test_an_update_lists_every_resource() -> None:
    plan = plan_from_changes([change("Add", "NewQueue", "AWS::SQS::Queue"),
                              change("Modify", "Fn", "AWS::Lambda::Function", "False", "app-dev-Fn")])
    lines = render_change_plan(plan, "app-dev", creating=False)
    assert lines[0] == "change set to update stack app-dev: 1 to add, 1 to modify"
    assert any(line.split() == ["add", "NewQueue", "AWS::SQS::Queue"] for line in lines)
    assert any(line.split() == ["modify", "Fn", "AWS::Lambda::Function", "app-dev-Fn"] for line in lines)
    assert not any("WARNING" in line for line in lines)


def test_a_create_is_summarized_by_resource_type() -> None:
    plan = plan_from_changes([change("Add", f"Q{i}", "AWS::SQS::Queue") for i in range(3)]
                             + [change("Add", "T", "AWS::SNS::Topic")])
    lines = render_change_plan(plan, "app-dev", creating=True)
    assert lines[0] == "change set to create stack app-dev: 4 to add"
    assert [line.split() for line in lines[3:]] == [["AWS::SNS::Topic", "1"], ["AWS::SQS::Queue", "3"]]


def test_recognizes_an_empty_change_set_by_its_reason() -> None:
    assert is_empty_change_set("FAILED", "The submitted information didn't contain changes. Submit different information to create a change set.")
    assert is_empty_change_set("FAILED", "No updates are to be performed.")


def test_rejects_other_failures_as_empty() -> None:
    assert not is_empty_change_set("FAILED", "Template format error: Unresolved resource dependencies [X]")
    assert not is_empty_change_set("CREATE_COMPLETE", "")


def test_non_resource_changes_are_ignored() -> None:
    plan = plan_from_changes([{"Type": "Other", "HookInvocationCount": 1}])
    assert plan.empty
    assert render_change_plan(plan, "s", creating=False) == ["stack s: no changes"]
