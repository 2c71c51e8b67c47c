"""Stack events -> progress lines, the settled status, and the first failure with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

__all__ = [
    "Failure",
    "StackEvent",
    "first_failure",
    "is_settled",
    "is_success",
    "parse_events",
    "progress_line",
    "unseen_events",
]

STACK_TYPE = "AWS::CloudFormation::Stack"
_SUCCESS = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"}


@dataclass(frozen=True)
class StackEvent:
    event_id: str
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str = ""
    physical_id: str = ""

    @property
    def is_stack(self) -> bool:
        return self.resource_type == STACK_TYPE

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


@dataclass(frozen=True)
class Failure:
    """The first resource that failed: what the user must fix."""

    logical_id: str
    resource_type: str
    status: str
    reason: str

    def line(self) -> str:
        return f"{self.logical_id} ({self.resource_type}) {self.status}: {self.reason or 'no reason given'}"


def parse_events(raw: Iterable[dict[str, Any]]) -> tuple[StackEvent, ...]:
    """describe_stack_events' `StackEvents` (newest first) as events, oldest first."""
    events = [
        StackEvent(e["EventId"], e["Timestamp"], e.get("LogicalResourceId", ""), e.get("ResourceType", ""),
                   e.get("ResourceStatus", ""), e.get("ResourceStatusReason", "") or "",
                   e.get("PhysicalResourceId", "") or "")
        for e in raw
    ]
    # Timestamps tie at CloudFormation's resolution; the API's order breaks ties (reversed).
    indexed = sorted(enumerate(events), key=lambda ie: (ie[1].timestamp, -ie[0]))
    return tuple(e for _, e in indexed)


def unseen_events(events: Iterable[StackEvent], seen: frozenset[str] | set[str]) -> tuple[StackEvent, ...]:
    """Events not shown yet, oldest first. Ids, not timestamps: the local clock may be skewed."""
    return tuple(e for e in events if e.event_id not in seen)


def is_settled(status: str) -> bool:
    """The stack will not change on its own any more (complete, failed or rolled back)."""
    return bool(status) and not status.endswith("_IN_PROGRESS")


def is_success(status: str) -> bool:
    return status in _SUCCESS


def progress_line(event: StackEvent, done: int, total: int) -> str:
    """`[ 3/12] CREATE_COMPLETE  AWS::SQS::Queue  MyQueue  reason` (counter omitted when unknown)."""
    width = len(str(total)) if total else 1
    # The stack's own events are not resources: blank where the counter goes keeps columns aligned.
    counter = (" " * (2 * width + 4) if event.is_stack else f"[{done:>{width}}/{total}] ") if total else ""
    reason = f"  {event.reason}" if event.reason and (event.failed or event.is_stack) else ""
    return f"  {counter}{event.status:<20} {event.resource_type:<28} {event.logical_id}{reason}".rstrip()


def first_failure(events: Iterable[StackEvent]) -> Failure | None:
    """The earliest failed resource (not the stack), skipping CloudFormation's
    'Resource creation cancelled' echoes, which only say that another resource failed first."""
    failed = [e for e in events if e.failed and not e.is_stack]
    real = [e for e in failed if "cancelled" not in e.reason.lower()] or failed
    if real:
        e = real[0]
        return Failure(e.logical_id, e.resource_type, e.status, e.reason)
    stack_failures = [e for e in events if e.failed and e.is_stack]
    if stack_failures:
        e = stack_failures[0]
        return Failure(e.logical_id, e.resource_type, e.status, e.reason)
    return None


def count_finished(events: Iterable[StackEvent]) -> int:
    """Resources that reached a final state (complete, failed or skipped), counted once each."""
    return len({e.logical_id for e in events if not e.is_stack and not e.status.endswith("_IN_PROGRESS")})
