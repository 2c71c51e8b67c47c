"""DynamoDB stream batches of the state and streams tables -> state / stream trigger inputs.

Which table a record comes from is read from its eventSourceARN and looked up in the
function's config (a record from any other table is a failed record); which trigger it is for
comes from the config's trigger map too. Values are decoded from DynamoDB JSON without boto3.
A handler that fails is logged and not retried, as under Motia: its record goes to the step's
failure queue (`lambda_runtime.trigger_failures`). A record the shim itself cannot process, or
cannot hand to the failure queue, is reported by sequence number (`batchItemFailures`): the
event source mapping bisects and retries it, then sends its metadata to the same queue.
"""

from __future__ import annotations

from motia.types import StateTriggerInput, StreamEvent, StreamTriggerInput, TriggerInfo

from lambda_runtime import contract
from lambda_runtime.ddb_json import decode, decode_item
from lambda_runtime.invocation import log_failure, new_id, run_triggered
from lambda_runtime.trigger_failures import send_failed_record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.hosted import HostedFunction

class HandlerFailed(Exception):
    """The step's condition or handler raised (the cause); the record is not retried."""


def _run_user_code(fn: HostedFunction, trigger: Any, info: TriggerInfo, trace_id: str, value: Any) -> bool:
    """Any exception of the step's code is its failure, BaseExceptions too (SystemExit,
    asyncio.CancelledError); only KeyboardInterrupt, the operator stopping the process, goes on."""
    try:
        ran, _ = run_triggered(fn, trigger, info, trace_id, value)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        raise HandlerFailed(type(error).__name__) from error
    return ran


STATE_EVENT_TYPES = {"INSERT": "created", "MODIFY": "updated", "REMOVE": "deleted"}
STREAM_EVENT_TYPES = {"INSERT": "create", "MODIFY": "update", "REMOVE": "delete"}


def table_of(record: dict[str, Any]) -> str:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>` -> `<name>`."""
    arn = str(record.get("eventSourceARN") or "")
    _, _, rest = arn.partition(":table/")
    return rest.split("/", 1)[0]


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


def _run_state(fn: HostedFunction, record: dict[str, Any], trace_id: str) -> None:
    """The first of the step's state() triggers whose condition holds handles the change."""
    if not fn.config.state_triggers:
        raise LookupError(
            f"step {fn.name!r} ({fn.step.file}) received a state table record but its function config "
            "lists no state() trigger; redeploy so code and config match"
        )
    change = state_input(record)
    for index in fn.config.state_triggers:
        trigger = fn.trigger_at(index, "state")
        if _run_user_code(fn, trigger, TriggerInfo(type="state", index=index), trace_id, change):
            return


def _run_stream(fn: HostedFunction, record: dict[str, Any], trace_id: str) -> None:
    item = stream_input(record)
    for stream_name, group_id, item_id, index in fn.config.stream_triggers:
        if stream_name == item.stream_name and group_id in (None, item.group_id) and item_id in (None, item.id):
            trigger = fn.trigger_at(index, "stream")
            info = TriggerInfo(type="stream", index=index, stream_name=item.stream_name)
            _run_user_code(fn, trigger, info, trace_id, item)
            return
    # not this step's items: the filter criteria normally keep these away


def _run_record(fn: HostedFunction, record: dict[str, Any], trace_id: str) -> None:
    table = fn.config.table_kind(table_of(record))
    try:
        if table == "state":
            _run_state(fn, record, trace_id)
        else:
            _run_stream(fn, record, trace_id)
    except HandlerFailed as failed:
        error: BaseException = failed.__cause__ or failed
        queue_url = send_failed_record(fn, table, record, error, trace_id)
        log_failure(fn, trace_id, f"{table} trigger handler failed; not retried (as in Motia), the record is in "
                    "the step's failure queue", error, failure_queue=queue_url)


def record_trace_id(record: dict[str, Any]) -> str | None:
    """The trace id of the invocation that wrote the item (deletes start a new trace)."""
    image = record.get("dynamodb", {}).get("NewImage") or {}
    return image.get(contract.TRACE_ATTRIBUTE, {}).get("S") or None


def sequence_of(record: Any) -> str:
    """The record's SequenceNumber, what `batchItemFailures` names."""
    change = record.get("dynamodb") if isinstance(record, dict) else None
    return str(change.get("SequenceNumber") if isinstance(change, dict) else None)


def _process(fn: HostedFunction, record: dict[str, Any]) -> bool:
    """Decode and run one record; False when the shim could not finish it (it is retried).

    Every exception stays with its record (a malformed one included); only KeyboardInterrupt goes on.
    """
    trace_id = ""
    try:
        trace_id = record_trace_id(record) or new_id()
        _run_record(fn, record, trace_id)
        return True
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        try:
            log_failure(fn, trace_id or new_id(), "could not process the state/stream record; it will be retried",
                        error, sequence=sequence_of(record))
        except KeyboardInterrupt:
            raise
        except BaseException:  # reporting must not fail the batch; the record is failed all the same
            pass
        return False


def handle(fn: HostedFunction, event: dict[str, Any]) -> dict[str, Any]:
    """Records in shard order; the first one the shim cannot finish and every later one are reported.

    Lambda resumes a stream from the lowest failed sequence number, so a later record that ran
    now would run again: later records wait for the retry instead (each runs once per delivery).
    """
    failures: list[dict[str, str]] = []
    for record in event["Records"]:
        if failures or not _process(fn, record):
            failures.append({"itemIdentifier": sequence_of(record)})
    return {"batchItemFailures": failures}
