"""Options and helpers `motia deploy` and `motia destroy` share: the AWS target and confirmation."""

from __future__ import annotations

import argparse
import sys
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

    return AwsTarget(region=args.region, endpoint_url=args.endpoint_url, profile=args.profile)


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
