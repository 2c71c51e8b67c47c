"""`motia outputs`: what the deployed stage exposes (API URL, tables, topics)."""

from __future__ import annotations

import argparse
import json
import sys

from compiler.commands.aws_options import add_aws_options, target_from_args
from compiler.commands.common import add_project_options, stack_name_of
from compiler.report import table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "outputs",
        help="print the deployed API URL, tables and topics",
        description=(
            "Print the outputs of the deployed stack <app>-<stage>: the HTTP API URL, the DynamoDB "
            "table names and the SNS topic ARNs. Reads CloudFormation only; nothing is compiled. "
            "Exit status: 0 printed, 1 no such stack or an AWS error, 2 usage error."
        ),
    )
    add_project_options(parser)
    add_aws_options(parser)
    parser.add_argument("--json", action="store_true", help="print {stack, outputs: {key: value}} as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from compiler.deploy.aws import connect
    from compiler.operate.stage import deployed_stack, outputs_of

    stack_name = stack_name_of(args)
    outputs = outputs_of(deployed_stack(connect(target_from_args(args)), stack_name))
    if args.json:
        json.dump({"stack": stack_name, "outputs": {k: v for k, v, _ in outputs}}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(stack_name)
    print("\n".join(table(("output", "value", "what"), outputs)) if outputs else "  (the stack has no outputs)")
    return 0
