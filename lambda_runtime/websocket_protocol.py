"""Motia's stream protocol, as `@motiadev/stream-client` speaks it (pure: frames in, frames out).

A client sends `{"type": "join"|"leave", "data": {"streamName", "groupId", "id"?, "subscriptionId"}}`.
The server answers a join with a `sync` of the item (or of the whole group, as a list) and then
sends `{"streamName", "groupId", "id"?, "timestamp", "event": {"type", "data"}}` per change. The
client routes a message with an `id` to that item's subscriptions *and* to its group's (sync
aside), so one message per connection and change serves both kinds of subscription.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CLIENT_MESSAGE_TYPES = ("join", "leave")
# API Gateway's WebSocket frame limit; a larger change cannot reach any client.
MAX_FRAME_BYTES = 128 * 1024


class BadClientMessage(ValueError):
    """A frame that is not a join or leave of Motia's stream protocol."""


class Subscription:
    """One join: the stream, the group, the item (None: the whole group), the client's id for it."""

    __slots__ = ("stream", "group_id", "item_id", "subscription_id")

    def __init__(self, stream: str, group_id: str, item_id: str | None, subscription_id: str) -> None:
        self.stream = stream
        self.group_id = group_id
        self.item_id = item_id
        self.subscription_id = subscription_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Subscription) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __repr__(self) -> str:
        return f"Subscription({self.stream!r}, {self.group_id!r}, {self.item_id!r}, {self.subscription_id!r})"

    def key(self) -> tuple[str, str, str | None, str]:
        return (self.stream, self.group_id, self.item_id, self.subscription_id)

    def covers(self, item_id: str) -> bool:
        """A change of `item_id` in this subscription's group reaches it."""
        return self.item_id is None or self.item_id == item_id


def _text(data: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise BadClientMessage(f"{key!r} must be a non-empty string, got {value!r}")
    return value


def parse_client_message(body: str | bytes | None) -> tuple[str, Subscription]:
    """('join' | 'leave', the subscription) of one client frame; BadClientMessage otherwise."""
    try:
        message = json.loads(body or "")
    except ValueError:
        raise BadClientMessage(f"not JSON: {str(body)[:100]!r}") from None
    if not isinstance(message, dict) or message.get("type") not in CLIENT_MESSAGE_TYPES:
        raise BadClientMessage("expected {\"type\": \"join\" or \"leave\", \"data\": {...}}")
    data = message.get("data")
    if not isinstance(data, dict):
        raise BadClientMessage("'data' must be an object with streamName, groupId and subscriptionId")
    subscription = Subscription(
        stream=str(_text(data, "streamName")),
        group_id=str(_text(data, "groupId")),
        item_id=_text(data, "id", required=False),
        subscription_id=str(_text(data, "subscriptionId")),
    )
    return str(message["type"]), subscription


def with_id(item_id: str, value: Any) -> Any:
    """An item as clients see it: Motia's clients find items in a group by their `id`."""
    if isinstance(value, dict) and "id" not in value:
        return {**value, "id": item_id}
    return value


def server_message(stream: str, group_id: str, item_id: str | None, event_type: str, data: Any, timestamp: int) -> bytes:
    """One frame to a client: a sync, create, update or delete of an item or a group."""
    message: dict[str, Any] = {"streamName": stream, "groupId": group_id}
    if item_id is not None:
        message["id"] = item_id
    message["timestamp"] = timestamp
    message["event"] = {"type": event_type, "data": data}
    return json.dumps(message, separators=(",", ":"), default=str).encode()


def sync_message(subscription: Subscription, state: Any, timestamp: int) -> bytes:
    """The answer to a join: the item (None when absent) or the group's items."""
    if subscription.item_id is not None:
        data = None if state is None else with_id(subscription.item_id, state)
    else:
        data = state
    return server_message(subscription.stream, subscription.group_id, subscription.item_id, "sync", data, timestamp)


class Clock:
    """Millisecond timestamps that never repeat in this process: the clients drop a message whose
    timestamp is not newer than the last one an item subscription saw."""

    __slots__ = ("_last", "_lock")

    def __init__(self) -> None:
        from _thread import allocate_lock

        self._last = 0
        self._lock = allocate_lock()

    def now(self, at_least: int = 0) -> int:
        import time

        with self._lock:
            self._last = max(int(time.time() * 1000), at_least, self._last + 1)
            return self._last
