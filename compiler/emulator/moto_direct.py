"""In-process mode: the pollers' SQS and DynamoDB Streams calls answered by moto's backends.

Under `mock_aws` every boto3 call is serialized, routed through botocore's event hooks,
parsed by moto's responses module and serialized back: milliseconds per call, most of the
emulator's busy time. The pollers and stream readers make the same calls straight on moto's
backend objects instead (`sqs_backends[account][region]`), and get the shapes boto3 returns,
so their logic is one implementation for both modes. moto keeps the state and decides
everything it decides over boto3: receive counts, visibility, FIFO groups, dead-lettering.

Long polls wait on a `Doorbell` rung by a hook around the moto object that takes new work
(`Queue.add_message`, `StreamShard.add`), installed on that one object while a poller uses
it: an idle emulator sleeps instead of polling. While a poller runs, `QUICKER_SQS_MODELS`
also makes moto's own SQS bookkeeping cheaper without changing a value it computes.
Server mode keeps boto3 (`sqs_client`, `streams_client`).
"""

from __future__ import annotations

import threading
import time
from copy import deepcopy
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from compiler.emulator.backend import MotoBackend

# What ReceiveMessage can return as message system attributes (moto's responses.py list).
SYSTEM_ATTRIBUTES = ("AWSTraceHeader", "ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount",
                     "MessageDeduplicationId", "MessageGroupId", "SenderId", "SentTimestamp", "SequenceNumber")
DEPTH_ATTRIBUTES = {
    "ApproximateNumberOfMessages": "approximate_number_of_messages",
    "ApproximateNumberOfMessagesNotVisible": "approximate_number_of_messages_not_visible",
    "ApproximateNumberOfMessagesDelayed": "approximate_number_of_messages_delayed",
}


class Doorbell:
    """A counter of new-work events that waiters can sleep on without missing a ring."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._rings = 0

    @property
    def rings(self) -> int:
        return self._rings

    def ring(self) -> None:
        with self._condition:
            self._rings += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> bool:
        """Until a ring after `seen` (read before looking for work) or `timeout`; True if rung."""
        with self._condition:
            return self._condition.wait_for(lambda: self._rings != seen, timeout=max(timeout, 0.0))


class _RingingMethod:
    """Stands in for one moto object's method (an instance attribute): call it, then ring.

    Calls are serialized: handlers now write concurrently, and moto's `StreamShard.add` numbers
    a record `len(items)` before appending it, so two writers at once would share a sequence
    number and a reader's next iterator (after the last number read) would re-read forever.
    """

    def __init__(self, original: Callable[..., Any]) -> None:
        self.original = original
        self.doorbell = Doorbell()
        self.users = 0
        self._lock = threading.RLock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            with self._lock:
                return self.original(*args, **kwargs)
        finally:
            self.doorbell.ring()


_hooks_lock = threading.Lock()


def attach_doorbell(target: Any, method: str) -> Doorbell:
    """Ring a doorbell after every call of `target.method` (counted: one hook per object)."""
    with _hooks_lock:
        hook = vars(target).get(method)
        if not isinstance(hook, _RingingMethod):
            hook = _RingingMethod(getattr(target, method))
            setattr(target, method, hook)
        hook.users += 1
        return hook.doorbell


def detach_doorbell(target: Any, method: str) -> None:
    """Undo one `attach_doorbell`; the last one gives the object its own method back."""
    with _hooks_lock:
        hook = vars(target).get(method)
        if isinstance(hook, _RingingMethod):
            hook.users -= 1
            if hook.users <= 0:
                delattr(target, method)


class _QuickerSqsModels:
    """Three pure helpers of `moto.sqs.models` swapped for equivalent cheaper ones while pollers run.

    moto reads the clock through datetime arithmetic (so that freezegun can freeze it) up to
    four times per queued message on every `Queue.attributes` read, which each receive and
    send makes, and converts every attribute name character by character each time: with 1,000
    messages queued a receive of 10 cost 1.1 s of CPU, 25 ms with these (sends 13.5 -> 0.5 ms).
    Same values: `time.time()` is the clock the datetime arithmetic reads (the emulator never
    freezes it), and the name conversion is a function of its argument. Counted: the last
    poller to stop gives moto its own helpers back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: dict[str, Any] = {}

    def acquire(self) -> None:
        import functools

        import moto.sqs.models as models

        with self._lock:
            self._users += 1
            if self._users > 1:
                return
            self._saved = {name: getattr(models, name) for name in ("unix_time", "unix_time_millis", "camelcase_to_underscores")}
            unix_time = self._saved["unix_time"]
            models.unix_time = lambda dt=None: time.time() if dt is None else unix_time(dt)
            models.unix_time_millis = lambda dt=None: time.time() * 1000.0 if dt is None else unix_time(dt) * 1000.0
            models.camelcase_to_underscores = functools.lru_cache(maxsize=256)(self._saved["camelcase_to_underscores"])

    def release(self) -> None:
        import moto.sqs.models as models

        with self._lock:
            self._users -= 1
            if self._users == 0:
                for name, original in self._saved.items():
                    setattr(models, name, original)
                self._saved = {}


