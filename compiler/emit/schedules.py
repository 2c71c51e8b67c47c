"""Cron triggers (DESIGN.md 3.1): EventBridge Scheduler schedules invoking the step's function;
one role and one DLQ per scheduled step.

A failing cron handler is not run again, as under Motia (it is logged and waits for the next
tick): the schedule does not retry the invocation and Lambda does not retry the asynchronous
event (both set explicitly). An invocation that never reached the function goes to the DLQ.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, aws_iam as iam, aws_lambda_event_sources as sources, aws_sqs as sqs
from aws_cdk import aws_scheduler as scheduler, aws_scheduler_targets as targets

from compiler import naming
from compiler.emit import values
from compiler.schedule_input import schedule_input
from compiler.emit.alarms import dead_letter_alarm
from compiler.emit.hardening import secure_queue
from compiler.emit.messaging import DLQ_RETENTION
from compiler.emit.parts import StackParts, construct_id
from compiler.ir import Application, Schedule
from lambda_runtime import contract

RETRY_ATTEMPTS = 0  # Motia never runs a tick twice; see the module docstring
LAMBDA_ASYNC_RETRY_ATTEMPTS = 0
# A missed tick older than this is dropped to the DLQ: a cron handler runs "now", not late.
MAX_EVENT_AGE = Duration.hours(1)


def async_invoke_props(app: Application, step: str) -> dict[str, Any]:
    """`lambda_.Function` props of a step with a schedule: its asynchronous invocations (only its
    schedules invoke it so) never retry and expire after MAX_EVENT_AGE. Given when the function
    is made (compiler.emit.functions): a `configure_async_invoke` after is a round trip more."""
    if not any(schedule.function == step for schedule in app.schedules):
        return {}
    return {"retry_attempts": LAMBDA_ASYNC_RETRY_ATTEMPTS, "max_event_age": MAX_EVENT_AGE}


def schedule_role(parts: StackParts, step: str) -> iam.Role:
    """The step's schedule role, made with the step's first schedule."""
    if step not in parts.schedule_roles:
        parts.schedule_roles[step] = iam.Role(
            parts.step_scope(step), "ScheduleRole",
            assumed_by=values.service_principal("scheduler.amazonaws.com"),
        )
    return parts.schedule_roles[step]


def schedule_dlq(parts: StackParts, step: str) -> sqs.Queue:
    if step not in parts.schedule_dlqs:
        scope = parts.step_scope(step)
        dlq = secure_queue(scope, "ScheduleDlq", retention_period=DLQ_RETENTION)
        dead_letter_alarm(scope, "ScheduleDlqAlarm", dlq, f"Motia step {step}: cron invocations that never reached the function",
                          parts.app.settings.alarm_topic_arn)
        parts.schedule_dlqs[step] = dlq
    return parts.schedule_dlqs[step]


def schedule_construct_id(parts: StackParts, schedule: Schedule) -> str:
    """`Schedule-<step>-cron<N>`, N its position among the step's schedules: equal in every stage.

    Never derived from the physical name, which a long step name shortens with a hash of the
    stage-prefixed whole. For names short enough, the id is the one the physical name gave.
    """
    position = [s for s in parts.app.schedules if s.function == schedule.function].index(schedule)
    return construct_id("Schedule", f"{naming.clean(schedule.function)}-cron{position}")


DESCRIPTION_LIMIT = 512  # EventBridge Scheduler's limit on a schedule's description


def schedule_description(schedule: Schedule) -> str:
    """`Motia cron '<expr>' of step <name>`, cut to Scheduler's 512 characters (long step names)."""
    return f"Motia cron {schedule.source!r} of step {schedule.function}"[:DESCRIPTION_LIMIT]


TICK_MAX_RECEIVES = 1  # a tick runs at most once (the shim itself never reports a failure)
TICK_RETENTION = Duration.minutes(15)  # a tick is due within its minute; older is of no use


def tick_queue(parts: StackParts, schedule: Schedule, name: str) -> sqs.Queue:
    """The step's tick queue (made with its first cron with seconds) and its consumer."""
    scope = parts.step_scope(schedule.function)
    existing = scope.node.try_find_child("CronTickQueue")
    if isinstance(existing, sqs.Queue):
        return existing
    function = parts.function(schedule.function)
    timeout = parts.app.function(schedule.function).timeout_s
    dlq = secure_queue(scope, "CronTickDlq", retention_period=DLQ_RETENTION)
    dead_letter_alarm(scope, "CronTickDlqAlarm", dlq, f"Motia step {schedule.function}: cron ticks that were never handled",
                      parts.app.settings.alarm_topic_arn)
    queue = secure_queue(
        scope, "CronTickQueue", queue_name=name,
        retention_period=TICK_RETENTION,
        # SQS requires the visibility timeout to cover the function's timeout.
        visibility_timeout=values.seconds(max(timeout, 30)),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=TICK_MAX_RECEIVES),
    )
    function.add_event_source(sources.SqsEventSource(queue, batch_size=1))
    function.add_to_role_policy(iam.PolicyStatement(actions=["sqs:SendMessage", "sqs:GetQueueUrl"], resources=[queue.queue_arn]))
    return queue


def emit_schedule(parts: StackParts, schedule: Schedule) -> None:
    if schedule.tick_queue is not None:
        tick_queue(parts, schedule, schedule.tick_queue)
    # LambdaInvoke grants the role invoke on this function and send on this DLQ only.
    target = targets.LambdaInvoke(
        parts.function(schedule.function),
        input=scheduler.ScheduleTargetInput.from_object(schedule_input(schedule)),  # compiler.schedule_input
        dead_letter_queue=schedule_dlq(parts, schedule.function),
        retry_attempts=RETRY_ATTEMPTS,
        max_event_age=MAX_EVENT_AGE,
        role=schedule_role(parts, schedule.function),
    )
    scheduler.Schedule(
        parts.step_scope(schedule.function),
        schedule_construct_id(parts, schedule),
        schedule=values.schedule_expression(schedule.expression, schedule.timezone),
        target=target,
        schedule_name=schedule.schedule_name,
        description=schedule_description(schedule),
    )
