from __future__ import annotations

from decimal import Decimal

import pytest

from lambda_runtime.ddb_json import UnsupportedValue, decode, decode_item, encode


def test_round_trips_nested_values_with_ints_and_floats() -> None:
    value = {"a": [1, 2.5, "x", None, True, {"b": 0.1}], "n": 10**20, "bin": b"\x00"}
    assert decode(encode(value)) == value
    assert encode(0.1) == {"N": "0.1"}


def test_decodes_sets_and_decimals() -> None:
    assert decode_item({"s": {"SS": ["a"]}, "n": {"NS": ["1", "2.5"]}, "d": {"N": "3.0"}}) == {"s": ["a"], "n": [1, 2.5], "d": 3}
    assert encode(Decimal("1.5")) == {"N": "1.5"}


def test_rejects_nan_and_arbitrary_objects() -> None:
    with pytest.raises(UnsupportedValue, match="nan"):
        encode(float("nan"))
    with pytest.raises(UnsupportedValue, match="object"):
        encode(object())
