"""Motia's `update(group, key, ops)` operations, applied to a plain value.

Motia's engine (iii) defines five ops (`UpdateOp` in its SDK), applied in order to the stored
value, or to `{}` when there is none:
- `{"type": "set", "path": "total", "value": v}`: the top-level key `path` (the whole value
  when `path` is empty);
- `{"type": "merge", "value": {...}}`: shallow-merge a dict into the value (or into the dict
  at `path`);
- `{"type": "increment"|"decrement", "path": "n", "by": 1}`: add/subtract (a missing key counts
  as 0; `by` defaults to 1 here, the engine requires it);
- `{"type": "remove", "path": "total"}`: delete the key (a missing key is not an error).
A string `path` is one literal top-level key, as in the engine: `"a.b"` is the key "a.b", not
a -> b. Two extensions that no Motia file depends on: a list path (`["a", "b"]`) names nested
keys, creating missing dicts on the way, and `append` adds to a list. Where the engine skips an
op it cannot apply with only a log line (a number op on a string, a merge of a non-dict), the
call fails here with InvalidUpdateOp instead, so a mistake is never silent.
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
        return [path]
    if isinstance(path, (list, tuple)) and all(isinstance(p, str) for p in path):
        return list(path)
    raise InvalidUpdateOp(f"an update path must be a key (a string) or a list of keys, got {path!r}")


def _parent(root: dict[str, Any], segments: list[str]) -> dict[str, Any]:
    node = root
    for segment in segments[:-1]:
        child = node.get(segment)
        if child is None:
            child = {}
            node[segment] = child
        elif not isinstance(child, dict):
            raise InvalidUpdateOp(f"cannot reach {segments!r}: the value at {segment!r} is {_kind(child)}, not an object")
        node = child
    return node


def _kind(value: Any) -> str:
    return type(value).__name__


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
    if root is None:
        root = {}
    elif not isinstance(root, dict):
        # The engine skips such an op with a log line; failing the call keeps the mistake visible.
        raise InvalidUpdateOp(f"cannot set key {segments[0]!r}: the stored value is {_kind(root)}, not an object")
    _parent(root, segments)[segments[-1]] = value
    return root


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
        if current is not None and not isinstance(current, dict):
            raise InvalidUpdateOp(f"merge needs an object to merge into, found {_kind(current)} at {op.get('path')!r}")
        merged = {**(current or {}), **copy.deepcopy(patch)}
        return _put(value, segments, merged)
    raise InvalidUpdateOp(
        f"unknown update op type {kind!r} (op #{index}); supported: {', '.join(KNOWN_OPS)}"
    )


def apply_ops(value: Any, ops: list[dict[str, Any]]) -> Any:
    """The value after `ops`, in order; `value` itself is not modified."""
    if not isinstance(ops, (list, tuple)):
        raise InvalidUpdateOp(f"update ops must be a list of op dicts, got {type(ops).__name__}")
    result = {} if value is None else copy.deepcopy(value)  # the engine starts a missing value as {}
    for index, op in enumerate(ops):
        result = _apply_one(result, op, index)
    return result
