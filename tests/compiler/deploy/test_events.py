from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from compiler.deploy.events import (
    count_finished,
    first_failure,
    is_settled,
    is_success,
    parse_events,
    progress_line,
    unseen_events,
)

T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def raw(n: int, logical_id: str, status: str, kind: str = "AWS::SQS::Queue", reason: str = "",
        seconds: int | None = None) -> dict[str, Any]:
    event = {"EventId": f"e{n}", "Timestamp": T0 + timedelta(seconds=n if seconds is None else seconds),
             "LogicalResourceId": logical_id, "ResourceType": kind, "ResourceStatus": status}
    if reason:
        event["ResourceStatusReason"] = reason
    return event


def newest_first(*events: dict[str, Any]) -> list[dict[str, Any]]:
    return list(reversed(events))


def test_events_come_out_oldest_first() -> None:
    events = parse_events(newest_first(raw(1, "A", "CREATE_IN_PROGRESS"), raw(2, "A", "CREATE_COMPLETE")))
    assert [e.event_id for e in events] == ["e1", "e2"]


def test_equal_timestamps_keep_the_api_order() -> None:
    events = parse_events(newest_first(raw(1, "A", "CREATE_IN_PROGRESS", seconds=0),
                                       raw(2, "A", "CREATE_COMPLETE", seconds=0)))
    assert [e.status for e in events] == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]


def test_unseen_events_drop_the_baseline() -> None:
    events = parse_events([raw(1, "A", "CREATE_COMPLETE"), raw(2, "B", "CREATE_COMPLETE")])
    assert [e.event_id for e in unseen_events(events, {"e1"})] == ["e2"]


def test_first_failure_is_the_cause_not_the_cancelled_echoes() -> None:
    events = parse_events(newest_first(
        raw(1, "stack", "CREATE_IN_PROGRESS", "AWS::CloudFormation::Stack", "User Initiated"),
        raw(2, "Fn", "CREATE_FAILED", "AWS::Lambda::Function", "Resource creation cancelled"),
        raw(3, "Table", "CREATE_FAILED", "AWS::DynamoDB::Table", "orders-dev-state already exists"),
        raw(4, "stack", "ROLLBACK_IN_PROGRESS", "AWS::CloudFormation::Stack",
            "The following resource(s) failed to create: [Table, Fn]."),
    ))
    failure = first_failure(events)
    assert failure is not None
    assert failure.line() == "Table (AWS::DynamoDB::Table) CREATE_FAILED: orders-dev-state already exists"


def test_a_stack_level_failure_is_reported_when_no_resource_failed() -> None:
    events = parse_events([raw(1, "stack", "UPDATE_ROLLBACK_FAILED", "AWS::CloudFormation::Stack", "role gone")])
    failure = first_failure(events)
    assert failure is not None and failure.reason == "role gone"


def test_no_failure_in_a_successful_run() -> None:
    assert first_failure(parse_events([raw(1, "A", "CREATE_COMPLETE")])) is None


def test_settled_and_success_statuses() -> None:
    assert not is_settled("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    assert not is_settled("ROLLBACK_IN_PROGRESS")
    assert is_settled("ROLLBACK_COMPLETE") and not is_success("ROLLBACK_COMPLETE")
    assert is_settled("UPDATE_ROLLBACK_COMPLETE") and not is_success("UPDATE_ROLLBACK_COMPLETE")
    assert is_success("UPDATE_COMPLETE") and is_success("DELETE_COMPLETE")


def test_progress_line_counts_finished_resources_and_shows_failure_reasons() -> None:
    events = parse_events(newest_first(raw(1, "A", "CREATE_IN_PROGRESS", reason="Resource creation Initiated"),
                                       raw(2, "A", "CREATE_COMPLETE"),
                                       raw(3, "B", "CREATE_FAILED", reason="bad name")))
    assert count_finished(events) == 2
    line = progress_line(events[2], 2, 12)
    assert line.startswith("  [ 2/12] CREATE_FAILED")
    assert line.endswith("B  bad name")
    # CloudFormation's routine "Resource creation Initiated" is noise: only failures say why.
    assert "Initiated" not in progress_line(events[0], 0, 12)


def test_stack_events_have_no_counter_but_keep_the_columns() -> None:
    stack = parse_events([raw(1, "app-dev", "UPDATE_COMPLETE", "AWS::CloudFormation::Stack")])[0]
    resource = parse_events([raw(1, "A", "UPDATE_COMPLETE")])[0]
    assert progress_line(stack, 0, 12).index("UPDATE_COMPLETE") == progress_line(resource, 0, 12).index("UPDATE_COMPLETE")
