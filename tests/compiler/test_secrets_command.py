"""`motia secrets set|list|rm` against a moto server; the shim then reads what `set` wrote."""

from __future__ import annotations

import io
import json
from pathlib import Path

import boto3
import pytest

from compiler.cli import main
from lambda_runtime import aws_clients
from lambda_runtime.contract import ENV_SECRETS
from lambda_runtime.secrets import load_secrets
from tests.compiler.moto_server import REGION, endpoint

__all__ = ["endpoint"]  # the module's moto server (a fixture, used by name)

pytestmark = pytest.mark.slow


def secrets(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, endpoint: str, app_dir: Path,
            *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(["secrets", *args, "--app-dir", str(app_dir), "--app-name", "shop", "--endpoint-url", endpoint, "--region", REGION])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_set_list_rm_round_trip_and_the_shim_reads_the_value(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, out, _ = secrets(capsys, monkeypatch, endpoint, tmp_path, "set", "OPENAI_API_KEY", "--stage", "prod", stdin="sk-123\n")
    assert status == 0 and "/motia/shop/prod/OPENAI_API_KEY: version 1 (SecureString)" in out
    ssm = boto3.client("ssm", region_name=REGION, endpoint_url=endpoint)
    stored = ssm.get_parameter(Name="/motia/shop/prod/OPENAI_API_KEY", WithDecryption=True)["Parameter"]
    assert (stored["Type"], stored["Value"]) == ("SecureString", "sk-123")

    secrets(capsys, monkeypatch, endpoint, tmp_path, "set", "OPENAI_API_KEY", "--stage", "prod", stdin="sk-456")
    status, out, _ = secrets(capsys, monkeypatch, endpoint, tmp_path, "list", "--stage", "prod")
    assert status == 0 and "OPENAI_API_KEY" in out and " 2 " in out and "sk-456" not in out

    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    aws_clients.reset()
    try:
        environ = {ENV_SECRETS: json.dumps({"OPENAI_API_KEY": "ssm:/motia/shop/prod/OPENAI_API_KEY"})}
        load_secrets(environ)
        assert environ["OPENAI_API_KEY"] == "sk-456"
    finally:
        aws_clients.reset()

    status, out, _ = secrets(capsys, monkeypatch, endpoint, tmp_path, "rm", "OPENAI_API_KEY", "--stage", "prod")
    assert status == 0 and "removed" in out
    status, out, _ = secrets(capsys, monkeypatch, endpoint, tmp_path, "list", "--stage", "prod")
    assert "(no secrets)" in out


def test_fails_to_remove_a_secret_that_does_not_exist(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, _, err = secrets(capsys, monkeypatch, endpoint, tmp_path, "rm", "NOPE_KEY")
    assert status == 1 and "there is no secret /motia/shop/dev/NOPE_KEY" in err and "Traceback" not in err


def test_rejects_a_missing_or_invalid_name_and_an_empty_value(
    endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert secrets(capsys, monkeypatch, endpoint, tmp_path, "set")[0] == 2
    status, _, err = secrets(capsys, monkeypatch, endpoint, tmp_path, "set", "MOTIA_X", stdin="v")
    assert status == 2 and "reserved" in err
    status, _, err = secrets(capsys, monkeypatch, endpoint, tmp_path, "set", "API_KEY", stdin="")
    assert status == 2 and "is empty" in err
