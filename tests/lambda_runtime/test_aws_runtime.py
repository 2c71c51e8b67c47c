from __future__ import annotations

import sys

import pytest

from lambda_runtime.aws_runtime import AwsRuntime
from motia import FlowContext, TriggerInfo


def test_rejects_non_dict_enqueue() -> None:
    runtime = AwsRuntime({"S": ("t",)})
    ctx = FlowContext(trigger=TriggerInfo(type="http"), step_name="S")
    with pytest.raises(TypeError, match="enqueue takes a dict"):
        runtime.enqueue(ctx, "t")  # type: ignore[arg-type]


def test_rejects_topic_the_step_did_not_declare_before_touching_aws() -> None:
    runtime = AwsRuntime({"S": ("a",)})
    ctx = FlowContext(trigger=TriggerInfo(type="http"), step_name="S")
    with pytest.raises(RuntimeError, match="step 'S' enqueued to topic 'b'"):
        runtime.enqueue(ctx, {"topic": "b", "data": {}})


def test_stores_are_created_once_and_lazily() -> None:
    runtime = AwsRuntime({}, state_table="st", streams_table="sr")
    assert runtime.state is runtime.state and runtime.state.table == "st"
    assert runtime.streams is runtime.streams and runtime.streams.table == "sr"
