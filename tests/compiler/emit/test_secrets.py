"""Secrets in the synthesized assembly: names and exact read grants only, never a value; and a
step's extra permissions on its role. One synth of a project with plain values, every kind of
reference, local secret values and a step that declares permissions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.pipeline import compile_project
from compiler.synth import SynthResult, synthesize
from lambda_runtime import contract
from lambda_runtime.contract import ENV_SECRETS
from tests.compiler.projects import step_source, write_project
from tests.compiler.assembly_view import all_resources

pytestmark = pytest.mark.slow

SECRET_VALUES = ("sk-local-openai-5f2a", "postgres://u:pw-91c3@db", "whsec-7d1e")
STEP = step_source(
    '{"name": "Ask", "triggers": [http("POST", "/ask")], "permissions": ['
    '{"actions": ["bedrock:InvokeModel"], "resources": ["arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/m"]},'
    '{"actions": ["bedrock:ListFoundationModels"], "resources": ["*"]}]}',
    "import os\n\nasync def handler(request, ctx):\n    return {'status': 200, 'body': os.environ['OPENAI_API_KEY'][:2]}\n",
)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    root = write_project(tmp_path_factory.mktemp("project"), {
        "steps/ask_step.py": STEP,
        # A stream: the WebSocket function runs the project's stream files, with the same secrets.
        "steps/answers_stream.py": 'from motia import StreamConfig\n\nconfig = StreamConfig(name="answers", schema={})\n',
        ".env": f"GREETING=hello\nOPENAI_API_KEY={SECRET_VALUES[0]}\nDATABASE_URL={SECRET_VALUES[1]}\n",
        ".env.prod": "OPENAI_API_KEY=secret:\nDATABASE_URL=ssm:/shared/database-url\nWEBHOOK=secretsmanager:prod/webhook\n",
        ".env.secrets": f"OPENAI_API_KEY={SECRET_VALUES[0]}\nWEBHOOK={SECRET_VALUES[2]}\n",
    })
    app = compile_project(root, stage="prod", app_name="shop")
    assert not app.errors, app.errors
    return synthesize(app, tmp_path_factory.mktemp("out") / "cdk.out")


@pytest.fixture(scope="module")
def template(synthesized: SynthResult) -> dict[str, Any]:
    """The default, nested layout's templates as one: each step's resources are in its stack."""
    return {"Resources": all_resources(synthesized)}


def test_no_secret_value_is_anywhere_in_the_assembly_or_the_code_asset(synthesized: SynthResult) -> None:
    files = [p for p in synthesized.out_dir.rglob("*") if p.is_file()]
    assert any(p.name == "ask_step.py" for p in files)  # the code asset was searched too
    for path in files:
        data = path.read_bytes()
        assert not [v for v in SECRET_VALUES if v.encode() in data], path


def _functions(template: dict[str, Any]) -> dict[str, Any]:
    """Handler -> the function's properties."""
    return {r["Properties"]["Handler"]: r["Properties"] for r in template["Resources"].values()
            if r["Type"] == "AWS::Lambda::Function"}


@pytest.mark.parametrize("handler", [contract.HANDLER, "lambda_runtime.websocket.handler"])
def test_the_function_gets_plain_values_and_the_secret_names(template: dict[str, Any], handler: str) -> None:
    variables = _functions(template)[handler]["Environment"]["Variables"]
    assert variables["GREETING"] == "hello"
    assert json.loads(variables[ENV_SECRETS]) == {
        "DATABASE_URL": "ssm:/shared/database-url",
        "OPENAI_API_KEY": "ssm:/motia/shop/prod/OPENAI_API_KEY",
        "WEBHOOK": "secretsmanager:prod/webhook",
    }
    assert not {"OPENAI_API_KEY", "DATABASE_URL", "WEBHOOK"} & set(variables)


def _resolved(value: Any) -> str:
    """An ARN as text, its pseudo parameters written as ${...}."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(_resolved(part) for part in value["Fn::Join"][1])
    if "Ref" in value:
        return "${" + value["Ref"] + "}"
    raise AssertionError(value)


def test_the_role_reads_exactly_the_referenced_parameters_and_secrets(template: dict[str, Any]) -> None:
    """The step's role and the WebSocket function's, each with the same two statements."""
    statements = [
        s for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        if str(s["Action"]).startswith(("ssm:", "secretsmanager:"))
    ]
    assert len(statements) == 4
    grants = {s["Action"]: sorted(_resolved(r) for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]))
              for s in statements}
    prefix = "arn:${AWS::Partition}:"
    where = "${AWS::Region}:${AWS::AccountId}"
    assert grants == {
        "ssm:GetParameters": [
            f"{prefix}ssm:{where}:parameter/motia/shop/prod/OPENAI_API_KEY",
            f"{prefix}ssm:{where}:parameter/shared/database-url",
        ],
        "secretsmanager:GetSecretValue": [f"{prefix}secretsmanager:{where}:secret:prod/webhook-??????"],
    }


def test_the_role_gets_each_declared_statement_with_its_arns_substituted(template: dict[str, Any]) -> None:
    statements = [
        s for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
        for s in r["Properties"]["PolicyDocument"]["Statement"] if str(s["Action"]).startswith("bedrock:")
    ]
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        ("bedrock:InvokeModel", {"Fn::Sub": "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/m"}),
        ("bedrock:ListFoundationModels", "*"),
    ]
