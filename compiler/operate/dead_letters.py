"""A deployed stage's dead letters: where they are, what they hold, moving them back, purging.

Every place a message or record ends up when a step could not take it, found from what AWS
runs (no compile of the project, so a step renamed since is still found):
- a queue subscription's dead-letter queue: the step's function config names its queues
  (`q`), each queue's RedrivePolicy names its DLQ; these can be redriven to their queue;
- a state or stream trigger's failure queue (`fq`): failed records, kept for reading;
- a cron schedule's dead-letter queue: ticks that never reached the function.

Reading never changes a queue: messages are received with a visibility timeout and made
visible again at once. Redrive uses SQS message move tasks (the DLQ back to its source queue);
a FIFO queue where SQS refuses a move task is moved message by message, in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Literal

from compiler.deploy.aws import Clients, aws_errors
from compiler.errors import DeployError, UsageError
from compiler.operate.stage import deployed_stack, function_configs, stage_schedules

__all__ = [
    "DeadLetter", "DeadLetterQueue", "find_dead_letter_queues", "peek", "purge", "queues_of_step", "redrive",
]

Kind = Literal["subscription", "state trigger", "stream trigger", "cron"]
PEEK_VISIBILITY_S = 30  # how long a shown message is hidden from others at most; made visible again at once
MOVE_BATCH = 10  # SQS's largest receive and send batch


@dataclass(frozen=True)
class DeadLetterQueue:
    step: str
    kind: Kind
    source: str  # what feeds it: the subscription's queue name, the table, the schedule name
    url: str
    arn: str
    fifo: bool
    messages: int  # approximate, as SQS counts (visible + in flight)
    source_arn: str = ""  # the queue to redrive to (subscriptions only)

    @property
    def redrivable(self) -> bool:
        return bool(self.source_arn)


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    sent: str  # ISO 8601 UTC, when it first entered SQS
    age_s: int
    receive_count: int
    body: Any  # parsed JSON when it is JSON, else the text
    attributes: dict[str, str]  # the message attributes (trace id, group...)


def _queue_name(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


def _attributes(clients: Clients, url: str) -> dict[str, str]:
    answer = clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    return dict(answer.get("Attributes") or {})


def _count(attributes: dict[str, str]) -> int:
    return sum(int(attributes.get(key, 0) or 0) for key in (
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"))


def _queue(clients: Clients, step: str, kind: Kind, source: str, url: str, source_arn: str = "") -> DeadLetterQueue:
    attributes = _attributes(clients, url)
    arn = attributes.get("QueueArn", "")
    return DeadLetterQueue(step, kind, source, url, arn, arn.endswith(".fifo"), _count(attributes), source_arn)


def _subscription_dlqs(clients: Clients, step: str, queue_names: list[str]) -> list[DeadLetterQueue]:
    found: list[DeadLetterQueue] = []
    for name in sorted(queue_names):
        source_url = clients.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes = _attributes(clients, source_url)
        policy = json.loads(attributes.get("RedrivePolicy") or "{}")
        target = policy.get("deadLetterTargetArn")
        if not target:
            continue
        dlq_url = clients.sqs.get_queue_url(QueueName=_queue_name(target))["QueueUrl"]
        found.append(_queue(clients, step, "subscription", name, dlq_url, attributes.get("QueueArn", "")))
    return found


def _schedule_dlqs(clients: Clients, stack_name: str, steps_by_function: dict[str, str]) -> list[DeadLetterQueue]:
    """Each schedule of the stage with its target's DLQ (schedules of one step share one)."""
    if clients.scheduler is None:
        return []
    found: dict[str, DeadLetterQueue] = {}
    for name, schedule in sorted(stage_schedules(clients, stack_name).items()):
        target = schedule.get("Target") or {}
        dlq_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
        step = steps_by_function.get(_queue_name(target.get("Arn", "")))
        if not dlq_arn or step is None or dlq_arn in found:
            continue
        url = clients.sqs.get_queue_url(QueueName=_queue_name(dlq_arn))["QueueUrl"]
        found[dlq_arn] = _queue(clients, step, "cron", name, url)
    return list(found.values())


def find_dead_letter_queues(clients: Clients, stack_name: str) -> tuple[DeadLetterQueue, ...]:
    """Every dead-letter and failure queue of the stage, by step, with its message count."""
    deployed_stack(clients, stack_name)  # a missing stage is said as such, with the fix
    configs = function_configs(clients, stack_name)
    queues: list[DeadLetterQueue] = []
    with aws_errors(clients.target, clients.region):
        for function_name, config in configs.items():
            queues += _subscription_dlqs(clients, config.step_name, list(config.queues))
            for table, url in sorted(config.failure_queues.items()):
                kind: Kind = "state trigger" if table == "state" else "stream trigger"
                queues.append(_queue(clients, config.step_name, kind, f"{table} table", url))
        queues += _schedule_dlqs(clients, stack_name, {name: c.step_name for name, c in configs.items()})
    return tuple(sorted(queues, key=lambda q: (q.step, q.kind, q.source)))


def queues_of_step(queues: tuple[DeadLetterQueue, ...], step: str) -> tuple[DeadLetterQueue, ...]:
    """The queues of `step`; a usage error naming the steps that have some when it has none."""
    mine = tuple(q for q in queues if q.step == step)
    if not mine:
        steps = sorted({q.step for q in queues})
        known = f"steps with dead-letter queues: {', '.join(steps)}" if steps else "this stage has no dead-letter queues"
        raise UsageError(f"step {step!r} has no dead-letter queue in this stage ({known}); `motia dlq list` shows them")
    return mine


