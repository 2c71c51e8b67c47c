"""State: `ctx.state` and the standalone `stateManager` (async methods, as in Motia)."""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

from motia import runtime

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

    async def get(self, group_id: str, key: str) -> Any | None:
        return self._store().get(group_id, key)

    async def set(self, group_id: str, key: str, value: Any) -> Any:
        return self._store().set(group_id, key, value)

    async def update(self, group_id: str, key: str, ops: builtins.list[dict[str, Any]]) -> Any:
        return self._store().update(group_id, key, ops)

    async def delete(self, group_id: str, key: str) -> Any | None:
        return self._store().delete(group_id, key)

    async def list(self, group_id: str) -> builtins.list[Any]:
        return self._store().list(group_id)

    async def get_group(self, group_id: str) -> builtins.list[Any]:
        return self._store().list(group_id)

    async def list_groups(self) -> builtins.list[str]:
        return self._store().list_groups()

    async def clear(self, group_id: str) -> None:
        self._store().clear(group_id)


stateManager = StateManager()
