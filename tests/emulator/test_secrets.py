"""`motia dev` reads secrets as AWS does: local values stored in moto, read by the shim."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

import pytest

from compiler.emulator.secrets import MissingLocalSecret, _secret_name, provide_secrets
from compiler.emulator.testing import Client, running_app
from compiler.pipeline import compile_project
from lambda_runtime.contract import ENV_SECRETS
from tests.compiler.projects import step_source, write_project

STRIPE_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/stripe-AbCdEf"
VARIABLES = ("SEC_API_KEY", "SEC_DB_URL", "SEC_STRIPE", "SEC_SHARED")
ALL_VARIABLES = (*VARIABLES, "SEC_GREETING")
READ_SECRETS = step_source(
    '{"name": "ReadSecrets", "triggers": [http("GET", "/secrets")]}',
    "import os\n"
    "AT_IMPORT = os.environ.get('SEC_API_KEY', 'NOT_SET')  # read when the step file is imported\n\n"
    "async def handler(request, ctx):\n"
    f"    values = {{name: os.environ.get(name, 'NOT_SET') for name in {VARIABLES!r}}}\n"
    "    return ApiResponse(status=200, body={**values, 'at_import': AT_IMPORT, 'plain': os.environ.get('SEC_GREETING')})\n",
)
FILES = {
    "steps/read_secrets_step.py": READ_SECRETS,
    ".env": "SEC_GREETING=hello\nSEC_API_KEY=secret:\nSEC_SHARED=secretsmanager:shared/token\n",
    ".env.dev": f"SEC_DB_URL=ssm:/shared/db-url\nSEC_STRIPE=secretsmanager:{STRIPE_ARN}\n",
    ".env.secrets": "SEC_API_KEY=local-api-key\nSEC_DB_URL=postgres://local\nSEC_STRIPE=sk_test_local\nSEC_SHARED=tok\n",
}


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    assert not any(name in os.environ for name in ALL_VARIABLES), "the test's variables must not be exported"
    root = write_project(tmp_path_factory.mktemp("secretsapp"), FILES)
    with running_app(root) as emu:
        yield emu
    assert not any(name in os.environ for name in ALL_VARIABLES), "stopping the emulator takes the secrets back"


@pytest.mark.slow
def test_every_kind_of_secret_reaches_the_step_at_import_and_in_the_handler(emulator: Client) -> None:
    status, body = emulator.get_json("/secrets")
    assert status == 200
    assert body == {"SEC_API_KEY": "local-api-key", "SEC_DB_URL": "postgres://local", "SEC_STRIPE": "sk_test_local",
                    "SEC_SHARED": "tok", "at_import": "local-api-key", "plain": "hello"}


@pytest.mark.slow
def test_local_values_sit_in_moto_under_the_names_the_stage_reads_on_aws(emulator: Client) -> None:
    ssm = emulator.backend.client("ssm")
    own = ssm.get_parameter(Name=f"/motia/{emulator.app.name}/dev/SEC_API_KEY", WithDecryption=True)["Parameter"]
    shared = ssm.get_parameter(Name="/shared/db-url", WithDecryption=True)["Parameter"]
    assert (own["Type"], own["Value"], shared["Type"], shared["Value"]) == (
        "SecureString", "local-api-key", "SecureString", "postgres://local")
    sm = emulator.backend.client("secretsmanager")
    assert sm.get_secret_value(SecretId="prod/stripe")["SecretString"] == "sk_test_local"
    assert sm.get_secret_value(SecretId="shared/token")["SecretString"] == "tok"


@pytest.mark.slow
def test_the_deployed_environment_holds_secret_names_only(emulator: Client) -> None:
    assert emulator.deployment is not None
    [site] = emulator.deployment.functions
    references = json.loads(site.env[ENV_SECRETS])
    assert references["SEC_STRIPE"] == f"secretsmanager:{STRIPE_ARN}"
    assert not {"local-api-key", "postgres://local", "sk_test_local"} & set(site.env.values())


def test_fails_to_start_naming_each_secret_without_a_local_value_the_file_and_the_fix(tmp_path: Path) -> None:
    files = {**FILES, ".env.secrets": "SEC_API_KEY=local-api-key\nSEC_SHARED=tok\n"}
    app = compile_project(write_project(tmp_path, files), stage="dev")

    def no_client(service: str) -> None:
        raise AssertionError("nothing is stored before every secret has a value")

    with pytest.raises(MissingLocalSecret) as error:
        provide_secrets(app, {}, no_client, environ={})
    message = str(error.value)
    assert "SEC_DB_URL (ssm:/shared/db-url)" in message and f"SEC_STRIPE (secretsmanager:{STRIPE_ARN})" in message
    assert "SEC_API_KEY" not in message.split("referenced in")[0]
    assert str(tmp_path / ".env.secrets") in message and "SEC_DB_URL=<local value>" in message
    assert ".env or .env.dev" in message and "Traceback" not in message


def test_an_app_without_secrets_stores_and_reads_nothing(tmp_path: Path) -> None:
    app = compile_project(write_project(tmp_path, {"steps/read_secrets_step.py": READ_SECRETS}), stage="dev")

    def no_client(service: str) -> None:
        raise AssertionError("no secret, no AWS call")

    assert provide_secrets(app, {}, no_client, environ={}).variables == ()


@pytest.mark.parametrize("secret_id, name", [
    (STRIPE_ARN, "prod/stripe"),
    ("arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/stripe", "prod/stripe"),
    ("arn:aws:secretsmanager:eu-west-1:111122223333:secret:my-api-key-2024xx", "my-api-key"),
])
def test_a_secret_arn_names_the_secret_without_aws_s_suffix(secret_id: str, name: str) -> None:
    assert _secret_name(secret_id) == name
