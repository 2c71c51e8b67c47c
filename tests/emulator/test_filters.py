from __future__ import annotations

import pytest

from compiler.emulator.filters import UnsupportedFilter, parse_filters, passes

RECORD = {"dynamodb": {"Keys": {"pk": {"S": "orders#pending"}, "sk": {"S": "o-1"}}, "SizeBytes": 40}}


def _patterns(*patterns: str) -> tuple:
    return parse_filters({"Filters": [{"Pattern": p} for p in patterns]})


def test_exact_value_matches_and_other_values_do_not() -> None:
    assert passes(_patterns('{"dynamodb":{"Keys":{"pk":{"S":["orders#pending"]}}}}'), RECORD)
    assert not passes(_patterns('{"dynamodb":{"Keys":{"pk":{"S":["orders#paid"]}}}}'), RECORD)


def test_prefix_exists_anything_but_numeric() -> None:
    assert passes(_patterns('{"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"orders#"}]}}}}'), RECORD)
    assert not passes(_patterns('{"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"shapes#"}]}}}}'), RECORD)
    assert passes(_patterns('{"dynamodb":{"NewImage":[{"exists":false}]}}'), RECORD)
    assert passes(_patterns('{"dynamodb":{"Keys":{"sk":{"S":[{"anything-but":["o-2"]}]}}}}'), RECORD)
    assert passes(_patterns('{"dynamodb":{"SizeBytes":[{"numeric":[">",10,"<=",40]}]}}'), RECORD)


def test_any_pattern_passes_and_no_filters_pass_everything() -> None:
    assert passes(_patterns('{"dynamodb":{"Keys":{"pk":{"S":["x"]}}}}', '{"dynamodb":{"Keys":{"sk":{"S":["o-1"]}}}}'), RECORD)
    assert passes((), RECORD)


def test_rejects_nested_list_matcher_as_aws_does() -> None:
    with pytest.raises(UnsupportedFilter, match="invalid matcher"):
        _patterns('{"dynamodb":{"Keys":{"pk":{"S":[[{"prefix":"orders#"}]]}}}}')
