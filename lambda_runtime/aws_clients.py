"""boto3 clients, created on first use and reused for the life of the container.

boto3 costs ~260 ms to import (DESIGN.md 4): a step that never touches state, streams or
enqueue never pays it. boto3 honours AWS_ENDPOINT_URL (moto, the emulator) by itself.
A client is shared by every thread (boto3 clients are thread-safe); creating one is not
(boto3's default session is not), so creation holds a lock.
"""

from __future__ import annotations

import threading

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_clients: dict[str, Any] = {}
_creating = threading.Lock()
# Clients a host answers with instead of boto3's (the in-process emulator: moto's backends).
_hosted: dict[str, Any] = {}


def use_hosted(clients: dict[str, Any]) -> None:
    """Answer `client(service)` with these objects (an empty dict goes back to boto3)."""
    with _creating:
        _hosted.clear()
        _hosted.update(clients)


def client(service: str) -> Any:
    """The container's client for `service` (`dynamodb`, `sns`, `sqs`)."""
    hosted = _hosted.get(service)
    if hosted is not None:
        return hosted
    existing = _clients.get(service)
    if existing is None:
        with _creating:
            existing = _clients.get(service)
            if existing is None:
                import boto3

                existing = _clients[service] = boto3.client(service)
    return existing


def reset() -> None:
    """Drop cached clients (tests and the emulator switch between moto mocks)."""
    with _creating:
        _clients.clear()
