"""The destroy sequence: what is kept, dead letters checked, confirm, delete, watch, report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from compiler.deploy.aws import Clients, aws_errors
from compiler.deploy.events import first_failure
from compiler.deploy.retention import TemplateResource, dead_letter_queues, retained_resources
from compiler.deploy.stack import delete_stack, describe_stack, physical_ids, seen_event_ids, stack_templates, watch_stack

__all__ = ["DestroyOptions", "destroy_stack", "kept_lines", "nonempty_dead_letter_queues"]

Emit = Callable[[str], None]
SQS_COUNT_ATTRIBUTES = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                        "ApproximateNumberOfMessagesDelayed")


@dataclass(frozen=True)
class DestroyOptions:
    confirm: Callable[[str], bool] = lambda _prompt: True
    discard_dead_letters: bool = False
    sleep: Callable[[float], None] = time.sleep


def kept_lines(kept: tuple[TemplateResource, ...]) -> list[str]:
    if not kept:
        return ["nothing is retained: every resource of the stack is deleted"]
    lines = ["kept after destroy (their DeletionPolicy retains them; delete them yourself when the data is no longer "
             "needed, and before deploying this stage again):"]
    lines += [f"  {r.resource_type} {r.name or r.logical_id}" for r in kept]
    return lines


def _message_count(clients: Clients, queue_url: str) -> int:
    with aws_errors(clients.target, clients.region):
        attrs = clients.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=list(SQS_COUNT_ATTRIBUTES))
    return sum(int(attrs.get("Attributes", {}).get(a, 0)) for a in SQS_COUNT_ATTRIBUTES)


def nonempty_dead_letter_queues(clients: Clients, stack_id: str,
                                queues: tuple[TemplateResource, ...]) -> list[tuple[str, int]]:
    """(queue URL, messages) of the stack's dead-letter queues that hold messages."""
    physical = physical_ids(clients, stack_id)
    found = []
    for queue in queues:
        url = physical.get(queue.logical_id, "")
        if url.startswith("http"):  # a queue's physical id is its URL
            count = _message_count(clients, url)
            if count:
                found.append((url, count))
    return found


def destroy_stack(clients: Clients, stack_name: str, emit: Emit, options: DestroyOptions) -> int:
    """Delete the stack; the exit status (0 deleted or absent, 1 refused, declined or failed)."""
    stack = describe_stack(clients, stack_name)
    if stack is None:
        emit(f"stack {stack_name} does not exist in {clients.region}: nothing to destroy")
        return 0
    stack_id = str(stack["StackId"])
    # The root and its nested stacks: a nested project's dead-letter queues are in the latter.
    templates = list(stack_templates(clients, stack_id))
    kept = tuple(r for _, template in templates for r in retained_resources(template))
    full = [found for nested_id, template in templates
            for found in nonempty_dead_letter_queues(
                clients, nested_id, tuple(q for q in dead_letter_queues(template) if q not in kept))]
    if full and not options.discard_dead_letters:
        for url, count in full:
            emit(f"dead-letter queue {url.rsplit('/', 1)[-1]} holds {count} message(s)")
        emit("not destroyed: deleting the stack would delete these failed messages; inspect or redrive them, "
             "or pass --discard-dead-letters to delete them with the stack")
        return 1
    emit(f"destroying stack {stack_name} in {clients.region} ({stack['StackStatus']})")
    for line in kept_lines(kept):
        emit(line)
    if not options.confirm(f"Delete stack {stack_name} in {clients.region}?"):
        emit("not destroyed")
        return 1
    seen = seen_event_ids(clients, stack_id)
    delete_stack(clients, stack_id)
    settled = watch_stack(clients, stack_id, seen, 0, emit, options.sleep)
    if settled.status != "DELETE_COMPLETE":
        failure = first_failure(settled.events)
        if failure:
            emit(f"failed: {failure.line()}")
        emit(f"stack {stack_name} is now {settled.status}")
        return 1
    emit(f"stack {stack_name}: DELETE_COMPLETE")
    return 0

