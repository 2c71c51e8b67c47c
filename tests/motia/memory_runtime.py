"""An in-memory Runtime for the step API's own tests: the stores' contract, no AWS."""

from __future__ import annotations

from typing import Any

from lambda_runtime.update_ops import apply_ops


class MemoryState:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Any] = {}

    def get(self, group_id: str, key: str) -> Any:
        return self.items.get((group_id, key))

    def set(self, group_id: str, key: str, value: Any) -> dict[str, Any]:
        old = self.items.get((group_id, key))
        self.items[(group_id, key)] = value
        return {"old_value": old, "new_value": value}

    def update(self, group_id: str, key: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        old = self.items.get((group_id, key))
        new = self.items[(group_id, key)] = apply_ops(old, ops)
        return {"old_value": old, "new_value": new}

    def delete(self, group_id: str, key: str) -> Any:
        return self.items.pop((group_id, key), None)

    def list(self, group_id: str) -> list[Any]:
        return [v for (g, _), v in sorted(self.items.items()) if g == group_id]

    def list_groups(self) -> list[str]:
        return sorted({g for g, _ in self.items})

    def clear(self, group_id: str) -> None:
        for key in [k for k in self.items if k[0] == group_id]:
            del self.items[key]


class MemoryStreams:
    def __init__(self) -> None:
        self.state = MemoryState()

    def get(self, stream: str, group_id: str, item_id: str) -> Any:
        return self.state.get(f"{stream}#{group_id}", item_id)

    def set(self, stream: str, group_id: str, item_id: str, data: Any) -> dict[str, Any]:
        return self.state.set(f"{stream}#{group_id}", item_id, data)

    def update(self, stream: str, group_id: str, item_id: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        return self.state.update(f"{stream}#{group_id}", item_id, ops)

    def delete(self, stream: str, group_id: str, item_id: str) -> Any:
        return self.state.delete(f"{stream}#{group_id}", item_id)

    def list(self, stream: str, group_id: str) -> list[Any]:
        return self.state.list(f"{stream}#{group_id}")

    def list_groups(self, stream: str) -> list[str]:
        return sorted({g.split("#", 1)[1] for g in self.state.list_groups() if g.startswith(f"{stream}#")})


class MemoryRuntime:
    def __init__(self) -> None:
        self.state = MemoryState()
        self.streams = MemoryStreams()
        self.enqueued: list[dict[str, Any]] = []

    def enqueue(self, ctx: Any, message: dict[str, Any]) -> None:
        self.enqueued.append(message)
