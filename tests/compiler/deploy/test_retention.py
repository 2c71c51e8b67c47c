from __future__ import annotations

from typing import Any

from compiler.deploy.retention import dead_letter_queues, retained_resources


def arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


TEMPLATE: dict[str, Any] = {"Resources": {
    "State": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "Properties": {"TableName": "app-dev-state"}},
    "Queue": {"Type": "AWS::SQS::Queue", "DeletionPolicy": "Delete", "Properties": {
        "QueueName": "app-dev-q", "RedrivePolicy": {"deadLetterTargetArn": arn("Dlq"), "maxReceiveCount": 3}}},
    "Dlq": {"Type": "AWS::SQS::Queue", "DeletionPolicy": "Delete", "Properties": {"QueueName": "app-dev-q-dlq"}},
    "ScheduleDlq": {"Type": "AWS::SQS::Queue", "Properties": {}},
    "Schedule": {"Type": "AWS::Scheduler::Schedule", "Properties": {
        "Target": {"Arn": arn("Fn"), "DeadLetterConfig": {"Arn": arn("ScheduleDlq")}}}},
    "FailureQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
    "StreamMapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
        "DestinationConfig": {"OnFailure": {"Destination": arn("FailureQueue")}}}},
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "app-dev-Fn"}},
}}


def test_tables_with_retain_are_kept() -> None:
    kept = retained_resources(TEMPLATE)
    assert [(r.logical_id, r.resource_type, r.name) for r in kept] == [
        ("State", "AWS::DynamoDB::Table", "app-dev-state")]


def test_finds_redrive_schedule_and_stream_failure_queues() -> None:
    assert [q.logical_id for q in dead_letter_queues(TEMPLATE)] == ["Dlq", "FailureQueue", "ScheduleDlq"]
    assert dead_letter_queues(TEMPLATE)[0].name == "app-dev-q-dlq"


def test_a_queue_nobody_dead_letters_to_is_not_a_dlq() -> None:
    assert "Queue" not in {q.logical_id for q in dead_letter_queues(TEMPLATE)}


def test_an_empty_template_keeps_nothing() -> None:
    assert retained_resources({}) == () and dead_letter_queues({}) == ()


def test_named_tables_are_the_fixed_table_names_of_the_template() -> None:
    from compiler.deploy.retention import named_tables

    template = {"Resources": {
        "B": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "app-dev-streams"}},
        "A": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "app-dev-state"}},
        "Generated": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}},
    }}
    assert named_tables(template) == ("app-dev-state", "app-dev-streams")


def test_leftover_tables_message_names_the_tables_and_both_fixes() -> None:
    from compiler.deploy.retention import leftover_tables_message

    message = leftover_tables_message("app-dev", ("app-dev-state",))
    assert message.startswith("cannot create stack app-dev: table(s) app-dev-state already exist")
    assert "aws dynamodb delete-table --table-name app-dev-state" in message
    assert "another --stage" in message
