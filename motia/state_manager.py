"""State: `ctx.state` and the standalone `stateManager` (async methods, as in Motia)."""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from motia import runtime


class StateManager:
    """Grouped key/value state, persisted by the active runtime (DynamoDB on AWS)."""

    async def get(self, group_id: str, key: str) -> Any | None:
        return runtime.active().state.get(group_id, key)

    async def set(self, group_id: str, key: str, value: Any) -> Any:
        return runtime.active().state.set(group_id, key, value)

    async def update(self, group_id: str, key: str, ops: builtins.list[dict[str, Any]]) -> Any:
        return runtime.active().state.update(group_id, key, ops)

    async def delete(self, group_id: str, key: str) -> Any | None:
        return runtime.active().state.delete(group_id, key)

    async def list(self, group_id: str) -> builtins.list[Any]:
        return runtime.active().state.list(group_id)

    async def get_group(self, group_id: str) -> builtins.list[Any]:
        return runtime.active().state.list(group_id)

    async def list_groups(self) -> builtins.list[str]:
        return runtime.active().state.list_groups()

    async def clear(self, group_id: str) -> None:
        runtime.active().state.clear(group_id)


stateManager = StateManager()