QUICKER_SQS_MODELS = _QuickerSqsModels()


def _account_and_region(arn: str) -> tuple[str, str]:
    parts = arn.split(":")
    return parts[4], parts[3]


def _queue_name(queue_url: str) -> str:
    return queue_url.rstrip("/").rsplit("/", 1)[-1]


def _wanted_system_attributes(names: Any) -> tuple[str, ...]:
    asked = set(names or ())
    return tuple(n for n in SYSTEM_ATTRIBUTES if "All" in asked or n in asked)


def _message_shape(message: Any, wanted: tuple[str, ...]) -> dict[str, Any]:
    """One ReceiveMessage result as boto3 returns it (moto's responses.py, field for field)."""
    shaped: dict[str, Any] = {"MessageId": message.id, "ReceiptHandle": message.receipt_handle,
                              "MD5OfBody": message.body_md5, "Body": message.body}
    if message.message_attributes:
        shaped["MessageAttributes"] = message.message_attributes  # moto's receive returns copies
        shaped["MD5OfMessageAttributes"] = message.attribute_md5
    values: dict[str, Any] = {
        "SenderId": message.sender_id,
        "SentTimestamp": str(message.sent_timestamp),
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
        "MessageDeduplicationId": message.deduplication_id,
        "MessageGroupId": message.group_id,
        "AWSTraceHeader": (message.system_attributes.get("AWSTraceHeader") or {}).get("StringValue"),
        "SequenceNumber": message.sequence_number,
    }
    if wanted:
        shaped["Attributes"] = {name: values[name] for name in wanted if values[name] is not None}
    return shaped


def _seconds_until_next_visible(queue: Any) -> float:
    """When the next in-flight or delayed message turns visible (none: infinity)."""
    now_ms = time.time() * 1000.0
    upcoming = [at for m in queue._messages for at in (m.visible_at, m.delayed_until) if at > now_ms]
    return (min(upcoming) - now_ms) / 1000.0 if upcoming else float("inf")


def release_timed_out(queue: Any) -> None:
    """Forget the in-flight mark of messages whose visibility ran out (their consumer gave up).

    moto's receive decides which FIFO groups are busy once, from its in-flight set, before
    walking the queue, and clears a timed-out message's mark only when the walk reaches it. So
    when a group's first message timed out before a later one of the same group, the first is
    skipped (the group still looks busy) and the later one, reached after its own mark was
    cleared, is delivered first: the group runs out of order. Clearing every timed-out mark
    before the receive gives moto the right busy groups from the start; nothing else changes.
    """
    for message in [m for m in list(queue.pending_messages) if m.visible]:
        queue.pending_messages.discard(message)


