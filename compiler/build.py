"""Validated step specs -> the application model (IR). Pure: no I/O, no AWS."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

from compiler import ir, naming
from compiler.config_schema import (
    CronTriggerSpec,
    HttpTriggerSpec,
    QueueTriggerSpec,
    StateTriggerSpec,
    StepSpec,
    StreamTriggerSpec,
)
from compiler.cron import CronError, translate_cron
from compiler.sizing import function_size, queue_layers, queue_settings
from motia.routes import aws_route_path


@dataclass(frozen=True)
class ParsedStep:
    """A step whose config passed the schema: where it came from, its spec and handler."""

    file: str
    spec: StepSpec
    handler: Callable[..., Any]
    include_files: tuple[str, ...] = ()  # resolved, project-relative


def is_streaming_http(handler: Callable[..., Any]) -> bool:
    """Does the handler take Motia's streaming `MotiaHttpArgs` (request + response writer)?"""
    try:
        params = list(inspect.signature(handler).parameters.values())
    except (TypeError, ValueError):
        return False
    return bool(params) and "MotiaHttpArgs" in str(params[0].annotation)


def queue_subscription(prefix: str, step: ParsedStep, trigger: QueueTriggerSpec, index: int = 0) -> ir.QueueSubscription:
    size = function_size(step.spec)
    infra_queue = trigger.infrastructure.queue if trigger.infrastructure else None
    settings = queue_settings(queue_layers(step.spec, infra_queue, trigger.config), size.timeout_s)
    name = step.spec.name
    return ir.QueueSubscription(
        topic=trigger.topic,
        function=name,
        queue_name=naming.queue_name(prefix, trigger.topic, name, settings.fifo),
        fifo=settings.fifo,
        dlq_name=naming.dlq_name(prefix, trigger.topic, name, settings.fifo),
        max_receive_count=settings.max_receive_count,
        visibility_timeout_s=settings.visibility_timeout_s,
        delay_s=settings.delay_s,
        has_condition=trigger.condition is not None,
        trigger_index=index,
    )


def _function(prefix: str, step: ParsedStep) -> ir.Function:
    spec = step.spec
    size = function_size(spec)
    return ir.Function(
        name=spec.name,
        function_name=naming.function_name(prefix, spec.name),
        file=step.file,
        memory_mb=size.memory_mb,
        timeout_s=size.timeout_s,
        triggers=tuple(t.type for t in spec.triggers),
        enqueues=spec.enqueue_topics(),
        include_files=step.include_files,
        flows=tuple(sorted(set(spec.flows or ()))),
        description=spec.description or "",
        memory_reason=size.memory_reason,
        streaming_http=any(isinstance(t, HttpTriggerSpec) for t in spec.triggers)
        and is_streaming_http(step.handler),
    )


def _schedules(prefix: str, step: ParsedStep) -> list[ir.Schedule]:
    schedules: list[ir.Schedule] = []
    crons = [(i, t) for i, t in enumerate(step.spec.triggers) if isinstance(t, CronTriggerSpec)]
    for index, trigger in crons:
        try:
            translation = translate_cron(trigger.expression)
        except CronError:
            continue  # reported by validate
        for expression in translation.expressions:
            schedules.append(ir.Schedule(
                function=step.spec.name,
                source=translation.source,
                expression=expression,
                schedule_name=naming.schedule_name(prefix, step.spec.name, len(schedules)),
                trigger_index=index,
            ))
    return schedules


def _topics(prefix: str, steps: list[ParsedStep], queues: list[ir.QueueSubscription]) -> list[ir.Topic]:
    publishers: dict[str, set[str]] = {}
    for step in steps:
        for topic in step.spec.enqueue_topics():
            publishers.setdefault(topic, set()).add(step.spec.name)
    subscribers: dict[tuple[str, bool], set[str]] = {}
    for queue in queues:
        subscribers.setdefault((queue.topic, queue.fifo), set()).add(queue.function)
    topics = []
    for name in sorted(set(publishers) | {topic for topic, _ in subscribers}):
        kinds = [fifo for fifo in (False, True) if (name, fifo) in subscribers] or [False]
        for fifo in kinds:
            topics.append(ir.Topic(
                name=name,
                fifo=fifo,
                sns_name=naming.topic_name(prefix, name, fifo),
                publishers=tuple(sorted(publishers.get(name, ()))),
                subscribers=tuple(sorted(subscribers.get((name, fifo), ()))),
            ))
    return topics


def build_application(
    steps: list[ParsedStep], *, app: str, stage: str, root: str, declared_streams: tuple[str, ...] = ()
) -> ir.Application:
    """The IR of valid steps. Invalid parts (e.g. a cron that does not parse) are left out."""
    prefix = naming.app_prefix(app, stage)
    ordered = sorted(steps, key=lambda s: (s.spec.name, s.file))
    queues = [
        queue_subscription(prefix, step, trigger, index)
        for step in ordered
        for index, trigger in enumerate(step.spec.triggers)
        if isinstance(trigger, QueueTriggerSpec)
    ]
    routes = [
        ir.Route(trigger.method.upper(), aws_route_path(trigger.path), trigger.path, step.spec.name, index)
        for step in ordered
        for index, trigger in enumerate(step.spec.triggers)
        if isinstance(trigger, HttpTriggerSpec)
    ]
    state_triggers = [
        ir.StateTrigger(
            step.spec.name,
            has_condition=any(t.condition is not None for _, t in found),
            trigger_indexes=tuple(i for i, _ in found),
        )
        for step in ordered
        if (found := [(i, t) for i, t in enumerate(step.spec.triggers) if isinstance(t, StateTriggerSpec)])
    ]
    stream_triggers = [
        ir.StreamTrigger(step.spec.name, t.stream_name, t.group_id, t.item_id, t.condition is not None, index)
        for step in ordered
        for index, t in enumerate(step.spec.triggers)
        if isinstance(t, StreamTriggerSpec)
    ]
    streams = set(declared_streams) | {t.stream for t in stream_triggers}
    return ir.Application(
        name=app,
        stage=stage,
        prefix=prefix,
        root=root,
        functions=tuple(_function(prefix, step) for step in ordered),
        routes=tuple(sorted(routes, key=lambda r: (r.path, r.method, r.function))),
        topics=tuple(_topics(prefix, ordered, queues)),
        queues=tuple(sorted(queues, key=lambda q: (q.topic, q.function))),
        schedules=tuple(s for step in ordered for s in _schedules(prefix, step)),
        state_triggers=tuple(state_triggers),
        stream_triggers=tuple(sorted(stream_triggers, key=lambda t: (t.stream, t.function, t.group_id or "", t.item_id or ""))),
        tables=(
            ir.Table("state", naming.table_name(prefix, "state")),
            ir.Table("streams", naming.table_name(prefix, "streams")),
        ),
        streams=tuple(sorted(streams)),
    )
