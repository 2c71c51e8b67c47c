"""DynamoDB stream readers: what Lambda's stream event source mapping does, on moto's streams.

One reader per mapping, each with its own position in the shard, as on AWS. Records pass
the mapping's filter criteria first (moto stores them but does not apply them). A batch whose
records fail is retried from the first failed record (ReportBatchItemFailures) up to the
mapping's MaximumRetryAttempts; then the batch is described in the on-failure queue, as
Lambda does, and the reader moves on.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import Any

from compiler.emulator.backend import REGION, MotoBackend
from compiler.emulator.deploy import EventSource
from compiler.emulator.events import failed_message_ids, stream_event, stream_record
from compiler.emulator.filters import passes
from compiler.emulator.invoker import Delivery, Invoker
from compiler.emulator.moto_direct import DirectSqs, DirectStreams, Doorbell, sqs_client, streams_client
from compiler.emulator.worker import Worker

IDLE_WAIT_S = 0.05  # server mode: GetRecords does not long-poll; this bounds the wait for a new change
IDLE_DOORBELL_WAIT_S = 1.0  # in-process: woken by each new record; the timeout only re-checks
MAX_RETRY_BACKOFF_S = 1.0


def _sequence(record: dict[str, Any]) -> int:
    return int(record["dynamodb"]["SequenceNumber"])


def failure_report(source: EventSource, shard_id: str, records: list[dict[str, Any]], attempts: int) -> dict[str, Any]:
    """The message Lambda sends to a stream mapping's on-failure destination (pure)."""
    return {
        "requestContext": {
            "functionArn": f"arn:aws:lambda:{REGION}:123456789012:function:{source.function_name}",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": attempts,
        },
        "version": "1.0",
        "timestamp": datetime.now(timezone.utc).isoformat(),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": str(_sequence(records[0])),
            "endSequenceNumber": str(_sequence(records[-1])),
            "batchSize": len(records),
            "streamArn": source.source_arn,
        },
    }


class StreamReader(Worker):
    """One thread per table trigger (state or stream), reading the table's stream."""

    def __init__(self, backend: MotoBackend, source: EventSource, invoker: Invoker, stop: threading.Event, table_kind: str) -> None:
        self.source = source
        self._streams = streams_client(backend, source.source_arn)
        self._sqs = sqs_client(backend, source.on_failure_arn or source.source_arn)  # same account and region
        self._invoker = invoker
        self._stop = stop
        self._kind = table_kind
        self.caught_up = threading.Event()
        shards = self._streams.describe_stream(StreamArn=source.source_arn)["StreamDescription"]["Shards"]
        self.shard_id = shards[0]["ShardId"]
        # Taken before any request can write: LATEST and TRIM_HORIZON see the same records.
        self._iterator = self._streams.get_shard_iterator(
            StreamArn=source.source_arn, ShardId=self.shard_id, ShardIteratorType="TRIM_HORIZON",
        )["ShardIterator"]
        self._doorbell: Doorbell | None = None
        self._unfinished: list[dict[str, Any]] | None = None  # read, not yet delivered to the end
        if isinstance(self._streams, DirectStreams):
            self._doorbell = self._streams.doorbell(source.source_arn)
        super().__init__(f"motia-dev-stream-{source.function_name}")

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.run_round("reading the stream", self.read_once, self._stop)
        finally:
            for client in (self._streams, self._sqs):
                if isinstance(client, (DirectStreams, DirectSqs)):
                    client.close()

    def read_once(self) -> None:
        """Read the next records and deliver them. A batch whose delivery raised is delivered
        again in the next round, before anything newer (Lambda retries a batch that errored)."""
        if self._unfinished is None:
            seen = self._doorbell.rings if self._doorbell else 0  # before reading: no ring is missed
            response = self._streams.get_records(ShardIterator=self._iterator, Limit=self.source.batch_size)
            self._iterator = response["NextShardIterator"]
            records = response.get("Records", [])
            if not records:
                self.caught_up.set()
                self._wait_for_records(seen)
                return
            self.caught_up.clear()
            events = [stream_record(r, self.source.source_arn, REGION) for r in records]
            self._unfinished = [e for e in events if passes(self.source.filters, e)]
        if self._unfinished:
            self.deliver(self._unfinished)
        self._unfinished = None

    def _wait_for_records(self, seen: int) -> None:
        if self._doorbell is None:
            self._stop.wait(IDLE_WAIT_S)
        elif not self._stop.is_set():
            self._doorbell.wait(seen, IDLE_DOORBELL_WAIT_S)

    def _wake(self) -> None:
        if self._doorbell is not None:
            self._doorbell.ring()

    def deliver(self, records: list[dict[str, Any]]) -> None:
        """Invoke until the batch succeeds or retries run out (then report it to the destination)."""
        attempts = 0
        pending = records
        while pending and not self._stop.is_set():
            attempts += 1
            ids = [str(_sequence(r)) for r in pending]
            invocation = self._invoker.invoke(self.source.function_name, stream_event(pending))
            failed = frozenset(ids) if invocation.error is not None else failed_message_ids(invocation.result, ids)
            self._record(len(pending), invocation.duration_ms, failed, attempts, invocation.error)
            if not failed:
                return
            first_failed = min(int(f) for f in failed)
            pending = [r for r in pending if _sequence(r) >= first_failed]
            if 0 <= self.source.max_retry_attempts < attempts:
                self._report_failure(pending, attempts)
                return
            self._stop.wait(min(0.1 * attempts, MAX_RETRY_BACKOFF_S))

    def _record(self, count: int, duration_ms: float, failed: frozenset[str], attempts: int, error: BaseException | None) -> None:
        if not failed:
            outcome = "ok"
        elif error is not None:
            outcome = f"failed: {error} (attempt {attempts})"
        else:
            outcome = f"{len(failed)}/{count} failed (attempt {attempts})"
        trigger = "state" if self._kind == "state" else "stream"
        self._invoker.record(Delivery(
            step=self._invoker.step_of(self.source.function_name), trigger=trigger,
            duration_ms=duration_ms, outcome=outcome, ok=not failed, records=count,
        ))

    def _report_failure(self, records: list[dict[str, Any]], attempts: int) -> None:
        if not self.source.on_failure_arn:
            return
        url = self._sqs.get_queue_url(QueueName=self.source.on_failure_arn.rsplit(":", 1)[-1])["QueueUrl"]
        report = failure_report(self.source, self.shard_id, records, attempts)
        self._sqs.send_message(QueueUrl=url, MessageBody=json.dumps(report))
