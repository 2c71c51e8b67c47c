"""End to end: `motia deploy` / `motia destroy` against a moto server on 127.0.0.1.

One module-scoped lifecycle (two synths in all): create, update (a new step and a changed
queue setting), a no-op deploy, destroy refused by a dead letter, destroy. Each phase records
its exit status, its output and what moto holds afterwards; the tests below check them
against the IR.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from compiler import ir
from compiler.cli import build_parser, main
from compiler.commands.deploy import deploy_command
from compiler.commands.destroy import destroy_command
from compiler.commands.rollback import rollback_command
from compiler.errors import MotiaError, report
from compiler.pipeline import compile_project
from compiler.stack_layout import LAYOUT_FILE, record_layout
from tests.compiler.deploy.assembly_fixtures import write_assembly
from tests.compiler.moto_server import REGION, aws_client, endpoint, fake_aws_environment

__all__ = ["endpoint"]  # the module's moto server (a fixture, used by name)

# moto's CloudFormation warns for each kind it skips (DESIGN.md 6); that is expected here.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning")]

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "orders"
PREFIX = "orders-dev"  # the example's app and stage: every AWS name of it starts so
NEW_STEP = '''\
"""Added by the update phase: a third subscriber of order.created."""

from typing import Any

from motia import FlowContext, queue, step

notify_warehouse = step({"name": "NotifyWarehouse", "triggers": [queue("order.created")]})


@notify_warehouse.handle
async def handler(data: dict[str, Any], ctx: FlowContext[Any]) -> None:
    ctx.logger.info("warehouse notified", {"order_id": data["order_id"]})
'''


@dataclass(frozen=True)
class Resources:
    functions: frozenset[str]
    queues: dict[str, dict[str, str]]  # name -> attributes
    topics: frozenset[str]
    tables: frozenset[str]
    stacks: dict[str, str]  # name -> status, live stacks only


@dataclass(frozen=True)
class Phase:
    status: int
    output: list[str]
    app: ir.Application
    resources: Resources
    errors: str = ""  # what the command wrote to stderr

    @property
    def text(self) -> str:
        return "\n".join(self.output)


def snapshot(endpoint: str, prefix: str = PREFIX) -> Resources:
    """One app's resources (names starting with `prefix`, `<app>-<stage>`): the module's other
    tests deploy apps of their own to the same server."""
    def ours(name: str) -> bool:
        return name.startswith(prefix)

    sqs = aws_client(endpoint, "sqs")
    queues = {}
    for url in sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", []):
        queues[url.rsplit("/", 1)[-1]] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    stacks = {s["StackName"]: s["StackStatus"] for s in aws_client(endpoint, "cloudformation").describe_stacks()["Stacks"]
              if s["StackStatus"] != "DELETE_COMPLETE" and ours(s["StackName"])}
    return Resources(
        functions=frozenset(f["FunctionName"] for f in aws_client(endpoint, "lambda").list_functions()["Functions"]
                            if ours(f["FunctionName"])),
        queues=queues,
        topics=frozenset(name for name in (t["TopicArn"].rsplit(":", 1)[-1]
                                           for t in aws_client(endpoint, "sns").list_topics()["Topics"]) if ours(name)),
        tables=frozenset(name for name in aws_client(endpoint, "dynamodb").list_tables()["TableNames"] if ours(name)),
        stacks=stacks,
    )


@pytest.fixture(scope="module")
def aws_env() -> Iterator[None]:
    with fake_aws_environment():
        yield


def run(command: str, args: list[str]) -> tuple[int, list[str]]:
    """The command's exit status and output, its errors reported as `motia` reports them
    (not through `main`, whose jsii exit handler would end the test process)."""
    output: list[str] = []
    parsed = build_parser().parse_args([command, *args])
    main = {"deploy": deploy_command, "destroy": destroy_command, "rollback": rollback_command}[command]
    try:
        return main(parsed, output.append), output
    except MotiaError as error:
        return report(command, error), output


@pytest.fixture(scope="module")
def lifecycle(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Phase]:
    work = tmp_path_factory.mktemp("lifecycle")
    app_dir = Path(shutil.copytree(EXAMPLE, work / "orders", ignore=shutil.ignore_patterns("__pycache__", "cdk.out")))
    # Flat: moto cannot pass the HTTP API's id into a nested stack (docs/scale.md), and the
    # project has HTTP steps; tests/compiler/deploy/test_nested_moto.py deploys a nested one.
    record_layout(app_dir, "flat")
    common = ["--app-dir", str(app_dir), "--endpoint-url", endpoint, "--region", REGION, "--yes"]
    deploy_args = [*common, "--out", str(work / "cdk.out")]
    phases: dict[str, Phase] = {}

    def phase(name: str, command: str, args: list[str]) -> None:
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            status, output = run(command, args)
        phases[name] = Phase(status, output, compile_project(app_dir), snapshot(endpoint), errors.getvalue())

    phase("create", "deploy", deploy_args)
    (app_dir / "steps" / "notifications" / "notify_warehouse_step.py").write_text(NEW_STEP)
    confirmation = app_dir / "steps" / "notifications" / "send_confirmation_step.py"
    confirmation.write_text(confirmation.read_text().replace(
        '"triggers": [queue("order.created")]}',
        '"triggers": [queue("order.created")], "infrastructure": {"queue": {"visibility_timeout": 123}}}'))
    phase("update", "deploy", deploy_args)
    phase("noop", "deploy", deploy_args)
    (app_dir / LAYOUT_FILE).unlink()  # the project's default: every step in a nested stack
    phase("layout_switch", "deploy", deploy_args)
    record_layout(app_dir, "flat")
    lambdas = aws_client(endpoint, "lambda")
    code_sha = {"before": lambdas.get_function(FunctionName="orders-dev-NotifyWarehouse")["Configuration"]["CodeSha256"]}
    warehouse = app_dir / "steps" / "notifications" / "notify_warehouse_step.py"
    warehouse.write_text(warehouse.read_text().replace('"warehouse notified"', '"warehouse notified (v2)"'))
    phase("code_only", "deploy", deploy_args)
    code_sha["after"] = lambdas.get_function(FunctionName="orders-dev-NotifyWarehouse")["Configuration"]["CodeSha256"]
    phases["code_only"] = replace(phases["code_only"], errors=json.dumps(code_sha))
    phase("full_after_code_only", "deploy", [*deploy_args, "--full"])
    phase("rollback", "rollback", common)
    code_sha["rolled_back"] = lambdas.get_function(FunctionName="orders-dev-NotifyWarehouse")["Configuration"]["CodeSha256"]
    phases["rollback"] = replace(phases["rollback"], errors=json.dumps(code_sha))
    phase("rollback_to_missing", "rollback", [*common, "--to", "99"])
    status_json = io.StringIO()
    with contextlib.redirect_stdout(status_json):
        main(["status", "--json", *[a for a in common if a != "--yes"]])
    phases["status"] = replace(phases["rollback_to_missing"], output=status_json.getvalue().splitlines())
    sqs = aws_client(endpoint, "sqs")
    dlq = next(q for q in phases["noop"].app.queues if q.function == "ChargePayment").dlq_name
    dlq_url = sqs.get_queue_url(QueueName=dlq)["QueueUrl"]
    sqs.send_message(QueueUrl=dlq_url, MessageBody='{"order_id": "o-1"}')
    phase("destroy_refused", "destroy", common)
    phase("destroy", "destroy", [*common, "--discard-dead-letters"])
    keep_tables_as_aws_does(endpoint, phases["destroy"].app)
    phase("redeploy_over_kept_tables", "deploy", deploy_args)
    return phases


def keep_tables_as_aws_does(endpoint: str, app: ir.Application) -> None:
    """Put back the tables AWS keeps after destroy (moto deletes them), with an item each."""
    dynamodb = aws_client(endpoint, "dynamodb")
    for table in app.tables:
        dynamodb.create_table(TableName=table.table_name, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": table.partition_key, "KeyType": "HASH"},
                                         {"AttributeName": table.sort_key, "KeyType": "RANGE"}],
                              AttributeDefinitions=[{"AttributeName": table.partition_key, "AttributeType": "S"},
                                                    {"AttributeName": table.sort_key, "AttributeType": "S"}])
        dynamodb.put_item(TableName=table.table_name,
                          Item={table.partition_key: {"S": "order"}, table.sort_key: {"S": "o-1"}})


def expect_ir_resources(app: ir.Application, moto: Resources) -> None:
    """Everything the IR names exists in moto (moto skips only the kinds DESIGN.md 6 lists)."""
    realtime = {app.realtime.socket_function, app.realtime.fanout_function} if app.realtime else set()
    assert moto.functions == {f.function_name for f in app.functions} | realtime
    assert {q.queue_name for q in app.queues} | {q.dlq_name for q in app.queues} <= set(moto.queues)
    assert {t.sns_name for t in app.topics} <= moto.topics
    assert {t.table_name for t in app.tables} <= moto.tables


def test_create_deploys_every_resource_of_the_ir(lifecycle: dict[str, Phase]) -> None:
    create = lifecycle["create"]
    assert create.status == 0, create.text
    assert "synthesizing orders-dev" in create.text
    assert "created asset bucket motia-aws-assets-123456789012-us-east-1" in create.text
    assert "change set to create stack orders-dev" in create.text
    assert "stack orders-dev: CREATE_COMPLETE" in create.text
    assert create.resources.stacks == {"orders-dev": "CREATE_COMPLETE"}
    expect_ir_resources(create.app, create.resources)


def test_create_applies_queue_settings_of_the_ir(lifecycle: dict[str, Phase]) -> None:
    create = lifecycle["create"]
    charge = next(q for q in create.app.queues if q.function == "ChargePayment")
    attributes = create.resources.queues[charge.queue_name]
    assert attributes["VisibilityTimeout"] == str(charge.visibility_timeout_s)
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == charge.max_receive_count == 5


def test_update_adds_the_new_step_and_changes_the_queue(lifecycle: dict[str, Phase]) -> None:
    update = lifecycle["update"]
    assert update.status == 0, update.text
    assert "change set to update stack orders-dev" in update.text
    rows = [line.split() for line in update.output]
    assert any(row[:1] == ["add"] and row[1].startswith("StepNotifyWarehouseFunction")
               and row[2] == "AWS::Lambda::Function" for row in rows)
    assert any(row[:1] == ["modify"] and row[1].startswith("StepSendConfirmationSubscriptionordercreatedQueue")
               for row in rows)
    assert "stack orders-dev: UPDATE_COMPLETE" in update.text
    expect_ir_resources(update.app, update.resources)
    assert "orders-dev-NotifyWarehouse" in update.resources.functions
    confirmation = next(q for q in update.app.queues if q.function == "SendConfirmation")
    assert confirmation.visibility_timeout_s == 123
    assert update.resources.queues[confirmation.queue_name]["VisibilityTimeout"] == "123"


def test_update_calls_out_no_data_loss_when_nothing_is_replaced(lifecycle: dict[str, Phase]) -> None:
    assert "WARNING" not in lifecycle["update"].text


def test_a_deployed_flat_stack_refuses_to_move_its_steps_into_nested_stacks(lifecycle: dict[str, Phase]) -> None:
    # GIVEN the stage deployed flat WHEN its layout record is removed (nested, the default)
    switch = lifecycle["layout_switch"]
    # THEN the deploy stops before any change set, says why and how to keep the stage flat
    assert switch.status != 0
    assert "stack orders-dev keeps its steps in its root stack, and this assembly puts them in nested stacks" in switch.errors
    assert 'Fix: write {"layout": "flat"} to motia-stacks.json' in switch.errors
    assert not any("change set" in line for line in switch.output), switch.text
    assert switch.resources == lifecycle["noop"].resources


def test_a_second_deploy_reuses_the_assembly_and_has_no_changes(lifecycle: dict[str, Phase]) -> None:
    noop = lifecycle["noop"]
    assert noop.status == 0, noop.text
    assert "reusing the cloud assembly" in noop.text
    assert "assets: 0 uploaded" in noop.text
    assert noop.output[-1] == "stack orders-dev: no changes (already up to date)"
    assert noop.resources == lifecycle["update"].resources


def test_a_code_only_change_updates_the_functions_without_a_change_set(lifecycle: dict[str, Phase]) -> None:
    fast = lifecycle["code_only"]
    assert fast.status == 0, fast.text
    # Every function runs from the one code asset, so every function gets the new code: the
    # steps', and the WebSocket and fan-out functions of the project's streams.
    assert fast.app.realtime is not None
    count = len(fast.app.functions) + 2
    assert f"only step code changed: updating {count} function(s) directly, no change set" in fast.text
    # ...and the assembly came from the cache without Node, as `motia synth` does it.
    assert "only step code changed in orders-dev: wrote the new code asset into the cached assembly" in fast.text
    assert "synthesizing" not in fast.text
    assert "code live in " in fast.text and "code recorded in " in fast.text
    assert "Deploy these changes" not in fast.text and "change set motia-" not in fast.text
    shas = json.loads(fast.errors)
    assert shas["before"] != shas["after"]  # the new code runs
    assert fast.resources == lifecycle["noop"].resources


def test_a_full_deploy_after_a_code_only_one_finds_no_change(lifecycle: dict[str, Phase]) -> None:
    full = lifecycle["full_after_code_only"]
    assert full.status == 0, full.text
    assert full.output[-1] == "stack orders-dev: no changes (already up to date)"


def test_each_deploy_that_changed_the_stack_is_a_version(lifecycle: dict[str, Phase]) -> None:
    assert "recorded as version 1 of orders-dev" in lifecycle["create"].text
    assert "recorded as version 2 of orders-dev" in lifecycle["update"].text
    assert "recorded as version" not in lifecycle["noop"].text  # nothing changed, no version
    assert "recorded as version 3 of orders-dev" in lifecycle["code_only"].text


def test_rollback_returns_to_the_version_before_and_records_it(lifecycle: dict[str, Phase]) -> None:
    back = lifecycle["rollback"]
    assert back.status == 0, back.text
    assert back.output[0].startswith("rolling orders-dev back from version 3 to version 2 (deployed ")
    assert "only step code changed" in back.text  # versions 2 and 3 differ by code only: seconds
    assert "recorded as version 4 of orders-dev" in back.text
    shas = json.loads(back.errors)
    assert shas["rolled_back"] == shas["before"]  # the code of version 2 runs again


def test_status_lists_the_versions_newest_last(lifecycle: dict[str, Phase]) -> None:
    versions = json.loads(lifecycle["status"].text)["versions"]
    assert [(v["version"], v["how"]) for v in versions] == [(1, "deploy"), (2, "deploy"), (3, "deploy"), (4, "rollback to 2")]
    assert versions[3]["code"] == versions[1]["code"] != versions[2]["code"]


def test_fails_to_roll_back_to_a_version_that_is_not_kept(lifecycle: dict[str, Phase]) -> None:
    missing = lifecycle["rollback_to_missing"]
    assert missing.status == 2 and "orders-dev has no version 99 (versions kept: 1, 2, 3, 4)" in missing.errors


def test_fails_to_destroy_while_a_dead_letter_queue_holds_messages(lifecycle: dict[str, Phase]) -> None:
    refused = lifecycle["destroy_refused"]
    assert refused.status == 1
    assert "dead-letter queue orders-dev-order-created-ChargePayment-dlq holds 1 message(s)" in refused.text
    assert "--discard-dead-letters" in refused.output[-1]
    assert refused.resources.stacks == {"orders-dev": "UPDATE_COMPLETE"}


def test_destroy_deletes_everything_but_the_tables(lifecycle: dict[str, Phase]) -> None:
    destroy = lifecycle["destroy"]
    assert destroy.status == 0, destroy.text
    assert "kept after destroy" in destroy.text
    assert "  AWS::DynamoDB::Table orders-dev-state" in destroy.output
    assert destroy.output[-1] == "stack orders-dev: DELETE_COMPLETE"
    app, moto = destroy.app, destroy.resources
    assert moto.stacks == {}
    assert moto.functions == frozenset()
    assert not ({q.queue_name for q in app.queues} | {q.dlq_name for q in app.queues}) & set(moto.queues)
    assert not {t.sns_name for t in app.topics} & moto.topics
    # moto keeps only `DeletionPolicy: Retain` resources; AWS also keeps RetainExceptOnCreate ones
    # (the tables') once their stack was created, as the output above says.
    assert not {t.table_name for t in app.tables} & moto.tables


def test_fails_to_recreate_a_stage_whose_kept_tables_still_exist(lifecycle: dict[str, Phase]) -> None:
    again = lifecycle["redeploy_over_kept_tables"]
    assert again.status == 1
    message = again.errors
    assert "cannot create stack orders-dev: table(s) orders-dev-state, orders-dev-streams already exist" in message
    assert "aws dynamodb delete-table --table-name orders-dev-state" in message and "--stage" in message
    assert again.resources.stacks == {}  # refused before CloudFormation was asked


def test_destroy_of_a_missing_stack_says_so(lifecycle: dict[str, Phase], endpoint: str, tmp_path: Path) -> None:
    app_dir = tmp_path / "orders"
    app_dir.mkdir()
    status, output = run("destroy", ["--app-dir", str(app_dir), "--endpoint-url", endpoint, "--yes"])
    assert status == 0
    assert output == ["stack orders-dev does not exist in us-east-1: nothing to destroy"]


def test_fails_with_the_reason_when_cloudformation_rejects_a_resource(endpoint: str, tmp_path: Path) -> None:
    assembly = write_assembly(tmp_path / "cdk.out", "broken-dev", {
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "no spaces allowed"}},
    })
    status, output = run("deploy", ["--assembly", str(assembly), "--endpoint-url", endpoint, "--yes"])
    text = "\n".join(output)
    assert status == 1
    assert "failed: CloudFormation refused to execute the change set" in text
    assert "Can only include alphanumeric characters, hyphens, or underscores" in text
    assert "the change set " in text and " was deleted" in text
    assert "stack broken-dev is now REVIEW_IN_PROGRESS" in output
    assert output[-1].startswith("nothing else is left behind: the empty stack broken-dev (REVIEW_IN_PROGRESS)")


def test_no_execute_shows_the_change_set_and_leaves_the_stack_alone(endpoint: str, tmp_path: Path) -> None:
    assembly = write_assembly(tmp_path / "cdk.out", "preview-dev", {"Topic": {"Type": "AWS::SNS::Topic"}})
    status, output = run("deploy", ["--assembly", str(assembly), "--endpoint-url", endpoint, "--no-execute"])
    assert status == 0
    assert "change set to create stack preview-dev: 1 to add" in output
    assert "--no-execute" in output[-1]
    # The stack waits in review; the next deploy starts over from it.
    status, output = run("deploy", ["--assembly", str(assembly), "--endpoint-url", endpoint, "--yes"])
    assert status == 0, output
    assert "stack preview-dev: CREATE_COMPLETE" in "\n".join(output)


def test_refuses_an_out_folder_that_is_the_project_and_touches_nothing(endpoint: str, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    app_dir = Path(shutil.copytree(EXAMPLE, tmp_path / "orders", ignore=shutil.ignore_patterns("__pycache__", "cdk.out")))
    before = sorted(p.relative_to(app_dir) for p in app_dir.rglob("*"))
    status, output = run("deploy", ["--app-dir", str(app_dir), "--out", str(app_dir), "--endpoint-url", endpoint,
                                    "--region", REGION, "--yes"])
    assert status == 2
    assert f"--out {app_dir} is the project folder" in capsys.readouterr().err
    assert not any(line.startswith("synthesizing") for line in output)
    assert sorted(p.relative_to(app_dir) for p in app_dir.rglob("*")) == before


def test_rejects_deploying_without_a_terminal_unless_yes(endpoint: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assembly = write_assembly(tmp_path / "cdk.out", "quiet-dev", {"Topic": {"Type": "AWS::SNS::Topic"}})
    status, output = run("deploy", ["--assembly", str(assembly), "--endpoint-url", endpoint])
    assert status == 2 and output == []
    assert capsys.readouterr().err.strip() == (
        "motia deploy: not asking for confirmation without a terminal; pass --yes to deploy without asking")


def test_fails_in_one_line_when_the_endpoint_is_unreachable(aws_env: None, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    closed = "http://127.0.0.1:9"  # discard port: nothing listens
    status, _ = run("deploy", ["--app-dir", str(EXAMPLE), "--endpoint-url", closed, "--yes"])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert err == f"motia deploy: cannot reach the endpoint {closed}: is the emulator running at that address?"


def test_fails_in_one_line_without_credentials(endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    status, _ = run("destroy", ["--app-dir", str(EXAMPLE), "--endpoint-url", endpoint, "--yes"])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert err.startswith("motia destroy: no AWS credentials found: set AWS_PROFILE")
    assert "\n" not in err


def test_fails_in_one_line_for_a_region_that_does_not_exist(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = run("deploy", ["--app-dir", str(EXAMPLE), "--region", "moon", "--yes"])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert err.startswith("motia deploy: unknown AWS region 'moon'; pass --region with a region code")


def test_a_declined_change_set_is_deleted_and_nothing_deployed(endpoint: str, tmp_path: Path) -> None:
    from compiler.deploy.assembly import read_stack_artifact
    from compiler.deploy.aws import AwsTarget, connect
    from compiler.deploy.flow import DeployOptions, deploy_artifact

    assembly = write_assembly(tmp_path / "cdk.out", "declined-dev", {"Topic": {"Type": "AWS::SNS::Topic"}})
    questions: list[str] = []
    output: list[str] = []

    def decline(question: str) -> bool:
        questions.append(question)
        return False

    clients = connect(AwsTarget(REGION, endpoint))
    status = deploy_artifact(clients, read_stack_artifact(assembly), output.append, DeployOptions(confirm=decline))
    assert status == 1
    assert questions == ["Deploy these changes to declined-dev in us-east-1?"]
    assert output[-1] == "not deployed: the change set was deleted"
    cloudformation = aws_client(endpoint, "cloudformation")
    summaries = cloudformation.list_change_sets(StackName="declined-dev")["Summaries"]
    # moto lists the change sets of every stack here, so filter by name.
    assert [s for s in summaries if s["StackName"] == "declined-dev"] == []


def test_the_asset_bucket_is_private_and_encrypted(lifecycle: dict[str, Phase], endpoint: str) -> None:
    s3 = aws_client(endpoint, "s3")
    bucket = "motia-aws-assets-123456789012-us-east-1"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": True}
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
