"""State: the standalone `stateManager` and `ctx.state`, called awaited or not.

Motia 1.0.4's `StateManager` is synchronous and 1.0.1-1.0.3's (and 1.0.0-rc's `ctx.state`) was
async: each method here runs its operation at the call and gives the value, or an awaitable of
it where the caller awaits (`motia.either_way`). `set` and `update` give
`{"old_value": ..., "new_value": ...}` and `delete` the old value, as Motia's engine answers.
"""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

from motia import runtime
from motia.either_way import sync_or_awaited

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class StateManager:
    """Grouped key/value state, persisted by a runtime (DynamoDB on AWS).

    `ctx.state` is bound to its invocation's runtime; the standalone `stateManager` uses the
    runtime of the invocation in progress.
    """

    def __init__(self, source: runtime.Runtime | None = None) -> None:
        self._source = source

    def _store(self) -> runtime.StateStore:
        source = self._source if self._source is not None else runtime.active()
        return source.state

    @sync_or_awaited
    def get(self, scope: str, key: str) -> Any | None:
        return self._store().get(scope, key)

    @sync_or_awaited
    def set(self, scope: str, key: str, value: Any) -> dict[str, Any]:
        return self._store().set(scope, key, value)

    @sync_or_awaited
    def update(self, scope: str, key: str, ops: builtins.list[dict[str, Any]]) -> dict[str, Any]:
        return self._store().update(scope, key, ops)

    @sync_or_awaited
    def delete(self, scope: str, key: str) -> Any | None:
        return self._store().delete(scope, key)

    @sync_or_awaited
    def list(self, scope: str) -> builtins.list[Any]:
        return self._store().list(scope)

    @sync_or_awaited
    def get_group(self, scope: str) -> builtins.list[Any]:
        return self._store().list(scope)

    @sync_or_awaited
    def list_groups(self) -> builtins.list[str]:
        return self._store().list_groups()

    @sync_or_awaited
    def clear(self, scope: str) -> None:
        self._store().clear(scope)


stateManager = StateManager()
