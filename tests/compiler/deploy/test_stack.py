"""watch_stack against CloudFormation's recorded answers (botocore's Stubber): the real-AWS
failure path, which moto cannot produce (its CloudFormation emits no resource events)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
from botocore.stub import Stubber

from compiler.deploy.aws import AwsTarget, Clients
from compiler.deploy.events import first_failure
from compiler.deploy.stack import watch_stack

STACK_ID = "arn:aws:cloudformation:eu-west-1:111122223333:stack/app-dev/1"
T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def event(n: int, logical_id: str, kind: str, status: str, reason: str = "") -> dict[str, Any]:
    e = {"StackId": STACK_ID, "EventId": f"e{n}", "StackName": "app-dev", "LogicalResourceId": logical_id,
         "ResourceType": kind, "Timestamp": T0 + timedelta(seconds=n), "ResourceStatus": status}
    if reason:
        e["ResourceStatusReason"] = reason
    return e


def stack(status: str) -> dict[str, Any]:
    return {"Stacks": [{"StackId": STACK_ID, "StackName": "app-dev", "CreationTime": T0, "StackStatus": status}]}


def test_follows_a_failed_create_through_its_rollback() -> None:
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1", aws_access_key_id="x",
                                  aws_secret_access_key="x")
    clients = Clients(AwsTarget("eu-west-1"), "eu-west-1", cloudformation, None, None, None)
    old = event(0, "app-dev", "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS")
    first = [event(2, "Queue", "AWS::SQS::Queue", "CREATE_IN_PROGRESS"),
             event(1, "app-dev", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"), old]
    second = [event(5, "app-dev", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE"),
              event(4, "Queue", "AWS::SQS::Queue", "DELETE_COMPLETE"),
              event(3, "Queue", "AWS::SQS::Queue", "CREATE_FAILED", "QueueAlreadyExists: app-dev-q"),
              *first]
    lines: list[str] = []
    sleeps: list[float] = []
    with Stubber(cloudformation) as stub:
        stub.add_response("describe_stack_events", {"StackEvents": first}, {"StackName": STACK_ID})
        stub.add_response("describe_stacks", stack("CREATE_IN_PROGRESS"), {"StackName": STACK_ID})
        stub.add_response("describe_stack_events", {"StackEvents": second}, {"StackName": STACK_ID})
        stub.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"), {"StackName": STACK_ID})
        settled = watch_stack(clients, STACK_ID, {"e0"}, 1, lines.append, sleeps.append)
        stub.assert_no_pending_responses()
    assert settled.status == "ROLLBACK_COMPLETE"
    assert [e.event_id for e in settled.events] == ["e1", "e2", "e3", "e4", "e5"]  # each once, oldest first
    assert len(lines) == 5 and "QueueAlreadyExists: app-dev-q" in lines[2]
    assert sleeps == [2.0]
    failure = first_failure(settled.events)
    assert failure is not None and failure.line() == "Queue (AWS::SQS::Queue) CREATE_FAILED: QueueAlreadyExists: app-dev-q"


def test_pages_back_only_until_a_known_event() -> None:
    cloudformation = boto3.client("cloudformation", region_name="eu-west-1", aws_access_key_id="x",
                                  aws_secret_access_key="x")
    clients = Clients(AwsTarget("eu-west-1"), "eu-west-1", cloudformation, None, None, None)
    newest = [event(3, "app-dev", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE")]
    older = [event(2, "Fn", "AWS::Lambda::Function", "UPDATE_COMPLETE"),
             event(1, "app-dev", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE")]
    lines: list[str] = []
    with Stubber(cloudformation) as stub:
        stub.add_response("describe_stack_events", {"StackEvents": newest, "NextToken": "p2"}, {"StackName": STACK_ID})
        stub.add_response("describe_stack_events", {"StackEvents": older},
                          {"StackName": STACK_ID, "NextToken": "p2"})
        stub.add_response("describe_stacks", stack("UPDATE_COMPLETE"), {"StackName": STACK_ID})
        settled = watch_stack(clients, STACK_ID, {"e1"}, 1, lines.append, lambda _: None)
        stub.assert_no_pending_responses()
    assert [e.event_id for e in settled.events] == ["e2", "e3"]
