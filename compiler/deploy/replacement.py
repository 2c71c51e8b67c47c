"""Which changes replace a named resource, what that does to what it holds, and the ones refused.

CloudFormation replaces a resource in two ways: an update of a property marked "Update
requires: Replacement" (same logical id), or a new logical id for the same thing (a queue
turning FIFO gets `SubscriptionFifo-...` ids: a remove plus an add). Either way the new
resource is created before the old one is deleted, so the two must not share a physical name.
motia's names carry every replacement-forcing property we vary (`.fifo` for a queue's or a
topic's type; the rest are the names themselves), so these deploy without manual steps;
tables are the exception: a replaced table is a new, empty table, so it is refused.
docs/deploy.md ("Changes that replace resources") is the user-facing version of `RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from compiler.deploy.changes import ChangePlan, ResourceChange

__all__ = ["RULES", "Replacement", "ReplacementRule", "replacement_lines", "replacements", "table_refusals",
           "with_nested"]

FIFO_SUFFIX = ".fifo"


@dataclass(frozen=True)
class ReplacementRule:
    """A resource kind we name: the properties whose change replaces it and what is lost then."""

    kind: str
    name_property: str
    properties: tuple[str, ...]  # CloudFormation's "Update requires: Replacement" among those we set
    consequence: str


RULES: dict[str, ReplacementRule] = {
    "AWS::SQS::Queue": ReplacementRule(
        "queue", "QueueName", ("QueueName", "FifoQueue"),
        "messages still in the old queue stay there and are deleted with it"),
    "AWS::SNS::Topic": ReplacementRule(
        "topic", "TopicName", ("TopicName", "FifoTopic"),
        "publishers switch to the new topic when their functions are updated; SNS keeps no messages"),
    "AWS::Scheduler::Schedule": ReplacementRule(
        "schedule", "Name", ("Name", "GroupName"), "the schedule's next tick comes from the new one"),
    "AWS::Lambda::Function": ReplacementRule(
        "function", "FunctionName", ("FunctionName",), "nothing is lost; its log group stays under the old name"),
    "AWS::DynamoDB::Table": ReplacementRule(
        "table", "TableName", ("TableName", "KeySchema", "AttributeDefinitions", "LocalSecondaryIndexes"),
        "the new table is empty"),
}
TABLE = "AWS::DynamoDB::Table"


@dataclass(frozen=True)
class Replacement:
    """One resource replaced by another: the same logical id, or a removed one and its added twin."""

    resource_type: str
    old_id: str
    old_name: str
    new_id: str
    new_name: str
    properties: tuple[str, ...]  # the replacement-forcing properties that differ

    @property
    def kind(self) -> str:
        return RULES[self.resource_type].kind


def _properties(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    resource = template.get("Resources", {}).get(logical_id, {})
    return dict(resource.get("Properties", {}) or {})


def _name(template: dict[str, Any], logical_id: str, resource_type: str) -> str:
    value = _properties(template, logical_id).get(RULES[resource_type].name_property, "")
    return value if isinstance(value, str) else ""


def _key_types(props: dict[str, Any]) -> dict[str, str]:
    """Key attribute -> type: only the key attributes' types force a table's replacement."""
    keys = {k.get("AttributeName") for k in props.get("KeySchema", []) or []}
    return {a.get("AttributeName"): a.get("AttributeType") for a in props.get("AttributeDefinitions", []) or []
            if a.get("AttributeName") in keys}


def forcing_changes(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    """The replacement-forcing properties that differ between two property sets of one kind."""
    changed = []
    for prop in RULES[resource_type].properties:
        if prop == "AttributeDefinitions":
            if _key_types(old) != _key_types(new):
                changed.append(prop)
        elif old.get(prop) != new.get(prop):
            changed.append(prop)
    return tuple(changed)


def _base(name: str) -> str:
    return name.removesuffix(FIFO_SUFFIX)


def _pairs(plan: ChangePlan, old: dict[str, Any], new: dict[str, Any]) -> Iterable[Replacement]:
    """Removed resources whose added twin has the same name but for `.fifo` (or exactly the same)."""
    added = [c for c in plan.changes if c.action == "add" and c.resource_type in RULES]
    for removed in (c for c in plan.changes if c.action == "remove" and c.resource_type in RULES):
        old_name = _name(old, removed.logical_id, removed.resource_type)
        if not old_name:
            continue
        for twin in added:
            new_name = _name(new, twin.logical_id, twin.resource_type)
            if twin.resource_type == removed.resource_type and new_name and _base(new_name) == _base(old_name):
                props = forcing_changes(removed.resource_type, _properties(old, removed.logical_id),
                                        _properties(new, twin.logical_id))
                # Same name under a new id: a table kept by its DeletionPolicy blocks the new one.
                yield Replacement(removed.resource_type, removed.logical_id, old_name, twin.logical_id,
                                  new_name, props or ("logical id",))
                break


def _in_place(change: ResourceChange, old: dict[str, Any], new: dict[str, Any]) -> Replacement | None:
    """A same-id change that replaces (CloudFormation says so, or a forcing property differs)."""
    if change.resource_type not in RULES or not change.action.startswith(("replace", "modify")):
        return None
    props = forcing_changes(change.resource_type, _properties(old, change.logical_id),
                            _properties(new, change.logical_id))
    if not props and not change.action.startswith("replace"):
        return None
    old_name = _name(old, change.logical_id, change.resource_type) or change.physical_id
    return Replacement(change.resource_type, change.logical_id, old_name, change.logical_id,
                       _name(new, change.logical_id, change.resource_type), props)


def replacements(plan: ChangePlan, old: dict[str, Any], new: dict[str, Any]) -> tuple[Replacement, ...]:
    """Every named resource `plan` replaces, from the deployed (`old`) and the new template."""
    in_place = (_in_place(c, old, new) for c in plan.changes)
    found = [r for r in in_place if r is not None] + list(_pairs(plan, old, new))
    return tuple(sorted(found, key=lambda r: (r.kind, r.old_name, r.old_id)))


def with_nested(root: dict[str, Any], nested: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`root` with each nested template's resources added under `<short name>/<logical id>`
    (`nested` by short name, `Steps07`), as the rows of a nested change set name them
    (compiler.deploy.nested): the rules above then read nested resources as root ones."""
    resources = dict(root.get("Resources") or {})
    for short, template in nested.items():
        resources.update({f"{short}/{logical_id}": r for logical_id, r in (template.get("Resources") or {}).items()})
    return {**root, "Resources": resources}


