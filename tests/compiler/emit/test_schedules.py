"""compiler/emit/schedules.py: a step with a seconds cron gets a tick queue it alone may send
to, consumed one tick at a time and received at most once; other steps get none. One synth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.pipeline import compile_project
from compiler.synth import synthesize
from tests.conftest import FIXTURE_PROJECTS
from tests.compiler.assembly_view import all_resources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def resources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = compile_project(FIXTURE_PROJECTS / "sub_minute_crons", stage="ci")
    result = synthesize(app, tmp_path_factory.mktemp("ticks") / "cdk.out")
    return all_resources(result)  # the default, nested layout: each step's resources in its stack


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    """By logical id within its template (what `Ref` and `Fn::GetAtt` there name)."""
    return {k.rpartition("/")[2]: v["Properties"] for k, v in resources.items() if v["Type"] == kind}


def _tick_queues(resources: dict[str, Any]) -> dict[str, Any]:
    return {k: p for k, p in _of_type(resources, "AWS::SQS::Queue").items() if str(p.get("QueueName", "")).endswith("-ticks")}


def test_one_tick_queue_per_step_with_seconds_each_received_at_most_once(resources: dict[str, Any]) -> None:
    queues = _tick_queues(resources)
    assert sorted(p["QueueName"] for p in queues.values()) == [
        "sub-minute-crons-ci-FailingTicks-ticks", "sub-minute-crons-ci-Heartbeat-ticks", "sub-minute-crons-ci-Ticks-ticks"]
    assert all(p["RedrivePolicy"]["maxReceiveCount"] == 1 and p["VisibilityTimeout"] >= 30 for p in queues.values())


def test_each_tick_queue_is_consumed_one_tick_per_invocation(resources: dict[str, Any]) -> None:
    queues = _tick_queues(resources)
    mappings = [p for p in _of_type(resources, "AWS::Lambda::EventSourceMapping").values()
                if p["EventSourceArn"]["Fn::GetAtt"][0] in queues]
    assert len(mappings) == 3 and all(p["BatchSize"] == 1 for p in mappings)


def test_a_function_may_send_only_to_its_own_tick_queue(resources: dict[str, Any]) -> None:
    queues = _tick_queues(resources)
    senders: dict[str, list[str]] = {}
    for name, policy in _of_type(resources, "AWS::IAM::Policy").items():
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            target = statement["Resource"]
            if "sqs:SendMessage" in actions and isinstance(target, dict) and target.get("Fn::GetAtt", [""])[0] in queues:
                assert sorted(actions) == ["sqs:GetQueueUrl", "sqs:SendMessage"]
                senders.setdefault(name, []).append(target["Fn::GetAtt"][0])
    assert len(senders) == 3 and all(len(targets) == 1 for targets in senders.values())
    assert all(name.split("Role")[0] in targets[0] for name, targets in senders.items())  # its own step's queue


def test_the_minute_schedule_carries_the_seconds_and_the_queue(resources: dict[str, Any]) -> None:
    inputs = [json.loads(p["Target"]["Input"]) for p in _of_type(resources, "AWS::Scheduler::Schedule").values()]
    heartbeat = next(i for i in inputs if i["motia_cron"] == "*/5 * * * * *")
    assert heartbeat["motia_seconds"] == list(range(0, 60, 5))
    assert heartbeat["motia_tick_queue"] == "sub-minute-crons-ci-Heartbeat-ticks"
    plain = next(i for i in inputs if i["motia_cron"] == "0 9 1 * MON")
    assert "motia_seconds" not in plain and "motia_tick_queue" not in plain


def test_every_tick_dlq_and_schedule_dlq_alarms_on_its_first_message(resources: dict[str, Any]) -> None:
    ticks = _tick_queues(resources)
    dead_letters = {p["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0] for p in ticks.values()}
    dead_letters |= {p["Target"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
                     for p in _of_type(resources, "AWS::Scheduler::Schedule").values()}
    alarmed = {p["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for p in _of_type(resources, "AWS::CloudWatch::Alarm").values()}
    assert len(dead_letters) == 6 and dead_letters <= alarmed
