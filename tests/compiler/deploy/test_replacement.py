"""Replacements found from a change set and the two templates, their lines, and table refusals."""

from __future__ import annotations

from typing import Any

from compiler.deploy.changes import plan_from_changes
from compiler.deploy.replacement import replacement_lines, replacements, table_refusals, with_nested
from tests.compiler.deploy.test_changes import change


def queue(name: str, fifo: bool = False, dlq: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"QueueName": name, **({"FifoQueue": True} if fifo else {})}
    if dlq:
        props["RedrivePolicy"] = {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": 3}
    return {"Type": "AWS::SQS::Queue", "Properties": props}


def table(name: str, keys: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    """keys: (attribute, HASH|RANGE, S|N)."""
    return {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": name,
        "KeySchema": [{"AttributeName": a, "KeyType": k} for a, k, _ in keys],
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": t} for a, _, t in keys]}}


def template(**resources: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": resources}


STANDARD = template(WorkQueue=queue("app-dev-job-Work", dlq="WorkDlq"), WorkDlq=queue("app-dev-job-Work-dlq"))
FIFO = template(WorkFifoQueue=queue("app-dev-job-Work.fifo", True, dlq="WorkFifoDlq"),
                WorkFifoDlq=queue("app-dev-job-Work-dlq.fifo", True))
TO_FIFO = plan_from_changes([
    change("Remove", "WorkQueue", "AWS::SQS::Queue", physical_id="https://sqs/app-dev-job-Work"),
    change("Remove", "WorkDlq", "AWS::SQS::Queue"),
    change("Add", "WorkFifoQueue", "AWS::SQS::Queue"),
    change("Add", "WorkFifoDlq", "AWS::SQS::Queue"),
])


def test_a_queue_turning_fifo_is_a_removed_queue_and_its_added_twin() -> None:
    found = replacements(TO_FIFO, STANDARD, FIFO)
    assert [(r.old_id, r.old_name, r.new_id, r.new_name, r.properties) for r in found] == [
        ("WorkQueue", "app-dev-job-Work", "WorkFifoQueue", "app-dev-job-Work.fifo", ("QueueName", "FifoQueue")),
        ("WorkDlq", "app-dev-job-Work-dlq", "WorkFifoDlq", "app-dev-job-Work-dlq.fifo", ("QueueName", "FifoQueue")),
    ]


def test_lines_name_old_and_new_and_say_what_happens_to_messages() -> None:
    text = "\n".join(replacement_lines(replacements(TO_FIFO, STANDARD, FIFO), STANDARD))
    assert "REPLACED: 2 named resource(s)" in text
    assert "queue app-dev-job-Work -> app-dev-job-Work.fifo (QueueName, FifoQueue changed)" in text
    assert "messages still in the old queue stay there and are deleted with it" in text
    assert "drain app-dev-job-Work first" in text
    # The dead-letter queue is told apart: its letters are redriven, not drained.
    assert "redrive the dead letters in app-dev-job-Work-dlq first" in text
    assert "drain app-dev-job-Work-dlq" not in text


def test_an_unrelated_removal_and_addition_are_not_paired() -> None:
    plan = plan_from_changes([change("Remove", "A", "AWS::SQS::Queue"), change("Add", "B", "AWS::SQS::Queue")])
    assert replacements(plan, template(A=queue("app-dev-a-Work")), template(B=queue("app-dev-b-Work"))) == ()


def test_a_change_set_replacement_is_listed_even_without_template_differences() -> None:
    plan = plan_from_changes([change("Modify", "T", "AWS::SNS::Topic", "True", physical_id="arn:aws:sns:x:1:t")])
    found = replacements(plan, {}, {})
    assert [(r.kind, r.old_name, r.properties) for r in found] == [("topic", "arn:aws:sns:x:1:t", ())]
    assert "topic arn:aws:sns:x:1:t -> (a generated name):" in "\n".join(replacement_lines(found))


def test_a_modified_function_keeping_its_name_is_no_replacement() -> None:
    fn = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "app-dev-Work", "MemorySize": 128}}
    bigger = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "app-dev-Work", "MemorySize": 256}}
    plan = plan_from_changes([change("Modify", "Fn", "AWS::Lambda::Function", "False")])
    assert replacements(plan, template(Fn=fn), template(Fn=bigger)) == ()
    assert replacement_lines(()) == []


