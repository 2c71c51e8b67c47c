"""Change set description -> a readable plan: what is added, modified, replaced, removed.

Replacing or removing a queue or a table loses its messages or items, so those rows are
called out apart from the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from compiler.report import plural, table

__all__ = [
    "ChangePlan",
    "ResourceChange",
    "DATA_RESOURCE_TYPES",
    "is_empty_change_set",
    "plan_from_changes",
    "render_change_plan",
    "type_counts",
]

# Resources whose replacement or removal destroys data a user cares about.
DATA_RESOURCE_TYPES: dict[str, str] = {
    "AWS::SQS::Queue": "queue",
    "AWS::DynamoDB::Table": "table",
}
# How CloudFormation says "nothing to do" (the second is the UpdateStack wording, seen on emulators).
_EMPTY_REASONS = ("didn't contain changes", "No updates are to be performed")
_VERB = {"Add": "add", "Modify": "modify", "Remove": "remove", "Import": "import",
         "Dynamic": "modify (evaluated at deploy time)"}
_ORDER = {"add": 0, "import": 1, "modify": 2, "modify (evaluated at deploy time)": 2, "replace": 3,
          "replace (maybe)": 3, "remove": 4}


@dataclass(frozen=True)
class ResourceChange:
    """One row of the plan."""

    action: str  # add, modify, replace, replace (maybe), remove, import
    logical_id: str
    resource_type: str
    physical_id: str = ""

    @property
    def loses_data(self) -> bool:
        return self.resource_type in DATA_RESOURCE_TYPES and self.action.startswith(("replace", "remove"))


@dataclass(frozen=True)
class ChangePlan:
    changes: tuple[ResourceChange, ...]

    @property
    def empty(self) -> bool:
        return not self.changes

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action.startswith(action))

    @property
    def data_losses(self) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.changes if c.loses_data)


def is_empty_change_set(status: str, reason: str) -> bool:
    """A FAILED change set that failed only because the template did not change."""
    return status == "FAILED" and any(text in (reason or "") for text in _EMPTY_REASONS)


def _action(change: dict[str, Any]) -> str:
    action = change.get("Action", "")
    if action == "Modify":
        replacement = change.get("Replacement", "False")
        if replacement == "True":
            return "replace"
        if replacement == "Conditional":
            return "replace (maybe)"
    return _VERB.get(action, action.lower() or "change")


def plan_from_changes(changes: Iterable[dict[str, Any]]) -> ChangePlan:
    """The `Changes` of describe_change_set (all pages) as a plan sorted by action, then id."""
    rows = [
        ResourceChange(_action(rc), rc.get("LogicalResourceId", ""), rc.get("ResourceType", ""),
                       rc.get("PhysicalResourceId", "") or "")
        for rc in (c.get("ResourceChange", {}) for c in changes if c.get("Type", "Resource") == "Resource")
    ]
    return ChangePlan(tuple(sorted(rows, key=lambda r: (_ORDER.get(r.action, 9), r.logical_id))))


def type_counts(plan: ChangePlan) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in plan.changes:
        counts[change.resource_type] = counts.get(change.resource_type, 0) + 1
    return counts


def render_change_plan(plan: ChangePlan, stack_name: str, creating: bool) -> list[str]:
    """The plan as lines for a terminal: a summary, one row per resource, then the data losses."""
    if plan.empty:
        return [f"stack {stack_name}: no changes"]
    counts = ", ".join(f"{plan.count(a)} to {a}" for a in ("add", "modify", "replace", "remove", "import")
                       if plan.count(a))
    verb = "create" if creating else "update"
    lines = [f"change set to {verb} stack {stack_name}: {counts}", ""]
    if creating:
        # Everything is new: one row per resource type says it better than eighty rows of ids.
        lines += table(("resource type", "to add"), sorted(type_counts(plan).items()))
    else:
        lines += table(("action", "logical id", "type", "physical id"),
                       ((c.action, c.logical_id, c.resource_type, c.physical_id) for c in plan.changes))
    losses = plan.data_losses
    if losses:
        lines += ["", f"WARNING: {plural(len(losses), 'resource')} holding data will be replaced or removed; "
                      "their messages or items are lost (a removed resource whose DeletionPolicy "
                      "retains it, like motia's tables, stays in the account outside the stack):"]
        for c in losses:
            kind = DATA_RESOURCE_TYPES[c.resource_type]
            name = f" ({c.physical_id})" if c.physical_id else ""
            lines.append(f"  {c.action} {kind} {c.logical_id}{name}")
    return lines
