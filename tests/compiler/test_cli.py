"""`motia`: the command table, and that a command imports only its own module."""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap

import pytest

from compiler.cli import COMMANDS, build_parser, main
from tests.conftest import EXAMPLES, REPO


def listed_help(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    """Each subcommand and its line in `motia --help`."""
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action.help for action in subparsers._choices_actions}


def loaded_after(call: str) -> set[str]:
    """The modules a fresh interpreter holds after `call` (a `main([...])` that may exit)."""
    code = textwrap.dedent(f"""
        import contextlib, io, sys
        from compiler.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            {call}
        print(" ".join(sorted(sys.modules)))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return set(result.stdout.split())


def test_the_command_table_repeats_each_modules_own_help() -> None:
    assert listed_help(build_parser()) == {command.name: command.help for command in COMMANDS}


def test_help_lists_every_command_without_importing_any(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command.name in out and command.help in out
    loaded = loaded_after("main(['--help'])")
    assert sorted(m for m in loaded if m.startswith("compiler.commands.")) == []
    assert "pydantic" not in loaded


def test_plan_help_shows_the_options_of_plan(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    out = capsys.readouterr().out
    assert "--app-dir" in out and "--json" in out


def test_plan_imports_neither_the_other_commands_nor_aws_libraries() -> None:
    loaded = loaded_after(f"main(['plan', '--app-dir', {str(EXAMPLES / 'orders')!r}])")
    assert "compiler.commands.plan" in loaded
    others = {c.module for c in COMMANDS if c.name != "plan"}
    heavy = {"boto3", "botocore", "aws_cdk", "jsii", "moto", "compiler.synth", "compiler.emulator"}
    assert sorted((others | heavy) & loaded) == []


def test_rejects_an_unknown_command_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["plna"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'plna'" in capsys.readouterr().err
