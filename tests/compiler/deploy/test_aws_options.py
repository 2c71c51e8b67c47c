from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from compiler.cli import build_parser
from compiler.commands.aws_options import confirm_from_terminal, target_from_args
from compiler.deploy.aws import AwsTarget


def test_only_yes_confirms() -> None:
    answers = {"y\n": True, "YES\n": True, "\n": False, "n\n": False, "": False, "yep\n": False}
    for typed, expected in answers.items():
        out = io.StringIO()
        assert confirm_from_terminal(io.StringIO(typed), out)("Deploy?") is expected
        assert out.getvalue() == "Deploy? [y/N] "


def test_aws_options_make_the_target() -> None:
    args = build_parser().parse_args(["deploy", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:5000",
                                      "--profile", "ci"])
    assert target_from_args(args) == AwsTarget("eu-west-1", "http://127.0.0.1:5000", "ci")


def test_destroy_takes_the_same_aws_options() -> None:
    args = build_parser().parse_args(["destroy", "--region", "eu-west-1", "--yes", "--discard-dead-letters"])
    assert (args.region, args.yes, args.discard_dead_letters) == ("eu-west-1", True, True)


REPO = Path(__file__).resolve().parents[3]


def test_building_the_parser_does_not_import_boto3() -> None:
    code = ("import sys, compiler.cli; compiler.cli.build_parser(); "
            "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_the_settings_region_is_the_default_and_region_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.motia-aws]\nregion = "eu-west-1"\n[tool.motia-aws.stages.prod]\nregion = "us-west-2"\n')
    deploy = ["deploy", "--app-dir", str(tmp_path)]
    assert target_from_args(build_parser().parse_args(deploy)).region == "eu-west-1"
    assert target_from_args(build_parser().parse_args([*deploy, "--stage", "prod"])).region == "us-west-2"
    assert target_from_args(build_parser().parse_args([*deploy, "--region", "sa-east-1"])).region == "sa-east-1"
