"""A tiny stand-in for pydantic's BaseModel surface on plain dataclasses.

Step files import these types on Lambda at every cold start, where pydantic would cost
~250 ms (DESIGN.md 4). The dataclasses keep pydantic's constructor keywords and
`model_dump()`, and accept camelCase keys in dict-style access, so handlers written
against Motia's pydantic models keep working.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


def snake_case(key: str) -> str:
    """`maxRetries` -> `max_retries`; snake_case keys pass through unchanged."""
    return _CAMEL_BOUNDARY.sub("_", key).lower() if not key.islower() else key


def camel_case(key: str) -> str:
    """`max_retries` -> `maxRetries`."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _dump(value: Any, by_alias: bool) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            (camel_case(f.name) if by_alias else f.name): _dump(getattr(value, f.name), by_alias)
            for f in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {k: _dump(v, by_alias) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dump(v, by_alias) for v in value]
    return value


class Model:
    """Mixin for dataclasses: `model_dump()`, and `obj["key"]` / `obj.get("key")` in either case."""

    def model_dump(self, *, by_alias: bool = False, exclude_none: bool = False) -> dict[str, Any]:
        dumped: dict[str, Any] = _dump(self, by_alias)
        if exclude_none:
            return {k: v for k, v in dumped.items() if v is not None}
        return dumped

    def __getitem__(self, key: str) -> Any:
        name = snake_case(key)
        if name not in {f.name for f in dataclasses.fields(self)}:  # type: ignore[arg-type]
            raise KeyError(key)
        return getattr(self, name)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _MISSING) is not _MISSING


_MISSING = object()
