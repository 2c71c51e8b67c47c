"""`motia secrets set|list|rm NAME`: the stage's secret values, SecureStrings in SSM under
/motia/<app>/<stage>/NAME, read by every function whose `.env` says `NAME=secret:`."""

from __future__ import annotations

import argparse
import sys

from compiler.commands.aws_options import target_from_args
from compiler.commands.common import add_project_options, project_dir
from compiler.errors import UsageError
from compiler.report import table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "secrets",
        help="manage the stage's secrets (SSM SecureStrings)",
        description=(
            "Manage the stage's secrets: SecureString parameters named /motia/<app>/<stage>/NAME. "
            "A function reads one at cold start when the project's .env or .env.<stage> says "
            "NAME=secret:. `set` reads the value from standard input (piped, or typed without echo), "
            "never from the command line, so it stays out of shell history. `list` shows names and "
            "versions, never values. Exit status: 0 done, 1 an AWS error, 2 usage error."
        ),
    )
    parser.add_argument("action", choices=("set", "list", "rm"), help="what to do")
    parser.add_argument("name", nargs="?", help="the variable's name (for set and rm)")
    add_project_options(parser)
    # --yes would mean nothing here: the rest of the AWS options, as `motia deploy` has them.
    parser.add_argument("--region", default=None, metavar="R", help="AWS region (default: AWS_REGION, then your profile's)")
    parser.add_argument("--profile", default=None, metavar="NAME", help="AWS profile from ~/.aws/config")
    parser.add_argument("--endpoint-url", default=None, metavar="URL", help="send the calls here instead of AWS, e.g. a moto server")
    parser.set_defaults(run=run)


def read_value(name: str) -> str:
    """The value from a pipe (one trailing newline dropped) or typed at a prompt without echo."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"value of {name}: ")
    value = sys.stdin.read()
    return value[:-1] if value.endswith("\n") else value


def run(args: argparse.Namespace) -> int:
    from compiler.secrets_store import delete_secret, list_secrets, put_secret, ssm_client
    from compiler.stage_environment import name_problem, stage_folder

    app_name = args.app_name or project_dir(args).resolve().name
    folder = stage_folder(app_name, args.stage)
    if args.action != "list":
        problem = "a name is required" if not args.name else name_problem(args.name)
        if problem:
            raise UsageError(f"motia secrets {args.action}: {problem}; e.g. motia secrets {args.action} OPENAI_API_KEY --stage prod")
    target = target_from_args(args)
    ssm = ssm_client(target)
    if args.action == "list":
        stored = list_secrets(ssm, target, folder)
        print(f"{folder}/")
        rows = [(s.name, str(s.version), s.last_modified) for s in stored]
        print("\n".join(table(("name", "version", "last changed"), rows)) if rows else "  (no secrets)")
        return 0
    parameter = f"{folder}/{args.name}"
    if args.action == "set":
        value = read_value(args.name)
        if not value:
            raise UsageError(f"motia secrets set: the value of {args.name} is empty; pipe it in, e.g. printf %s \"$KEY\" | motia secrets set {args.name}")
        version = put_secret(ssm, target, parameter, value)
        print(f"{parameter}: version {version} (SecureString); functions read it at their next cold start")
        return 0
    delete_secret(ssm, target, parameter)
    print(f"{parameter}: removed")
    return 0
