"""GIVEN random SQS and DynamoDB stream batches (failures, malformed records, BaseExceptions of
user code) WHEN the shim's adapters run them THEN each record runs at most once, exactly the
records the model says failed are reported, and a FIFO group stops at its first failure.

Each test compares the adapter with a small model of what it must do, record by record; the
fixture step (`tests/fixtures/shim_steps/steps/batch_step.py`) appends every handler run to RUNS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_runtime import queue_backoff
from lambda_runtime.adapters import dynamodb, sqs
from tests.lambda_runtime import batches
from tests.lambda_runtime.conftest import hosted, step_module

pytestmark = pytest.mark.slow  # 100 batches each: a few seconds (RecursionError tracebacks are long)

BATCH = "steps/batch_step.py"
STREAM_TRIGGERS = (("jobs", None, None, 0),)
BOUNDED = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Raised by the handler (`{"do": "raise"}`): BaseExceptions of user code fail their record only.
ERRORS = ("SystemExit", "CancelledError", "RecursionError", "GeneratorExit", "RuntimeError", "ValueError")
DEEP_JSON = "[" * 100_000 + "]" * 100_000  # RecursionError while decoding: can never run
SQS_KINDS = ("ok", "skip", "raise", "recurse", "text", "deep", "bad_attributes", "not_a_record")
STREAM_KINDS = ("ok", "skip", "raise", "recurse", "no_keys", "bad_image", "deep_image", "not_a_record")
RUNS_HANDLER = {"ok", "raise", "recurse", "text"}  # kinds whose handler is called (when not held back)
FAILS_IN_HANDLER = {"raise", "recurse"}


@dataclass(frozen=True)
class Spec:
    """One generated record: how it ends, its error when it raises, its FIFO group."""

    kind: str
    error: str = "RuntimeError"
    group: str | None = None


@pytest.fixture(scope="module", autouse=True)
def no_visibility_calls() -> Iterator[list[tuple[str, int]]]:
    """The adapter's ChangeMessageVisibility calls, recorded instead of sent."""
    hidden: list[tuple[str, int]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queue_backoff, "hide_for", lambda arn, handle, seconds: hidden.append((handle, seconds)))
        yield hidden


@pytest.fixture(scope="module")
def kept() -> Iterator[list[tuple[str, str, str]]]:
    """Records the DynamoDB adapter sends to the step's failure queue, recorded instead of sent."""
    sent: list[tuple[str, str, str]] = []

    def send(fn: Any, table: str, record: dict[str, Any], error: BaseException, trace_id: str) -> str:
        sent.append((table, record["dynamodb"]["SequenceNumber"], type(error).__name__))
        return "queue-url"

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dynamodb, "send_failed_record", send)
        yield sent


def specs(kinds: tuple[str, ...], groups: tuple[str, ...] | None) -> st.SearchStrategy[list[Spec]]:
    group = st.sampled_from(groups) if groups else st.none()
    one = st.builds(Spec, kind=st.sampled_from(kinds), error=st.sampled_from(ERRORS), group=group)
    return st.lists(one, min_size=1, max_size=12)


def _sqs_record(index: int, spec: Spec, arn: str) -> Any:
    message_id = f"r{index}"
    data: dict[str, Any] = {"n": index}
    if spec.kind == "skip":
        data["skip"] = True
    elif spec.kind == "raise":
        data.update({"do": "raise", "error": spec.error})
    elif spec.kind == "recurse":
        data["do"] = "recurse"
    body = {"text": f"not json {index}", "deep": DEEP_JSON}.get(spec.kind)
    record = batches.sqs_record(message_id, data, arn, group=spec.group, body=body)
    if spec.kind == "bad_attributes":
        record["messageAttributes"] = ["not", "a", "map"]
    return "garbage" if spec.kind == "not_a_record" else record


def sqs_model(batch: list[Spec]) -> tuple[list[Any], list[str], list[str]]:
    """What the adapter must do: handler runs (n, None for a text body), failures, hidden handles."""
    runs: list[Any] = []
    failures: list[str] = []
    hidden: list[str] = []
    stopped: set[str] = set()
    for index, spec in enumerate(batch):
        group = None if spec.kind == "not_a_record" else spec.group
        held_back = group is not None and group in stopped
        if not held_back and spec.kind in RUNS_HANDLER:
            runs.append(None if spec.kind == "text" else index)
        failed = held_back or spec.kind in FAILS_IN_HANDLER | {"deep", "bad_attributes", "not_a_record"}
        if failed:
            failures.append("None" if spec.kind == "not_a_record" else f"r{index}")
            if group is not None:
                stopped.add(group)
        if not held_back and spec.kind in FAILS_IN_HANDLER:
            hidden.append(f"handle-r{index}")  # parsed, ran, failed: hidden for Motia's backoff
    return runs, failures, hidden


