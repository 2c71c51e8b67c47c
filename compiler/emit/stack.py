"""The emitter table and the walk that turns an `Application` into one CDK stack."""

from __future__ import annotations

import re
from typing import Any, Callable

from aws_cdk import Stack, Tags, aws_lambda as lambda_
from constructs import Construct

from compiler.emit.customize import apply_customization
from compiler.emit.functions import emit_function
from compiler.emit.hardening import enforce_tls
from compiler.emit.nag import acknowledge_accepted_findings
from compiler.emit.messaging import emit_topic
from compiler.emit.nesting import NestedSteps
from compiler.emit.outputs import emit_outputs
from compiler.emit.parts import StackParts
from compiler.emit.tables import emit_table
from compiler.emit.type_checks import argument_checks_off, argument_checks_on
from compiler.emit.websocket import emit_websocket
from compiler.ir import Application, Diagnostic, Function, Permission, Realtime, SecretReference, Table, Topic
from compiler.trigger_kinds import KINDS, RESOURCE_FIELDS, resolve_reference

Emitter = Callable[[StackParts, Any], None]

# The shared resources, then each trigger kind's emitter from the registry (tests check that
# every IR type is covered, so a new one cannot be skipped silently).
EMITTERS: dict[type, Emitter] = {
    Table: emit_table,
    Topic: emit_topic,
    Function: emit_function,
    **{kind.ir_type: resolve_reference(kind.emitter) for kind in KINDS},
}

# IR types that produce no resource of their own, and why.
NOT_EMITTED: dict[type, str] = {
    Application: "it is the stack itself",
    Diagnostic: "reported by the command, never deployed",
    SecretReference: "a name in each function's environment and its read grant (emit/secrets.py)",
    Permission: "a statement on its function's role (emit/secrets.py)",
    Realtime: "one optional part, not a collection: compiler.emit.websocket, after the functions",
}

# Application fields in dependency order: a row only references rows emitted before it.
EMIT_ORDER: tuple[str, ...] = (*RESOURCE_FIELDS, *(kind.ir_field for kind in KINDS))

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
    for key, value in parts.app.settings.tags:  # settings' tags: on every resource that takes tags
        Tags.of(parts.stack).add(key, value)
    for fn in parts.app.functions:
        if fn.flows:
            Tags.of(parts.step_scope(fn.name)).add(TAG_FLOWS, tag_value(fn.flows))


def emit_application(scope: Construct, stack_id: str, app: Application, code: lambda_.Code,
                     *, new_code: Callable[[], lambda_.Code] | None = None, **stack_props: Any) -> Stack:
    """Build the stack for `app` in `scope`: every IR item through its emitter, then outputs.

    With `new_code` (a fresh `Code` of the same asset per nested stack), each step's resources
    go to its nested stack (`compiler.emit.nesting`); without, all stay in the one stack.
    """
    with argument_checks_off():  # compiler/emit/type_checks.py
        stack = Stack(scope, stack_id, **stack_props)
        nesting = NestedSteps(root=stack, new_code=new_code) if new_code is not None else None
        parts = StackParts(app=app, stack=stack, code=code, nesting=nesting)
        for field_name in EMIT_ORDER:
            for item in getattr(app, field_name):
                EMITTERS[type(item)](parts, item)
        if app.realtime is not None:
            emit_websocket(parts, app.realtime)
        emit_outputs(parts)
        # The project's motia_aws_stack.py, if any: before TLS and tags, so its resources get them.
        with argument_checks_on():
            customized = apply_customization(parts)
        enforce_tls(parts, walk_tree=customized)
        acknowledge_accepted_findings(parts)
        apply_tags(parts)
    return stack
