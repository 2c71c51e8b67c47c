"""Configs no rule can judge: a dict or list that contains itself, nesting beyond any real config,
and strings CDK or CloudFormation would substitute (`${Token[...]}`, `{{resolve:...}}`).

The shape is checked before the config is turned into plain data, which would recurse until
Python gives up; the markers before any name reaches the template.
"""

from __future__ import annotations

from typing import Any

from compiler.naming import unresolved_marker
from motia._model import Record, fields_of

__all__ = ["MAX_CONFIG_DEPTH", "config_marker_problems", "config_name", "config_shape_problem"]

# Far deeper than any step config (schemas included), far below Python's recursion limit.
MAX_CONFIG_DEPTH = 200


def _children(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, Record):
        return [(f".{k}", v) for k, v in fields_of(value).items()]
    if isinstance(value, dict):
        return [(f"[{k!r}]", v) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [(f"[{i}]", v) for i, v in enumerate(value)]
    return []


def config_shape_problem(config: Any) -> str | None:
    """Where the config contains itself or nests too deeply (`config['a'][0]`), as a message; else None."""
    # Iterative, so the check itself cannot hit the recursion limit.
    stack: list[tuple[Any, str, tuple[int, ...]]] = [(config, "config", ())]
    while stack:
        value, where, ancestors = stack.pop()
        children = _children(value)
        if not children:
            continue
        if id(value) in ancestors:
            return f"{where} contains itself (a dict or list that refers to an enclosing one)"
        if len(ancestors) >= MAX_CONFIG_DEPTH:
            return f"{where} is nested more than {MAX_CONFIG_DEPTH} levels deep"
        chain = (*ancestors, id(value))
        stack.extend((child, where + key, chain) for key, child in reversed(children))
    return None


def config_name(config: Any) -> str:
    """The step's name when the config has a readable one (for diagnostics before parsing), else `?`."""
    name = config.get("name") if isinstance(config, dict) else getattr(config, "name", None)
    return name if isinstance(name, str) and name else "?"


def config_marker_problems(config: Any) -> list[str]:
    """Every string of the config that CDK or CloudFormation would replace in the template."""
    problems = []
    stack: list[tuple[Any, str]] = [(config, "config")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            marker = unresolved_marker(value)
            if marker:
                problems.append(f"{where} is {value!r}: {marker!r} is a CDK token or CloudFormation dynamic "
                                "reference marker, which synthesis or AWS would replace")
            continue
        stack.extend((child, where + key) for key, child in reversed(_children(value)))
    return problems
