"""FunctionConfig: the one MOTIA_FUNCTION variable, its round trip, its errors and its lookups."""

from __future__ import annotations

import json

import pytest

from lambda_runtime.function_config import FunctionConfig, InvalidFunctionConfig, UnknownTrigger

FULL = FunctionConfig(
    app="shop-dev",
    step_file="steps/orders/api_step.py",
    step_name="CreateOrder",
    topics={"order.created": (("arn:aws:sns:us-east-1:1:oc", False), ("arn:aws:sns:us-east-1:1:oc.fifo", True))},
    state_table="shop-dev-state",
    streams_table="shop-dev-streams",
    streams=("chat-messages", "todos"),
    routes={"POST /orders/{id}": 0, "GET /orders": 2},
    queues={"shop-dev-CreateOrder-order-paid": 1},
    state_triggers=(3, 5),
    stream_triggers=(("todos", "inbox", None, 4), ("todos", None, None, 6)),
)


def test_round_trips_through_compact_json_with_short_keys() -> None:
    text = FULL.to_json()
    assert FunctionConfig.from_json(text) == FULL
    assert " " not in text.replace("POST /", "").replace("GET /", "")
    assert set(json.loads(text)) == {"v", "a", "f", "n", "t", "ts", "tm", "st", "h", "q", "s", "m"}
    assert json.loads(text)["m"] == [["todos", "inbox", "", 4], ["todos", "", "", 6]]  # no nulls: CDK drops them


def test_leaves_out_empty_parts() -> None:
    minimal = FunctionConfig(step_file="steps/a.py", step_name="A")
    assert json.loads(minimal.to_json()) == {"v": 1, "a": "", "f": "steps/a.py", "n": "A"}
    assert FunctionConfig.from_json(minimal.to_json()) == minimal


def test_is_frozen_and_its_maps_are_read_only() -> None:
    with pytest.raises(AttributeError, match="frozen"):
        FULL.step_name = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        FULL.routes["PUT /x"] = 9  # type: ignore[index]


def test_looks_up_each_trigger_kind() -> None:
    assert FULL.route_trigger("GET /orders") == 2
    assert FULL.queue_trigger("shop-dev-CreateOrder-order-paid") == 1
    assert (FULL.table_kind("shop-dev-state"), FULL.table_kind("shop-dev-streams")) == ("state", "streams")


def test_rejects_unknown_route_queue_and_table_naming_what_it_knows() -> None:
    with pytest.raises(UnknownTrigger, match=r"'CreateOrder' \(steps/orders/api_step.py\) has no HTTP trigger for route 'PUT /x' \(its routes: 'GET /orders', 'POST /orders/\{id\}'\)"):
        FULL.route_trigger("PUT /x")
    with pytest.raises(UnknownTrigger, match="queue 'other-queue' \\(its queues: 'shop-dev-CreateOrder-order-paid'\\)"):
        FULL.queue_trigger("other-queue")
    with pytest.raises(UnknownTrigger, match="table 'other', .* \\('shop-dev-state', 'shop-dev-streams'\\)"):
        FULL.table_kind("other")
    with pytest.raises(UnknownTrigger, match="table ''"):
        FunctionConfig(step_file="f.py", step_name="A").table_kind("")


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "not JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"f": "a.py"}', "the step name \\('n'\\) must be a non-empty string"),
    ('{"n": "A", "f": ""}', "the step file \\('f'\\) must be a non-empty string"),
    ('{"v": 2, "n": "A", "f": "a.py"}', "format version 2 is not 1"),
    ('{"n": "A", "f": "a.py", "h": {"GET /": "0"}}', "the trigger index of route 'GET /' must be a trigger index"),
    ('{"n": "A", "f": "a.py", "q": {"q1": -1}}', "the trigger index of queue 'q1' must be a trigger index"),
    ('{"n": "A", "f": "a.py", "t": {"x": ["arn"]}}', "topic 'x' must list \\[sns arn, is fifo\\] pairs"),
    ('{"n": "A", "f": "a.py", "s": 3}', "state triggers \\('s'\\) must be a list"),
    ('{"n": "A", "f": "a.py", "m": [["todos", 1, "", 0]]}', "the group and item ids of stream trigger 'todos'"),
    ('{"n": "A", "f": "a.py", "m": [["todos", "", 0]]}', "a stream trigger must be"),
    ('{"n": "A", "f": "a.py", "st": "todos"}', "streams \\('st'\\) must be a list of names"),
    ('{"n": "A", "f": "a.py", "ts": 5}', "the state table \\('ts'\\) must be a non-empty string"),
])
def test_rejects_malformed_config_naming_the_variable_and_the_problem(text: str, message: str) -> None:
    with pytest.raises(InvalidFunctionConfig, match=f"^MOTIA_FUNCTION is not a valid function config: {message}.*redeploy"):
        FunctionConfig.from_json(text)


def test_fails_when_the_variable_is_missing() -> None:
    with pytest.raises(InvalidFunctionConfig, match="MOTIA_FUNCTION is not set on function shop-dev-a"):
        FunctionConfig.from_environment({}, "function shop-dev-a")
    assert FunctionConfig.from_environment({"MOTIA_FUNCTION": FULL.to_json()}) == FULL


def test_queue_retries_round_trip_and_stay_out_when_empty() -> None:
    config = FunctionConfig(step_file="steps/a_step.py", step_name="A", queue_retries={"q": (250, 5)})
    assert config.to_plain()["r"] == {"q": [250, 5]}
    assert FunctionConfig.from_json(config.to_json()).queue_retries == {"q": (250, 5)}
    assert "r" not in FunctionConfig(step_file="steps/a_step.py", step_name="A").to_plain()


@pytest.mark.parametrize("retries", [[250], {"x": 1}, [-1, 3], [True, 3]])
def test_rejects_malformed_queue_retries(retries: object) -> None:
    text = json.dumps({"v": 1, "f": "steps/a_step.py", "n": "A", "r": {"q": retries}})
    with pytest.raises(InvalidFunctionConfig, match="the retries of queue 'q'"):
        FunctionConfig.from_json(text)
