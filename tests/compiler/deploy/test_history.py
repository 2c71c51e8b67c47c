"""The stage's deploy history in the asset bucket: one version per changed deploy, the newest kept."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from compiler.deploy.assembly import read_stack_artifact
from compiler.deploy.aws import AwsTarget, Clients, connect
from compiler.deploy.history import materialize, missing_assets, read_history, record_version, stage_bucket
from tests.compiler.deploy.assembly_fixtures import write_assembly

REGION = "us-east-1"
BUCKET = "cdk-hnb659fds-assets-123456789012-us-east-1"


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clients]:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        yield connect(AwsTarget(REGION))


def _assembly(tmp_path: Path, name: str, queue: str) -> Path:
    return write_assembly(tmp_path / name, "shop-dev", {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": queue}}})


def test_records_a_version_per_changed_deploy_and_keeps_the_newest(clients: Clients, tmp_path: Path) -> None:
    when = datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc)
    for n in range(4):
        artifact = read_stack_artifact(_assembly(tmp_path, f"a{n}", f"q{n}"))
        assert record_version(clients, artifact, "deploy", keep=3, now=when) is not None
    assert record_version(clients, artifact, "deploy", keep=3) is None  # unchanged
    history = read_history(clients, BUCKET, "shop-dev")
    assert [v.number for v in history] == [2, 3, 4] and history[-1].deployed_at == "2026-11-28T09:00:00Z"
    assert history[0].template_key != history[1].template_key and history[0].code_keys == history[1].code_keys


def test_materializes_a_version_from_its_record_and_the_bucket(clients: Clients, tmp_path: Path) -> None:
    artifact = read_stack_artifact(_assembly(tmp_path, "a", "orders"))
    version = record_version(clients, artifact, "deploy")
    assert version is not None
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object(Bucket=BUCKET, Key=version.template_key, Body=artifact.template_path.read_bytes())
    restored = materialize(clients, version, "shop-dev", tmp_path / "restored")
    assert restored.template_path.read_text() == artifact.template_path.read_text()
    assert missing_assets(clients, restored) == (f"s3://{BUCKET}/{version.code_keys[0]}",)


def test_the_stage_bucket_is_found_in_a_nested_stack_s_functions(clients: Clients) -> None:
    # GIVEN a nested project without streams: its only functions are in a nested stack
    s3 = boto3.client("s3", region_name=REGION)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    s3.put_object(Bucket=BUCKET, Key="code.zip", Body=code.getvalue())
    role = boto3.client("iam", region_name=REGION).create_role(
        RoleName="fn", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
    nested = {"Resources": {"StepAFunction": {"Type": "AWS::Lambda::Function", "Properties": {
        "Code": {"S3Bucket": BUCKET, "S3Key": "code.zip"}, "Handler": "index.handler", "Role": role,
        "Runtime": "python3.12", "FunctionName": "shop-dev-A"}}}}
    s3.put_object(Bucket=BUCKET, Key="nested.json", Body=json.dumps(nested).encode())
    root = {"Resources": {"Steps07NestedStackSteps07NestedStackResource5AC33B5C": {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": f"https://{BUCKET}.s3.amazonaws.com/nested.json"}}}}
    boto3.client("cloudformation", region_name=REGION).create_stack(StackName="shop-dev", TemplateBody=json.dumps(root))
    # THEN the bucket its functions run from is found there
    assert stage_bucket(clients, "shop-dev") == BUCKET
