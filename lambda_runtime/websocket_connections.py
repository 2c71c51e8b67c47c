"""Connections and their subscriptions, in one DynamoDB table with TTL expiry.

    pk = c#<connection>   sk = #                  the connection: its auth context, `expires`
    pk = c#<connection>   sk = s#<subscription>   one of its joins: stream, group, item
    pk = g#<stream>#<group>  sk = <connection>#<subscription>   the same join, found by the fan-out

Every row expires (DynamoDB TTL on `expires`) a little after API Gateway's 2-hour connection
limit, so rows a lost `$disconnect` leaves behind go away by themselves; the fan-out also
deletes a connection as soon as PostToConnection answers GoneException.
"""

from __future__ import annotations

import json

from lambda_runtime.aws_clients import client
from lambda_runtime.websocket_protocol import Subscription

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

PK = "pk"
SK = "sk"
EXPIRES = "expires"  # the table's TTL attribute (epoch seconds)
CONNECTION_ROW = "#"
# API Gateway closes a WebSocket connection after 2 hours; rows outlive it by a margin.
CONNECTION_LIFETIME_S = 2 * 3600 + 600
SUBSCRIBER_PAGE_SIZE = 500  # subscribers read per Query page: a group may have thousands
_BATCH_WRITE_MAX = 25  # DynamoDB BatchWriteItem's limit


def _connection_pk(connection_id: str) -> str:
    return f"c#{connection_id}"


def _group_pk(stream: str, group_id: str) -> str:
    return f"g#{stream}#{group_id}"


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def expiry(now_s: float) -> dict[str, str]:
    return {"N": str(int(now_s) + CONNECTION_LIFETIME_S)}


def _now() -> float:
    import time

    return time.time()


class ConnectionStore:
    """The connections table of one WebSocket API."""

    def __init__(self, table: str) -> None:
        self.table = table

    def add_connection(self, connection_id: str, auth_context: Any) -> None:
        item = {
            PK: _s(_connection_pk(connection_id)), SK: _s(CONNECTION_ROW),
            "auth": _s(json.dumps(auth_context, default=str)), EXPIRES: expiry(_now()),
        }
        client("dynamodb").put_item(TableName=self.table, Item=item)

    def auth_context(self, connection_id: str) -> tuple[bool, Any]:
        """(known, the context authenticate gave): unknown once disconnected or expired."""
        key = {PK: _s(_connection_pk(connection_id)), SK: _s(CONNECTION_ROW)}
        item = client("dynamodb").get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        if item is None:
            return False, None
        return True, json.loads(item["auth"]["S"])

    def subscribe(self, connection_id: str, subscription: Subscription) -> None:
        """Record a join on both sides: under the connection and under the group."""
        expires = expiry(_now())
        where = {"stream": _s(subscription.stream), "group": _s(subscription.group_id)}
        if subscription.item_id is not None:
            where["item"] = _s(subscription.item_id)
        rows = [
            {PK: _s(_connection_pk(connection_id)), SK: _s(f"s#{subscription.subscription_id}"), **where, EXPIRES: expires},
            {PK: _s(_group_pk(subscription.stream, subscription.group_id)),
             SK: _s(f"{connection_id}#{subscription.subscription_id}"), "connection": _s(connection_id),
             **where, EXPIRES: expires},
        ]
        self._write([{"PutRequest": {"Item": row}} for row in rows])

    def unsubscribe(self, connection_id: str, subscription_id: str) -> Subscription | None:
        """Forget one join; the subscription it was, or None when the connection had no such join."""
        key = {PK: _s(_connection_pk(connection_id)), SK: _s(f"s#{subscription_id}")}
        old = client("dynamodb").delete_item(TableName=self.table, Key=key, ReturnValues="ALL_OLD").get("Attributes")
        if old is None:
            return None
        subscription = _subscription(old, subscription_id)
        client("dynamodb").delete_item(TableName=self.table, Key={
            PK: _s(_group_pk(subscription.stream, subscription.group_id)), SK: _s(f"{connection_id}#{subscription_id}"),
        })
        return subscription

    def remove_connection(self, connection_id: str) -> list[Subscription]:
        """Forget a connection and all its joins; the joins it had (for on_leave)."""
        rows = list(self._query(_connection_pk(connection_id)))
        subscriptions = [_subscription(r, r[SK]["S"][2:]) for r in rows if r[SK]["S"].startswith("s#")]
        keys = [{PK: r[PK], SK: r[SK]} for r in rows]
        keys += [
            {PK: _s(_group_pk(s.stream, s.group_id)), SK: _s(f"{connection_id}#{s.subscription_id}")}
            for s in subscriptions
        ]
        self._write([{"DeleteRequest": {"Key": key}} for key in keys])
        return subscriptions

    def subscribers(self, stream: str, group_id: str, item_id: str) -> Iterator[str]:
        """Each connection a change of this item reaches (through its group or the item), once."""
        return reached(self.group_subscriptions(stream, group_id), item_id)

    def group_subscriptions(self, stream: str, group_id: str) -> list[tuple[str, str | None]]:
        """(connection, item id or None for the whole group) of every join of a group, read page
        by page (a popular group has thousands); the fan-out reads it once per group and batch."""
        return [(row["connection"]["S"], row.get("item", {}).get("S")) for row in self._query(_group_pk(stream, group_id))]

    def _query(self, pk: str) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {
            "TableName": self.table, "KeyConditionExpression": "#pk = :pk", "ExpressionAttributeNames": {"#pk": PK},
            "ExpressionAttributeValues": {":pk": _s(pk)}, "Limit": SUBSCRIBER_PAGE_SIZE, "ConsistentRead": True,
        }
        ddb = client("dynamodb")
        while True:
            page = ddb.query(**params)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _write(self, requests: list[dict[str, Any]]) -> None:
        ddb = client("dynamodb")
        for start in range(0, len(requests), _BATCH_WRITE_MAX):
            pending = {self.table: requests[start:start + _BATCH_WRITE_MAX]}
            for _ in range(8):  # unprocessed items: throttled, written again
                left = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not left:
                    break
                pending = left


def reached(subscriptions: list[tuple[str, str | None]], item_id: str) -> Iterator[str]:
    """The connections a change of `item_id` reaches, each once, in subscription order."""
    seen: set[str] = set()
    for connection, wanted in subscriptions:
        if (wanted is None or wanted == item_id) and connection not in seen:
            seen.add(connection)
            yield connection


def _subscription(row: dict[str, Any], subscription_id: str) -> Subscription:
    item = row.get("item", {}).get("S")
    return Subscription(row["stream"]["S"], row["group"]["S"], item, subscription_id)
