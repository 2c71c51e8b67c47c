"""`motia dlq`: the deployed stage's dead letters: list, show, redrive, purge."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING, Any

from compiler.commands.aws_options import add_aws_options, confirm_from_terminal, require_terminal, target_from_args
from compiler.commands.common import add_project_options, stack_name_of
from compiler.report import table

if TYPE_CHECKING:
    from compiler.deploy.aws import Clients
    from compiler.operate.dead_letters import DeadLetterQueue

DEFAULT_SHOWN = 10


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dlq",
        help="list, show, redrive or purge the deployed stage's dead letters",
        description=(
            "The deployed stage's dead letters, per step: queue subscriptions' dead-letter queues "
            "(messages that failed every attempt), state and stream triggers' failure queues (failed "
            "records) and cron schedules' dead-letter queues (ticks that never reached the function). "
            "Reads AWS only; nothing is compiled. Exit status: 0 done, 1 an AWS error or a declined "
            "purge, 2 usage error."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="each dead-letter queue with its message count",
                                 description="List every dead-letter and failure queue of the stage with its step and message count.")
    show = actions.add_parser("show", help="print a step's dead-lettered messages (the queue is left as it was)",
                              description="Print the messages in STEP's dead-letter queues: when each was sent, its "
                                          "age, how often it was received and its body. Nothing is deleted.")
    show.add_argument("step", metavar="STEP", help="the step's name, as `motia dlq list` shows it")
    show.add_argument("--limit", type=int, default=DEFAULT_SHOWN, metavar="N",
                      help=f"at most N messages per queue (default: {DEFAULT_SHOWN})")
    redrive = actions.add_parser("redrive", help="move a step's dead letters back to its queues, to run again",
                                 description="Move the messages of STEP's subscription dead-letter queues back to the "
                                             "queues they came from (an SQS message move task), so the step runs them again.")
    redrive.add_argument("step", metavar="STEP", help="the step's name")
    purge = actions.add_parser("purge", help="delete a step's dead letters (asks first)",
                               description="Delete every message in STEP's dead-letter and failure queues. Asks for "
                                           "confirmation unless --yes is given.")
    purge.add_argument("step", metavar="STEP", help="the step's name")
    for sub in (listing, show, redrive, purge):
        add_project_options(sub)
        add_aws_options(sub)
        if sub is not purge:
            sub.add_argument("--json", action="store_true", help="print the result as JSON")
        sub.set_defaults(run=run)
    parser.set_defaults(run=run)


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def _queue_json(queue: DeadLetterQueue) -> dict[str, Any]:
    return {**dataclasses.asdict(queue), "redrivable": queue.redrivable}


def run(args: argparse.Namespace) -> int:
    from compiler.deploy.aws import connect
    from compiler.operate.dead_letters import find_dead_letter_queues

    if args.action == "purge" and not args.yes:
        require_terminal("purge")
    clients = connect(target_from_args(args))
    stack_name = stack_name_of(args)
    queues = find_dead_letter_queues(clients, stack_name)
    if args.action == "list":
        return _list(args, stack_name, queues)
    return {"show": _show, "redrive": _redrive, "purge": _purge}[args.action](args, clients, queues)


def _list(args: argparse.Namespace, stack_name: str, queues: tuple[DeadLetterQueue, ...]) -> int:
    if args.json:
        _print_json({"stack": stack_name, "queues": [_queue_json(q) for q in queues]})
        return 0
    print(f"{stack_name}: {sum(q.messages for q in queues)} dead letter(s) in {len(queues)} queue(s)")
    if queues:
        rows = [(q.step, q.kind, q.source, q.messages, "yes" if q.redrivable else "-") for q in queues]
        print("\n".join(table(("step", "kind", "from", "messages", "redrive"), rows)))
    return 0


def _show(args: argparse.Namespace, clients: Clients, queues: tuple[DeadLetterQueue, ...]) -> int:
    from compiler.errors import UsageError
    from compiler.operate.dead_letters import peek, queues_of_step

    if args.limit < 1:
        raise UsageError(f"--limit must be at least 1 (got {args.limit})")
    shown = [(queue, peek(clients, queue, args.limit)) for queue in queues_of_step(queues, args.step)]
    if args.json:
        _print_json({"step": args.step, "queues": [
            {**_queue_json(queue), "shown": [dataclasses.asdict(m) for m in messages]} for queue, messages in shown]})
        return 0
    for queue, messages in shown:
        print(f"{queue.step} {queue.kind} ({queue.source}): {queue.messages} message(s)")
        for message in messages:
            print(f"  {message.sent}  age {_age(message.age_s)}  received {message.receive_count}x  id {message.message_id}")
            for name, value in sorted(message.attributes.items()):
                print(f"    {name}: {value}")
            body = message.body if isinstance(message.body, str) else json.dumps(message.body, indent=2, default=str)
            print("\n".join("    " + line for line in body.splitlines() or [""]))
    return 0


def _age(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _redrive(args: argparse.Namespace, clients: Clients, queues: tuple[DeadLetterQueue, ...]) -> int:
    from compiler.errors import UsageError
    from compiler.operate.dead_letters import queues_of_step, redrive

    redrivable = [q for q in queues_of_step(queues, args.step) if q.redrivable]
    if not redrivable:
        raise UsageError(f"step {args.step} has no subscription dead-letter queue to redrive; `motia dlq show {args.step}` reads its failure queues")
    results = [redrive(clients, queue) for queue in redrivable if queue.messages]
    if args.json:
        _print_json({"step": args.step, "redrives": [
            {"queue": r.queue.source, "how": r.how, "task": r.task, "moved": r.moved} for r in results]})
        return 0
    if not results:
        print(f"{args.step}: no dead letters to redrive")
    for result in results:
        if result.how == "move task":
            print(f"{args.step}: moving {result.queue.messages} message(s) back to {result.queue.source} "
                  f"(SQS move task {result.task}; `motia dlq list` shows the count fall)")
        else:
            print(f"{args.step}: moved {result.moved} message(s) back to {result.queue.source}, in order")
    return 0


def _purge(args: argparse.Namespace, clients: Clients, queues: tuple[DeadLetterQueue, ...]) -> int:
    from compiler.operate.dead_letters import purge, queues_of_step

    confirm = (lambda _question: True) if args.yes else confirm_from_terminal()
    declined = False
    for queue in queues_of_step(queues, args.step):
        if purge(clients, queue, confirm):
            print(f"{queue.step} {queue.kind} ({queue.source}): purged")
        else:
            print(f"{queue.step} {queue.kind} ({queue.source}): kept")
            declined = True
    return 1 if declined else 0
