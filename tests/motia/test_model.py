"""`Record`: the dataclass-like base of the step API's types (no dataclasses at cold start)."""

from __future__ import annotations

import pytest

from motia._model import Record, camel_case, factory, fields_of, snake_case
from motia.types import ApiRequest, ApiResponse, StepConfig


class Point(Record):
    x: int
    y: int = 0
    tags: list[str] = factory(list)


def test_constructs_from_keywords_positionals_and_defaults() -> None:
    assert fields_of(Point(1)) == {"x": 1, "y": 0, "tags": []}
    assert fields_of(Point(1, 2, ["a"])) == {"x": 1, "y": 2, "tags": ["a"]}
    assert Point(x=3, y=4) == Point(3, 4)


def test_factory_defaults_are_fresh_per_instance() -> None:
    a, b = Point(1), Point(1)
    a.tags.append("changed")
    assert b.tags == []


def test_rejects_missing_unknown_and_doubled_arguments() -> None:
    with pytest.raises(TypeError, match="missing required argument: 'x'"):
        Point()
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        Point(1, z=2)
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        Point(1, x=2)
    with pytest.raises(TypeError, match="takes 3 positional arguments"):
        Point(1, 2, [], 4)


def test_equality_is_by_type_and_fields_and_repr_names_them() -> None:
    assert ApiResponse(status=200) == ApiResponse(status=200, body=None, headers={})
    assert ApiResponse(status=200) != ApiResponse(status=201)
    assert ApiResponse(status=200) != ApiRequest()
    assert repr(Point(1)) == "Point(x=1, y=0, tags=[])"


def test_subscripting_is_for_type_checkers_only() -> None:
    assert ApiRequest[dict] is ApiRequest  # type: ignore[misc]
    assert ApiRequest[dict](body={"a": 1}).body == {"a": 1}  # type: ignore[misc]


def test_nested_model_dump_with_aliases() -> None:
    config = StepConfig(name="A", include_files=["x"])
    assert config.model_dump(by_alias=True)["includeFiles"] == ["x"]
    assert config.model_dump(exclude_none=True) == {"name": "A", "triggers": [], "enqueues": [], "include_files": ["x"]}


@pytest.mark.parametrize(("camel", "snake"), [("maxRetries", "max_retries"), ("pathParams", "path_params"), ("id", "id")])
def test_case_conversion(camel: str, snake: str) -> None:
    assert snake_case(camel) == snake and snake_case(snake) == snake and camel_case(snake) == camel


def test_records_take_motias_camel_case_keywords_too() -> None:
    from motia import FlowContext, StateTriggerInput, StreamTriggerInput, TriggerInfo

    change = StateTriggerInput(groupId="g", itemId="i", oldValue=1, newValue=2)
    assert (change.group_id, change.item_id, change.old_value, change.new_value) == ("g", "i", 1, 2)
    item = StreamTriggerInput(streamName="s", groupId="g", id="1", event={"type": "create", "data": 1})
    assert item.stream_name == "s"
    ctx = FlowContext(trigger=TriggerInfo(type="queue"), traceId="t-1", inputValue={"a": 1})
    assert (ctx.trace_id, ctx.input_value) == ("t-1", {"a": 1})


def test_rejects_a_field_given_twice_in_two_spellings() -> None:
    from motia import StateTriggerInput

    with pytest.raises(TypeError, match="got 'group_id' twice: as 'groupId' and as 'group_id'"):
        StateTriggerInput(groupId="g", group_id="x", item_id="i")
    with pytest.raises(TypeError, match="unexpected keyword argument 'groupID'"):
        StateTriggerInput(groupID="g", item_id="i")
