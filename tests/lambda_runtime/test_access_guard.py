"""lambda_runtime/access_guard.py: a state or stream call outside the step's deployed access
fails before DynamoDB is asked, naming the step, the call and the fix."""

from __future__ import annotations


import pytest

from compiler.function_configs import LONGEST_NAMES, function_config
from compiler.pipeline import compile_project
from lambda_runtime.access_guard import UndeclaredDataAccess
from lambda_runtime.aws_runtime import AwsRuntime
from lambda_runtime.function_config import FunctionConfig, InvalidFunctionConfig
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def orders_configs() -> dict[str, FunctionConfig]:
    app = compile_project(EXAMPLES / "orders")
    return {fn.name: function_config(app, fn, LONGEST_NAMES) for fn in app.functions}


def test_a_read_only_step_may_not_write_state(orders_configs: dict[str, FunctionConfig]) -> None:
    state = AwsRuntime(orders_configs["GetOrder"]).state
    with pytest.raises(UndeclaredDataAccess) as raised:
        state.set("orders", "o1", {"id": "o1"})
    message = str(raised.value)
    assert "'GetOrder'" in message and "get_order_step.py" in message and "state.set" in message
    assert 'MOTIA_DATA_ACCESS = {"state": "readwrite"}' in message


def test_a_step_without_table_use_may_not_even_read(orders_configs: dict[str, FunctionConfig]) -> None:
    with pytest.raises(UndeclaredDataAccess, match=r"streams\.get, but the compiler found no use of streams"):
        AwsRuntime(orders_configs["SendConfirmation"]).streams.get("orders", "g", "i")


def test_allowed_calls_reach_the_store(orders_configs: dict[str, FunctionConfig]) -> None:
    reader = AwsRuntime(orders_configs["GetOrder"]).state
    writer = AwsRuntime(orders_configs["CreateOrder"]).streams
    assert callable(reader.get) and callable(reader.list) and callable(writer.set)


def test_a_config_without_data_access_is_not_checked() -> None:
    config = FunctionConfig(step_file="steps/a_step.py", step_name="A", state_table="t")
    assert type(AwsRuntime(config).state).__name__ == "DynamoStateStore"


def test_data_access_round_trips_and_rejects_unknown_levels() -> None:
    config = FunctionConfig(step_file="steps/a_step.py", step_name="A", data_access={"state": "read"})
    assert FunctionConfig.from_json(config.to_json()) == config
    assert FunctionConfig.from_json(FunctionConfig(step_file="f", step_name="A", data_access={}).to_json()).data_access == {}
    with pytest.raises(InvalidFunctionConfig, match="data access"):
        FunctionConfig.from_json('{"f": "f", "n": "A", "da": {"state": "write"}}')