def test_rejects_a_table_whose_key_schema_changes() -> None:
    old = template(State=table("app-dev-state", (("pk", "HASH", "S"), ("sk", "RANGE", "S"))))
    new = template(State=table("app-dev-state", (("pk", "HASH", "S"), ("id", "RANGE", "S"))))
    plan = plan_from_changes([change("Modify", "State", "AWS::DynamoDB::Table", "True")])
    [message] = table_refusals(plan, old, new, "app-dev")
    assert "stack app-dev would replace table app-dev-state (logical id State)" in message
    assert "KeySchema, AttributeDefinitions changed" in message
    assert "nothing was deployed" in message and "Fix: undo that change" in message


def test_rejects_a_key_type_change_even_when_the_change_set_says_modify() -> None:
    old = template(State=table("app-dev-state", (("pk", "HASH", "S"),)))
    new = template(State=table("app-dev-state", (("pk", "HASH", "N"),)))
    plan = plan_from_changes([change("Modify", "State", "AWS::DynamoDB::Table", "False")])
    [message] = table_refusals(plan, old, new, "app-dev")
    assert "AttributeDefinitions changed" in message


def test_rejects_a_table_moving_to_a_new_logical_id_under_its_name() -> None:
    keys = (("pk", "HASH", "S"),)
    plan = plan_from_changes([change("Remove", "Old", "AWS::DynamoDB::Table"),
                              change("Add", "New", "AWS::DynamoDB::Table")])
    [message] = table_refusals(plan, template(Old=table("app-dev-state", keys)),
                               template(New=table("app-dev-state", keys)), "app-dev")
    assert "table app-dev-state (logical id Old): logical id changed" in message


def test_a_table_gaining_a_non_key_attribute_is_allowed() -> None:
    old = template(State=table("app-dev-state", (("pk", "HASH", "S"),)))
    new = template(State=table("app-dev-state", (("pk", "HASH", "S"),)))
    new["Resources"]["State"]["Properties"]["AttributeDefinitions"].append({"AttributeName": "gsi", "AttributeType": "S"})
    plan = plan_from_changes([change("Modify", "State", "AWS::DynamoDB::Table", "False")])
    assert table_refusals(plan, old, new, "app-dev") == []


def test_a_twin_under_the_same_name_is_called_a_collision() -> None:
    plan = plan_from_changes([change("Remove", "A", "AWS::Lambda::Function"), change("Add", "B", "AWS::Lambda::Function")])
    fn = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "app-dev-a-b"}}
    found = replacements(plan, template(A=fn), template(B=fn))
    assert [(r.old_id, r.new_id, r.properties) for r in found] == [("A", "B", ("logical id",))]
    text = "\n".join(replacement_lines(found))
    assert "function app-dev-a-b -> app-dev-a-b (logical id changed)" in text
    assert "WARNING: the new function has the old one's name and collides with it" in text


# A nested project (every project's default): the queues are in Steps07, whose change set rows
# are named `Steps07/<logical id>` (compiler.deploy.nested), and its templates are added so.
NESTED_TO_FIFO = plan_from_changes([
    change("Remove", "Steps07/WorkQueue", "AWS::SQS::Queue", physical_id="https://sqs/app-dev-job-Work"),
    change("Remove", "Steps07/WorkDlq", "AWS::SQS::Queue"),
    change("Add", "Steps07/WorkFifoQueue", "AWS::SQS::Queue"),
    change("Add", "Steps07/WorkFifoDlq", "AWS::SQS::Queue"),
])


def test_a_queue_in_a_nested_stack_turning_fifo_is_found_and_explained_as_in_the_root() -> None:
    old, new = with_nested(template(), {"Steps07": STANDARD}), with_nested(template(), {"Steps07": FIFO})
    found = replacements(NESTED_TO_FIFO, old, new)
    assert [(r.old_id, r.new_name) for r in found] == [
        ("Steps07/WorkQueue", "app-dev-job-Work.fifo"), ("Steps07/WorkDlq", "app-dev-job-Work-dlq.fifo")]
    text = "\n".join(replacement_lines(found, old))
    assert "drain app-dev-job-Work first" in text
    assert "redrive the dead letters in app-dev-job-Work-dlq first" in text  # its redrive target, within Steps07


def test_without_its_nested_templates_a_nested_change_set_shows_no_replacement() -> None:
    assert replacements(NESTED_TO_FIFO, template(), template()) == ()
