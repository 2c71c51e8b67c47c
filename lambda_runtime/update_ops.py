"""Motia's `update(group, key, ops)` operations, applied to a plain value.

Supported ops (the shapes of Motia's iii SDK `UpdateOp`):
- `{"type": "set", "path": "a.b", "value": v}`: replace the value at `path` (root when empty);
- `{"type": "increment"|"decrement", "path": "n", "by": 1}`: add/subtract (`by` defaults to 1,
  a missing value counts as 0);
- `{"type": "append", "path": "items", "value": v}`: append to a list (created when missing);
- `{"type": "remove", "path": "a.b"}`: delete the key (a missing key is not an error);
- `{"type": "merge", "path": "a" | ["a", "b.c"] | None, "value": {...}}`: shallow-merge a dict.
A string path is dotted (`"a.b"` is a -> b); a list path is literal segments, as in Motia's
merge. Missing or non-dict intermediates are replaced with `{}`, as Motia's engine does.
"""

from __future__ import annotations

import copy
# typing costs ~20 ms to import on a cold start; annotations are strings anyway.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KNOWN_OPS = ("set", "increment", "decrement", "append", "remove", "merge")


class InvalidUpdateOp(ValueError):
    """An op that is unknown or malformed; the message names the op and what is accepted."""


def _segments(path: Any) -> list[str]:
    if path is None or path == "" or path == []:
        return []
    if isinstance(path, str):
        return path.split(".")
    if isinstance(path, (list, tuple)) and all(isinstance(p, str) for p in path):
        return list(path)
    raise InvalidUpdateOp(f"an update path must be a dotted string or a list of strings, got {path!r}")


def _parent(root: dict[str, Any], segments: list[str]) -> dict[str, Any]:
    node = root
    for segment in segments[:-1]:
        child = node.get(segment)
        if not isinstance(child, dict):
            child = {}
            node[segment] = child
        node = child
    return node


def _get(root: Any, segments: list[str]) -> Any:
    node = root
    for segment in segments:
        if not isinstance(node, dict):
            return None
        node = node.get(segment)
    return node


def _put(root: Any, segments: list[str], value: Any) -> Any:
    if not segments:
        return value
    base = root if isinstance(root, dict) else {}
    _parent(base, segments)[segments[-1]] = value
    return base


def _add(root: Any, segments: list[str], op: dict[str, Any], sign: int) -> Any:
    by = op.get("by", 1)
    current = _get(root, segments)
    if current is None:
        current = 0
    if isinstance(current, bool) or not isinstance(current, (int, float)) or isinstance(by, bool) or not isinstance(by, (int, float)):
        raise InvalidUpdateOp(f"{op['type']} needs numbers, found {current!r} at {op.get('path')!r} and by={by!r}")
    return _put(root, segments, current + sign * by)


def _apply_one(value: Any, op: dict[str, Any], index: int) -> Any:
    if not isinstance(op, dict) or "type" not in op:
        raise InvalidUpdateOp(f"update op #{index} must be a dict with a 'type', got {op!r}")
    kind = op["type"]
    segments = _segments(op.get("path"))
    if kind == "set":
        return _put(value, segments, copy.deepcopy(op.get("value")))
    if kind == "increment":
        return _add(value, segments, op, 1)
    if kind == "decrement":
        return _add(value, segments, op, -1)
    if kind == "append":
        current = _get(value, segments)
        items = list(current) if isinstance(current, list) else ([] if current is None else [current])
        return _put(value, segments, items + [copy.deepcopy(op.get("value"))])
    if kind == "remove":
        if not segments:
            return None
        parent = _get(value, segments[:-1])
        if isinstance(parent, dict):
            parent.pop(segments[-1], None)
        return value
    if kind == "merge":
        patch = op.get("value")
        if not isinstance(patch, dict):
            raise InvalidUpdateOp(f"merge needs a dict value, got {patch!r}")
        current = _get(value, segments)
        merged = {**(current if isinstance(current, dict) else {}), **copy.deepcopy(patch)}
        return _put(value, segments, merged)
    raise InvalidUpdateOp(
        f"unknown update op type {kind!r} (op #{index}); supported: {', '.join(KNOWN_OPS)}"
    )


def apply_ops(value: Any, ops: list[dict[str, Any]]) -> Any:
    """The value after `ops`, in order; `value` itself is not modified."""
    if not isinstance(ops, (list, tuple)):
        raise InvalidUpdateOp(f"update ops must be a list of op dicts, got {type(ops).__name__}")
    result = copy.deepcopy(value)
    for index, op in enumerate(ops):
        result = _apply_one(result, op, index)
    return result
