"""`motia outputs` and `motia status` against a stack in a moto server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from compiler.cli import main
from lambda_runtime.function_config import FunctionConfig

pytestmark = pytest.mark.slow

REGION = "us-east-1"
STACK = "shop-dev"
CONFIG = FunctionConfig(step_file="steps/create_step.py", step_name="CreateOrder", app=STACK).to_json()
TEMPLATE = {
    "Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}}},
        "CreateOrderFunction": {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": "shop-dev-CreateOrder", "Runtime": "python3.12", "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "MemorySize": 256, "Timeout": 20,
            "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
            "Environment": {"Variables": {"MOTIA_FUNCTION": CONFIG}}}},
    },
    "Outputs": {"ApiUrl": {"Value": "https://abc.execute-api.us-east-1.amazonaws.com/", "Description": "HTTP API base URL"}},
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        with pytest.MonkeyPatch.context() as env:
            for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                               "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"}.items():
                env.setenv(key, value)
            boto3.client("cloudformation", region_name=REGION, endpoint_url=url).create_stack(
                StackName=STACK, TemplateBody=json.dumps(TEMPLATE), Capabilities=["CAPABILITY_IAM"])
            yield url
    finally:
        server.stop()


def _run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str, app_dir: Path) -> tuple[int, str]:
    status = main([*args, "--app-dir", str(app_dir), "--app-name", "shop", "--endpoint-url", endpoint, "--region", REGION])
    return status, capsys.readouterr().out


def test_outputs_prints_the_stacks_outputs(endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _run(capsys, endpoint, "outputs", app_dir=tmp_path)
    assert status == 0 and "ApiUrl" in out and "https://abc.execute-api.us-east-1.amazonaws.com/" in out
    status, out = _run(capsys, endpoint, "outputs", "--json", app_dir=tmp_path)
    assert json.loads(out) == {"stack": STACK, "outputs": {"ApiUrl": "https://abc.execute-api.us-east-1.amazonaws.com/"}}


def test_status_names_each_step_from_its_function_config(endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _run(capsys, endpoint, "status", "--json", app_dir=tmp_path)
    answer: dict[str, Any] = json.loads(out)
    assert answer["stack_name"] == STACK and answer["status"] == "CREATE_COMPLETE" and answer["last_deployed"]
    [fn] = answer["functions"]
    assert (fn["step"], fn["function_name"], fn["memory_mb"], fn["timeout_s"]) == ("CreateOrder", "shop-dev-CreateOrder", 256, 20)
    assert status == (0 if answer["healthy"] else 1)
    _, text = _run(capsys, endpoint, "status", app_dir=tmp_path)
    assert text.startswith(f"{STACK}: CREATE_COMPLETE, last deployed ") and "CreateOrder" in text


def test_fails_with_exit_1_and_the_fix_when_the_stage_is_not_deployed(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["status", "--app-dir", str(tmp_path), "--app-name", "shop", "--stage", "prod",
                   "--endpoint-url", endpoint, "--region", REGION])
    err = capsys.readouterr().err
    assert status == 1 and "stack shop-prod does not exist" in err and "motia deploy" in err
