"""The deploy sequence over an assembly already on disk: publish, change set, confirm, execute,
watch, report. Everything it prints goes through `emit`; asking the user goes through `confirm`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from compiler.deploy.assembly import StackArtifact, Upload, plan_uploads, template_upload, template_url
from compiler.deploy.aws import Clients, DeployError, account_id
from compiler.deploy.changes import render_change_plan
from compiler.deploy.code_only import (
    TemplateOf,
    code_changes,
    deployed_nested_templates,
    nested_template_keys,
    planned_updates,
    update_code,
)
from compiler.deploy.events import first_failure, is_settled, is_success
from compiler.deploy.layout_guard import layout_refusal
from compiler.deploy.publish import publish_assets, retire_legacy_bucket
from compiler.deploy.nested import short_name
from compiler.deploy.replacement import replacement_lines, replacements, table_refusals, with_nested
from compiler.deploy.recovery import (
    discard_change_set,
    failed_create_lines,
    left_by_failed_create,
    remove_tables,
    table_facts,
)
from compiler.deploy.retention import leftover_tables_message, named_tables
from compiler.deploy.stack import (
    ChangeSet,
    Settled,
    create_change_set,
    delete_change_set,
    delete_stack,
    deployed_template,
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
    full: bool = False  # never take the code-only path (compiler.deploy.code_only)
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
    return lines


def _tables_left(clients: Clients, stack_name: str, tables: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """After a failed create: the stack's status (None when gone) and the empty tables that attempt left."""
    stack = describe_stack(clients, stack_name)
    if stack is None or not tables:
        return (str(stack["StackStatus"]) if stack else None), ()
    removable, _ = left_by_failed_create(table_facts(clients, tables), stack["CreationTime"])
    return str(stack["StackStatus"]), removable


def _clear_tables_of_failed_create(clients: Clients, stack_name: str, tables: tuple[str, ...],
                                   failed_stack_created: datetime | None, emit: Emit, options: DeployOptions) -> None:
    """Delete the empty tables an earlier failed create left; refuse when any other named table exists."""
    facts = table_facts(clients, tables)
    removable, kept = (left_by_failed_create(facts, failed_stack_created) if failed_stack_created is not None
                       else ((), tuple(f.name for f in facts)))
    if kept:
        raise DeployError(leftover_tables_message(stack_name, kept))
    if removable:
        emit(f"deleting the empty table(s) {', '.join(removable)} left by the failed first deploy of {stack_name}")
        remove_tables(clients, removable, options.sleep)


def _clear_leftover(clients: Clients, stack: dict[str, object], emit: Emit, options: DeployOptions) -> None:
    stack_id = str(stack["StackId"])
    emit(f"stack {stack['StackName']} is {stack['StackStatus']} from an earlier attempt that failed: "
         "deleting it before creating it again")
    seen = seen_event_ids(clients, stack_id)
    delete_stack(clients, stack_id)
    settled = watch_stack(clients, stack_id, seen, 0, lambda _: None, options.sleep)
    if settled.status != "DELETE_COMPLETE":
        raise DeployError(f"could not delete the leftover stack {stack['StackName']} ({settled.status}); "
                          "delete it in the CloudFormation console and retry")


def _deploy_code_only(clients: Clients, artifact: StackArtifact, stack_id: str, changed: dict[tuple[str, str], str],
                      uploads: tuple[Upload, ...], url: str, emit: Emit, options: DeployOptions) -> int:
    updates = planned_updates(clients, stack_id, changed, uploads)
    names = ", ".join(u.function_name for u in updates)
    if not options.execute:
        emit(f"--no-execute: only step code changed; motia deploy would update the code of {names} directly")
        return 0
    if not options.confirm(f"Update the code of {len(updates)} function(s) of {artifact.stack_name} in {clients.region}?"):
        emit("not deployed")
        return 1
    return update_code(clients, artifact.stack_name, stack_id, updates, url, emit, options.sleep)


def _published_templates(uploads: tuple[Upload, ...]) -> TemplateOf:
    """A new nested template by the S3 key the assembly publishes it under ({} for another key)."""
    local = {upload.key: upload.path for upload in uploads}
    return lambda key: json.loads(local[key].read_text()) if key in local else {}


