"""Queue pollers: what Lambda's SQS event source mapping does, against moto's real queues.

Receive a batch (long poll: in-process, on moto's backend; see moto_direct), invoke the function with the SQS event, delete the records it
did not report failed. Failed records are left alone: moto's SQS makes them visible again
after the queue's visibility timeout, counts receives, and moves them to the DLQ after
maxReceiveCount (the subscription's max_retries). FIFO group ordering and delay seconds are
the queue's own behaviour in moto too; nothing here re-implements them, but in-process mode
corrects moto's FIFO receive, which can run a group out of order after a timeout
(`moto_direct.release_timed_out`; a FIFO subscription's batch size of 1 keeps clear of the
case in server mode too). Dead letters are read off moto's queue (`moto_direct.queue_messages`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from compiler.emulator.backend import REGION, MotoBackend
from compiler.emulator.deploy import EventSource
from compiler.emulator.events import failed_message_ids, sqs_event
from compiler.emulator.invoker import Delivery, Invoker
from compiler.emulator.moto_direct import DirectSqs, queue_reader, sqs_client
from compiler.emulator.worker import Worker
from lambda_runtime.contract import ATTR_TOPIC, ATTR_TRACE_ID

WAIT_SECONDS = 1  # long poll: no busy loop, and stop() returns within a second


@dataclass(frozen=True)
class QueueDepth:
    """Messages of one queue and its DLQ, at one moment."""

    queue_name: str
    visible: int
    in_flight: int
    delayed: int
    dead_lettered: int

    @property
    def pending(self) -> int:
        return self.visible + self.in_flight + self.delayed


def _attribute(message: dict[str, Any], name: str) -> str | None:
    value = (message.get("MessageAttributes") or {}).get(name) or {}
    return value.get("StringValue")


class QueuePoller(Worker):
    """One thread per queue subscription, like one event source mapping."""

    def __init__(self, backend: MotoBackend, source: EventSource, invoker: Invoker, stop: threading.Event) -> None:
        self.source = source
        self._sqs = sqs_client(backend, source.source_arn)
        self._invoker = invoker
        self._stop = stop
        self.url = self._sqs.get_queue_url(QueueName=source.queue_name)["QueueUrl"]
        attributes = self._sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["RedrivePolicy"])["Attributes"]
        dlq_arn = _redrive_target(attributes.get("RedrivePolicy"))
        self.dlq_url = self._sqs.get_queue_url(QueueName=dlq_arn.rsplit(":", 1)[-1])["QueueUrl"] if dlq_arn else None
        self._reader = self._sqs if isinstance(self._sqs, DirectSqs) else queue_reader(source.source_arn)
        super().__init__(f"motia-dev-queue-{source.queue_name}")

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.run_round("polling", self.poll_once, self._stop)
        finally:
            if isinstance(self._sqs, DirectSqs):
                self._sqs.close()

    def poll_once(self) -> None:
        """One long poll, and the delivery of what it received (left for retry when delivery fails)."""
        messages = self._sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=min(self.source.batch_size, 10), WaitTimeSeconds=WAIT_SECONDS,
            AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if messages:
            self.deliver(messages)

    def _wake(self) -> None:
        if isinstance(self._sqs, DirectSqs):
            self._sqs.interrupt()

    def deliver(self, messages: list[dict[str, Any]]) -> None:
        """Invoke once for the batch, delete the successes, record the delivery."""
        ids = [m["MessageId"] for m in messages]
        invocation = self._invoker.invoke(self.source.function_name, sqs_event(messages, self.source.source_arn, REGION))
        failed = frozenset(ids) if invocation.error is not None else failed_message_ids(invocation.result, ids)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start:start + 10])]
            self._sqs.delete_message_batch(QueueUrl=self.url, Entries=entries)
        topic = _attribute(messages[0], ATTR_TOPIC) or self.source.queue_name
        attempts = max(int((m.get("Attributes") or {}).get("ApproximateReceiveCount", "1")) for m in messages)
        if not failed:
            outcome = "ok"
        elif invocation.error is not None:
            outcome = f"failed: {invocation.error}"
        else:
            outcome = f"{len(failed)}/{len(ids)} failed, left for retry"
        if failed and attempts > 1:
            outcome += f" (attempt {attempts})"
        traces = tuple(sorted({t for t in (_attribute(m, ATTR_TRACE_ID) for m in messages) if t}))
        self._invoker.record(Delivery(
            step=self._invoker.step_of(self.source.function_name), trigger=f"queue {topic}",
            duration_ms=invocation.duration_ms, outcome=outcome, ok=not failed, records=len(ids), trace_ids=traces,
        ))

    def depth(self) -> QueueDepth:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
        counts = self._sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=names)["Attributes"]
        dead = 0
        if self.dlq_url:
            dlq = self._sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=names)["Attributes"]
            dead = sum(int(dlq.get(n, 0)) for n in names)
        return QueueDepth(self.source.queue_name, int(counts.get(names[0], 0)), int(counts.get(names[1], 0)),
                          int(counts.get(names[2], 0)), dead)

    def dead_letters(self) -> list[dict[str, Any]]:
        """All of the DLQ's messages (bodies and attributes), in queue order, without receiving them
        (a FIFO DLQ cannot be read past a group's first message by receiving: `queue_messages`)."""
        return self._reader.peek(self.dlq_url) if self.dlq_url else []


def _redrive_target(policy: Any) -> str | None:
    if not policy:
        return None
    import json

    data = json.loads(policy) if isinstance(policy, str) else policy
    return str(data.get("deadLetterTargetArn")) or None
