"""compiler/emit/type_checks.py: jsii's argument checks off while the emitters run, and the
emitters correct under them (every IR kind, every setting, flat and nested)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from compiler.emit import type_checks
from compiler.emit.type_checks import argument_checks_off, argument_checks_on
from compiler.ir import Realtime
from compiler.settings import parse_settings
from compiler.synth import configure_jsii_environment
from tests.compiler.emit.ir_fixtures import PREFIX, every_kind
from tests.compiler.emit.test_settings_emit import SETTINGS_TABLE

configure_jsii_environment()
from aws_cdk import App, Stack, aws_lambda as lambda_, aws_sqs as sqs  # noqa: E402

from compiler.emit.stack import emit_application  # noqa: E402

pytestmark = pytest.mark.slow


def wrongly_typed_queue(stack: Stack, queue_id: str) -> None:
    sqs.Queue(stack, queue_id, retention_period="two weeks")  # type: ignore[arg-type]


def test_off_leaves_a_wrong_argument_to_node_and_on_checks_it_in_python() -> None:
    stack = Stack(App(), "checks")
    with pytest.raises(TypeError, match="retention_period"):
        wrongly_typed_queue(stack, "Checked")
    with argument_checks_off():
        with pytest.raises(RuntimeError):  # Node's own failure: typeguard never saw the call
            wrongly_typed_queue(stack, "Unchecked")
        with argument_checks_on(), pytest.raises(TypeError, match="retention_period"):
            wrongly_typed_queue(stack, "HookChecked")
    with pytest.raises(TypeError, match="retention_period"):  # restored after the block
        wrongly_typed_queue(stack, "CheckedAgain")


def test_the_emitters_pass_jsii_s_checks_for_every_kind_setting_and_layout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type_checks, "ENABLED", True)
    settings, problems = parse_settings(SETTINGS_TABLE, "test")
    assert problems == []
    realtime = Realtime(connections_table=f"{PREFIX}-connections", socket_function=f"{PREFIX}-streams-ws",
                        fanout_function=f"{PREFIX}-streams-fanout")
    plain = every_kind(Path("/project"))
    full = dataclasses.replace(plain, settings=settings, realtime=realtime)
    code = tmp_path / "code"
    code.mkdir()
    (code / "placeholder.py").write_text("")
    cdk_app = App(outdir=str(tmp_path / "out"))
    for name, app in (("plain", plain), ("full", full)):
        emit_application(cdk_app, f"{name}-flat", app, lambda_.Code.from_asset(str(code)))
        emit_application(cdk_app, f"{name}-nested", app, lambda_.Code.from_asset(str(code)),
                         new_code=lambda: lambda_.Code.from_asset(str(code)))
    cdk_app.synth()
