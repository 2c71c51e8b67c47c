"""Nested stacks in change sets and events: their rows and events shown under `Steps07/<id>`.

A change set created with `IncludeNestedStacks` names, on each nested stack's row, the change
set computed for that stack; its events live in the nested stack's own event stream. Both are
read here and their logical ids prefixed with the nested stack's short name, so the summary,
the progress lines and the first failure point at the real resource.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any, Iterable

from compiler.deploy.events import StackEvent

__all__ = ["nested_change_sets", "nested_stacks_started", "prefixed_changes", "prefixed_events", "short_name"]

STACK_TYPE = "AWS::CloudFormation::Stack"
_SHORT = re.compile(r"^(Steps\d\d)NestedStack")


def short_name(logical_id: str) -> str:
    """`Steps07NestedStackSteps07NestedStackResource1A2B3C4D` -> `Steps07` (others unchanged)."""
    match = _SHORT.match(logical_id)
    return match.group(1) if match else logical_id


def nested_change_sets(changes: Iterable[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """(short name, change set id) of every nested stack row that carries its own change set."""
    found = []
    for change in changes:
        rc = change.get("ResourceChange", {})
        if rc.get("ResourceType") == STACK_TYPE and rc.get("ChangeSetId"):
            found.append((short_name(rc.get("LogicalResourceId", "")), rc["ChangeSetId"]))
    return tuple(found)


def prefixed_changes(prefix: str, changes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nested change set's rows with logical ids `prefix/<id>`."""
    out = []
    for change in changes:
        rc = dict(change.get("ResourceChange", {}))
        rc["LogicalResourceId"] = f"{prefix}/{rc.get('LogicalResourceId', '')}"
        out.append({**change, "ResourceChange": rc})
    return out


def nested_stacks_started(events: Iterable[StackEvent]) -> dict[str, tuple[str, datetime]]:
    """short name -> (physical id, first event time) of the nested stacks the root's events show.

    Only this operation's nested events are wanted: those from the time the root started
    working on the nested stack (a stack's ARN is its physical id once it exists).
    """
    started: dict[str, tuple[str, datetime]] = {}
    for e in events:
        if e.is_stack and _SHORT.match(e.logical_id) and e.physical_id.startswith("arn:"):
            started.setdefault(short_name(e.logical_id), (e.physical_id, e.timestamp))
    return started


def prefixed_events(prefix: str, events: Iterable[StackEvent], since: datetime) -> tuple[StackEvent, ...]:
    """A nested stack's events from `since` on, logical ids `prefix/<id>`; its own stack
    events dropped (the root reports the nested stack resource itself)."""
    return tuple(replace(e, logical_id=f"{prefix}/{e.logical_id}") for e in events
                 if not e.is_stack and e.timestamp >= since)
