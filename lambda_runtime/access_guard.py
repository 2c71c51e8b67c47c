"""The table access a step was deployed with, checked on each state or stream call.

The compiler grants a step's role only the access its code was found to use
(compiler/data_access.py). A call outside it fails here, naming the step, the call and the
fix, the same under `motia dev` as on Lambda, instead of an AccessDenied from DynamoDB.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from lambda_runtime.function_config import FunctionConfig

    Store = TypeVar("Store")

READ_METHODS = frozenset({"get", "list", "get_group", "list_groups"})
LEVEL_WORDS = {"read": "only reads", "readwrite": "reads and writes"}


class UndeclaredDataAccess(PermissionError):
    """A state or stream call the step's deployed access does not cover."""


def refusal(config: FunctionConfig, kind: str, method: str) -> str:
    level = (config.data_access or {}).get(kind)
    found = f"only reads of {kind}" if level == "read" else f"no use of {kind}"
    needed = "read" if method in READ_METHODS else "readwrite"
    return (
        f"step {config.step_name!r} ({config.step_file}) called {kind}.{method}, but the compiler found "
        f"{found} in its code, so its role may not do that. Fix: call it where the compiler sees it "
        f"(ctx.{kind}... in the step file or a project module it imports), or declare "
        f'MOTIA_DATA_ACCESS = {{"{kind}": "{needed}"}} in the step file; then redeploy (or restart motia dev)'
    )


class GuardedStore:
    """`store` with each method call checked against the step's deployed access to `kind`."""

    def __init__(self, store: Any, config: FunctionConfig, kind: str) -> None:
        self._store = store
        self._config = config
        self._kind = kind

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        if name.startswith("_") or not callable(attribute):
            return attribute
        level = (self._config.data_access or {}).get(self._kind)
        allowed = level == "readwrite" or (level == "read" and name in READ_METHODS)
        if not allowed:
            raise UndeclaredDataAccess(refusal(self._config, self._kind, name))
        return attribute


def guarded(store: Store, config: FunctionConfig, kind: str) -> Store:
    """`store` itself when the config does not say (an older deploy), else a GuardedStore."""
    if config.data_access is None:
        return store
    return GuardedStore(store, config, kind)  # type: ignore[return-value]