@BOUNDED
@given(batch=st.one_of(specs(SQS_KINDS, None), specs(SQS_KINDS, ("A", "B", "C"))), asynchronous=st.booleans())
def test_sqs_batches_run_each_record_at_most_once_and_report_exactly_the_failed(
    batch: list[Spec], asynchronous: bool, no_visibility_calls: list[tuple[str, int]],
) -> None:
    step = "AsyncBatch" if asynchronous else "QueueBatch"
    if asynchronous:  # AsyncBatch has no condition: a skipped record runs like any other
        batch = [Spec("ok", s.error, s.group) if s.kind == "skip" else s for s in batch]
    fifo = any(s.group is not None for s in batch)
    arn = batches.queue_arn(step, fifo=fifo)
    runs: list[Any] = step_module(BATCH).RUNS
    runs.clear()
    no_visibility_calls.clear()

    result = sqs.handle(hosted(BATCH, step), {"Records": [_sqs_record(i, s, arn) for i, s in enumerate(batch)]})

    expected_runs, expected_failures, expected_hidden = sqs_model(batch)
    assert [n for _, n in runs] == expected_runs
    assert result == {"batchItemFailures": [{"itemIdentifier": i} for i in expected_failures]}
    assert [handle for handle, _ in no_visibility_calls] == expected_hidden


def _deep_image(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"S": "bottom"}
    for _ in range(depth):
        value = {"M": {"v": value}}
    return value


def _stream_record(index: int, spec: Spec, kind: str) -> Any:
    data: dict[str, Any] = {"n": index}
    if spec.kind == "skip":
        data["skip"] = True
    elif spec.kind == "raise":
        data.update({"do": "raise", "error": spec.error})
    elif spec.kind == "recurse":
        data["do"] = "recurse"
    record = batches.stream_record(index, data, kind)
    if spec.kind == "no_keys":
        del record["dynamodb"]["Keys"]
    elif spec.kind == "bad_image":
        record["dynamodb"]["NewImage"] = "not a map"
    elif spec.kind == "deep_image":
        record["dynamodb"]["NewImage"]["value"] = _deep_image(5_000)
    return "garbage" if spec.kind == "not_a_record" else record


def stream_model(batch: list[Spec], kind: str) -> tuple[list[int], list[str], list[tuple[str, str, str]]]:
    """Handler runs, reported sequence numbers (the first unprocessable record and all later ones:
    Lambda resumes the shard there) and records kept in the failure queue (handler failures)."""
    runs: list[int] = []
    failures: list[str] = []
    kept: list[tuple[str, str, str]] = []
    table = "state" if kind == "state" else "streams"
    for index, spec in enumerate(batch):
        if failures or spec.kind in {"no_keys", "bad_image", "deep_image", "not_a_record"}:
            failures.append("None" if spec.kind == "not_a_record" else str(index))
            continue
        if spec.kind == "skip" and kind == "state":
            continue  # the state trigger's condition is false
        runs.append(index)
        if spec.kind == "raise":
            kept.append((table, str(index), spec.error))
        elif spec.kind == "recurse":
            kept.append((table, str(index), "RecursionError"))
    return runs, failures, kept


@BOUNDED
@given(batch=specs(STREAM_KINDS, None), kind=st.sampled_from(("state", "stream")))
def test_stream_batches_run_each_record_at_most_once_and_hold_the_rest_after_an_unprocessable_one(
    batch: list[Spec], kind: str, kept: list[tuple[str, str, str]],
) -> None:
    fn = hosted(BATCH, "StateBatch") if kind == "state" else hosted(BATCH, "StreamBatch", stream_triggers=STREAM_TRIGGERS)
    runs: list[Any] = step_module(BATCH).RUNS
    runs.clear()
    kept.clear()

    result = dynamodb.handle(fn, {"Records": [_stream_record(i, s, kind) for i, s in enumerate(batch)]})

    expected_runs, expected_failures, expected_kept = stream_model(batch, kind)
    assert [n for _, n in runs] == expected_runs
    assert result == {"batchItemFailures": [{"itemIdentifier": i} for i in expected_failures]}
    assert kept == expected_kept
