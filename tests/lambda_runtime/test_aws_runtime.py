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


def test_client_creation_does_not_race_between_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import boto3

    from lambda_runtime import aws_clients

    created: list[str] = []

    def slow_client(service: str) -> object:
        time.sleep(0.05)  # wide enough for every thread to miss the cache without the lock
        created.append(service)
        return object()

    aws_clients.reset()
    monkeypatch.setattr(boto3, "client", slow_client)
    clients: list[object] = []
    threads = [threading.Thread(target=lambda: clients.append(aws_clients.client("sns"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    aws_clients.reset()
    assert created == ["sns"] and len({id(c) for c in clients}) == 1


def test_the_invocations_own_runtime_wins_over_the_installed_one() -> None:
    from motia import runtime as motia_runtime

    installed, own = AwsRuntime(config(state_table="installed")), AwsRuntime(config(state_table="own"))
    motia_runtime.install(installed)
    try:
        assert motia_runtime.active() is installed
        ctx = FlowContext(trigger=TriggerInfo(type="http"), step_name="S", runtime=own)
        token = motia_runtime.set_current_context(ctx)
        try:
            assert motia_runtime.active() is own
        finally:
            motia_runtime.reset_current_context(token)
        assert motia_runtime.active() is installed
    finally:
        motia_runtime.install(None)
