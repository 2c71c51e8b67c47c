"""Replacements deployed to a moto server: a queue subscription turning FIFO deploys as a
replacement under new names, the prompt names it, and a table replacement is refused before
anything runs."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from compiler.deploy.assembly import read_stack_artifact
from compiler.deploy.aws import AwsTarget, connect
from compiler.deploy.flow import DeployOptions, deploy_artifact
from compiler.stack_layout import record_layout
from tests.compiler.deploy.assembly_fixtures import write_assembly
from tests.compiler.deploy.test_commands_moto import REGION, run, snapshot
from tests.compiler.moto_server import aws_client as client, endpoint

__all__ = ["endpoint"]  # the module's moto server (a fixture, used by name)

# moto warns for the kinds it skips (DESIGN.md 6) and again when the update removes them.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning"),
              pytest.mark.filterwarnings("ignore:Unable to delete:UserWarning")]

# The directory's name is the app's: its own, as moto servers in one process share state.
APP = "replacing"
PUBLISHER = '''\
from typing import Any

from motia import FlowContext, http, step

publish = step({"name": "Publish", "triggers": [http("POST", "/jobs")], "enqueues": ["job.created"]})


@publish.handle
async def handler(request: Any, ctx: FlowContext[Any]) -> Any:
    await ctx.enqueue({"topic": "job.created", "data": {"id": "j-1"}})
    return {"status": 202, "body": {}}
'''
WORKER = '''\
from typing import Any

from motia import FlowContext, queue, step

work = step({"name": "Work", "triggers": [queue("job.created"%s)]})


@work.handle
async def handler(data: Any, ctx: FlowContext[Any]) -> None:
    ctx.logger.info("worked", {"id": data["id"]})
'''
FIFO_CONFIG = ', config={"type": "fifo"}'


@pytest.fixture(scope="module")
def to_fifo(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Deploy with a standard subscription, then with the same subscription as FIFO."""
    work = tmp_path_factory.mktemp("replace")
    steps = work / APP / "steps"
    steps.mkdir(parents=True)
    (steps / "publish_step.py").write_text(PUBLISHER)
    (steps / "work_step.py").write_text(WORKER % "")
    # Flat: moto cannot pass the HTTP API's id into a nested stack (docs/scale.md), and the
    # project has HTTP steps; tests/compiler/deploy/test_nested_moto.py deploys a nested one.
    record_layout(work / APP, "flat")
    args = ["--app-dir", str(work / APP), "--endpoint-url", endpoint, "--region", REGION, "--yes",
            "--out", str(work / "cdk.out")]
    first, _ = run("deploy", args)
    before = snapshot(endpoint, f"{APP}-dev")
    url = client(endpoint, "sqs").get_queue_url(QueueName=f"{APP}-dev-job-created-Work")["QueueUrl"]
    client(endpoint, "sqs").send_message(QueueUrl=url, MessageBody='{"id": "left behind"}')
    (steps / "work_step.py").write_text(WORKER % FIFO_CONFIG)
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        second, output = run("deploy", args)
    return {"first": first, "before": before, "second": second, "output": output, "errors": errors.getvalue(),
            "after": snapshot(endpoint, f"{APP}-dev")}


def test_a_queue_turning_fifo_deploys_as_a_replacement_under_a_new_name(to_fifo: dict[str, Any]) -> None:
    assert to_fifo["first"] == 0
    assert {f"{APP}-dev-job-created-Work", f"{APP}-dev-job-created-Work-dlq"} <= set(to_fifo["before"].queues)
    assert to_fifo["second"] == 0, (to_fifo["output"], to_fifo["errors"])
    after = to_fifo["after"]
    assert {q for q in after.queues if q.startswith(f"{APP}-")} == {
        f"{APP}-dev-job-created-Work.fifo", f"{APP}-dev-job-created-Work-dlq.fifo"}
    assert after.queues[f"{APP}-dev-job-created-Work.fifo"]["FifoQueue"] == "true"
    assert f"{APP}-dev-job-created.fifo" in after.topics and f"{APP}-dev-job-created" not in after.topics
    assert after.stacks[f"{APP}-dev"] == "UPDATE_COMPLETE"


