"""`.env` / `.env.<stage>` into the model: plain values, secret references, their problems."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from compiler import ir
from compiler.function_configs import environment_problems
from compiler.pipeline import compile_project
from compiler.stage_environment import function_variables, local_secret_values, local_values, read_stage_environment
from lambda_runtime.contract import ENV_SECRETS
from tests.compiler.projects import step_source, write_project

STEP = step_source('{"name": "Ping", "triggers": [http("GET", "/ping")]}')


def project(root: Path, **env_files: str) -> Path:
    files = {"steps/ping_step.py": STEP}
    files.update({name.replace("_", "."): text for name, text in env_files.items()})
    return write_project(root, files)


def test_the_stage_file_wins_and_references_become_secrets(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        _env="GREETING=hello\nAPI_KEY=local-key\nDB=ssm:/shared/db-url\n",
        _env_prod="GREETING=${GREETING} prod\nAPI_KEY=secret:\nSTRIPE=secretsmanager:prod/stripe\n",
    )
    app = compile_project(root, stage="prod", app_name="shop")
    assert not app.errors
    assert app.environment == (("GREETING", "hello prod"),)
    assert app.secrets == (
        ir.SecretReference("API_KEY", "ssm", "/motia/shop/prod/API_KEY"),
        ir.SecretReference("DB", "ssm", "/shared/db-url"),
        ir.SecretReference("STRIPE", "secretsmanager", "prod/stripe"),
    )
    variables = function_variables(app)
    assert json.loads(variables.pop(ENV_SECRETS)) == {
        "API_KEY": "ssm:/motia/shop/prod/API_KEY", "DB": "ssm:/shared/db-url", "STRIPE": "secretsmanager:prod/stripe",
    }
    assert variables == {"GREETING": "hello prod"}


def test_another_stage_reads_only_dot_env(tmp_path: Path) -> None:
    root = project(tmp_path, _env="API_KEY=local-key\n", _env_prod="API_KEY=secret:\n")
    app = compile_project(root, stage="dev")
    assert (app.environment, app.secrets) == ((("API_KEY", "local-key"),), ())


def test_a_project_without_env_files_adds_nothing_to_the_environment(tmp_path: Path) -> None:
    app = compile_project(project(tmp_path), stage="dev")
    assert (app.environment, app.secrets, function_variables(app)) == ((), (), {})


def test_rejects_reserved_and_malformed_names_bad_references_and_bad_lines(tmp_path: Path) -> None:
    root = project(tmp_path, _env="AWS_REGION=x\nMOTIA_FUNCTION=x\nmy.key=1\nDB=ssm:\nSM=secretsmanager:\n= oops\nX=1\n")
    problems = read_stage_environment(root, "a", "dev").diagnostics
    messages = sorted(d.message for d in problems)
    assert [d.file for d in problems] == [".env"] * 7
    assert any("line 6 is not KEY=value" in m for m in messages)
    assert any("'AWS_REGION' is reserved" in m for m in messages)
    assert any("'MOTIA_FUNCTION' is reserved" in m for m in messages)
    assert any("'my.key' is not a name Lambda accepts" in m for m in messages)
    assert any("'X' is not a name Lambda accepts (two characters or more" in m for m in messages)  # Lambda's rule
    assert any(m.startswith("DB: 'ssm:' names no SSM parameter") for m in messages)
    assert any(m.startswith("SM: 'secretsmanager:' names no secret") for m in messages)
    assert compile_project(root).errors


def test_fails_when_env_values_push_a_function_over_lambdas_4_kb(tmp_path: Path) -> None:
    root = project(tmp_path, _env=f"BIG={'x' * 4000}\n")
    [problem] = environment_problems(compile_project(root))
    assert "over Lambda's 4096-byte environment limit" in problem.message
    assert "the .env values and secret names 4003" in problem.message


def test_rejects_include_files_that_would_ship_local_secret_values(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "steps/ping_step.py": step_source('{"name": "Ping", "triggers": [http("GET", "/p")], "includeFiles": ["../.env.secrets"]}'),
        ".env.secrets": "API_KEY=real\n",
    })
    [error] = compile_project(root).errors
    assert "include_files would ship '.env.secrets'" in error.message


def test_motia_dev_takes_plain_values_but_the_shell_wins_and_no_secret(tmp_path: Path) -> None:
    root = project(tmp_path, _env="AA=1\nBB=2\nAPI_KEY=secret:\n")
    (root / ".env.secrets").write_text("API_KEY=local-secret\n")
    assert local_values(root, "app", "dev", {"BB": "shell"}) == {"AA": "1"}


def test_local_secret_values_come_from_the_shell_else_env_secrets_and_name_the_missing(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".env.secrets").write_text("API_KEY=from-file\nTOKEN=file-token\nUNUSED=x\n")
    secrets = tuple(ir.SecretReference(v, "ssm", f"/p/{v}") for v in ("API_KEY", "DB", "TOKEN"))
    assert local_secret_values(root, secrets, {"TOKEN": "shell-token"}) == (
        {"API_KEY": "from-file", "TOKEN": "shell-token"}, ("DB",))


def test_plan_lists_plain_names_and_where_each_secret_is_read_but_no_value(tmp_path: Path) -> None:
    from compiler.plan_text import render_plan

    root = project(tmp_path, _env="GREETING=hello-value\nAPI_KEY=secret:\n")
    text = render_plan(compile_project(root, stage="prod", app_name="shop"))
    assert "  plain:  GREETING" in text and "hello-value" not in text
    assert "API_KEY" in text and "ssm:/motia/shop/prod/API_KEY" in text


def test_motia_dev_puts_the_plain_values_in_its_process_before_compiling_but_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from compiler.commands.dev import load_local_environment

    root = project(tmp_path, _env="DEV_GREETING=hi\nDEV_TOKEN=secret:\nDEV_OTHER=ssm:/x\n")
    (root / ".env.secrets").write_text("DEV_TOKEN=local\n")
    for name in ("DEV_GREETING", "DEV_TOKEN", "DEV_OTHER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("os.environ", dict(os.environ))  # the test's changes stay in the test
    load_local_environment(root, "dev")
    assert (os.environ["DEV_GREETING"], "DEV_TOKEN" in os.environ, "DEV_OTHER" in os.environ) == ("hi", False, False)
    assert "environment: 1 value(s) from .env files" in capsys.readouterr().out


def test_step_files_read_the_stage_variables_at_import_on_every_command(tmp_path: Path) -> None:
    """Motia loads `.env` for every command: a module-level os.environ read imports in plan and
    synth too; a secret without a local value gets a placeholder (its value is in SSM only)."""
    from tests.compiler.projects import step_source, write_project

    source = step_source('{"name": "Ask", "triggers": [http("GET", "/ask")]}',
                         'import os\n\nURL = os.environ["API_URL"]\nKEY = os.environ["OPENAI_API_KEY"]\n\n'
                         'async def handler(request, ctx):\n    return {"status": 200, "body": URL}\n')
    root = write_project(tmp_path, {"steps/ask_step.py": source, ".env": "API_URL=https://api.example.com\n",
                                    ".env.prod": "OPENAI_API_KEY=secret:\n"})
    app = compile_project(root, stage="prod", app_name="shop")
    assert app.errors == ()
    assert [s.variable for s in app.secrets] == ["OPENAI_API_KEY"]
    assert "API_URL" not in os.environ and "OPENAI_API_KEY" not in os.environ  # taken out after the imports