def _with_nested_templates(clients: Clients, change_set: ChangeSet, old: dict[str, Any], new: dict[str, Any],
                           uploads: tuple[Upload, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The deployed and new root templates with the resources of the nested stacks the change
    set changes (`replacement.with_nested`), so that their replacements are found as the root's."""
    changed = {c.logical_id.split("/", 1)[0] for c in change_set.plan.changes if "/" in c.logical_id}
    if not changed:
        return old, new
    deployed_of, published = deployed_nested_templates(clients, change_set.stack_id), _published_templates(uploads)
    old_nested = {short_name(lid): deployed_of(lid) for lid in nested_template_keys(old) if short_name(lid) in changed}
    new_nested = {short_name(lid): published(key) for lid, key in nested_template_keys(new).items()
                  if short_name(lid) in changed}
    return with_nested(old, old_nested), with_nested(new, new_nested)


def _report_failed_run(clients: Clients, stack_name: str, creating: bool, tables: tuple[str, ...], emit: Emit,
                       stated: bool = False) -> None:
    """The last lines of a failed run: the stack's status and, for a first deploy, what is left behind."""
    status, left = _tables_left(clients, stack_name, tables) if creating else (None, ())
    if not creating:
        stack = describe_stack(clients, stack_name)
        emit(f"stack {stack_name} is now {stack['StackStatus'] if stack else 'absent'}")
        return
    if not stated:
        emit(f"stack {stack_name} is now {status or 'absent'}")
    for line in failed_create_lines(stack_name, status, left):
        emit(line)


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
    leftover_created = stack.get("CreationTime") if mode == "recreate" and stack is not None else None
    if mode == "recreate" and stack is not None:
        _clear_leftover(clients, stack, emit, options)
    creating = mode != "update"
    new_template = json.loads(artifact.template_path.read_text())
    tables = named_tables(new_template) if creating else ()
    if creating and existing_tables(clients, tables):
        _clear_tables_of_failed_create(clients, artifact.stack_name, tables, leftover_created, emit, options)

    old_template = deployed_template(clients, str(stack["StackId"])) if mode == "update" and stack is not None else {}
    refusal = layout_refusal(artifact.stack_name, old_template, new_template)
    if refusal:
        raise DeployError(refusal)
    if mode == "update" and stack is not None and not options.full:
        changed = code_changes(old_template, new_template, deployed_nested_templates(clients, str(stack["StackId"])),
                               _published_templates(uploads))
        if changed:
            return _deploy_code_only(clients, artifact, str(stack["StackId"]), changed, uploads,
                                     template_url(template, env), emit, options)

    name = change_set_name(datetime.now(timezone.utc))
    change_set = create_change_set(clients, artifact, template_url(template, env), name, creating, options.sleep)
    if change_set.empty:
        delete_change_set(clients, change_set.change_set_id)
        emit(f"stack {artifact.stack_name}: no changes (already up to date)")
        retire_legacy_bucket(clients, env.account, emit, deployed_from=template.bucket)
        return 0
    refusals = table_refusals(change_set.plan, old_template, new_template, artifact.stack_name)
    if refusals:
        delete_change_set(clients, change_set.change_set_id)
        raise DeployError("; ".join(refusals))
    old_full, new_full = _with_nested_templates(clients, change_set, old_template, new_template, uploads)
    replaced = replacements(change_set.plan, old_full, new_full)
    for line in render_change_plan(change_set.plan, artifact.stack_name, creating) + replacement_lines(replaced, old_full):
        emit(line)
    emit("")
    if not options.execute:
        emit(f"--no-execute: change set {name} is left in CloudFormation for review; "
             "run motia deploy again without --no-execute to apply it")
        return 0
    losing = f" (replacing {len(replaced)} named resource(s), see REPLACED above)" if replaced else ""
    if not options.confirm(f"Deploy these changes to {artifact.stack_name} in {clients.region}{losing}?"):
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
        if discard_change_set(clients, change_set.change_set_id):
            emit(f"the change set {name} was deleted")
        _report_failed_run(clients, artifact.stack_name, creating, tables, emit)
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
        if creating:
            _report_failed_run(clients, artifact.stack_name, creating, tables, emit, stated=True)
        return 1
    emit(f"stack {artifact.stack_name}: {settled.status} in {time.monotonic() - started:.0f} s")
    retire_legacy_bucket(clients, env.account, emit, deployed_from=template.bucket)  # the stack has just moved off it
    outputs = stack_outputs(clients, change_set.stack_id)
    if outputs:
        emit("outputs:")
        for key, value, description in outputs:
            emit(f"  {key} = {value}" + (f"  ({description})" if description else ""))
    return 0
