from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from compiler.deploy.events import parse_events
from compiler.deploy.flow import change_set_name, failure_lines, stack_mode
from compiler.deploy.assembly import Upload
from compiler.deploy.stack import ChangeSet, Settled

T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_change_set_names_are_timestamps() -> None:
    assert change_set_name(T0) == "motia-20250102-030405"


def test_a_missing_or_deleted_stack_is_created() -> None:
    assert stack_mode(None) == "create"
    assert stack_mode("DELETE_COMPLETE") == "create"


def test_leftovers_of_a_failed_first_deploy_are_recreated() -> None:
    assert stack_mode("ROLLBACK_COMPLETE") == "recreate"
    assert stack_mode("REVIEW_IN_PROGRESS") == "recreate"


def test_settled_stacks_are_updated_even_after_a_failed_update() -> None:
    assert stack_mode("UPDATE_COMPLETE") == "update"
    assert stack_mode("UPDATE_ROLLBACK_COMPLETE") == "update"


def test_rejects_deploying_over_a_running_operation() -> None:
    assert stack_mode("UPDATE_IN_PROGRESS") == "busy"


def test_failure_lines_name_the_resource_and_end_with_the_rollback_status() -> None:
    events = parse_events([
        {"EventId": "2", "Timestamp": T0 + timedelta(seconds=2), "LogicalResourceId": "Queue",
         "ResourceType": "AWS::SQS::Queue", "ResourceStatus": "CREATE_FAILED",
         "ResourceStatusReason": "Resource handler returned message: QueueAlreadyExists"},
        {"EventId": "1", "Timestamp": T0, "LogicalResourceId": "app-dev",
         "ResourceType": "AWS::CloudFormation::Stack", "ResourceStatus": "CREATE_IN_PROGRESS"},
    ])
    lines = failure_lines("app-dev", Settled("ROLLBACK_COMPLETE", events))
    assert lines[0] == "failed: Queue (AWS::SQS::Queue) CREATE_FAILED: Resource handler returned message: QueueAlreadyExists"
    assert lines[1:] == ["stack app-dev is now ROLLBACK_COMPLETE"]


def test_failure_lines_fall_back_to_the_stack_reason() -> None:
    lines = failure_lines("app-dev", Settled("UPDATE_ROLLBACK_COMPLETE", (), "Template error: bad ref"))
    assert lines == ["failed: Template error: bad ref", "stack app-dev is now UPDATE_ROLLBACK_COMPLETE"]


def test_the_nested_stacks_a_change_set_changes_are_read_into_both_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a change set with rows inside Steps07 (not Steps09), its deployed and published templates
    from compiler.deploy import flow
    from compiler.deploy.changes import plan_from_changes
    from tests.compiler.deploy.test_changes import change

    def nested_stack(key: str) -> dict[str, Any]:
        return {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": {"Fn::Join": ["", ["https://x/", key]]}}}
    steps07, steps09 = "Steps07NestedStackSteps07NestedStackResource5AC33B5C", "Steps09NestedStackSteps09NestedStackResource1A2B3C4D"
    old = {"Resources": {steps07: nested_stack("old07.json"), steps09: nested_stack("old09.json")}}
    new = {"Resources": {steps07: nested_stack("new07.json"), steps09: nested_stack("new09.json")}}
    (tmp_path / "new07.json").write_text(json.dumps({"Resources": {"WorkFifoQueue": {"Type": "AWS::SQS::Queue"}}}))
    asked: list[str] = []
    monkeypatch.setattr(flow, "deployed_nested_templates", lambda _clients, _stack: lambda logical_id: (
        asked.append(logical_id) or {"Resources": {"WorkQueue": {"Type": "AWS::SQS::Queue"}}}))
    plan = plan_from_changes([change("Remove", "Steps07/WorkQueue", "AWS::SQS::Queue"),
                              change("Add", "Steps07/WorkFifoQueue", "AWS::SQS::Queue")])
    uploads = (Upload("a", tmp_path / "new07.json", "file", "bucket", "new07.json"),)
    # WHEN they are read THEN only Steps07's, under its short name, as the rows name them
    old_full, new_full = flow._with_nested_templates(
        None, ChangeSet("cs", "stack-id", False, plan, False), old, new, uploads)  # type: ignore[arg-type]
    assert asked == [steps07]
    assert set(old_full["Resources"]) == {steps07, steps09, "Steps07/WorkQueue"}
    assert set(new_full["Resources"]) == {steps07, steps09, "Steps07/WorkFifoQueue"}
