"""`motia deploy` of a project with settings, `.env` values and secret references, to a moto server.

One deploy (one synth) of stage `prod` of a project whose `[tool.motia-aws]` sets tags, log
retention, arm64, reserved concurrency, CORS and throttling. moto shows what it creates: the
function's tags, concurrency, environment (plain values, secret *names* only) and its log
group; the stack's, a table's, the log group's and the role's tags. moto skips
`AWS::ApiGatewayV2::*` (DESIGN.md 6) and its CloudFormation drops a function's
`Architectures` and `Tags`, so CORS, throttling, arm64 and the function's tags are checked in
the template moto received. moto runs Lambda code only in Docker (pulling AWS's
image), which tests may not do: the invocation runs the shim in-process with the function's
environment as moto stored it, its AWS calls going to the moto server.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from compiler.cli import main
from compiler.stack_layout import record_layout
from lambda_runtime import aws_clients, entry
from lambda_runtime.contract import ENV_CODE_ROOT, ENV_SECRETS
from tests.compiler.deploy.test_commands_moto import REGION, aws_env, endpoint, run
from tests.compiler.projects import step_source, write_project

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning")]
__all__ = ["aws_env", "endpoint"]  # module fixtures shared with the flat lifecycle

APP = "golivemoto"  # moto servers in one process share state: a name no other test uses
STACK = f"{APP}-prod"
FUNCTION = f"{STACK}-Check"
SHARED_PARAMETER = f"/{APP}/shared/db-url"
SETTINGS = f'''\
[project]
name = "{APP}"

[tool.motia-aws]
app = "{APP}"
architecture = "arm64"
log_retention_days = 14

[tool.motia-aws.tags]
team = "payments"

[tool.motia-aws.reserved_concurrency]
Check = 3

[tool.motia-aws.cors]
allow_origins = ["https://shop.example.com"]
allow_methods = ["GET"]

[tool.motia-aws.throttling]
rate_limit = 25
burst_limit = 50

[tool.motia-aws.stages.prod]
log_retention_days = 90
'''
CHECK_STEP = step_source(
    '{"name": "Check", "triggers": [http("GET", "/check")]}',
    "import os\n\n"
    "async def handler(request, ctx):\n"
    "    names = ('GREETING', 'API_KEY', 'DB_URL')\n"
    "    return ApiResponse(status=200, body={name: os.environ.get(name, 'NOT_SET') for name in names})\n",
)
FILES = {
    "pyproject.toml": SETTINGS,
    "steps/check_step.py": CHECK_STEP,
    ".env": "GREETING=hello\nAPI_KEY=secret:\n",
    ".env.prod": f"GREETING=${{GREETING}} from prod\nDB_URL=ssm:{SHARED_PARAMETER}\n",
    ".env.secrets": "API_KEY=local-only-value\n",  # motia dev's; never deployed
}
API_KEY_VALUE = "sk-live-4242"
DB_URL_VALUE = "postgres://prod-db"


@dataclass(frozen=True)
class Deployed:
    status: int
    output: list[str]
    function: dict[str, Any]  # GetFunction's Configuration
    tags: dict[str, dict[str, str]]  # the stack, a table, the log group, the role -> their tags
    concurrency: int | None
    retention: int | None
    template: dict[str, Any]  # the template moto received
    reply: dict[str, Any]  # the handler's reply, with the secrets set after the deploy


def invoke_as_lambda(endpoint: str, environment: dict[str, str], code_root: Path) -> dict[str, Any]:
    """A cold start and a GET /check, through the shim, with the deployed environment."""
    event = json.loads((Path("/work/shared/events/apiGatewayProxyV2Event_GET.json")).read_text())
    event.update(routeKey="GET /check", rawPath="/check", rawQueryString="", cookies=[])
    event["requestContext"]["http"].update(method="GET", path="/check")
    with pytest.MonkeyPatch.context() as env:
        for name, value in {**environment, "AWS_ENDPOINT_URL": endpoint, ENV_CODE_ROOT: str(code_root)}.items():
            env.setenv(name, value)
        aws_clients.reset()
        entry.reset()
        try:
            return dict(entry.handler(event))
        finally:
            entry.reset()
            aws_clients.reset()
            for name in ("API_KEY", "DB_URL"):  # what the shim set
                os.environ.pop(name, None)


def tags_in_moto(client: Any, function: dict[str, Any]) -> dict[str, dict[str, str]]:
    def pairs(tags: list[dict[str, str]]) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in tags}

    dynamodb, logs = client("dynamodb"), client("logs")
    table = dynamodb.describe_table(TableName=f"{STACK}-state")["Table"]["TableArn"]
    [group] = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{FUNCTION}")["logGroups"]
    role = function["Role"].rsplit("/", 1)[-1]
    return {
        "stack": pairs(client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]["Tags"]),
        "state table": pairs(dynamodb.list_tags_of_resource(ResourceArn=table)["Tags"]),
        "log group": logs.list_tags_for_resource(resourceArn=group["arn"].removesuffix(":*"))["tags"],
        "role": pairs(client("iam").list_role_tags(RoleName=role)["Tags"]),
    }


@pytest.fixture(scope="module")
def deployed(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    work = tmp_path_factory.mktemp("golive")
    root = write_project(work / APP, FILES)
    # Flat: moto cannot pass the HTTP API's id into a nested stack (docs/scale.md), and the
    # project has HTTP steps; tests/compiler/deploy/test_nested_moto.py deploys a nested one.
    record_layout(root, "flat")
    common = ["--app-dir", str(root), "--endpoint-url", endpoint, "--region", REGION, "--stage", "prod"]
    status, output = run("deploy", [*common, "--yes", "--out", str(work / "cdk.out")])

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION)

    lambdas = client("lambda")
    function = lambdas.get_function(FunctionName=FUNCTION)["Configuration"]
    groups = client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{FUNCTION}")["logGroups"]
    template = client("cloudformation").get_template(StackName=STACK)["TemplateBody"]
    # After the deploy, as a user would: the stage's secret with `motia secrets set`, the shared one exists.
    with pytest.MonkeyPatch.context() as stdin:
        stdin.setattr("sys.stdin", io.StringIO(API_KEY_VALUE))
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["secrets", "set", "API_KEY", *common]) == 0
    client("ssm").put_parameter(Name=SHARED_PARAMETER, Value=DB_URL_VALUE, Type="SecureString", Overwrite=True)
    reply = invoke_as_lambda(endpoint, function["Environment"]["Variables"], root)
    return Deployed(
        status, output, function, tags_in_moto(client, function),
        lambdas.get_function_concurrency(FunctionName=FUNCTION).get("ReservedConcurrentExecutions"),
        groups[0].get("retentionInDays") if groups else None,
        template if isinstance(template, dict) else json.loads(template), reply,
    )


def resources(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r.get("Properties", {}) for r in template["Resources"].values() if r["Type"] == kind]


def test_the_deploy_succeeds(deployed: Deployed) -> None:
    assert deployed.status == 0, "\n".join(deployed.output)
    assert f"stack {STACK}: CREATE_COMPLETE" in "\n".join(deployed.output)


def test_the_function_gets_its_reserved_concurrency(deployed: Deployed) -> None:
    assert deployed.concurrency == 3


def test_the_stack_and_what_moto_tags_carry_the_settings_tags(deployed: Deployed) -> None:
    expected = {"team": "payments", "motia:app": APP, "motia:stage": "prod"}
    for owner, tags in deployed.tags.items():
        assert tags == expected, owner


def test_the_function_s_tags_reach_the_template_moto_received(deployed: Deployed) -> None:
    # moto's CloudFormation tags no function (neither with its Tags nor with the stack's);
    # AWS applies both.
    [function] = resources(deployed.template, "AWS::Lambda::Function")
    assert {"Key": "team", "Value": "payments"} in function["Tags"]


def test_the_stage_s_log_retention_overrides_the_base(deployed: Deployed) -> None:
    assert deployed.retention == 90


def test_the_environment_holds_plain_values_and_only_secret_names(deployed: Deployed) -> None:
    variables = deployed.function["Environment"]["Variables"]
    assert variables["GREETING"] == "hello from prod"
    assert json.loads(variables[ENV_SECRETS]) == {"API_KEY": f"ssm:/motia/{APP}/prod/API_KEY",
                                                  "DB_URL": f"ssm:{SHARED_PARAMETER}"}
    assert "API_KEY" not in variables and "DB_URL" not in variables
    assert "local-only-value" not in json.dumps(deployed.template)


def test_the_function_may_read_exactly_its_secret_parameters(deployed: Deployed) -> None:
    statements = [s for policy in resources(deployed.template, "AWS::IAM::Policy")
                  for s in policy["PolicyDocument"]["Statement"] if "ssm:GetParameters" in json.dumps(s["Action"])]
    assert statements, "a statement granting ssm:GetParameters"
    text = json.dumps(statements)
    assert f"parameter/motia/{APP}/prod/API_KEY" in text and f"parameter{SHARED_PARAMETER}" in text
    assert '"*"' not in text


def test_arm64_reaches_the_template_moto_received(deployed: Deployed) -> None:
    # moto 5's CloudFormation drops Architectures when it creates a function (it reports
    # x86_64): the template is what AWS would apply.
    [function] = resources(deployed.template, "AWS::Lambda::Function")
    assert function["Architectures"] == ["arm64"]


def test_cors_and_throttling_reach_the_template_moto_received(deployed: Deployed) -> None:
    [api] = resources(deployed.template, "AWS::ApiGatewayV2::Api")
    assert api["CorsConfiguration"]["AllowOrigins"] == ["https://shop.example.com"]
    assert api["CorsConfiguration"]["AllowMethods"] == ["GET"]
    [stage] = resources(deployed.template, "AWS::ApiGatewayV2::Stage")
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 25
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 50


def test_an_invocation_reads_the_secrets_set_after_the_deploy(deployed: Deployed) -> None:
    assert deployed.reply["statusCode"] == 200, deployed.reply
    assert json.loads(deployed.reply["body"]) == {"GREETING": "hello from prod", "API_KEY": API_KEY_VALUE,
                                                  "DB_URL": DB_URL_VALUE}
