from __future__ import annotations

import pytest

from lambda_runtime.update_ops import InvalidUpdateOp, apply_ops


def test_applies_each_op_in_order_without_mutating_input() -> None:
    original = {"a": {"b": 1}, "n": 5, "items": [1], "gone": True}
    result = apply_ops(
        original,
        [
            {"type": "set", "path": ["a", "c"], "value": {"deep": 1}},
            {"type": "set", "path": "a.c", "value": "literal"},
            {"type": "increment", "path": "n", "by": 2.5},
            {"type": "decrement", "path": "missing"},
            {"type": "append", "path": "items", "value": 2},
            {"type": "remove", "path": "gone"},
            {"type": "merge", "path": ["a"], "value": {"z": 0}},
        ],
    )
    assert result == {
        "a": {"b": 1, "c": {"deep": 1}, "z": 0}, "a.c": "literal", "n": 7.5, "items": [1, 2], "missing": -1,
    }
    assert original == {"a": {"b": 1}, "n": 5, "items": [1], "gone": True}


def test_set_and_merge_at_root_and_on_missing_value() -> None:
    assert apply_ops(None, [{"type": "merge", "value": {"x": 1}}]) == {"x": 1}
    assert apply_ops({"x": 1}, [{"type": "set", "path": "", "value": 3}]) == 3


def test_rejects_unknown_op_naming_supported_ones() -> None:
    with pytest.raises(InvalidUpdateOp, match="unknown update op type 'multiply'.*set, increment"):
        apply_ops({}, [{"type": "multiply", "path": "n"}])


def test_rejects_increment_of_non_number() -> None:
    with pytest.raises(InvalidUpdateOp, match="needs numbers"):
        apply_ops({"n": "x"}, [{"type": "increment", "path": "n"}])


def test_a_string_path_is_one_literal_top_level_key_as_in_the_engine() -> None:
    ops = [{"type": "increment", "path": "stats.count", "by": 1}, {"type": "remove", "path": "a.b"}]
    assert apply_ops({"a": {"b": 1}, "a.b": 0}, ops) == {"a": {"b": 1}, "stats.count": 1}


def test_ops_on_a_missing_value_start_from_an_empty_object() -> None:
    assert apply_ops(None, [{"type": "set", "path": "status", "value": "new"}]) == {"status": "new"}
    assert apply_ops(None, [{"type": "increment", "path": "n", "by": 2}]) == {"n": 2}
    assert apply_ops(None, []) == {}


def test_rejects_a_keyed_op_on_a_stored_value_that_is_not_an_object() -> None:
    with pytest.raises(InvalidUpdateOp, match="stored value is int, not an object"):
        apply_ops(5, [{"type": "set", "path": "x", "value": 1}])
    with pytest.raises(InvalidUpdateOp, match="the value at 'a' is str"):
        apply_ops({"a": "s"}, [{"type": "set", "path": ["a", "b"], "value": 1}])
    with pytest.raises(InvalidUpdateOp, match="merge needs an object to merge into, found list"):
        apply_ops([1], [{"type": "merge", "value": {"x": 1}}])
