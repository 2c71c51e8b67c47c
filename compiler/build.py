"""Resolved steps -> the application model (IR). Pure: no I/O, no AWS, nothing decided here.

The pipeline passes only steps without errors: the IR holds no half-built parts.
"""

from __future__ import annotations

from compiler import ir, naming
from compiler.config_schema import StateTriggerSpec, StreamTriggerSpec
from compiler.resolve import ResolvedProject, ResolvedStep


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
    )


def _queues(step: ResolvedStep) -> list[ir.QueueSubscription]:
    return [
        ir.QueueSubscription(
            topic=q.trigger.topic,
            function=step.name,
            queue_name=q.queue_name,
            fifo=q.settings.fifo,
            dlq_name=q.dlq_name,
            max_receive_count=q.settings.max_receive_count,
            visibility_timeout_s=q.settings.visibility_timeout_s,
            delay_s=q.settings.delay_s,
            has_condition=q.trigger.condition is not None,
            trigger_index=q.trigger_index,
        )
        for q in step.queues
    ]


def _routes(step: ResolvedStep) -> list[ir.Route]:
    return [
        ir.Route(r.trigger.method.upper(), r.aws_path, r.trigger.path, step.name, r.trigger_index)
        for r in step.routes
    ]


def _schedules(step: ResolvedStep) -> list[ir.Schedule]:
    return [
        ir.Schedule(
            function=step.name,
            source=cron.translation.source,
            expression=expression,
            schedule_name=name,
            trigger_index=cron.trigger_index,
        )
        for cron in step.crons
        if cron.translation is not None
        for expression, name in zip(cron.translation.expressions, cron.schedule_names, strict=True)
    ]


def _state_trigger(step: ResolvedStep) -> list[ir.StateTrigger]:
    found = [(i, t) for i, t in enumerate(step.spec.triggers) if isinstance(t, StateTriggerSpec)]
    if not found:
        return []
    return [ir.StateTrigger(
        step.name,
        has_condition=any(t.condition is not None for _, t in found),
        trigger_indexes=tuple(i for i, _ in found),
    )]


def _stream_triggers(step: ResolvedStep) -> list[ir.StreamTrigger]:
    return [
        ir.StreamTrigger(step.name, t.stream_name, t.group_id, t.item_id, t.condition is not None, index)
        for index, t in enumerate(step.spec.triggers)
        if isinstance(t, StreamTriggerSpec)
    ]


def build_application(
    project: ResolvedProject, *, root: str, declared_streams: tuple[str, ...] = ()
) -> ir.Application:
    """The IR of `project`'s steps, which the pipeline has already cleared of invalid ones."""
    steps = project.steps
    routes = [r for step in steps for r in _routes(step)]
    queues = [q for step in steps for q in _queues(step)]
    stream_triggers = [t for step in steps for t in _stream_triggers(step)]
    streams = set(declared_streams) | {t.stream for t in stream_triggers}
    return ir.Application(
        name=project.app,
        stage=project.stage,
        prefix=project.prefix,
        root=root,
        functions=tuple(_function(step) for step in steps),
        routes=tuple(sorted(routes, key=lambda r: (r.path, r.method, r.function))),
        topics=project.topics,
        queues=tuple(sorted(queues, key=lambda q: (q.topic, q.function))),
        schedules=tuple(s for step in steps for s in _schedules(step)),
        state_triggers=tuple(t for step in steps for t in _state_trigger(step)),
        stream_triggers=tuple(sorted(stream_triggers, key=lambda t: (t.stream, t.function, t.group_id or "", t.item_id or ""))),
        tables=(
            ir.Table("state", naming.table_name(project.prefix, "state")),
            ir.Table("streams", naming.table_name(project.prefix, "streams")),
        ),
        streams=tuple(sorted(streams)),
    )
