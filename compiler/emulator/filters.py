"""Lambda event filtering (the `FilterCriteria` of an event source mapping), applied locally.

moto stores a mapping's filter criteria but never applies them (DESIGN.md 6), so the stream
readers do, with the patterns read back from the deployed template: the same JSON that
filters on AWS decides here. Supports Lambda's documented comparison operators; a pattern
this module cannot evaluate is rejected when the emulator starts, never silently passed.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

OPERATORS = frozenset({"prefix", "suffix", "exists", "anything-but", "numeric", "equals-ignore-case"})
_MISSING = object()


class UnsupportedFilter(ValueError):
    """A filter pattern uses syntax this emulator does not evaluate."""


def parse_filters(criteria: Mapping[str, Any] | None) -> tuple[dict[str, Any], ...]:
    """The patterns of a mapping's `FilterCriteria` ({"Filters": [{"Pattern": "<json>"}]})."""
    patterns = []
    for entry in (criteria or {}).get("Filters") or []:
        raw = entry.get("Pattern", "{}")
        pattern = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(pattern, dict):
            raise UnsupportedFilter(f"filter pattern must be a JSON object, got {raw!r}")
        _check(pattern, raw)
        patterns.append(pattern)
    return tuple(patterns)


def _check(pattern: dict[str, Any], raw: Any) -> None:
    for value in pattern.values():
        if isinstance(value, dict):
            _check(value, raw)
        elif isinstance(value, list):
            for matcher in value:
                if isinstance(matcher, dict) and matcher.keys() <= OPERATORS and len(matcher) == 1:
                    continue
                if isinstance(matcher, (dict, list)):
                    # AWS rejects these too (e.g. a nested list): the mapping would not deploy.
                    raise UnsupportedFilter(f"filter pattern {raw!r}: invalid matcher {matcher!r}")
        else:
            raise UnsupportedFilter(f"filter pattern {raw!r}: {value!r} must be an object or a list of matchers")


def _numeric(conditions: Sequence[Any], value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    checks = {"=": value.__eq__, "<": value.__lt__, "<=": value.__le__, ">": value.__gt__, ">=": value.__ge__}
    pairs = zip(conditions[::2], conditions[1::2])
    return all(checks[op](bound) is True for op, bound in pairs)


def _one(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        return value is not _MISSING and value == matcher
    (operator, argument), = matcher.items()
    if operator == "exists":
        return (value is not _MISSING) == bool(argument)
    if value is _MISSING:
        return False
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(argument)
    if operator == "suffix":
        return isinstance(value, str) and value.endswith(argument)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(argument).lower()
    if operator == "anything-but":
        excluded = argument if isinstance(argument, list) else [argument]
        return value not in excluded
    return _numeric(argument, value)


def _matches_value(matchers: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(_one(m, v) for m in matchers for v in values)


def pattern_matches(pattern: Mapping[str, Any], record: Any) -> bool:
    """Every field of `pattern` holds for `record` (fields are ANDed, matchers in a list ORed)."""
    for key, expected in pattern.items():
        value = record.get(key, _MISSING) if isinstance(record, dict) else _MISSING
        if isinstance(expected, dict):
            if not isinstance(value, dict) or not pattern_matches(expected, value):
                return False
        elif not _matches_value(expected, value):
            return False
    return True


def passes(patterns: Sequence[Mapping[str, Any]], record: Any) -> bool:
    """Lambda's rule: no filters pass everything; otherwise any one pattern must match."""
    return not patterns or any(pattern_matches(p, record) for p in patterns)
