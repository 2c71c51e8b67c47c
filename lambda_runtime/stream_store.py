"""`Stream(name)` on DynamoDB: pk = f"{stream}#{group}", sk = id, `value`, plus stream/group names."""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

from lambda_runtime import contract
from lambda_runtime.state_store import (
    PK,
    SK,
    change_result,
    delete_value,
    get_item,
    pages,
    put_value,
    required_table,
    update_value,
    value_of,
)
from lambda_runtime.update_ops import apply_ops

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

STREAM = contract.STREAM_NAME_ATTRIBUTE
GROUP = contract.GROUP_ID_ATTRIBUTE


def partition(stream: str, group_id: str) -> str:
    return f"{stream}{contract.STREAM_KEY_SEPARATOR}{group_id}"


class DynamoStreamStore:
    """The StreamStore protocol of motia.runtime over one function's streams table."""

    def __init__(self, table: str | None) -> None:
        self._table = table

    @property
    def table(self) -> str:
        return required_table(self._table, "streams")

    @staticmethod
    def _key(stream: str, group_id: str, item_id: str) -> dict[str, Any]:
        return {PK: {"S": partition(stream, group_id)}, SK: {"S": str(item_id)}}

    @staticmethod
    def _names(stream: str, group_id: str) -> dict[str, Any]:
        return {STREAM: {"S": stream}, GROUP: {"S": str(group_id)}}

    def get(self, stream: str, group_id: str, item_id: str) -> Any | None:
        return value_of(get_item(self.table, self._key(stream, group_id, item_id)))

    def set(self, stream: str, group_id: str, item_id: str, data: Any) -> dict[str, Any]:
        old = put_value(self.table, self._key(stream, group_id, item_id), data, self._names(stream, group_id))
        return change_result(old, data)

    def update(self, stream: str, group_id: str, item_id: str, ops: builtins.list[dict[str, Any]]) -> dict[str, Any]:
        key = self._key(stream, group_id, item_id)
        return update_value(self.table, key, lambda current: apply_ops(current, ops), self._names(stream, group_id))

    def delete(self, stream: str, group_id: str, item_id: str) -> Any | None:
        return delete_value(self.table, self._key(stream, group_id, item_id))

    def list(self, stream: str, group_id: str) -> builtins.list[Any]:
        items = pages(
            "query",
            TableName=self.table,
            KeyConditionExpression="#pk = :p",
            ExpressionAttributeNames={"#pk": PK},
            ExpressionAttributeValues={":p": {"S": partition(stream, group_id)}},
            ConsistentRead=True,
        )
        return [value_of(item) for item in items]

    def list_groups(self, stream: str) -> builtins.list[str]:
        items = pages(
            "scan",
            TableName=self.table,
            FilterExpression="#s = :s",
            ProjectionExpression="#g",
            ExpressionAttributeNames={"#s": STREAM, "#g": GROUP},
            ExpressionAttributeValues={":s": {"S": stream}},
        )
        return sorted({item[GROUP]["S"] for item in items if GROUP in item})
