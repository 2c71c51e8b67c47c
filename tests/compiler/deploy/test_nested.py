"""compiler/deploy/nested.py: nested change sets and events shown under the nested stack's name."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from compiler.deploy.changes import plan_from_changes, render_change_plan
from compiler.deploy.events import StackEvent, first_failure
from compiler.deploy.nested import (
    nested_change_sets,
    nested_stacks_started,
    prefixed_changes,
    prefixed_events,
    short_name,
)

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
NESTED_ID = "Steps07NestedStackSteps07NestedStackResource1A2B3C4D"
ROOT_ARN = "arn:aws:cloudformation:us-east-1:123456789012:stack/shop-dev/1"
NESTED_ARN = "arn:aws:cloudformation:us-east-1:123456789012:stack/shop-dev-Steps07-XYZ/2"
STACK = "AWS::CloudFormation::Stack"


def change(logical_id: str, kind: str, action: str = "Modify", replacement: str = "False",
           **extra: str) -> dict[str, object]:
    return {"Type": "Resource", "ResourceChange": {"Action": action, "LogicalResourceId": logical_id,
                                                    "ResourceType": kind, "Replacement": replacement, **extra}}


def event(n: int, logical_id: str, kind: str, status: str, physical_id: str = "", reason: str = "") -> StackEvent:
    return StackEvent(f"e{n}", T0 + timedelta(seconds=n), logical_id, kind, status, reason, physical_id)


def test_short_name_is_the_bucket_stack_id() -> None:
    assert short_name(NESTED_ID) == "Steps07"
    assert short_name("TablestateBA360250") == "TablestateBA360250"


def test_nested_rows_name_their_change_sets_and_their_changes_get_the_prefix() -> None:
    # GIVEN a root change set whose nested stack row carries its own change set
    root_changes = [change(NESTED_ID, STACK, ChangeSetId="arn:cs/nested"), change("HttpApiF5A9A8A7", "AWS::ApiGatewayV2::Api")]
    assert nested_change_sets(root_changes) == (("Steps07", "arn:cs/nested"),)
    # WHEN its rows are merged into the plan THEN a replaced queue inside is called out by its path
    inner = prefixed_changes("Steps07", [change("StepStep3SubscriptiontopicQueue1", "AWS::SQS::Queue",
                                                replacement="True")])
    plan = plan_from_changes([*root_changes, *inner])
    lines = render_change_plan(plan, "shop-dev", creating=False)
    assert any("replace queue Steps07/StepStep3SubscriptiontopicQueue1" in line for line in lines)


def test_nested_stacks_are_followed_from_the_time_the_root_starts_them() -> None:
    root_events = [event(1, "shop-dev", STACK, "UPDATE_IN_PROGRESS", ROOT_ARN),
                   event(2, NESTED_ID, STACK, "UPDATE_IN_PROGRESS", NESTED_ARN),
                   event(3, NESTED_ID, STACK, "UPDATE_IN_PROGRESS", NESTED_ARN)]
    assert nested_stacks_started(root_events) == {"Steps07": (NESTED_ARN, T0 + timedelta(seconds=2))}


def test_a_failure_inside_a_nested_stack_is_reported_by_its_real_resource() -> None:
    old = event(0, "StepStep3Function", "AWS::Lambda::Function", "CREATE_FAILED", reason="an earlier deploy")
    inner = prefixed_events("Steps07", [
        old,
        event(3, "shop-dev-Steps07-XYZ", STACK, "UPDATE_IN_PROGRESS", NESTED_ARN),
        event(4, "StepStep3Function", "AWS::Lambda::Function", "UPDATE_FAILED", reason="Memory size 20 invalid"),
    ], since=T0 + timedelta(seconds=2))
    assert [e.logical_id for e in inner] == ["Steps07/StepStep3Function"]
    echo = event(5, NESTED_ID, STACK, "UPDATE_FAILED", NESTED_ARN, "Embedded stack was not successfully updated")
    failure = first_failure([*inner, echo])
    assert failure is not None and failure.line() == (
        "Steps07/StepStep3Function (AWS::Lambda::Function) UPDATE_FAILED: Memory size 20 invalid")
