"""`Stream(name)`: a named collection of items in groups, persisted by the runtime of the
invocation in progress (a module-level `Stream` serves every function that imports it)."""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

from motia import runtime
from motia._model import P, Record, Subscriptable, factory
from motia.either_way import sync_or_awaited

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Iterator, TypeVar

    TData = TypeVar("TData")


class Stream(Subscriptable[P]):
    """`Stream("orders")` or `Stream(StreamConfig(name="orders", ...))`: items in groups.

    Each method runs its operation at the call and gives the value, or an awaitable of it where
    the caller awaits (Motia 1.0.4 is synchronous, 1.0.1-1.0.3 was async: `motia.either_way`).
    `set` and `update` give `{"old_value": ..., "new_value": ...}`; `delete` gives None.
    """

    def __init__(self, config: StreamConfig | str) -> None:
        if isinstance(config, str):
            self.stream_name = config
            self.config = StreamConfig(name=config)
        else:
            self.stream_name = config.name
            self.config = config

    def __repr__(self) -> str:
        return f"Stream({self.stream_name!r})"

    def _store(self) -> runtime.StreamStore:
        return runtime.active().streams

    @sync_or_awaited
    def get(self, group_id: str, item_id: str) -> TData | None:
        return self._store().get(self.stream_name, group_id, item_id)

    @sync_or_awaited
    def set(self, group_id: str, item_id: str, data: TData) -> dict[str, Any]:
        return self._store().set(self.stream_name, group_id, item_id, data)

    @sync_or_awaited
    def update(self, group_id: str, item_id: str, ops: builtins.list[dict[str, Any]]) -> dict[str, Any]:
        return self._store().update(self.stream_name, group_id, item_id, ops)

    @sync_or_awaited
    def delete(self, group_id: str, item_id: str) -> None:
        self._store().delete(self.stream_name, group_id, item_id)

    @sync_or_awaited
    def get_group(self, group_id: str) -> builtins.list[TData]:
        return self._store().list(self.stream_name, group_id)

    @sync_or_awaited
    def list(self, group_id: str) -> builtins.list[TData]:
        return self._store().list(self.stream_name, group_id)

    @sync_or_awaited
    def list_groups(self) -> builtins.list[str]:
        return self._store().list_groups(self.stream_name)


class StreamsByName:
    """`ctx.streams`: the project's streams by name, as attributes or items (`ctx.streams.todos`,
    `ctx.streams["todos"]`), as Motia before 1.0.4 gave them to handlers."""

    __slots__ = ("_streams",)
    _streams: dict[str, Stream[Any]]

    def __init__(self, names: Iterable[str] = ()) -> None:
        object.__setattr__(self, "_streams", {name: Stream(name) for name in names})

    def _unknown(self, name: str) -> str:
        known = ", ".join(sorted(self._streams)) or "none"
        return (
            f"this project has no stream named {name!r} (its streams: {known}); declare it in a "
            f"*_stream.py file with StreamConfig(name={name!r}), or with Stream({name!r}) in a step file"
        )

    def __getattr__(self, name: str) -> Stream[Any]:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._streams[name]
        except KeyError:
            raise AttributeError(self._unknown(name)) from None

    def __getitem__(self, name: str) -> Stream[Any]:
        try:
            return self._streams[name]
        except KeyError:
            raise KeyError(self._unknown(name)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ctx.streams is read-only: streams are declared in stream files or with Stream(name)")

    def __contains__(self, name: object) -> bool:
        return name in self._streams

    def __iter__(self) -> Iterator[str]:
        return iter(self._streams)

    def __len__(self) -> int:
        return len(self._streams)

    def get(self, name: str, default: Any = None) -> Any:
        return self._streams.get(name, default)

    def keys(self) -> Any:
        return self._streams.keys()

    def values(self) -> Any:
        return self._streams.values()

    def items(self) -> Any:
        return self._streams.items()

    def __repr__(self) -> str:
        return f"StreamsByName({sorted(self._streams)!r})"


class StreamSubscription(Record):
    """Who joined: a group, or one item (`id`) of it."""

    group_id: str
    id: str | None = None

    @property
    def item_id(self) -> str | None:  # the name before 1.0.4
        return self.id


class StreamAuthInput(Record):
    headers: dict[str, str]
    path: str = ""
    query_params: dict[str, builtins.list[str]] = factory(dict)
    addr: str = ""


class StreamAuthResult(Record):
    authorized: bool = True
    context: Any = None


class StreamConfig(Record):
    """A stream's declaration (`*_stream.py` files): name, schema, realtime join/leave hooks."""

    name: str
    description: str | None = None
    schema: Any = None
    base_config: dict[str, Any] | None = None
    on_join: Callable[..., Any] | None = None
    on_leave: Callable[..., Any] | None = None