def dead_letter_queue_ids(template: dict[str, Any]) -> frozenset[str]:
    """Logical ids of the queues another queue of `template` dead-letters into (a nested
    stack's under its prefix, as `with_nested` names them: the reference is within its stack)."""
    found = set()
    for key, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::SQS::Queue":
            continue
        target = (resource.get("Properties", {}) or {}).get("RedrivePolicy", {}).get("deadLetterTargetArn")
        if isinstance(target, dict) and "Fn::GetAtt" in target:
            prefix = key.rpartition("/")[0]
            found.add(f"{prefix}/{target['Fn::GetAtt'][0]}" if prefix else target["Fn::GetAtt"][0])
    return frozenset(found)


def _queue_advice(r: Replacement, dead_letter_queues: frozenset[str]) -> str:
    if r.old_id in dead_letter_queues:
        return (f"    to keep them, read or redrive the dead letters in {r.old_name} first "
                "(`motia dlq list`, `motia dlq show STEP`, `motia dlq redrive STEP`)")
    return (f"    to keep them, drain {r.old_name} first: stop enqueueing to its topic and deploy once the "
            "queue is empty (its step keeps consuming it until this deploy; `aws sqs get-queue-attributes "
            "--attribute-names ApproximateNumberOfMessages` reads 0)")


def replacement_lines(found: tuple[Replacement, ...], old: dict[str, Any] | None = None) -> list[str]:
    """The replacements as terminal lines: old -> new name, why, and what happens to their content
    (`old`, the deployed template, tells a dead-letter queue from a subscription queue)."""
    shown = [r for r in found if r.resource_type != TABLE]
    if not shown:
        return []
    lines = ["", f"REPLACED: {len(shown)} named resource(s); CloudFormation creates each new one, then "
                 "deletes the old one:"]
    dead_letter_queues = dead_letter_queue_ids(old or {})
    for r in shown:
        why = f" ({', '.join(r.properties)} changed)" if r.properties else ""
        new_name = r.new_name or "(a generated name)"
        lines.append(f"  {r.kind} {r.old_name or r.old_id} -> {new_name}{why}: {RULES[r.resource_type].consequence}")
        if r.old_name and r.old_name == r.new_name:
            # Created before the old one is deleted, under a name in use: the update fails (or
            # worse, adopts the old resource and then deletes it with the old logical id).
            lines.append(f"    WARNING: the new {r.kind} has the old one's name and collides with it; deploy the "
                         "removal first (without the step), then the step again")
        if r.kind == "queue":
            lines.append(_queue_advice(r, dead_letter_queues))
    return lines


def table_refusals(plan: ChangePlan, old: dict[str, Any], new: dict[str, Any], stack_name: str) -> list[str]:
    """Why this change set must not run: one message per table it would replace (empty when none)."""
    tables = [r for r in replacements(plan, old, new) if r.resource_type == TABLE]
    return [
        f"stack {stack_name} would replace table {r.old_name or r.old_id} (logical id {r.old_id}): "
        f"{', '.join(r.properties) or 'a property that requires replacement'} changed, and the new table "
        "would be empty. Tables keep their data, so nothing was deployed. Fix: undo that change "
        "(keep the table's name, key schema and key types); to change them on purpose, deploy the new "
        "shape under another --stage and copy the items over"
        for r in tables
    ]
