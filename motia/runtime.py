"""Where a step's services come from at run time.

The step API (`ctx.state`, `Stream`, `enqueue`, `logger`) talks to a `Runtime`. Each
invocation's FlowContext carries the runtime of the function it runs in (the emulator hosts
many functions in one process, each with its own tables and topics, running in parallel);
the context of the invocation in progress is kept in a ContextVar, never on a class, so warm
Lambda containers and concurrent threads share nothing between invocations. A process-wide
runtime (`install`) serves code outside any invocation and tests that install a fake.
Operations are synchronous (boto3 is); the async API wraps them.

A leaf module: it imports nothing from `motia`, so every other module may import it.
"""

from __future__ import annotations

import builtins  # methods named `list` shadow the type in annotations

from contextvars import ContextVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol
else:  # the protocols below are for type checkers; at run time `typing` costs ~10 ms
    Protocol = object


class StateStore(Protocol):
    """Key/value state in groups (DESIGN.md 3: pk = group, sk = key).

    `set` and `update` answer as Motia's engine does, `{"old_value": ..., "new_value": ...}`;
    `delete` answers the old value.
    """

    def get(self, group_id: str, key: str) -> Any | None: ...
    def set(self, group_id: str, key: str, value: Any) -> dict[str, Any]: ...
    def update(self, group_id: str, key: str, ops: builtins.list[dict[str, Any]]) -> dict[str, Any]: ...
    def delete(self, group_id: str, key: str) -> Any | None: ...
    def list(self, group_id: str) -> builtins.list[Any]: ...
    def list_groups(self) -> builtins.list[str]: ...
    def clear(self, group_id: str) -> None: ...


class StreamStore(Protocol):
    """Items of named streams (pk = stream#group, sk = id); results as in `StateStore`."""

    def get(self, stream: str, group_id: str, item_id: str) -> Any | None: ...
    def set(self, stream: str, group_id: str, item_id: str, data: Any) -> dict[str, Any]: ...
    def update(self, stream: str, group_id: str, item_id: str, ops: builtins.list[dict[str, Any]]) -> dict[str, Any]: ...
    def delete(self, stream: str, group_id: str, item_id: str) -> Any | None: ...
    def list(self, stream: str, group_id: str) -> builtins.list[Any]: ...
    def list_groups(self, stream: str) -> builtins.list[str]: ...


class Runtime(Protocol):
    @property
    def state(self) -> StateStore: ...

    @property
    def streams(self) -> StreamStore: ...

    def enqueue(self, ctx: Any, message: dict[str, Any]) -> None:
        """Publish `message` ({"topic", "data", "messageGroupId"?}) for the step of `ctx` (a FlowContext)."""
        ...


class RuntimeNotActive(RuntimeError):
    """Raised when step services are used outside `motia dev`, Lambda, or a test runtime."""


_runtime: Runtime | None = None
# Holds a FlowContext (typed Any: this module imports nothing from motia).
_current_context: ContextVar[Any] = ContextVar("motia_context", default=None)


def install(runtime: Runtime | None) -> None:
    """Make `runtime` serve step services outside any invocation's own runtime (None uninstalls)."""
    global _runtime
    _runtime = runtime


def installed() -> Runtime | None:
    """The process-wide runtime, if any (hosts save it to restore it later)."""
    return _runtime


def active() -> Runtime:
    """The runtime of the invocation in progress, else the process-wide one."""
    ctx = _current_context.get()
    own = getattr(ctx, "runtime", None) if ctx is not None else None
    if own is not None:
        return own
    if _runtime is None:
        raise RuntimeNotActive(
            "no Motia runtime is active: state, streams and enqueue work inside a running step "
            "(on AWS Lambda, under `motia dev`, or in tests that install a runtime)"
        )
    return _runtime


def current_context() -> Any:
    """The FlowContext of the invocation in progress, if any (None outside one)."""
    return _current_context.get()


def set_current_context(ctx: Any) -> Any:
    """Enter an invocation; returns a token for `reset_current_context`."""
    return _current_context.set(ctx)


def reset_current_context(token: Any) -> None:
    _current_context.reset(token)


def __getattr__(name: str) -> object:
    # `motia.runtime.Motia`, the SDK's engine runtime: a clear error instead of a missing name.
    if name == "Motia":
        from motia.engine_only import engine_only

        raise engine_only(__name__, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
