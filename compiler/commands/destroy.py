"""`motia destroy`: delete the stack; tables are kept, dead letters are not silently lost."""

from __future__ import annotations

import argparse
from typing import Callable

from compiler.commands.aws_options import (
    add_aws_options,
    confirm_from_terminal,
    require_terminal,
    target_from_args,
)
from compiler.commands.common import add_project_options, stack_name_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "destroy",
        help="delete the project's stack from AWS (tables are kept)",
        description=(
            "Delete the CloudFormation stack <app>-<stage> of the project. DynamoDB tables "
            "(state and streams) are retained (DeletionPolicy RetainExceptOnCreate) and stay in the account with their "
            "data; the command lists them. If a dead-letter queue still holds failed messages "
            "the stack is not deleted unless --discard-dead-letters is given. The asset bucket is "
            "kept (other stacks share it). Exit status: 0 deleted or nothing to delete, 1 refused, "
            "declined or failed, 2 usage error."
        ),
    )
    add_project_options(parser)
    add_aws_options(parser)
    parser.add_argument(
        "--discard-dead-letters", action="store_true",
        help="delete dead-letter queues even when they hold failed messages",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return destroy_command(args)


def destroy_command(args: argparse.Namespace, emit: Callable[[str], None] | None = None) -> int:
    """The whole command; the exit status, or a `MotiaError`."""
    # boto3 only now: every command module is imported to build `motia --help`.
    from compiler.deploy.aws import account_id, connect
    from compiler.deploy.teardown import DestroyOptions, destroy_stack

    emit = emit or (lambda line: print(line, flush=True))
    if not args.yes:
        require_terminal("destroy")
    # The stack name needs only the app name and stage: no compile, so a broken project can be destroyed.
    stack_name = stack_name_of(args)
    clients = connect(target_from_args(args))
    account_id(clients)
    confirm = (lambda _question: True) if args.yes else confirm_from_terminal()
    return destroy_stack(clients, stack_name, emit,
                         DestroyOptions(confirm=confirm, discard_dead_letters=args.discard_dead_letters))
