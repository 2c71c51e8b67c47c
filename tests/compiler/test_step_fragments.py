"""compiler/step_fragments.py: a step file's fragment changes with everything the compile reads
from it (configs, handler facts, streams) and with nothing else; values it cannot identify by
content have none."""

from __future__ import annotations

import types
from typing import Any

import pytest
from pydantic import BaseModel

from compiler.step_fragments import Unsupported, canonical_value, module_fragment
from motia import http, queue, step
from motia.streams import Stream


def module_of(**names: Any) -> types.ModuleType:
    module = types.ModuleType("steps.sample_step")
    vars(module).update(names)
    return module


async def handler(request: Any, ctx: Any) -> dict[str, Any]:
    return {"status": 200, "body": {"n": 1}}


async def other_body(request: Any, ctx: Any) -> dict[str, Any]:
    return {"status": 201, "body": {"n": 2}}


async def streaming(args: Any, ctx: Any) -> None:
    await args.response.writer.write(b"x")


CONFIG = {"name": "hello", "triggers": [http("GET", "/hello")], "enqueues": ["done"]}


def test_the_handler_body_is_not_in_the_fragment() -> None:
    assert module_fragment(module_of(s=step(CONFIG, handler))) == module_fragment(module_of(s=step(CONFIG, other_body)))


@pytest.mark.parametrize("changed", [
    {**CONFIG, "name": "bye"},
    {**CONFIG, "triggers": [http("GET", "/bye")]},
    {**CONFIG, "enqueues": ["done", "more"]},
    {"enqueues": ["done"], "triggers": [http("GET", "/hello")], "name": "hello"},  # order: the compile may read it
])
def test_every_config_change_is(changed: dict[str, Any]) -> None:
    assert module_fragment(module_of(s=step(CONFIG, handler))) != module_fragment(module_of(s=step(changed, handler)))


def test_a_handler_that_starts_streaming_is() -> None:
    assert module_fragment(module_of(s=step(CONFIG, handler))) != module_fragment(module_of(s=step(CONFIG, streaming)))


def test_stream_objects_and_incomplete_steps_are() -> None:
    plain = module_fragment(module_of(s=step(CONFIG, handler)))
    assert plain != module_fragment(module_of(s=step(CONFIG, handler), todo=Stream("todo")))
    assert plain != module_fragment(module_of(config=CONFIG))  # a config without its handler


def test_a_condition_is_known_by_its_function() -> None:
    def is_big(data: Any, ctx: Any) -> bool:
        return True

    def is_small(data: Any, ctx: Any) -> bool:
        return False

    def config(condition: Any) -> dict[str, Any]:
        return {"name": "q", "triggers": [queue("orders", condition=condition)]}

    assert module_fragment(module_of(s=step(config(is_big), handler))) != module_fragment(
        module_of(s=step(config(is_small), handler)))


class Order(BaseModel):
    id: str


class OrderWithTotal(BaseModel):
    id: str
    total: int


def test_a_pydantic_schema_is_known_by_its_json_schema() -> None:
    assert canonical_value(Order) != canonical_value(OrderWithTotal)
    assert canonical_value(Order)["schema"] == canonical_value(Order.model_json_schema())


class Text(str):
    pass


@pytest.mark.parametrize("value", [Text("a"), {1: "a"}, object(), 1j])
def test_values_it_cannot_identify_have_no_fragment(value: Any) -> None:
    with pytest.raises(Unsupported):
        canonical_value({"name": value})
    assert module_fragment(module_of(s=step({"name": "x", "triggers": [http("GET", "/x")], "flows": [value]},
                                             handler))) is None


def test_a_config_nested_in_itself_has_none() -> None:
    config: dict[str, Any] = {"name": "x", "triggers": [http("GET", "/x")]}
    config["self"] = config
    assert module_fragment(module_of(s=step(config, handler))) is None


def test_lists_tuples_and_non_finite_floats_stay_apart() -> None:
    assert canonical_value([1]) != canonical_value((1,))
    assert canonical_value(float("nan")) == {"float": "nan"} and canonical_value(1.5) == 1.5