def queue_messages(queue: Any) -> list[dict[str, Any]]:
    """Every message the queue holds, in queue order, shaped as ReceiveMessage returns them.

    Read off moto's queue, not received: SQS has no call that reads a FIFO queue past a group's
    first in-flight message, so receiving (what `peek.peek_messages` does) shows at most one
    batch per group; and a peek must not count as a receive of a message that is still retried.
    """
    return [deepcopy(_message_shape(m, SYSTEM_ATTRIBUTES)) for m in list(queue._messages)]


class DirectSqs:
    """The SQS calls of the queue pollers, on moto's `SQSBackend` of one account and region."""

    def __init__(self, account_id: str, region: str) -> None:
        from moto.sqs.models import sqs_backends

        self._account_id = account_id
        self._region = region
        self._backend = sqs_backends[account_id][region]
        self._doorbells: dict[str, Doorbell] = {}
        self._interrupted = False

    def _doorbell(self, queue_name: str) -> Doorbell:
        if queue_name not in self._doorbells:
            doorbell = attach_doorbell(self._backend.get_queue(queue_name), "add_message")
            if not self._doorbells:
                QUICKER_SQS_MODELS.acquire()
            self._doorbells[queue_name] = doorbell
        return self._doorbells[queue_name]

    def get_queue_url(self, QueueName: str) -> dict[str, Any]:
        queue = self._backend.get_queue(QueueName)
        return {"QueueUrl": f"https://sqs.{self._region}.amazonaws.com/{self._account_id}/{queue.name}"}

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:
        """Depth counts read off the queue's own properties; anything else as moto answers it."""
        queue = self._backend.get_queue(_queue_name(QueueUrl))
        if set(AttributeNames) <= set(DEPTH_ATTRIBUTES):
            return {"Attributes": {n: str(getattr(queue, DEPTH_ATTRIBUTES[n])) for n in AttributeNames}}
        found = self._backend.get_queue_attributes(queue.name, AttributeNames)
        return {"Attributes": {k: v if isinstance(v, str) else str(v) for k, v in found.items()}}

    def receive_message(self, QueueUrl: str, MaxNumberOfMessages: int = 1, WaitTimeSeconds: int = 0,
                        VisibilityTimeout: int | None = None, AttributeNames: Any = (),
                        MessageAttributeNames: Any = ()) -> dict[str, Any]:
        """moto's receive (it counts receives and dead-letters); the wait sleeps on a doorbell."""
        name = _queue_name(QueueUrl)
        queue = self._backend.get_queue(name)
        timeout = queue.visibility_timeout if VisibilityTimeout is None else VisibilityTimeout
        wanted = _wanted_system_attributes(AttributeNames)
        deadline = time.monotonic() + WaitTimeSeconds
        doorbell = self._doorbell(name) if WaitTimeSeconds else None
        while True:
            seen = doorbell.rings if doorbell else 0
            if queue.fifo_queue:
                release_timed_out(queue)  # keeps a group's order after a failure (see there)
            messages = self._backend.receive_message(name, MaxNumberOfMessages, 0, timeout, list(MessageAttributeNames or ()))
            remaining = deadline - time.monotonic()
            if messages or doorbell is None or remaining <= 0 or self._interrupted:
                break
            doorbell.wait(seen, min(remaining, _seconds_until_next_visible(queue)))
        shaped = [_message_shape(m, wanted) for m in messages]
        return {"Messages": shaped} if shaped else {}

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        done, failed = self._backend.delete_message_batch(_queue_name(QueueUrl), Entries)
        return {"Successful": [{"Id": i} for i in done], **({"Failed": failed} if failed else {})}

    def change_message_visibility(self, QueueUrl: str, ReceiptHandle: str, VisibilityTimeout: int) -> dict[str, Any]:
        self._backend.change_message_visibility(_queue_name(QueueUrl), ReceiptHandle, VisibilityTimeout)
        return {}

    def send_message(self, QueueUrl: str, MessageBody: str) -> dict[str, Any]:
        message = self._backend.send_message(_queue_name(QueueUrl), MessageBody)
        return {"MessageId": message.id, "MD5OfMessageBody": message.body_md5}

    def peek(self, QueueUrl: str) -> list[dict[str, Any]]:
        """Every message of the queue, without receiving any (`queue_messages`)."""
        return queue_messages(self._backend.get_queue(_queue_name(QueueUrl)))

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        """moto's batch send (DelaySeconds and MessageAttributes as the API takes them): the shim
        queues a sub-minute cron's ticks with it."""
        sent, failed = self._backend.send_message_batch(_queue_name(QueueUrl), {e["Id"]: e for e in Entries})
        return {"Successful": [{"MessageId": m.id} for m in sent], **({"Failed": failed} if failed else {})}

    def interrupt(self) -> None:
        """End every long poll of this client now, and those to come (the emulator is stopping)."""
        self._interrupted = True
        for doorbell in list(self._doorbells.values()):
            doorbell.ring()

    def close(self) -> None:
        """Give moto's queues their own `add_message` back."""
        for name in list(self._doorbells):
            queue = self._backend.queues.get(name)
            if queue is not None:
                detach_doorbell(queue, "add_message")
        if self._doorbells:
            QUICKER_SQS_MODELS.release()
        self._doorbells.clear()


