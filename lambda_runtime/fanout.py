"""The fan-out: each change of the streams table (its DynamoDB stream) to every subscriber.

One Lambda invocation gets a batch of stream records (the event source mapping's batch size);
for each change it finds the group's subscribers (a paged Query, once per group and batch) and
posts one frame per connection (the client routes it to the item's and the group's
subscriptions). Posts run on a small
thread pool: PostToConnection is one HTTP call per connection. A connection API Gateway
reports gone is deleted with its joins. A failed post (throttling, a frame over 128 KB) is
logged and skipped: retrying the batch would send every other subscriber the change again.
"""

from __future__ import annotations

import json  # already loaded by Lambda's runtime client
import os
import sys

from lambda_runtime.adapters.dynamodb import stream_input
from lambda_runtime.websocket_connections import ConnectionStore, reached
from lambda_runtime.websocket_posting import ApiGatewayPoster
from lambda_runtime.websocket_protocol import MAX_FRAME_BYTES, Clock, server_message, with_id

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.websocket_posting import ConnectionPoster

ENV_CONNECTIONS_TABLE = "MOTIA_CONNECTIONS_TABLE"
ENV_ENDPOINT = "MOTIA_WEBSOCKET_ENDPOINT"  # https://<api>.execute-api.<region>.amazonaws.com/<stage>
POST_CONCURRENCY = 16  # parallel PostToConnection calls per invocation
_clock = Clock()


class FanoutResult:
    """What one batch did: frames sent, connections found gone, posts that failed."""

    __slots__ = ("sent", "gone", "failed")

    def __init__(self) -> None:
        self.sent = 0
        self.gone: list[str] = []
        self.failed = 0


def change_frame(record: dict[str, Any], timestamp: int) -> tuple[tuple[str, str, str], bytes]:
    """((stream, group, item), the frame every subscriber of that item gets) of one record."""
    change = stream_input(record)
    data = change.event.data if change.event.type != "delete" else (change.event.data or {})
    frame = server_message(
        change.stream_name, change.group_id, change.id, change.event.type, with_id(change.id, data),
        max(timestamp, change.timestamp),
    )
    return (change.stream_name, change.group_id, change.id), frame


def _post(poster: ConnectionPoster, connection: str, frame: bytes, result: FanoutResult) -> None:
    try:
        if poster.post(connection, frame):
            result.sent += 1
        else:
            result.gone.append(connection)
    except Exception as error:  # one subscriber's failure must not cost the others their frame
        result.failed += 1
        print(json.dumps({"level": "warn", "msg": "PostToConnection failed", "connection": connection,
                          "error": f"{type(error).__name__}: {error}"}), file=sys.stderr)


def fan_out(records: list[dict[str, Any]], store: ConnectionStore, poster: ConnectionPoster) -> FanoutResult:
    """Send each record's change to its subscribers, in record order; forget gone connections."""
    from concurrent.futures import ThreadPoolExecutor

    result = FanoutResult()
    # A burst writes one group many times: its subscribers are read once per batch.
    groups: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    with ThreadPoolExecutor(POST_CONCURRENCY) as pool:
        for record in records:
            (stream, group, item), frame = change_frame(record, _clock.now())
            if len(frame) > MAX_FRAME_BYTES:
                result.failed += 1
                print(json.dumps({"level": "warn", "msg": "change larger than a WebSocket frame (128 KB): not sent",
                                  "stream": stream, "group": group, "id": item, "bytes": len(frame)}), file=sys.stderr)
                continue
            if (stream, group) not in groups:
                groups[(stream, group)] = store.group_subscriptions(stream, group)
            gone = set(result.gone)
            # Each record's posts end before the next record's start: a client sees changes in order.
            list(pool.map(lambda c: _post(poster, c, frame, result),
                          [c for c in reached(groups[(stream, group)], item) if c not in gone]))
    for connection in dict.fromkeys(result.gone):
        store.remove_connection(connection)
    return result


_poster: ConnectionPoster | None = None


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry of the fan-out function (the streams table's event source mapping)."""
    global _poster
    if _poster is None:
        _poster = ApiGatewayPoster(os.environ[ENV_ENDPOINT])
    result = fan_out(event.get("Records", []), ConnectionStore(os.environ[ENV_CONNECTIONS_TABLE]), _poster)
    return {"sent": result.sent, "gone": len(set(result.gone)), "failed": result.failed}
