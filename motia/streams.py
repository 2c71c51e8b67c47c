"""`Stream(name)`: a named collection of items in groups, persisted by the runtime of the
invocation in progress (a module-level `Stream` serves every function that imports it)."""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

from motia import runtime
from motia._model import P, Record, Subscriptable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    TData = TypeVar("TData")


class Stream(Subscriptable[P]):
    """`Stream("orders")`: items in groups; `await stream.set(group, id, data)` and friends."""

    def __init__(self, stream_name: str) -> None:
        self.stream_name = stream_name

    async def get(self, group_id: str, item_id: str) -> TData | None:
        return runtime.active().streams.get(self.stream_name, group_id, item_id)

    async def set(self, group_id: str, item_id: str, data: TData) -> TData:
        return runtime.active().streams.set(self.stream_name, group_id, item_id, data)

    async def update(self, group_id: str, item_id: str, ops: builtins.list[dict[str, Any]]) -> TData:
        return runtime.active().streams.update(self.stream_name, group_id, item_id, ops)

    async def delete(self, group_id: str, item_id: str) -> TData | None:
        return runtime.active().streams.delete(self.stream_name, group_id, item_id)

    async def get_group(self, group_id: str) -> builtins.list[TData]:
        return runtime.active().streams.list(self.stream_name, group_id)

    async def list(self, group_id: str) -> builtins.list[TData]:
        return runtime.active().streams.list(self.stream_name, group_id)

    async def list_groups(self) -> builtins.list[str]:
        return runtime.active().streams.list_groups(self.stream_name)


class StreamSubscription(Record):
    group_id: str
    item_id: str | None = None


class StreamAuthInput(Record):
    headers: dict[str, str]
    path: str = ""
    query_params: dict[str, Any] | None = None
    addr: str = ""


class StreamAuthResult(Record):
    context: Any = None


class StreamConfig(Record):
    name: str
    schema: Any = None
    base_config: dict[str, Any] | None = None
    on_join: Callable[..., Any] | None = None
    on_leave: Callable[..., Any] | None = None
