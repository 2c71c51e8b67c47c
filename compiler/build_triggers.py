"""One resolved step -> its IR items of one trigger kind; `compiler.trigger_kinds` names each.

Pure, like `compiler.build`: every value is copied from the resolved step, nothing decided here.
"""

from __future__ import annotations

from compiler import ir, naming
from compiler.config_schema import StateTriggerSpec, StreamTriggerSpec
from compiler.resolve import ResolvedStep


def queue_subscriptions(step: ResolvedStep) -> list[ir.QueueSubscription]:
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
            backoff_ms=q.settings.backoff_ms,
            max_concurrency=q.settings.max_concurrency,
            reserved_concurrency=q.settings.reserved_concurrency,
            retention_s=q.settings.retention_s,
        )
        for q in step.queues
    ]


def routes(step: ResolvedStep) -> list[ir.Route]:
    return [
        ir.Route(r.trigger.method.upper(), r.aws_path, r.trigger.path, step.name, r.trigger_index)
        for r in step.routes
    ]


def schedules(step: ResolvedStep) -> list[ir.Schedule]:
    return [
        ir.Schedule(
            function=step.name,
            source=cron.translation.source,
            expression=expression,
            schedule_name=name,
            trigger_index=cron.trigger_index,
            day_filter=cron.translation.day_filter,
            seconds=cron.translation.seconds,
            tick_queue=naming.tick_queue_name(step.function_name) if cron.translation.seconds != (0,) else None,
        )
        for cron in step.crons
        if cron.translation is not None
        for expression, name in zip(cron.translation.expressions, cron.schedule_names, strict=True)
    ]


def state_triggers(step: ResolvedStep) -> list[ir.StateTrigger]:
    found = [(i, t) for i, t in enumerate(step.spec.triggers) if isinstance(t, StateTriggerSpec)]
    if not found:
        return []
    return [ir.StateTrigger(
        step.name,
        has_condition=any(t.condition is not None for _, t in found),
        trigger_indexes=tuple(i for i, _ in found),
    )]


def stream_triggers(step: ResolvedStep) -> list[ir.StreamTrigger]:
    return [
        ir.StreamTrigger(step.name, t.stream_name, t.group_id, t.item_id, t.condition is not None, index)
        for index, t in enumerate(step.spec.triggers)
        if isinstance(t, StreamTriggerSpec)
    ]
