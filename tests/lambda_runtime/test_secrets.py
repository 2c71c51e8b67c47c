"""Secrets into os.environ at cold start, from moto's SSM and Secrets Manager."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lambda_runtime import entry
from lambda_runtime.contract import ENV_SECRETS
from lambda_runtime.secrets import SSM_BATCH, SecretUnavailable, load_secrets
from motia import runtime as motia_runtime
from tests.lambda_runtime.conftest import STEPS_ROOT, config_for, load_step

REPO = Path(__file__).resolve().parents[2]


def test_reads_parameters_in_batches_with_decryption_and_secrets_manager_strings(aws: Any) -> None:
    ssm = aws.client("ssm")
    count = SSM_BATCH + 2  # two GetParameters calls
    for i in range(count):
        ssm.put_parameter(Name=f"/motia/shop/prod/KEY_{i}", Value=f"value-{i}", Type="SecureString")
    aws.client("secretsmanager").create_secret(Name="prod/stripe", SecretString="sk_live_x")
    references = {f"KEY_{i}": f"ssm:/motia/shop/prod/KEY_{i}" for i in range(count)}
    environ = {ENV_SECRETS: json.dumps({**references, "STRIPE": "secretsmanager:prod/stripe"})}
    assert load_secrets(environ) == count + 1
    assert environ["KEY_0"] == "value-0" and environ[f"KEY_{count - 1}"] == f"value-{count - 1}"
    assert environ["STRIPE"] == "sk_live_x"


def test_fails_naming_every_missing_parameter_and_secret(aws: Any) -> None:
    with pytest.raises(SecretUnavailable, match="/a/gone, /b/gone do not exist.*motia secrets set"):
        load_secrets({ENV_SECRETS: json.dumps({"AA": "ssm:/b/gone", "BB": "ssm:/a/gone"})})
    with pytest.raises(SecretUnavailable, match="secret 'nope' does not exist"):
        load_secrets({ENV_SECRETS: json.dumps({"AA": "secretsmanager:nope"})})


def test_a_function_without_secrets_reads_nothing_and_never_imports_boto3() -> None:
    code = "import os, sys; from lambda_runtime.secrets import load_secrets; n = load_secrets(dict(os.environ)); print(n, 'boto3' in sys.modules, 'json' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != ENV_SECRETS}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**env, "PYTHONPATH": str(REPO)},
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False", "False"]


def test_the_step_file_sees_its_secret_when_imported_at_cold_start(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    aws.client("ssm").put_parameter(Name="/motia/shim-test/ci/SHIM_TEST_API_KEY", Value="s3cr3t", Type="SecureString")
    config = config_for(load_step("steps/secret_reader_step.py", "SecretReader"))
    monkeypatch.setenv("MOTIA_CODE_ROOT", str(STEPS_ROOT))
    monkeypatch.setenv("MOTIA_FUNCTION", config.to_json())
    monkeypatch.setenv(ENV_SECRETS, json.dumps({"SHIM_TEST_API_KEY": "ssm:/motia/shim-test/ci/SHIM_TEST_API_KEY"}))
    monkeypatch.delenv("SHIM_TEST_API_KEY", raising=False)
    sys.modules.pop("steps.secret_reader_step", None)
    entry.reset()
    try:
        fn = entry.load()
        assert os.environ["SHIM_TEST_API_KEY"] == "s3cr3t"
        assert sys.modules[fn.step.handler.__module__].API_KEY == "s3cr3t"
    finally:
        os.environ.pop("SHIM_TEST_API_KEY", None)
        entry.reset()
        motia_runtime.install(None)
