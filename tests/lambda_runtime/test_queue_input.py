"""GIVEN a queue trigger's `input` WHEN a message arrives THEN the handler's input, as Motia 1.0.4 gives it."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from lambda_runtime.queue_input import InvalidQueueInput, validated_input


class Point(BaseModel):
    x: int
    y: int = 0


def _never(message: str) -> None:
    raise AssertionError(f"unexpected warning: {message}")


def test_no_input_or_an_empty_one_passes_the_data_unchanged() -> None:
    assert validated_input(None, {"a": 1}, _never) == {"a": 1}
    assert validated_input({}, "text", _never) == "text"  # Motia checks `if trigger.input:`


def test_pydantic_model_gives_an_instance() -> None:
    point = validated_input(Point, {"x": "2"}, _never)
    assert isinstance(point, Point) and (point.x, point.y) == (2, 0)


def test_rejects_data_that_does_not_fit_the_model_naming_nested_fields() -> None:
    class Line(BaseModel):
        start: Point
        end: Point

    with pytest.raises(InvalidQueueInput) as raised:
        validated_input(Line, {"start": {"x": "a"}, "end": {}}, _never)
    assert raised.value.fields == ("start.x", "end.x")


def test_rejects_data_that_breaks_a_json_schema() -> None:
    schema = {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "integer"}}}}
    with pytest.raises(InvalidQueueInput) as raised:
        validated_input(schema, {"items": [1, "two"]}, _never)
    assert raised.value.fields == ("items.1",)


def test_other_schema_kinds_are_not_checked_as_under_motia() -> None:
    assert validated_input(str, 42, _never) == 42
