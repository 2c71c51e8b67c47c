from __future__ import annotations

import threading
from typing import Any

import pytest

from lambda_runtime.aws_runtime import AwsRuntime
from lambda_runtime.function_config import FunctionConfig
from motia import FlowContext, TriggerInfo


def config(**fields: Any) -> FunctionConfig:
    return FunctionConfig(step_file="steps/s.py", step_name="S", **fields)


def test_rejects_non_dict_enqueue() -> None:
    runtime = AwsRuntime(config(topics={"t": ()}))
    ctx = FlowContext(trigger=TriggerInfo(type="http"), step_name="S")
    with pytest.raises(TypeError, match="enqueue takes a dict"):
        runtime.enqueue(ctx, "t")  # type: ignore[arg-type]


def test_rejects_topic_the_step_did_not_declare_before_touching_aws() -> None:
    runtime = AwsRuntime(config(topics={"a": (("arn:aws:sns:us-east-1:1:a", False),)}))
    ctx = FlowContext(trigger=TriggerInfo(type="http"), step_name="S")
    with pytest.raises(RuntimeError, match="step 'S' enqueued to topic 'b'"):
        runtime.enqueue(ctx, {"topic": "b", "data": {}})


def test_stores_use_the_config_tables_and_are_created_once_even_by_racing_threads() -> None:
    runtime = AwsRuntime(config(state_table="st", streams_table="sr"))
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append((runtime.state, runtime.streams))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s, _ in seen}) == 1 and len({id(r) for _, r in seen}) == 1
    assert runtime.state.table == "st" and runtime.streams.table == "sr"
