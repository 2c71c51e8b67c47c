"""A failed first deploy against a moto server, then the next deploy (issue 10 item 1).

moto does not roll back: a create that fails keeps the resources made before the failure, as a
Retain policy does on AWS. Both table policies are exercised: `RetainExceptOnCreate` (what the
emitter writes) and plain `Retain` (stacks emitted before it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.compiler.deploy.assembly_fixtures import write_assembly
from tests.compiler.deploy.test_commands_moto import REGION, run
from tests.compiler.moto_server import aws_client as client, endpoint

__all__ = ["endpoint"]  # the module's moto server (a fixture, used by name)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning")]


def table(name: str, policy: str) -> dict[str, Any]:
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": policy, "UpdateReplacePolicy": "Retain",
            "Properties": {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}}


def queue(name: str) -> dict[str, Any]:
    # Created after the table, so the table exists when the queue fails.
    return {"Type": "AWS::SQS::Queue", "DependsOn": "Table", "Properties": {"QueueName": name}}


def pending_change_sets(endpoint: str, stack_name: str) -> list[dict[str, Any]]:
    """Change sets of the stack that were not executed (moto keeps executed ones listed; AWS does not)."""
    try:
        summaries = client(endpoint, "cloudformation").list_change_sets(StackName=stack_name)["Summaries"]
    except client(endpoint, "cloudformation").exceptions.ClientError:
        return []
    return [s for s in summaries if s["StackName"] == stack_name and s["ExecutionStatus"] != "EXECUTE_COMPLETE"]


def deploy(endpoint: str, out: Path, stack_name: str, resources: dict[str, Any]) -> tuple[int, list[str]]:
    assembly = write_assembly(out, stack_name, resources)
    return run("deploy", ["--assembly", str(assembly), "--endpoint-url", endpoint, "--yes"])


@pytest.mark.parametrize("policy", ["RetainExceptOnCreate", "Retain"])
def test_a_failed_first_deploy_is_followed_by_a_successful_one(endpoint: str, tmp_path: Path, policy: str) -> None:
    stack_name = f"recover{policy.lower()}-dev"
    state = f"{stack_name}-state"
    status, output = deploy(endpoint, tmp_path / "failed", stack_name,
                            {"Table": table(state, policy), "Queue": queue("no spaces allowed")})
    text = "\n".join(output)
    assert status == 1
    assert "failed: CloudFormation refused to execute the change set" in text
    assert "Can only include alphanumeric characters" in text
    assert f"stack {stack_name} is now REVIEW_IN_PROGRESS" in output
    assert output[-1].startswith(f"left behind: the empty stack {stack_name} (REVIEW_IN_PROGRESS)")
    assert f"the empty table(s) {state} this attempt created" in output[-1]
    assert pending_change_sets(endpoint, stack_name) == []

    status, output = deploy(endpoint, tmp_path / "fixed", stack_name,
                            {"Table": table(state, policy), "Queue": queue(f"{stack_name}-queue")})
    assert status == 0, output
    assert any(line.startswith(f"stack {stack_name}: CREATE_COMPLETE in ") for line in output), output
    assert client(endpoint, "cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0][
        "StackStatus"] == "CREATE_COMPLETE"
    assert state in client(endpoint, "dynamodb").list_tables()["TableNames"]
    assert pending_change_sets(endpoint, stack_name) == []


def test_fails_to_recreate_over_a_table_the_failed_attempt_made_once_it_holds_items(
        endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_name, state = "written-dev", "written-dev-state"
    status, _ = deploy(endpoint, tmp_path / "failed", stack_name,
                       {"Table": table(state, "Retain"), "Queue": queue("no spaces allowed")})
    assert status == 1
    dynamodb = client(endpoint, "dynamodb")
    dynamodb.put_item(TableName=state, Item={"pk": {"S": "someone's data"}})

    status, output = deploy(endpoint, tmp_path / "fixed", stack_name,
                            {"Table": table(state, "Retain"), "Queue": queue("written-dev-queue")})
    assert status == 1
    error = capsys.readouterr().err
    assert f"cannot create stack {stack_name}: table(s) {state} already exist" in error
    assert f"aws dynamodb delete-table --table-name {state}" in error
    assert dynamodb.scan(TableName=state)["Count"] == 1
    assert pending_change_sets(endpoint, stack_name) == []
