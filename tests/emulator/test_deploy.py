"""Deploying into moto goes through the deployer of `motia deploy` (assets, failure reason, errors)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from compiler.deploy.archive import zip_directory
from compiler.deploy.publish import ENCRYPTION
from compiler.emulator.backend import MotoBackend
from compiler.emulator.deploy import deploy
from compiler.errors import AssemblyError, DeployError
from compiler.ir import Application
from tests.compiler.deploy.assembly_fixtures import ASSET_ID, write_assembly

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS:UserWarning")
BUCKET = "cdk-hnb659fds-assets-123456789012-us-east-1"


@pytest.fixture
def backend() -> Iterator[MotoBackend]:
    moto = MotoBackend("inprocess")
    moto.start()
    try:
        yield moto
    finally:
        moto.stop()


def empty_app(root: Path) -> Application:
    return Application("shop", "dev", "shop-dev", str(root))


def test_publishes_the_assets_as_motia_deploy_does(backend: MotoBackend, tmp_path: Path) -> None:
    assembly = write_assembly(tmp_path / "cdk.out", "shop-dev", {"Topic": {"Type": "AWS::SNS::Topic"}})
    deployment = deploy(backend, empty_app(tmp_path), assembly, "shop-dev")
    assert deployment.stack_name == "shop-dev" and deployment.functions == ()
    s3 = backend.client("s3")
    code = s3.get_object(Bucket=BUCKET, Key=f"{ASSET_ID}.zip")["Body"].read()
    assert code == zip_directory(assembly / f"asset.{ASSET_ID}")  # the deployer's deterministic zip
    assert sorted(zipfile.ZipFile(io.BytesIO(code)).namelist()) == ["handler.py", "pkg/__init__.py"]
    [rule] = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == ENCRYPTION["Rules"][0]["ApplyServerSideEncryptionByDefault"]


def test_fails_naming_the_resource_moto_rejects(backend: MotoBackend, tmp_path: Path) -> None:
    assembly = write_assembly(tmp_path / "cdk.out", "broken-dev", {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "no spaces allowed"}},
    })
    with pytest.raises(DeployError, match="broken-dev.*alphanumeric characters, hyphens, or underscores"):
        deploy(backend, empty_app(tmp_path), assembly, "broken-dev")


def test_fails_on_a_folder_that_is_not_an_assembly(backend: MotoBackend, tmp_path: Path) -> None:
    with pytest.raises(AssemblyError, match="not a cloud assembly"):
        deploy(backend, empty_app(tmp_path), tmp_path, "shop-dev")
