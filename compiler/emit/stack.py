"""The emitter table and the walk that turns an `Application` into one CDK stack."""

from __future__ import annotations

import re
from typing import Any, Callable

from aws_cdk import Stack, Tags, aws_lambda as lambda_
from constructs import Construct

from compiler.emit.functions import emit_function
from compiler.emit.http import emit_route
from compiler.emit.messaging import emit_queue, emit_topic
from compiler.emit.outputs import emit_outputs
from compiler.emit.parts import StackParts
from compiler.emit.schedules import emit_schedule
from compiler.emit.table_triggers import emit_state_trigger, emit_stream_trigger
from compiler.emit.tables import emit_table
from compiler.ir import (
    Application,
    Diagnostic,
    Function,
    QueueSubscription,
    Route,
    Schedule,
    StateTrigger,
    StreamTrigger,
    Table,
    Topic,
)

Emitter = Callable[[StackParts, Any], None]

# Explicit, so a new IR type cannot be skipped silently (tests check the coverage).
EMITTERS: dict[type, Emitter] = {
    Table: emit_table,
    Topic: emit_topic,
    Function: emit_function,
    Route: emit_route,
    QueueSubscription: emit_queue,
    Schedule: emit_schedule,
    StateTrigger: emit_state_trigger,
    StreamTrigger: emit_stream_trigger,
}

# IR types that produce no resource of their own, and why.
NOT_EMITTED: dict[type, str] = {
    Application: "it is the stack itself",
    Diagnostic: "reported by the command, never deployed",
}

# Application fields in dependency order: a row only references rows emitted before it.
EMIT_ORDER: tuple[str, ...] = (
    "tables", "topics", "functions", "routes", "queues", "schedules",
    "state_triggers", "stream_triggers",
)

TAG_APP = "motia:app"
TAG_STAGE = "motia:stage"
TAG_FLOWS = "motia:flows"
_TAG_UNSAFE = re.compile(r"[^\w .:/=+\-@]")
TAG_VALUE_LIMIT = 256


def tag_value(words: tuple[str, ...]) -> str:
    """Space-separated, characters AWS rejects in tag values replaced, within the length limit."""
    return _TAG_UNSAFE.sub("_", " ".join(sorted(words)))[:TAG_VALUE_LIMIT]


def apply_tags(parts: StackParts) -> None:
    Tags.of(parts.stack).add(TAG_APP, tag_value((parts.app.name,)))
    Tags.of(parts.stack).add(TAG_STAGE, tag_value((parts.app.stage,)))
    for fn in parts.app.functions:
        if fn.flows:
            Tags.of(parts.step_scope(fn.name)).add(TAG_FLOWS, tag_value(fn.flows))


def emit_application(scope: Construct, stack_id: str, app: Application, code: lambda_.Code,
                     **stack_props: Any) -> Stack:
    """Build the stack for `app` in `scope`: every IR item through its emitter, then outputs."""
    stack = Stack(scope, stack_id, **stack_props)
    parts = StackParts(app=app, stack=stack, code=code)
    for field_name in EMIT_ORDER:
        for item in getattr(app, field_name):
            EMITTERS[type(item)](parts, item)
    emit_outputs(parts)
    apply_tags(parts)
    return stack
