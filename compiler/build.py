"""Resolved steps -> the application model (IR). Pure: no I/O, no AWS, nothing decided here.

The pipeline passes only steps without errors: the IR holds no half-built parts.
"""

from __future__ import annotations

from typing import Any

from compiler import ir, naming
from compiler.permissions import permissions_of
from compiler.resolve import ResolvedProject, ResolvedStep
from compiler.trigger_kinds import KINDS, TriggerKind


def _function(step: ResolvedStep) -> ir.Function:
    spec = step.spec
    return ir.Function(
        name=spec.name,
        function_name=step.function_name,
        file=step.file,
        memory_mb=step.size.memory_mb,
        timeout_s=step.size.timeout_s,
        triggers=tuple(t.type for t in spec.triggers),
        enqueues=spec.enqueue_topics(),
        include_files=step.include_files,
        flows=tuple(sorted(set(spec.flows or ()))),
        description=spec.description or "",
        memory_reason=step.size.memory_reason,
        streaming_http=step.streaming_http,
        permissions=permissions_of((p.actions, p.resources) for p in spec.permissions or ()),
    )


def _trigger_items(kind: TriggerKind, steps: tuple[ResolvedStep, ...]) -> tuple[Any, ...]:
    items = [item for step in steps for item in kind.build(step)]
    return tuple(sorted(items, key=kind.ir_order) if kind.ir_order else items)


def build_application(
    project: ResolvedProject, *, root: str, declared_streams: tuple[str, ...] = ()
) -> ir.Application:
    """The IR of `project`'s steps, which the pipeline has already cleared of invalid ones."""
    steps = project.steps
    triggers: dict[str, Any] = {kind.ir_field: _trigger_items(kind, steps) for kind in KINDS}
    streams = set(declared_streams) | {t.stream for t in triggers["stream_triggers"]}
    return ir.Application(
        name=project.app,
        stage=project.stage,
        prefix=project.prefix,
        root=root,
        functions=tuple(_function(step) for step in steps),
        topics=project.topics,
        **triggers,
        tables=(
            ir.Table("state", naming.table_name(project.prefix, "state")),
            ir.Table("streams", naming.table_name(project.prefix, "streams")),
        ),
        streams=tuple(sorted(streams)),
    )
