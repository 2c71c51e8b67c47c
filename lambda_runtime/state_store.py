"""`ctx.state` on DynamoDB: pk = group, sk = key, the value as a native map in `value`."""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

from motia.runtime import current_context

from lambda_runtime import contract
from lambda_runtime.aws_clients import client
from lambda_runtime.ddb_json import decode, encode
from lambda_runtime.payload_limits import check_item
from lambda_runtime.update_ops import apply_ops

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

PK = contract.PARTITION_KEY
SK = contract.SORT_KEY
VALUE = contract.VALUE_ATTRIBUTE
VERSION = contract.VERSION_ATTRIBUTE
MAX_UPDATE_ATTEMPTS = 8


class ConcurrentUpdate(RuntimeError):
    """update() kept losing races with other writers of the same item."""


class NoTable(RuntimeError):
    """The function's config names no table of this kind (the project declares none)."""


def required_table(table: str | None, kind: str) -> str:
    if not table:
        raise NoTable(
            f"this function was deployed without a {kind} table: the compiler creates one only when "
            f"some step uses {kind}; redeploy after the step that uses it is part of the project"
        )
    return table


def pages(operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a query or scan, following LastEvaluatedKey."""
    call = getattr(client("dynamodb"), operation)
    while True:
        page = call(**params)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def get_item(table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    return client("dynamodb").get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def value_of(item: dict[str, Any] | None) -> Any:
    return decode(item[VALUE]) if item and VALUE in item else None


def trace_attribute() -> dict[str, Any]:
    """The writing invocation's trace id as an item attribute: the DynamoDB stream record
    then carries it to state and stream triggers, so one trace spans the whole flow."""
    ctx = current_context()
    trace_id = getattr(ctx, "trace_id", "") if ctx is not None else ""
    return {contract.TRACE_ATTRIBUTE: {"S": trace_id}} if trace_id else {}


def check_size(item: dict[str, Any]) -> None:
    """PayloadTooLarge, naming the writing step and the key, for an item DynamoDB would refuse."""
    ctx = current_context()
    step = getattr(ctx, "step_name", "") if ctx is not None else ""
    check_item(step or "?", f"value at {item[PK]['S']!r} / {item[SK]['S']!r}", item)


def put_value(table: str, key: dict[str, Any], value: Any, extra: dict[str, Any] | None = None) -> Any:
    """Write the whole item (stamped with the trace id); returns the previous value."""
    item = {**key, VALUE: encode(value), VERSION: {"N": "1"}, **trace_attribute(), **(extra or {})}
    check_size(item)
    old = client("dynamodb").put_item(TableName=table, Item=item, ReturnValues="ALL_OLD").get("Attributes")
    return value_of(old)


def delete_value(table: str, key: dict[str, Any]) -> Any:
    old = client("dynamodb").delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD").get("Attributes")
    return value_of(old)


def change_result(old_value: Any, new_value: Any) -> dict[str, Any]:
    """What Motia's engine answers to a set or an update."""
    return {"old_value": old_value, "new_value": new_value}


def update_value(
    table: str, key: dict[str, Any], change: Callable[[Any], Any], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Read-modify-write with an optimistic version check, so concurrent updates never lose writes."""
    ddb = client("dynamodb")
    for _ in range(MAX_UPDATE_ATTEMPTS):
        item = get_item(table, key)
        version = int(item[VERSION]["N"]) if item and VERSION in item else 0
        old_value = value_of(item)
        new_value = change(old_value)
        new_item = {
            **key, VALUE: encode(new_value), VERSION: {"N": str(version + 1)}, **trace_attribute(), **(extra or {}),
        }
        check_size(new_item)
        condition = f"attribute_not_exists({PK})" if item is None else "#v = :v"
        params: dict[str, Any] = {"TableName": table, "Item": new_item, "ConditionExpression": condition}
        if item is not None:
            if VERSION in item:
                params["ExpressionAttributeNames"] = {"#v": VERSION}
                params["ExpressionAttributeValues"] = {":v": item[VERSION]}
            else:
                params["ConditionExpression"] = f"attribute_not_exists({VERSION})"
        try:
            ddb.put_item(**params)
            return change_result(old_value, new_value)
        except ddb.exceptions.ConditionalCheckFailedException:
            continue
    raise ConcurrentUpdate(f"update of {key} in {table} lost {MAX_UPDATE_ATTEMPTS} races with other writers")


class DynamoStateStore:
    """The StateStore protocol of motia.runtime over one function's state table."""

    def __init__(self, table: str | None) -> None:
        self._table = table

    @property
    def table(self) -> str:
        return required_table(self._table, "state")

    @staticmethod
    def _key(group_id: str, key: str) -> dict[str, Any]:
        return {PK: {"S": str(group_id)}, SK: {"S": str(key)}}

    def get(self, group_id: str, key: str) -> Any | None:
        return value_of(get_item(self.table, self._key(group_id, key)))

    def set(self, group_id: str, key: str, value: Any) -> dict[str, Any]:
        return change_result(put_value(self.table, self._key(group_id, key), value), value)

    def update(self, group_id: str, key: str, ops: builtins.list[dict[str, Any]]) -> dict[str, Any]:
        return update_value(self.table, self._key(group_id, key), lambda current: apply_ops(current, ops))

    def delete(self, group_id: str, key: str) -> Any | None:
        return delete_value(self.table, self._key(group_id, key))

    def _items(self, group_id: str) -> Iterator[dict[str, Any]]:
        return pages(
            "query",
            TableName=self.table,
            KeyConditionExpression="#pk = :g",
            ExpressionAttributeNames={"#pk": PK},
            ExpressionAttributeValues={":g": {"S": str(group_id)}},
            ConsistentRead=True,
        )

    def list(self, group_id: str) -> builtins.list[Any]:
        return [value_of(item) for item in self._items(group_id)]

    def list_groups(self) -> builtins.list[str]:
        items = pages("scan", TableName=self.table, ProjectionExpression="#pk", ExpressionAttributeNames={"#pk": PK})
        return sorted({item[PK]["S"] for item in items})

    def clear(self, group_id: str) -> None:
        ddb = client("dynamodb")
        keys = [{PK: item[PK], SK: item[SK]} for item in self._items(group_id)]
        for start in range(0, len(keys), 25):  # BatchWriteItem takes at most 25 requests
            requests = [{"DeleteRequest": {"Key": k}} for k in keys[start : start + 25]]
            pending: dict[str, Any] = {self.table: requests}
            while pending:
                pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
