"""The deploy sequence over an assembly already on disk: publish, change set, confirm, execute,
watch, report. Everything it prints goes through `emit`; asking the user goes through `confirm`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from compiler.deploy.assembly import StackArtifact, plan_uploads, template_upload, template_url
from compiler.deploy.aws import Clients, DeployError, account_id
from compiler.deploy.changes import render_change_plan
from compiler.deploy.events import first_failure, is_settled, is_success
from compiler.deploy.publish import publish_assets, retire_legacy_bucket
from compiler.deploy.retention import leftover_tables_message, named_tables
from compiler.deploy.stack import (
    Settled,
    create_change_set,
    delete_change_set,
    delete_stack,
    describe_stack,
    execute_change_set,
    existing_tables,
    seen_event_ids,
    stack_outputs,
    watch_stack,
)

__all__ = ["DeployOptions", "change_set_name", "deploy_artifact", "failure_lines", "stack_mode"]

Emit = Callable[[str], None]
Confirm = Callable[[str], bool]
# A first deploy that failed leaves the stack here; it holds nothing and cannot be updated.
UNUSABLE_AFTER_FAILED_CREATE = {"ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS"}


@dataclass(frozen=True)
class DeployOptions:
    execute: bool = True
    confirm: Confirm = lambda _prompt: True
    sleep: Callable[[float], None] = time.sleep


def change_set_name(now: datetime) -> str:
    """Unique per run and readable in the console: `motia-20250102-030405`."""
    return now.strftime("motia-%Y%m%d-%H%M%S")


def stack_mode(status: str | None) -> str:
    """What to do with the stack: create, recreate (delete the leftover, then create), update, or wait."""
    if status is None or status == "DELETE_COMPLETE":
        return "create"
    if status in UNUSABLE_AFTER_FAILED_CREATE:
        return "recreate"
    if not is_settled(status):
        return "busy"
    return "update"


def failure_lines(stack_name: str, settled: Settled) -> list[str]:
    """The first failed resource and the status the stack ended in (after its rollback)."""
    lines = []
    failure = first_failure(settled.events)
    if failure:
        lines.append(f"failed: {failure.line()}")
    elif settled.status_reason:
        lines.append(f"failed: {settled.status_reason}")
    lines.append(f"stack {stack_name} is now {settled.status}")
    if settled.status == "ROLLBACK_COMPLETE":
        lines.append("the failed first deploy was rolled back; fix the cause and run motia deploy again "
                     "(the empty stack is replaced)")
    return lines


def _clear_leftover(clients: Clients, stack: dict[str, object], emit: Emit, options: DeployOptions) -> None:
    stack_id = str(stack["StackId"])
    emit(f"stack {stack['StackName']} is {stack['StackStatus']} from an earlier attempt and holds no "
         "resources: deleting it before creating it again")
    seen = seen_event_ids(clients, stack_id)
    delete_stack(clients, stack_id)
    settled = watch_stack(clients, stack_id, seen, 0, lambda _: None, options.sleep)
    if settled.status != "DELETE_COMPLETE":
        raise DeployError(f"could not delete the leftover stack {stack['StackName']} ({settled.status}); "
                          "delete it in the CloudFormation console and retry")


def deploy_artifact(clients: Clients, artifact: StackArtifact, emit: Emit, options: DeployOptions) -> int:
    """Deploy `artifact`; the exit status (0 deployed, no changes, or only shown; 1 failed or declined)."""
    env = clients.env(account_id(clients))
    uploads = plan_uploads(artifact, env)
    template = template_upload(artifact, uploads, env)
    published = publish_assets(clients, uploads, emit)
    emit(f"assets: {len(published.uploaded)} uploaded, {len(published.present)} already in s3://{template.bucket}")

    stack = describe_stack(clients, artifact.stack_name)
    mode = stack_mode(str(stack["StackStatus"]) if stack else None)
    if mode == "busy":
        raise DeployError(f"stack {artifact.stack_name} is busy ({stack and stack['StackStatus']}); "
                          "wait until that operation ends, then deploy again")
    if mode == "recreate" and stack is not None:
        _clear_leftover(clients, stack, emit, options)
    creating = mode != "update"
    if creating:
        existing = existing_tables(clients, named_tables(json.loads(artifact.template_path.read_text())))
        if existing:
            raise DeployError(leftover_tables_message(artifact.stack_name, existing))

    name = change_set_name(datetime.now(timezone.utc))
    change_set = create_change_set(clients, artifact, template_url(template, env), name, creating, options.sleep)
    if change_set.empty:
        delete_change_set(clients, change_set.change_set_id)
        emit(f"stack {artifact.stack_name}: no changes (already up to date)")
        retire_legacy_bucket(clients, env.account, emit)
        return 0
    for line in render_change_plan(change_set.plan, artifact.stack_name, creating):
        emit(line)
    emit("")
    if not options.execute:
        emit(f"--no-execute: change set {name} is left in CloudFormation for review; "
             "run motia deploy again without --no-execute to apply it")
        return 0
    if not options.confirm(f"Deploy these changes to {artifact.stack_name} in {clients.region}?"):
        delete_change_set(clients, change_set.change_set_id)
        emit("not deployed: the change set was deleted")
        return 1

    seen = seen_event_ids(clients, change_set.stack_id)
    started = time.monotonic()
    emit(f"{'creating' if creating else 'updating'} stack {artifact.stack_name} ...")
    try:
        execute_change_set(clients, change_set.change_set_id)
    except DeployError as error:
        # Emulators validate while executing and refuse synchronously, without stack events.
        emit(f"failed: CloudFormation refused to execute the change set: {error}")
        status = describe_stack(clients, artifact.stack_name)
        emit(f"stack {artifact.stack_name} is now {status['StackStatus'] if status else 'absent'}")
        return 1
    try:
        settled = watch_stack(clients, change_set.stack_id, seen, len(change_set.plan.changes), emit, options.sleep)
    except KeyboardInterrupt:
        # Only the watching stops: CloudFormation carries on (and rolls back on its own on failure).
        emit(f"stopped watching; the {'creation' if creating else 'update'} of {artifact.stack_name} continues "
             "in CloudFormation (see its Events tab)")
        raise
    if not is_success(settled.status):
        for line in failure_lines(artifact.stack_name, settled):
            emit(line)
        return 1
    emit(f"stack {artifact.stack_name}: {settled.status} in {time.monotonic() - started:.0f} s")
    retire_legacy_bucket(clients, env.account, emit)  # the stack has just moved off it
    outputs = stack_outputs(clients, change_set.stack_id)
    if outputs:
        emit("outputs:")
        for key, value, description in outputs:
            emit(f"  {key} = {value}" + (f"  ({description})" if description else ""))
    return 0
