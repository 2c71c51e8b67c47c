"""Parsed steps -> resolved steps: everything decided about each step, decided once.

Sizing, queue settings, cron translations, AWS route paths, streaming and physical names are
computed here and nowhere else: validation rules judge them, the builder copies them into
the IR, so the two can never disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Collection, Sequence

from compiler import ir, naming
from compiler.config_schema import CronTriggerSpec, HttpTriggerSpec, QueueTriggerSpec, StepSpec
from compiler.cron import CronError, CronTranslation, translate_cron
from compiler.handler_facts import is_streaming_http
from compiler.sizing import FunctionSize, QueueSettings, function_size, queue_layers, queue_settings
from motia.routes import aws_route_path


@dataclass(frozen=True)
class ParsedStep:
    """A step whose config passed the schema: where it came from, its spec and handler."""

    file: str
    spec: StepSpec
    handler: Callable[..., Any]
    include_files: tuple[str, ...] = ()  # resolved, project-relative


@dataclass(frozen=True)
class ResolvedRoute:
    """One http() trigger with its API Gateway path."""

    trigger: HttpTriggerSpec
    trigger_index: int  # position in the step's `triggers`
    aws_path: str  # /orders/{id}


@dataclass(frozen=True)
class ResolvedQueue:
    """One queue() trigger: its settings after layering and its queue and DLQ names."""

    trigger: QueueTriggerSpec
    trigger_index: int
    settings: QueueSettings
    queue_name: str
    dlq_name: str


@dataclass(frozen=True)
class ResolvedCron:
    """One cron() trigger: its translation and one schedule name per AWS expression, or its error."""

    trigger: CronTriggerSpec
    trigger_index: int
    translation: CronTranslation | None
    error: CronError | None
    schedule_names: tuple[str, ...] = ()  # parallel to translation.expressions


@dataclass(frozen=True)
class ResolvedStep:
    """A parsed step with everything the rules and the builder need already decided."""

    file: str
    spec: StepSpec
    handler: Callable[..., Any]
    include_files: tuple[str, ...]
    size: FunctionSize
    function_name: str
    routes: tuple[ResolvedRoute, ...]
    queues: tuple[ResolvedQueue, ...]
    crons: tuple[ResolvedCron, ...]
    streaming_http: bool  # has an http() trigger and its handler writes through the response writer

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class ResolvedProject:
    """All resolved steps (sorted by name, then file) and the SNS topics they make."""

    app: str
    stage: str
    prefix: str
    steps: tuple[ResolvedStep, ...]
    topics: tuple[ir.Topic, ...]

    def without(self, failed: Collection[tuple[str, str]]) -> ResolvedProject:
        """The project minus the steps keyed (file, step name) in `failed`; topics follow."""
        kept = tuple(s for s in self.steps if (s.file, s.name) not in failed)
        if len(kept) == len(self.steps):
            return self
        return dataclasses.replace(self, steps=kept, topics=resolve_topics(self.prefix, kept))


def _queue(prefix: str, spec: StepSpec, size: FunctionSize, index: int, trigger: QueueTriggerSpec) -> ResolvedQueue:
    infra_queue = trigger.infrastructure.queue if trigger.infrastructure else None
    settings = queue_settings(queue_layers(spec, infra_queue, trigger.config), size.timeout_s)
    return ResolvedQueue(
        trigger=trigger,
        trigger_index=index,
        settings=settings,
        queue_name=naming.queue_name(prefix, trigger.topic, spec.name, settings.fifo),
        dlq_name=naming.dlq_name(prefix, trigger.topic, spec.name, settings.fifo),
    )


def _crons(prefix: str, spec: StepSpec) -> tuple[ResolvedCron, ...]:
    """Schedules of one step are numbered in order over all its translated expressions."""
    crons: list[ResolvedCron] = []
    numbered = 0
    for index, trigger in enumerate(spec.triggers):
        if not isinstance(trigger, CronTriggerSpec):
            continue
        try:
            translation = translate_cron(trigger.expression)
        except CronError as error:
            crons.append(ResolvedCron(trigger, index, None, error))
            continue
        count = len(translation.expressions)
        names = tuple(naming.schedule_name(prefix, spec.name, n) for n in range(numbered, numbered + count))
        numbered += count
        crons.append(ResolvedCron(trigger, index, translation, None, names))
    return tuple(crons)


def resolve_step(prefix: str, step: ParsedStep) -> ResolvedStep:
    """Decide everything about one step (nothing here fails: the rules judge the result)."""
    spec = step.spec
    size = function_size(spec)
    triggers = list(enumerate(spec.triggers))
    routes = tuple(
        ResolvedRoute(t, i, aws_route_path(t.path)) for i, t in triggers if isinstance(t, HttpTriggerSpec)
    )
    return ResolvedStep(
        file=step.file,
        spec=spec,
        handler=step.handler,
        include_files=step.include_files,
        size=size,
        function_name=naming.function_name(prefix, spec.name),
        routes=routes,
        queues=tuple(_queue(prefix, spec, size, i, t) for i, t in triggers if isinstance(t, QueueTriggerSpec)),
        crons=_crons(prefix, spec),
        streaming_http=bool(routes) and is_streaming_http(step.handler),
    )


def resolve_topics(prefix: str, steps: Sequence[ResolvedStep]) -> tuple[ir.Topic, ...]:
    """One SNS topic per Motia topic and queue kind its subscribers use (standard if none)."""
    publishers: dict[str, set[str]] = {}
    for step in steps:
        for topic in step.spec.enqueue_topics():
            publishers.setdefault(topic, set()).add(step.name)
    subscribers: dict[tuple[str, bool], set[str]] = {}
    for step in steps:
        for queue in step.queues:
            subscribers.setdefault((queue.trigger.topic, queue.settings.fifo), set()).add(step.name)
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
    return tuple(topics)


def resolve_project(steps: Sequence[ParsedStep], *, app: str, stage: str) -> ResolvedProject:
    """Resolve every parsed step of one app and stage."""
    prefix = naming.app_prefix(app, stage)
    ordered = sorted(steps, key=lambda s: (s.spec.name, s.file))
    resolved = tuple(resolve_step(prefix, step) for step in ordered)
    return ResolvedProject(app, stage, prefix, resolved, resolve_topics(prefix, resolved))
