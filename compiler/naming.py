"""Deterministic AWS physical names within AWS's limits.

A name derives only from the app prefix and the names of its own step/topic, so renaming
one step renames only that step's resources. Characters AWS does not allow become `-`;
names too long for a service are shortened and end in a hash of the full name, never cut
into a collision. Two Motia names that clean up to the same AWS name are reported by
`compiler.validate` (e.g. topics `order.created` and `order_created` are fine, but
`order.created` and `order-created` collide).
"""

from __future__ import annotations

import hashlib
import re

HASH_LENGTH = 8
# The stage when none is given: here, not in the pipeline, so the CLI names it without compiling.
DEFAULT_STAGE = "dev"

# Service limits (characters), including any `.fifo` suffix.
LAMBDA_NAME_LIMIT = 64
SQS_NAME_LIMIT = 80
SNS_NAME_LIMIT = 256
SNS_DISPLAY_NAME_LIMIT = 100
SCHEDULE_NAME_LIMIT = 64
DYNAMODB_NAME_LIMIT = 255

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]+")
# The prefix also names the CloudFormation stack: letters, digits and `-`, starting with a letter.
_NOT_ALLOWED_IN_STACK_NAME = re.compile(r"[^A-Za-z0-9-]+")
STACK_NAME_LIMIT = 128


# What CDK construct ids keep (`compiler.emit.parts.construct_id` folds the rest to `_`): two Motia
# names that fold alike give two constructs one id, and synthesis stops.
_NOT_ALLOWED_IN_CONSTRUCT_ID = re.compile(r"[^A-Za-z0-9_.:@+=-]")
# Markers CDK (`${Token[...]}`, `#{Token[...]}`) or CloudFormation (`{{resolve:...}}`) would
# replace inside any string of the template.
UNRESOLVED_MARKERS = ("${Token[", "#{Token[", "{{resolve:")


def construct_id_part(name: str) -> str:
    """`name` as it appears in a construct id: `a b` and `a_b` both become `a_b`."""
    return _NOT_ALLOWED_IN_CONSTRUCT_ID.sub("_", name)


def unresolved_marker(text: str) -> str | None:
    """The token or dynamic-reference marker inside `text`, if any."""
    return next((m for m in UNRESOLVED_MARKERS if m in text), None)


def clean(name: str) -> str:
    """A name in the characters every service here accepts: letters, digits, `-`, `_`."""
    return _NOT_ALLOWED.sub("-", name).strip("-") or "x"


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_LENGTH]


def bounded_name(*parts: str, limit: int, suffix: str = "") -> str:
    """`prefix-part-part` + suffix, cleaned; shortened with a hash of the whole when over `limit`."""
    full = "-".join(clean(p) for p in parts if p)
    if len(full) + len(suffix) <= limit:
        return full + suffix
    keep = limit - len(suffix) - HASH_LENGTH - 1
    return f"{full[:keep].rstrip('-_')}-{short_hash(full)}{suffix}"


def stack_safe(name: str) -> str:
    """`name` in the characters a stack name allows (`my_app` -> `my-app`), starting with a letter."""
    cleaned = _NOT_ALLOWED_IN_STACK_NAME.sub("-", name).strip("-") or "x"
    return cleaned if cleaned[0].isalpha() else f"app-{cleaned}"


def app_prefix(app: str, stage: str) -> str:
    """`<app>-<stage>`: the stack's name and the start of every physical name."""
    return bounded_name(stack_safe(app), stack_safe(stage), limit=STACK_NAME_LIMIT)


def function_name(prefix: str, step: str) -> str:
    return bounded_name(prefix, step, limit=LAMBDA_NAME_LIMIT)


def topic_name(prefix: str, topic: str, fifo: bool) -> str:
    return bounded_name(prefix, topic, limit=SNS_NAME_LIMIT, suffix=".fifo" if fifo else "")


def topic_display_name(topic: str) -> str:
    """The Motia topic name as the SNS display name, which AWS caps at 100 characters."""
    return topic[:SNS_DISPLAY_NAME_LIMIT]


def queue_name(prefix: str, topic: str, step: str, fifo: bool) -> str:
    return bounded_name(prefix, topic, step, limit=SQS_NAME_LIMIT, suffix=".fifo" if fifo else "")


def dlq_name(prefix: str, topic: str, step: str, fifo: bool) -> str:
    return bounded_name(prefix, topic, step, "dlq", limit=SQS_NAME_LIMIT, suffix=".fifo" if fifo else "")


def schedule_name(prefix: str, step: str, index: int) -> str:
    return bounded_name(prefix, step, f"cron{index}", limit=SCHEDULE_NAME_LIMIT)


def tick_queue_name(function_name: str) -> str:
    """The queue a step's sub-minute cron ticks wait in (one per step: the function's name)."""
    return bounded_name(function_name, limit=SQS_NAME_LIMIT, suffix="-ticks")


def table_name(prefix: str, kind: str) -> str:
    return bounded_name(prefix, kind, limit=DYNAMODB_NAME_LIMIT)