def test_the_deploy_output_names_the_replacement_and_the_messages_it_loses(to_fifo: dict[str, Any]) -> None:
    text = "\n".join(to_fifo["output"])
    assert "REPLACED: 3 named resource(s)" in text
    assert f"queue {APP}-dev-job-created-Work -> {APP}-dev-job-created-Work.fifo (QueueName, FifoQueue changed): " \
           "messages still in the old queue stay there and are deleted with it" in text
    assert f"drain {APP}-dev-job-created-Work first" in text
    assert f"topic {APP}-dev-job-created -> {APP}-dev-job-created.fifo" in text


def table(name: str, key_type: str) -> dict[str, Any]:
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain",
            "Properties": {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": key_type}]}}


def test_fails_to_deploy_a_change_that_replaces_a_table_and_keeps_its_items(
        endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack_name, state = "refusing-dev", "refusing-dev-state"
    first = write_assembly(tmp_path / "first", stack_name, {"State": table(state, "S")})
    assert run("deploy", ["--assembly", str(first), "--endpoint-url", endpoint, "--yes"])[0] == 0
    dynamodb = client(endpoint, "dynamodb")
    dynamodb.put_item(TableName=state, Item={"pk": {"S": "someone's data"}})

    numeric = write_assembly(tmp_path / "numeric", stack_name, {"State": table(state, "N")})
    status, output = run("deploy", ["--assembly", str(numeric), "--endpoint-url", endpoint, "--yes"])
    error = capsys.readouterr().err
    assert status == 1, output
    assert f"stack {stack_name} would replace table {state} (logical id State): AttributeDefinitions changed" in error
    assert "nothing was deployed" in error and "Fix: undo that change" in error
    assert "Traceback" not in error
    assert dynamodb.scan(TableName=state)["Count"] == 1
    summaries = client(endpoint, "cloudformation").list_change_sets(StackName=stack_name)["Summaries"]
    assert [s for s in summaries if s["ExecutionStatus"] != "EXECUTE_COMPLETE"] == []


def sqs_queue(name: str, fifo: bool) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name, **({"FifoQueue": True} if fifo else {})}}


def test_the_prompt_names_the_replacement_and_declining_keeps_the_old_queue(endpoint: str, tmp_path: Path) -> None:
    stack_name, name = "declining-dev", "declining-dev-job-Work"
    standard = write_assembly(tmp_path / "standard", stack_name, {"WorkQueue": sqs_queue(name, False)})
    assert run("deploy", ["--assembly", str(standard), "--endpoint-url", endpoint, "--yes"])[0] == 0
    fifo = write_assembly(tmp_path / "fifo", stack_name, {"WorkFifoQueue": sqs_queue(f"{name}.fifo", True)})
    prompts: list[str] = []
    output: list[str] = []

    def decline(prompt: str) -> bool:
        prompts.append(prompt)
        return False

    clients = connect(AwsTarget(region=REGION, endpoint_url=endpoint))
    status = deploy_artifact(clients, read_stack_artifact(fifo), output.append, DeployOptions(confirm=decline))
    assert status == 1
    assert prompts == [f"Deploy these changes to {stack_name} in {REGION} "
                       "(replacing 1 named resource(s), see REPLACED above)?"]
    assert f"  queue {name} -> {name}.fifo (QueueName, FifoQueue changed): messages still in the old queue " \
           "stay there and are deleted with it" in output
    assert output[-1] == "not deployed: the change set was deleted"
    queues = client(endpoint, "sqs").list_queues(QueueNamePrefix=name).get("QueueUrls", [])
    assert [url.rsplit("/", 1)[-1] for url in queues] == [name]