def _parsed(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body


def _dead_letter(message: dict[str, Any], now: datetime) -> DeadLetter:
    system = message.get("Attributes") or {}
    sent_ms = int(system.get("SentTimestamp", 0) or 0)
    sent = datetime.fromtimestamp(sent_ms / 1000, tz=timezone.utc)
    attributes = {k: str(v.get("StringValue", v.get("BinaryValue", ""))) for k, v in (message.get("MessageAttributes") or {}).items()}
    return DeadLetter(
        message_id=message["MessageId"],
        sent=sent.isoformat(timespec="seconds").replace("+00:00", "Z"),
        age_s=max(0, int((now - sent).total_seconds())),
        receive_count=int(system.get("ApproximateReceiveCount", 0) or 0),
        body=_parsed(message.get("Body", "")),
        attributes=attributes,
    )


def peek(clients: Clients, queue: DeadLetterQueue, limit: int, now: datetime | None = None) -> tuple[DeadLetter, ...]:
    """Up to `limit` messages of `queue`, oldest SQS gives first; the queue is left as it was."""
    now = now or datetime.now(timezone.utc)
    seen: dict[str, DeadLetter] = {}
    handles: list[str] = []
    with aws_errors(clients.target, clients.region):
        try:
            while len(seen) < limit:
                answer = clients.sqs.receive_message(
                    QueueUrl=queue.url, MaxNumberOfMessages=min(MOVE_BATCH, limit - len(seen)),
                    VisibilityTimeout=PEEK_VISIBILITY_S, WaitTimeSeconds=0,
                    AttributeNames=["All"], MessageAttributeNames=["All"],
                )
                messages = answer.get("Messages") or []
                if not messages:
                    break
                for message in messages:
                    handles.append(message["ReceiptHandle"])
                    seen.setdefault(message["MessageId"], _dead_letter(message, now))
        finally:
            _make_visible(clients, queue.url, handles)
    return tuple(seen.values())


def _make_visible(clients: Clients, url: str, handles: list[str]) -> None:
    for start in range(0, len(handles), MOVE_BATCH):
        batch = handles[start:start + MOVE_BATCH]
        clients.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0} for i, handle in enumerate(batch)
        ])


@dataclass(frozen=True)
class Redrive:
    queue: DeadLetterQueue
    how: Literal["move task", "moved"]
    task: str  # the move task's handle, when SQS runs one
    moved: int  # messages moved here, when moved message by message


def _refuses_move_task(error: DeployError) -> bool:
    cause = error.__cause__
    code = getattr(cause, "response", {}).get("Error", {}).get("Code", "") if cause is not None else ""
    return code in ("UnsupportedOperation", "InvalidParameterValue", "InvalidParameterValueException",
                    "AWS.SimpleQueueService.UnsupportedOperation")


def redrive(clients: Clients, queue: DeadLetterQueue) -> Redrive:
    """Move `queue`'s messages back to the subscription queue they came from."""
    if not queue.redrivable:
        raise UsageError(
            f"the {queue.kind} queue of step {queue.step} has no source queue to redrive to "
            "(only subscriptions' dead-letter queues do); read it with `motia dlq show`"
        )
    try:
        with aws_errors(clients.target, clients.region):
            answer = clients.sqs.start_message_move_task(SourceArn=queue.arn, DestinationArn=queue.source_arn)
        return Redrive(queue, "move task", str(answer.get("TaskHandle", "")), 0)
    except DeployError as error:
        if not (queue.fifo and _refuses_move_task(error)):
            raise
    return Redrive(queue, "moved", "", move_in_order(clients, queue))


def move_in_order(clients: Clients, queue: DeadLetterQueue) -> int:
    """Move a FIFO DLQ's messages to their source queue one batch at a time, keeping each group's order.

    Each message is sent before it is deleted: a failure part way leaves it in both queues
    (delivered twice) rather than in neither.
    """
    source_url = clients.sqs.get_queue_url(QueueName=_queue_name(queue.source_arn))["QueueUrl"]
    moved = 0
    with aws_errors(clients.target, clients.region):
        while True:
            messages = clients.sqs.receive_message(
                QueueUrl=queue.url, MaxNumberOfMessages=MOVE_BATCH, VisibilityTimeout=60, WaitTimeSeconds=0,
                AttributeNames=["All"], MessageAttributeNames=["All"],
            ).get("Messages") or []
            if not messages:
                return moved
            for message in messages:  # one at a time: a group's order is the order received
                system = message.get("Attributes") or {}
                extra: dict[str, Any] = {}
                if system.get("MessageGroupId"):
                    extra["MessageGroupId"] = system["MessageGroupId"]
                    extra["MessageDeduplicationId"] = f"redrive-{message['MessageId']}"
                if message.get("MessageAttributes"):
                    extra["MessageAttributes"] = message["MessageAttributes"]
                clients.sqs.send_message(QueueUrl=source_url, MessageBody=message["Body"], **extra)
                clients.sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
                moved += 1


def purge(clients: Clients, queue: DeadLetterQueue, confirm: Callable[[str], bool]) -> bool:
    """Delete every message of `queue` after `confirm` agrees; False when it declined."""
    if not confirm(f"Delete the {queue.messages} message(s) in the {queue.kind} queue of step {queue.step} ({_queue_name(queue.arn)})?"):
        return False
    with aws_errors(clients.target, clients.region):
        clients.sqs.purge_queue(QueueUrl=queue.url)
    return True
