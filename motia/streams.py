"""`Stream(name)`: a named collection of items in groups, persisted by the active runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from motia import runtime
from motia._model import Model

TData = TypeVar("TData")

# Every Stream created at import time, so the compiler can list the project's streams.
declared_streams: set[str] = set()


class Stream(Generic[TData]):
    def __init__(self, stream_name: str, bridge: Any = None) -> None:
        self.stream_name = stream_name
        declared_streams.add(stream_name)

    async def get(self, group_id: str, item_id: str) -> TData | None:
        return runtime.active().streams.get(self.stream_name, group_id, item_id)  # type: ignore[no-any-return]

    async def set(self, group_id: str, item_id: str, data: TData) -> TData:
        return runtime.active().streams.set(self.stream_name, group_id, item_id, data)  # type: ignore[no-any-return]

    async def update(self, group_id: str, item_id: str, ops: list[dict[str, Any]]) -> TData:
        return runtime.active().streams.update(self.stream_name, group_id, item_id, ops)  # type: ignore[no-any-return]

    async def delete(self, group_id: str, item_id: str) -> TData | None:
        return runtime.active().streams.delete(self.stream_name, group_id, item_id)  # type: ignore[no-any-return]

    async def get_group(self, group_id: str) -> list[TData]:
        return runtime.active().streams.list(self.stream_name, group_id)

    async def list(self, group_id: str) -> list[TData]:
        return runtime.active().streams.list(self.stream_name, group_id)

    async def list_groups(self) -> list[str]:
        return runtime.active().streams.list_groups(self.stream_name)


@dataclass
class StreamSubscription(Model):
    group_id: str
    item_id: str | None = None


@dataclass
class StreamAuthInput(Model):
    headers: dict[str, str]
    path: str = ""
    query_params: dict[str, Any] | None = None
    addr: str = ""


@dataclass
class StreamAuthResult(Model):
    context: Any = None


@dataclass
class StreamConfig(Model):
    name: str
    schema: Any = None
    base_config: dict[str, Any] | None = None
    on_join: Callable[..., Any] | None = None
    on_leave: Callable[..., Any] | None = None
