"""DynamoDB stream batches of the state and streams tables -> state / stream trigger inputs.

Which table a record comes from is read from its eventSourceARN (table names are in the
environment); values are decoded from DynamoDB JSON without boto3. Failed records are
reported by sequence number (`batchItemFailures`); the event source mapping bisects and retries.
"""

from __future__ import annotations

import os

from motia.types import StateTriggerInput, StreamEvent, StreamTriggerInput, TriggerInfo

from lambda_runtime import contract
from lambda_runtime.ddb_json import decode, decode_item
from lambda_runtime.invocation import log_failure, new_id, run_triggered

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.loader import LoadedStep

STATE_EVENT_TYPES = {"INSERT": "created", "MODIFY": "updated", "REMOVE": "deleted"}
STREAM_EVENT_TYPES = {"INSERT": "create", "MODIFY": "update", "REMOVE": "delete"}


def table_of(record: dict[str, Any]) -> str:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>` -> `<name>`."""
    arn = str(record.get("eventSourceARN") or "")
    _, _, rest = arn.partition(":table/")
    return rest.split("/", 1)[0]


def table_kind(record: dict[str, Any], environ: Any = None) -> str:
    """`state` or `streams`: by table name, else by the item's shape."""
    env = os.environ if environ is None else environ
    name = table_of(record)
    if name and name == env.get(contract.ENV_STATE_TABLE):
        return "state"
    if name and name == env.get(contract.ENV_STREAMS_TABLE):
        return "streams"
    image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage") or {}
    return "streams" if contract.STREAM_NAME_ATTRIBUTE in image else "state"


def _images(record: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    change = record["dynamodb"]
    old = change.get("OldImage")
    new = change.get("NewImage")
    return (decode_item(old) if old else None), (decode_item(new) if new else None)


def _keys(record: dict[str, Any]) -> tuple[str, str]:
    keys = record["dynamodb"]["Keys"]
    return str(decode(keys[contract.PARTITION_KEY])), str(decode(keys[contract.SORT_KEY]))


def state_input(record: dict[str, Any]) -> StateTriggerInput:
    group_id, item_id = _keys(record)
    old, new = _images(record)
    return StateTriggerInput(
        group_id=group_id,
        item_id=item_id,
        old_value=(old or {}).get(contract.VALUE_ATTRIBUTE),
        new_value=(new or {}).get(contract.VALUE_ATTRIBUTE),
        event_type=STATE_EVENT_TYPES[record["eventName"]],
    )


def stream_input(record: dict[str, Any]) -> StreamTriggerInput:
    pk, item_id = _keys(record)
    old, new = _images(record)
    image = new or old or {}
    stream_name = image.get(contract.STREAM_NAME_ATTRIBUTE)
    group_id = image.get(contract.GROUP_ID_ATTRIBUTE)
    if stream_name is None or group_id is None:
        stream_name, _, group_id = pk.partition(contract.STREAM_KEY_SEPARATOR)
    kind = STREAM_EVENT_TYPES[record["eventName"]]
    current = new if kind != "delete" else old
    created = record["dynamodb"].get("ApproximateCreationDateTime")
    return StreamTriggerInput(
        stream_name=str(stream_name),
        group_id=str(group_id),
        id=item_id,
        event=StreamEvent(type=kind, data=(current or {}).get(contract.VALUE_ATTRIBUTE)),
        timestamp=_millis(created),
        old_value=(old or {}).get(contract.VALUE_ATTRIBUTE),
    )


def _millis(created: Any) -> int:
    """ApproximateCreationDateTime: epoch seconds in Lambda events, a datetime through boto3."""
    if created is None:
        return 0
    seconds = created.timestamp() if hasattr(created, "timestamp") else float(created)
    return int(seconds * 1000)


def _stream_trigger(step: LoadedStep, item: StreamTriggerInput) -> tuple[int, Any] | None:
    for index, trigger in enumerate(step.triggers):
        if (
            trigger.type == "stream"
            and trigger.stream_name == item.stream_name
            and trigger.group_id in (None, item.group_id)
            and trigger.item_id in (None, item.id)
        ):
            return index, trigger
    return None  # not this step's items: the filter criteria normally keep these away


def _state_trigger(step: LoadedStep) -> tuple[int, Any] | None:
    for index, trigger in enumerate(step.triggers):
        if trigger.type == "state":
            return index, trigger
    return None


def _run_record(step: LoadedStep, record: dict[str, Any], trace_id: str) -> None:
    if table_kind(record) == "state":
        found = _state_trigger(step)
        if found is None:
            return
        index, trigger = found
        run_triggered(step, trigger, TriggerInfo(type="state", index=index), trace_id, state_input(record))
        return
    item = stream_input(record)
    matched = _stream_trigger(step, item)
    if matched is None:
        return
    index, trigger = matched
    info = TriggerInfo(type="stream", index=index, stream_name=item.stream_name)
    run_triggered(step, trigger, info, trace_id, item)


def record_trace_id(record: dict[str, Any]) -> str | None:
    """The trace id of the invocation that wrote the item (deletes start a new trace)."""
    image = record.get("dynamodb", {}).get("NewImage") or {}
    return image.get(contract.TRACE_ATTRIBUTE, {}).get("S") or None


def handle(step: LoadedStep, event: dict[str, Any]) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    for record in event["Records"]:
        trace_id = record_trace_id(record) or new_id()
        try:
            _run_record(step, record, trace_id)
        except Exception as error:
            sequence = str(record.get("dynamodb", {}).get("SequenceNumber"))
            log_failure(step, trace_id, "state/stream handler failed; the record will be retried", error, sequence=sequence)
            failures.append({"itemIdentifier": sequence})
    return {"batchItemFailures": failures}
