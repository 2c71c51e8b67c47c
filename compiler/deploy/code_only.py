"""Fast code-only deploys: when only step code changed, update the functions' code directly.

A change set takes minutes on AWS even when the only difference is the code asset. When the
new template equals the deployed one except for the functions' code keys (the asset's content
hash), `motia deploy` calls UpdateFunctionCode for those functions, in parallel, and the code
is live in seconds. It then updates the stack with the new template (UpdateStack, no change
set: there is nothing to review), so CloudFormation records the code it runs and the next
full deploy finds no change and no drift. CloudFormation's own update of the functions then
sets the same code again, which changes nothing.

In a nested project the root names each nested template by its hash, which the code key is
part of: the change is code-only when the root differs only by those template keys and each
changed nested template only by its functions' code keys (`code_changes`). UpdateStack of the
root then records the new nested templates.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from botocore.exceptions import ClientError

from compiler.deploy.assembly import Upload
from compiler.deploy.aws import Clients, DeployError, aws_errors
from compiler.deploy.nested import STACK_TYPE
from compiler.deploy.stack import CAPABILITIES, deployed_template, physical_ids, seen_event_ids, watch_stack

__all__ = ["CodeUpdate", "TemplateOf", "code_changes", "code_only_changes", "deployed_nested_templates",
           "nested_template_keys", "planned_updates", "update_code"]

Emit = Callable[[str], None]
Sleep = Callable[[float], None]
PARALLEL_UPDATES = 8  # Lambda's control plane allows about 10 UpdateFunctionCode calls per second
UPDATE_POLL_S = 0.5


@dataclass(frozen=True)
class CodeUpdate:
    logical_id: str
    function_name: str
    bucket: str
    key: str


def code_keys(template: dict[str, Any]) -> dict[str, str]:
    """{logical id: S3 key} of each Lambda function whose code is an S3 object with a literal key."""
    keys: dict[str, str] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::Lambda::Function":
            continue
        key = ((resource.get("Properties") or {}).get("Code") or {}).get("S3Key")
        if isinstance(key, str):
            keys[logical_id] = key
    return keys


def _stem(key: str) -> str:
    return key.rsplit("/", 1)[-1].split(".", 1)[0]


def code_only_changes(deployed: dict[str, Any], new: dict[str, Any]) -> dict[str, str] | None:
    """{logical id: new code key} when the templates differ only by functions' code keys (the
    asset hash, wherever it appears); {} when they are equal; None for any other difference."""
    old_keys, new_keys = code_keys(deployed), code_keys(new)
    if old_keys.keys() != new_keys.keys():
        return None
    changed = {lid: key for lid, key in new_keys.items() if old_keys[lid] != key}
    text = json.dumps(deployed, sort_keys=True)
    for lid, key in changed.items():
        old_stem, new_stem = _stem(old_keys[lid]), _stem(key)
        if len(old_stem) < 16:  # not a content hash: replacing it could touch unrelated text
            return None
        text = text.replace(old_stem, new_stem)
    return changed if json.loads(text) == json.loads(json.dumps(new, sort_keys=True)) else None


def nested_template_keys(template: dict[str, Any]) -> dict[str, str]:
    """{logical id: S3 key of its template} of each nested stack (the last part of its TemplateURL)."""
    keys: dict[str, str] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != STACK_TYPE:
            continue
        url = (resource.get("Properties") or {}).get("TemplateURL")
        parts = url["Fn::Join"][1] if isinstance(url, dict) and "Fn::Join" in url else [url]
        if parts and isinstance(parts[-1], str):
            keys[logical_id] = parts[-1].rsplit("/", 1)[-1]
    return keys


TemplateOf = Callable[[str], dict[str, Any]]


def code_changes(deployed: dict[str, Any], new: dict[str, Any], deployed_nested: TemplateOf,
                 new_nested: TemplateOf) -> dict[tuple[str, str], str] | None:
    """{(nested stack's logical id, or "" for the root; function's logical id): new code key}
    when the stacks differ only by functions' code keys; {} when equal; None otherwise.

    A nested project's root differs then only by its nested stacks' template keys (each
    template's hash, which the code key is part of), and each changed nested template only by
    code keys. `deployed_nested(logical id)` is a nested stack's deployed template,
    `new_nested(key)` the new template published under `key`."""
    old_nested, now_nested = nested_template_keys(deployed), nested_template_keys(new)
    if old_nested.keys() != now_nested.keys():
        return None
    moved = {lid: (old_nested[lid], now_nested[lid]) for lid in old_nested if old_nested[lid] != now_nested[lid]}
    text = json.dumps(deployed, sort_keys=True)
    for old_key, new_key in moved.values():
        if len(_stem(old_key)) < 16:  # not a content hash: replacing it could touch unrelated text
            return None
        text = text.replace(_stem(old_key), _stem(new_key))
    root = code_only_changes(json.loads(text), new)
    if root is None:
        return None
    changed = {("", lid): key for lid, key in root.items()}
    for lid, (_old_key, new_key) in sorted(moved.items()):
        inner = code_only_changes(deployed_nested(lid), new_nested(new_key))
        if not inner:  # another difference, or a new template key without a code change: not ours to skip
            return None
        changed.update({(lid, function): key for function, key in inner.items()})
    return changed


def deployed_nested_templates(clients: Clients, stack_id: str) -> TemplateOf:
    """A nested stack's deployed template by its logical id in the stack `stack_id` (read when asked)."""
    physical: dict[str, str] = {}

    def template_of(logical_id: str) -> dict[str, Any]:
        if not physical:
            physical.update(physical_ids(clients, stack_id))
        if not physical.get(logical_id):
            raise DeployError(f"nested stack {logical_id} not found in {stack_id}; run motia deploy --full")
        return deployed_template(clients, physical[logical_id])
    return template_of


def planned_updates(clients: Clients, stack_id: str, changed: dict[tuple[str, str], str],
                    uploads: tuple[Upload, ...]) -> tuple[CodeUpdate, ...]:
    """Each changed function's name and the bucket its new code was published to."""
    bucket_of = {upload.key: upload.bucket for upload in uploads}
    root = physical_ids(clients, stack_id)
    names = {nested: physical_ids(clients, root[nested]) for nested in {nested for nested, _ in changed} - {""}
             if root.get(nested)}
    names[""] = root
    updates = []
    for (nested, logical_id), key in sorted(changed.items()):
        name = names.get(nested, {}).get(logical_id)
        if not name or key not in bucket_of:
            where = f"{nested}/{logical_id}" if nested else logical_id
            raise DeployError(f"cannot update {where}'s code directly (function or asset not found); "
                              "run motia deploy --full")
        updates.append(CodeUpdate(logical_id, name, bucket_of[key], key))
    return tuple(updates)


def _update_one(clients: Clients, update: CodeUpdate, sleep: Sleep) -> None:
    clients.lambda_.update_function_code(FunctionName=update.function_name, S3Bucket=update.bucket, S3Key=update.key)
    while True:  # the new code serves once the update is Successful
        configuration = clients.lambda_.get_function_configuration(FunctionName=update.function_name)
        status = configuration.get("LastUpdateStatus") or "Successful"
        if status == "Successful":
            return
        if status == "Failed":
            raise DeployError(f"the code update of {update.function_name} failed: "
                              f"{configuration.get('LastUpdateStatusReason', 'no reason given')}")
        sleep(UPDATE_POLL_S)


def update_code(
    clients: Clients, stack_name: str, stack_id: str, updates: tuple[CodeUpdate, ...],
    template_url: str, emit: Emit, sleep: Sleep = time.sleep,
) -> int:
    """Set each function's new code, then record the template in the stack; the exit status."""
    started = time.monotonic()
    emit(f"only step code changed: updating {len(updates)} function(s) directly, no change set")
    with aws_errors(clients.target, clients.region), ThreadPoolExecutor(min(PARALLEL_UPDATES, len(updates))) as pool:
        for future in [pool.submit(_update_one, clients, update, sleep) for update in updates]:
            future.result()
    emit(f"code live in {time.monotonic() - started:.1f} s: {', '.join(u.function_name for u in updates)}")
    recorded = time.monotonic()
    seen = seen_event_ids(clients, stack_id)
    with aws_errors(clients.target, clients.region):
        try:
            clients.cloudformation.update_stack(StackName=stack_id, TemplateURL=template_url, Capabilities=list(CAPABILITIES))
        except ClientError as error:
            if "No updates are to be performed" not in str(error):
                raise
            return 0
    settled = watch_stack(clients, stack_id, seen, len(updates), lambda _line: None, sleep)
    if settled.status != "UPDATE_COMPLETE":
        emit(f"the code is live, but CloudFormation could not record it ({settled.status}: "
             f"{settled.status_reason or 'see the stack events'}); run motia deploy --full")
        return 1
    emit(f"stack {stack_name}: code recorded in {time.monotonic() - recorded:.1f} s "
         f"({time.monotonic() - started:.1f} s in all)")
    return 0