class DirectStreams:
    """The DynamoDB Streams calls of the stream readers, on moto's `DynamoDBStreamsBackend`."""

    def __init__(self, account_id: str, region: str) -> None:
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        self._backend = dynamodbstreams_backends[account_id][region]
        self._shards: list[Any] = []

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:
        return {"StreamDescription": self._backend.describe_stream(StreamArn)}

    def get_shard_iterator(self, StreamArn: str, ShardId: str, ShardIteratorType: str,
                           SequenceNumber: str | None = None) -> dict[str, Any]:
        number = int(SequenceNumber) if SequenceNumber is not None else None
        return {"ShardIterator": self._backend.get_shard_iterator(StreamArn, ShardId, ShardIteratorType, number).arn}

    def get_records(self, ShardIterator: str, Limit: int = 1000) -> dict[str, Any]:
        result = self._backend.get_records(ShardIterator, Limit)
        # moto keeps every iterator it ever issued; a used one is not needed again (AWS
        # expires them), so the reader's position does not grow a dict forever.
        self._backend.shard_iterators.pop(ShardIterator, None)
        return {"Records": deepcopy(result["Records"]), "NextShardIterator": result["NextShardIterator"]}

    def doorbell(self, stream_arn: str) -> Doorbell:
        """Rung whenever moto appends a record to the stream's shard (until `close`)."""
        shard = self._backend._get_table_from_arn(stream_arn).stream_shard
        self._shards.append(shard)
        return attach_doorbell(shard, "add")

    def close(self) -> None:
        """Give moto's shards their own `add` back."""
        for shard in self._shards:
            detach_doorbell(shard, "add")
        self._shards.clear()


def is_direct(backend: MotoBackend) -> bool:
    """moto's backends live in this process only in in-process mode (server mode keeps boto3)."""
    return backend.mode == "inprocess"


def queue_reader(queue_arn: str) -> DirectSqs:
    """Reads of `queue_arn` straight off moto's backend, in both modes: the ThreadedMotoServer of
    server mode runs in this process, on the same backends."""
    return DirectSqs(*_account_and_region(queue_arn))


def sqs_client(backend: MotoBackend, queue_arn: str) -> Any:
    """The SQS API for a poller of `queue_arn`: moto's backend in-process, boto3 otherwise."""
    return DirectSqs(*_account_and_region(queue_arn)) if is_direct(backend) else backend.client("sqs")


def streams_client(backend: MotoBackend, stream_arn: str) -> Any:
    """The DynamoDB Streams API for a reader of `stream_arn`, chosen like `sqs_client`."""
    return DirectStreams(*_account_and_region(stream_arn)) if is_direct(backend) else backend.client("dynamodbstreams")
