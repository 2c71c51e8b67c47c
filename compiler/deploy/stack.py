"""The CloudFormation edge: stack status, change sets, execution, events until settled, deletion.

Polling takes `sleep` so tests (and emulators, which finish synchronously) do not wait.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

from botocore.exceptions import ClientError

from compiler.deploy.assembly import StackArtifact
from compiler.deploy.aws import Clients, DeployError, aws_errors
from compiler.deploy.changes import ChangePlan, is_empty_change_set, plan_from_changes
from compiler.deploy.events import StackEvent, count_finished, is_settled, parse_events, progress_line, unseen_events
from compiler.deploy.nested import STACK_TYPE, nested_change_sets, nested_stacks_started, prefixed_changes, prefixed_events

__all__ = [
    "CAPABILITIES",
    "existing_tables",
    "ChangeSet",
    "Settled",
    "create_change_set",
    "delete_change_set",
    "delete_stack",
    "deployed_template",
    "describe_stack",
    "execute_change_set",
    "physical_ids",
    "seen_event_ids",
    "stack_outputs",
    "stack_resources",
    "stack_templates",
    "watch_stack",
]

# CDK stacks create IAM roles with generated names and may use macros; CloudFormation
# refuses them unless acknowledged.
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
POLL_SECONDS = 2.0
Sleep = Callable[[float], None]
Emit = Callable[[str], None]


@dataclass(frozen=True)
class ChangeSet:
    change_set_id: str
    stack_id: str
    creating: bool
    plan: ChangePlan
    empty: bool
    status_reason: str = ""


@dataclass(frozen=True)
class Settled:
    """Where an operation ended: the stack's final status and this operation's events."""

    status: str
    events: tuple[StackEvent, ...]
    status_reason: str = ""


def describe_stack(clients: Clients, stack_name: str) -> dict[str, Any] | None:
    """The stack, or None when it does not exist (CloudFormation answers with a ValidationError)."""
    with aws_errors(clients.target, clients.region):
        try:
            stacks = clients.cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
        except ClientError as error:
            if "does not exist" in error.response.get("Error", {}).get("Message", ""):
                return None
            raise
    return stacks[0] if stacks else None


def existing_tables(clients: Clients, names: tuple[str, ...]) -> tuple[str, ...]:
    """Which of these DynamoDB tables already exist in the account and region."""
    if clients.dynamodb is None or not names:
        return ()
    found = []
    with aws_errors(clients.target, clients.region):
        for name in names:
            try:
                clients.dynamodb.describe_table(TableName=name)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    continue
                raise
            found.append(name)
    return tuple(found)


def _all_changes(clients: Clients, change_set_id: str, first: dict[str, Any]) -> list[dict[str, Any]]:
    changes = list(first.get("Changes", []))
    token = first.get("NextToken")
    while token:
        page = clients.cloudformation.describe_change_set(ChangeSetName=change_set_id, NextToken=token)
        changes.extend(page.get("Changes", []))
        token = page.get("NextToken")
    return changes


def create_change_set(clients: Clients, artifact: StackArtifact, template_url: str, name: str,
                      creating: bool, sleep: Sleep = time.sleep) -> ChangeSet:
    """Create the change set and wait until CloudFormation has computed it."""
    with aws_errors(clients.target, clients.region):
        created = clients.cloudformation.create_change_set(
            StackName=artifact.stack_name,
            ChangeSetName=name,
            ChangeSetType="CREATE" if creating else "UPDATE",
            TemplateURL=template_url,
            Capabilities=list(CAPABILITIES),
            Tags=[{"Key": k, "Value": v} for k, v in artifact.tags],
            Description="motia deploy",
            IncludeNestedStacks=True,  # the summary lists what changes inside nested stacks
        )
        change_set_id = created["Id"]
        while True:
            described = clients.cloudformation.describe_change_set(ChangeSetName=change_set_id)
            status = described.get("Status", "")
            if status not in ("CREATE_PENDING", "CREATE_IN_PROGRESS"):
                break
            sleep(POLL_SECONDS)
        reason = described.get("StatusReason", "") or ""
        if is_empty_change_set(status, reason):
            return ChangeSet(change_set_id, created["StackId"], creating, ChangePlan(()), True, reason)
        if status != "CREATE_COMPLETE":
            # A failed change set would stay listed on the stack; nothing can execute it.
            clients.cloudformation.delete_change_set(ChangeSetName=change_set_id)
            raise DeployError(f"CloudFormation could not create the change set for {artifact.stack_name}: "
                              f"{reason or status}")
        changes = _all_changes(clients, change_set_id, described)
        for prefix, nested_id in nested_change_sets(changes):
            first = clients.cloudformation.describe_change_set(ChangeSetName=nested_id)
            changes += prefixed_changes(prefix, _all_changes(clients, nested_id, first))
        plan = plan_from_changes(changes)
        return ChangeSet(change_set_id, created["StackId"], creating, plan, False, reason)


def delete_change_set(clients: Clients, change_set_id: str) -> None:
    with aws_errors(clients.target, clients.region):
        clients.cloudformation.delete_change_set(ChangeSetName=change_set_id)


def _recent_events(clients: Clients, stack_id: str, stop_at: set[str]) -> list[dict[str, Any]]:
    """Events newest first, paging back only until one already known appears."""
    raw: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"StackName": stack_id}
    while True:
        page = clients.cloudformation.describe_stack_events(**kwargs)
        for event in page.get("StackEvents", []):
            if event["EventId"] in stop_at:
                return raw
            raw.append(event)
        if not page.get("NextToken"):
            return raw
        kwargs["NextToken"] = page["NextToken"]


def seen_event_ids(clients: Clients, stack_id: str) -> set[str]:
    """The ids of the newest events: the baseline the next operation's events are told apart from."""
    with aws_errors(clients.target, clients.region):
        page = clients.cloudformation.describe_stack_events(StackName=stack_id)
    return {e["EventId"] for e in page.get("StackEvents", [])}


