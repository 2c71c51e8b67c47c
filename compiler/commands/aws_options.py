"""Options and helpers `motia deploy` and `motia destroy` share: the AWS target and confirmation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

from compiler.errors import UsageError

if TYPE_CHECKING:  # boto3 costs ~0.3 s to import; `motia plan` builds this parser too
    from compiler.deploy.aws import AwsTarget

__all__ = ["add_aws_options", "confirm_from_terminal", "require_terminal", "target_from_args"]


def add_aws_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region", default=None, metavar="R",
        help="AWS region to deploy to (default: AWS_REGION / AWS_DEFAULT_REGION, then your profile's region)",
    )
    parser.add_argument(
        "--profile", default=None, metavar="NAME",
        help="AWS profile from ~/.aws/config (default: AWS_PROFILE, then the default credential chain)",
    )
    parser.add_argument(
        "--endpoint-url", default=None, metavar="URL",
        help="send every AWS call to this endpoint instead of AWS, e.g. a moto server: http://127.0.0.1:5000",
    )
    parser.add_argument(
        "--yes", "-y", action="store_true",
        help="do not ask for confirmation (required when not running in a terminal, e.g. in CI)",
    )


def target_from_args(args: argparse.Namespace) -> AwsTarget:
    from compiler.deploy.aws import AwsTarget

    return AwsTarget(region=args.region or settings_region(args), endpoint_url=args.endpoint_url, profile=args.profile)


def settings_region(args: argparse.Namespace) -> str | None:
    """The project settings' region, when --region is not given (read before compiling: the
    client comes first). A broken settings file is reported by the compile that follows."""
    from compiler.settings import load_settings

    app_dir = getattr(args, "app_dir", None)
    if app_dir is None or getattr(args, "assembly", None) is not None:
        return None
    return load_settings(Path(app_dir), getattr(args, "stage", "dev"))[0].region if Path(app_dir).is_dir() else None


def require_terminal(command: str) -> None:
    """A usage error unless stdin is a terminal to ask on (CI must pass --yes)."""
    if not sys.stdin.isatty():
        raise UsageError(f"not asking for confirmation without a terminal; pass --yes to {command} without asking")


def confirm_from_terminal(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> Callable[[str], bool]:
    """A y/N question on the terminal; anything but y/yes declines."""
    def confirm(question: str) -> bool:
        stdout.write(f"{question} [y/N] ")
        stdout.flush()
        answer = stdin.readline()
        return answer.strip().lower() in ("y", "yes")

    return confirm
