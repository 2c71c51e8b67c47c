"""What `motia destroy` keeps and what it would lose, read from the deployed template.

Tables carry `DeletionPolicy: Retain` (the emitter's choice) and outlive the stack. Dead-letter
queues hold the messages that failed every attempt; deleting one that is not empty loses them,
so destroy checks them first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

__all__ = ["KEPT_POLICIES", "TemplateResource", "dead_letter_queues", "leftover_tables_message", "named_tables",
           "retained_resources"]

KEPT_POLICIES = ("Retain", "RetainExceptOnCreate", "Snapshot")


@dataclass(frozen=True)
class TemplateResource:
    logical_id: str
    resource_type: str
    name: str = ""  # the physical name the template sets, '' when CloudFormation generates it


def _name(resource: dict[str, Any]) -> str:
    props = resource.get("Properties", {})
    for key in ("TableName", "QueueName", "TopicName", "FunctionName"):
        if isinstance(props.get(key), str):
            return str(props[key])
    return ""


def retained_resources(template: dict[str, Any]) -> tuple[TemplateResource, ...]:
    """Resources whose DeletionPolicy keeps them in the account after the stack is deleted."""
    return tuple(
        TemplateResource(lid, r.get("Type", ""), _name(r))
        for lid, r in sorted(template.get("Resources", {}).items())
        if r.get("DeletionPolicy") in KEPT_POLICIES
    )


def named_tables(template: dict[str, Any]) -> tuple[str, ...]:
    """Table names the template fixes: a new stack cannot create them if they already exist."""
    return tuple(sorted(
        r.name for r in (TemplateResource(lid, res.get("Type", ""), _name(res))
                         for lid, res in template.get("Resources", {}).items())
        if r.resource_type == "AWS::DynamoDB::Table" and r.name
    ))


def leftover_tables_message(stack_name: str, existing: tuple[str, ...]) -> str:
    """Why creating the stack would fail, and the two ways out."""
    names = ", ".join(existing)
    deletes = "; ".join(f"aws dynamodb delete-table --table-name {n}" for n in existing)
    return (f"cannot create stack {stack_name}: table(s) {names} already exist and may hold data (motia "
            f"destroy keeps tables; motia deploy deletes only empty ones its own failed attempt created). "
            f"Either delete them when their data "
            f"is no longer needed ({deletes}), or deploy under another --stage")


def _arn_target(value: Any) -> str | None:
    """The logical id of `{"Fn::GetAtt": [id, "Arn"]}`, else None."""
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list):
        ref = value["Fn::GetAtt"]
        if len(ref) == 2 and ref[1] == "Arn":
            return str(ref[0])
    return None


def _failure_destinations(resource: dict[str, Any]) -> Iterator[Any]:
    props = resource.get("Properties", {})
    kind = resource.get("Type")
    if kind == "AWS::SQS::Queue":
        yield (props.get("RedrivePolicy") or {}).get("deadLetterTargetArn")
    elif kind == "AWS::Scheduler::Schedule":
        yield ((props.get("Target") or {}).get("DeadLetterConfig") or {}).get("Arn")
    elif kind == "AWS::Lambda::EventSourceMapping":
        yield (((props.get("DestinationConfig") or {}).get("OnFailure")) or {}).get("Destination")


def dead_letter_queues(template: dict[str, Any]) -> tuple[TemplateResource, ...]:
    """SQS queues that receive what failed: redrive targets, schedule DLQs, stream on-failure queues."""
    resources = template.get("Resources", {})
    ids = {lid for r in resources.values() for v in _failure_destinations(r) if (lid := _arn_target(v))}
    return tuple(
        TemplateResource(lid, resources[lid]["Type"], _name(resources[lid]))
        for lid in sorted(ids) if resources.get(lid, {}).get("Type") == "AWS::SQS::Queue"
    )