def execute_change_set(clients: Clients, change_set_id: str) -> None:
    with aws_errors(clients.target, clients.region):
        clients.cloudformation.execute_change_set(ChangeSetName=change_set_id)


def watch_stack(clients: Clients, stack_id: str, seen: set[str], total: int, emit: Emit,
                sleep: Sleep = time.sleep) -> Settled:
    """Print each new event as a progress line until the stack settles."""
    seen = set(seen)
    shown: list[StackEvent] = []
    nested: dict[str, tuple[str, datetime]] = {}  # compiler.deploy.nested: followed as they start
    with aws_errors(clients.target, clients.region):
        while True:
            fresh = unseen_events(parse_events(_recent_events(clients, stack_id, seen)), seen)
            nested = {**nested_stacks_started(fresh), **nested}
            for prefix, (nested_id, since) in sorted(nested.items()):
                own = unseen_events(parse_events(_recent_events(clients, nested_id, seen)), seen)
                fresh += prefixed_events(prefix, own, since)
                seen.update(e.event_id for e in own)
            fresh = tuple(sorted(fresh, key=lambda e: e.timestamp))
            for event in fresh:
                seen.add(event.event_id)
                shown.append(event)
                emit(progress_line(event, count_finished(shown), total))
            stack = clients.cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]
            status = stack.get("StackStatus", "")
            if is_settled(status):
                return Settled(status, tuple(shown), stack.get("StackStatusReason", "") or "")
            sleep(POLL_SECONDS)


def stack_outputs(clients: Clients, stack_id: str) -> tuple[tuple[str, str, str], ...]:
    """(key, value, description) of every output, sorted by key."""
    with aws_errors(clients.target, clients.region):
        stack = clients.cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]
    return tuple(sorted((o["OutputKey"], o.get("OutputValue", ""), o.get("Description", "") or "")
                        for o in stack.get("Outputs") or []))


def delete_stack(clients: Clients, stack_id: str) -> None:
    with aws_errors(clients.target, clients.region):
        clients.cloudformation.delete_stack(StackName=stack_id)


def deployed_template(clients: Clients, stack_id: str) -> dict[str, Any]:
    """The template the stack runs now (as deployed, before transforms)."""
    with aws_errors(clients.target, clients.region):
        body = clients.cloudformation.get_template(StackName=stack_id, TemplateStage="Original")["TemplateBody"]
    if isinstance(body, str):  # botocore decodes JSON bodies; YAML ones stay text
        return dict(json.loads(body))
    return dict(body)


def _summaries(clients: Clients, stack: str) -> Iterator[dict[str, Any]]:
    """The resource summaries of `stack` itself, page by page."""
    with aws_errors(clients.target, clients.region):
        for page in clients.cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack):
            yield from page["StackResourceSummaries"]


def stack_resources(clients: Clients, stack: str) -> list[dict[str, Any]]:
    """The resource summaries of `stack` and, recursively, of its nested stacks: a nested
    project's step functions, queues and schedules live in those (compiler.stack_layout)."""
    found: list[dict[str, Any]] = []
    pending = [stack]
    while pending:
        for summary in _summaries(clients, pending.pop(0)):
            found.append(summary)
            if summary["ResourceType"] == STACK_TYPE and summary.get("PhysicalResourceId"):
                pending.append(summary["PhysicalResourceId"])
    return found


def stack_templates(clients: Clients, stack_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(stack id, deployed template) of the stack, then of each of its nested stacks,
    recursively; read as they are asked for (a caller may stop at the root)."""
    pending = [stack_id]
    while pending:
        current = pending.pop(0)
        template = deployed_template(clients, current)
        yield current, template
        nested = [logical_id for logical_id, r in (template.get("Resources") or {}).items() if r.get("Type") == STACK_TYPE]
        if nested:
            physical = physical_ids(clients, current)
            pending += [physical[logical_id] for logical_id in nested if physical.get(logical_id)]


def physical_ids(clients: Clients, stack: str) -> dict[str, str]:
    """{logical id: physical id} of the resources of `stack` (not of its nested stacks)."""
    return {summary["LogicalResourceId"]: summary.get("PhysicalResourceId", "") for summary in _summaries(clients, stack)}
