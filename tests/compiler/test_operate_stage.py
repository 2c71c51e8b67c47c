"""`motia outputs` and `motia status` against a stack in a moto server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compiler.cli import main
from tests.compiler.operate_stage import REGION, create_stack, moto_server, step_function

pytestmark = pytest.mark.slow

STACK = "shop-dev"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        create_stack(url, STACK, {"CreateOrderFunction": step_function(STACK, "CreateOrder", memory_mb=256, timeout_s=20)},
                     {"ApiUrl": {"Value": "https://abc.execute-api.us-east-1.amazonaws.com/", "Description": "HTTP API base URL"}})
        yield url


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
