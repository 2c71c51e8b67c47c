"""`motia invoke STEP`: send a deployed step an HTTP request, a message or a cron tick, and show what it did."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.commands.aws_options import add_aws_options, target_from_args
from compiler.commands.common import add_project_options, stack_name_of
from compiler.errors import UsageError

if TYPE_CHECKING:
    from compiler.deploy.aws import Clients
    from compiler.operate.invoke import StepTargets

DEFAULT_WAIT_S = 10.0
QUIET_S = 3.0  # logs are done when no new line came for this long


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "invoke",
        help="send a deployed step an HTTP request, a message or a cron tick",
        description=(
            "Send STEP one event the way AWS would: an HTTP request to the stage's API on one of its "
            "routes, a message published to the topic its queue subscribes to (every subscriber of "
            "that topic gets it, as with enqueue), or one tick of its cron schedule now. Prints the "
            "HTTP answer or the tick's result, then the log lines of the trace it started, from every "
            "step it reached. The kind is the step's own when it has one; pass --http, --queue or "
            "--cron when it has several. Exit status: 0 sent (whatever the step answered), 1 an AWS "
            "error, 2 usage error."
        ),
    )
    parser.add_argument("step", metavar="STEP", help="the step's name, as `motia status` shows it")
    add_project_options(parser)
    add_aws_options(parser)
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--http", dest="kind", action="store_const", const="http", help="send an HTTP request")
    kind.add_argument("--queue", dest="kind", action="store_const", const="queue", help="publish a message")
    kind.add_argument("--cron", dest="kind", action="store_const", const="cron", help="run one tick now")
    parser.add_argument("--data", default=None, metavar="JSON", help="the request body or message, as JSON")
    parser.add_argument("--data-file", type=Path, default=None, metavar="FILE", help="read --data from FILE")
    parser.add_argument("--method", default=None, metavar="M", help="HTTP method (default: the route's)")
    parser.add_argument("--path", default=None, metavar="PATH", help="HTTP path with its values, e.g. /orders/42 (default: the route's)")
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE", help="an HTTP header (repeatable)")
    parser.add_argument("--route", default=None, metavar="'METHOD /path'", help="which route, when the step has several")
    parser.add_argument("--topic", default=None, metavar="NAME", help="which topic, when the step subscribes to several")
    parser.add_argument("--schedule", default=None, metavar="NAME", help="which schedule, when the step has several")
    parser.add_argument("--group-id", default=None, metavar="ID", help="message group of a FIFO topic (default: motia-invoke)")
    parser.add_argument("--wait", type=float, default=DEFAULT_WAIT_S, metavar="S",
                        help=f"wait up to S seconds for the trace's log lines; 0 prints none (default: {DEFAULT_WAIT_S:g})")
    parser.set_defaults(run=run)


def _data(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The parsed data and its text (None when none was given)."""
    if args.data is not None and args.data_file is not None:
        raise UsageError("pass --data or --data-file, not both")
    text = args.data
    if args.data_file is not None:
        try:
            text = args.data_file.read_text(encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot read --data-file {str(args.data_file)!r}: {error.strerror}") from None
    if text is None:
        return None, None
    try:
        return json.loads(text), text
    except ValueError as error:
        raise UsageError(f"--data is not JSON ({error}); quote it for the shell, e.g. --data '{{\"id\": 1}}'") from None


def _headers(pairs: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header {pair!r} is not NAME:VALUE, e.g. --header 'authorization: Bearer x'")
        headers[name.strip().lower()] = value.strip()
    return headers


def _targets(clients: Clients, stack_name: str, step: str) -> tuple[StepTargets, dict[str, dict[str, Any]]]:
    from compiler.operate.invoke import targets_of
    from compiler.operate.stage import deployed_stack, function_configs, stage_schedules

    deployed_stack(clients, stack_name)
    configs = function_configs(clients, stack_name)
    schedules = stage_schedules(clients, stack_name)
    by_function = {name: str((s.get("Target") or {}).get("Arn", "")).rsplit(":", 1)[-1] for name, s in schedules.items()}
    for function_name, config in configs.items():
        if config.step_name == step:
            return targets_of(step, function_name, config, by_function), schedules
    steps = sorted(c.step_name for c in configs.values())
    raise UsageError(f"no step named {step!r} in {stack_name} (its steps: {', '.join(steps) or 'none'})")


def _kind(targets: StepTargets, asked: str | None) -> str:
    kinds = targets.kinds()
    if asked is not None:
        if asked not in kinds:
            raise UsageError(f"step {targets.step} has no {asked} trigger (it has: {', '.join(kinds) or 'none'})")
        return asked
    if len(kinds) == 1:
        return kinds[0]
    if not kinds:
        raise UsageError(f"step {targets.step} has no HTTP, queue or cron trigger to invoke")
    raise UsageError(f"step {targets.step} has {', '.join(kinds)} triggers: pass one of --{' / --'.join(kinds)}")


def _one(what: str, options: tuple[str, ...], chosen: str | None, flag: str) -> str:
    if chosen is not None:
        if chosen not in options:
            raise UsageError(f"{flag} {chosen!r} is not one of the step's {what}s: {', '.join(options)}")
        return chosen
    if len(options) > 1:
        raise UsageError(f"the step has {len(options)} {what}s ({', '.join(options)}): pass {flag}")
    return options[0]


def run(args: argparse.Namespace) -> int:
    from compiler.deploy.aws import connect

    data, text = _data(args)
    headers = _headers(args.header)
    clients = connect(target_from_args(args))
    stack_name = stack_name_of(args)
    targets, schedules = _targets(clients, stack_name, args.step)
    kind = _kind(targets, args.kind)
    trace_id = str(uuid.uuid4())
    if kind == "cron":
        return _tick(clients, targets, schedules, args.schedule)
    if kind == "http":
        _request(args, clients, stack_name, targets, text, headers, trace_id)
    else:
        from compiler.operate.invoke import publish, subscribed_topics

        topics = subscribed_topics(clients, targets.queues)
        topic = _one("topic", tuple(sorted(topics)), args.topic, "--topic")
        message_id = publish(clients, topic, topics[topic], data, trace_id, args.group_id)
        print(f"published to topic {topic} (message {message_id}), trace {trace_id}")
    _trace_logs(clients, stack_name, trace_id, args.wait)
    return 0


def _request(args: argparse.Namespace, clients: Clients, stack_name: str, targets: StepTargets,
             text: str | None, headers: dict[str, str], trace_id: str) -> None:
    from compiler.operate.invoke import api_url, fill_path, invoke_http
    from compiler.operate.stage import deployed_stack, outputs_of

    route = _one("route", targets.routes, args.route, "--route")
    method, _, route_path = route.partition(" ")
    if method in ("ANY", "$default"):
        method = args.method or "GET"
    method = (args.method or method).upper()
    base = api_url(outputs_of(deployed_stack(clients, stack_name)))
    path = fill_path(route_path, args.path)
    answer = invoke_http(base, method, path, text, headers, trace_id)
    print(f"{method} {path} -> {answer.status}, trace {trace_id}")
    try:
        shown = json.dumps(json.loads(answer.body), indent=2)
    except ValueError:
        shown = answer.body
    if shown:
        print(shown)


def _tick(clients: Clients, targets: StepTargets, schedules: dict[str, dict[str, Any]], chosen: str | None) -> int:
    from compiler.operate.invoke import tick

    name = _one("schedule", targets.schedules, chosen, "--schedule")
    answer = tick(clients, schedules[name], targets.function_name, str(uuid.uuid4()))
    print(f"{name}: {'failed (' + answer.error + ')' if answer.error else 'ran'}")
    if answer.payload and answer.payload != "null":
        print(answer.payload)
    from compiler.operate.logs import parse_event, render

    for raw in answer.log_tail.splitlines():
        line = parse_event(targets.step, {"timestamp": 0, "message": raw})
        if line is not None:
            print(render(line))
    return 0


def _trace_logs(clients: Clients, stack_name: str, trace_id: str, wait_s: float) -> None:
    """The trace's log lines, from every step it reached, until none came for QUIET_S or `wait_s` passed."""
    if wait_s <= 0:
        return
    from compiler.operate.logs import fetch, log_group_of, render
    from compiler.operate.stage import function_configs

    groups = {c.step_name: log_group_of(name) for name, c in function_configs(clients, stack_name).items()}
    start_ms = int((time.time() - 60) * 1000)
    deadline, last_new = time.monotonic() + wait_s, time.monotonic()
    shown: set[tuple[int, str, str]] = set()
    print(f"log lines of trace {trace_id} (up to {wait_s:g} s):", file=sys.stderr)
    while time.monotonic() < deadline and time.monotonic() - last_new < max(QUIET_S, 0.1):
        for line in fetch(clients, groups, start_ms, trace_id):
            key = (line.timestamp_ms, line.step, line.message)
            if key not in shown:
                shown.add(key)
                last_new = time.monotonic()
                print(render(line))
        time.sleep(min(1.0, wait_s))
    if not shown:
        print("  (none yet: `motia logs --trace " + trace_id + " --since 5m` shows them later)", file=sys.stderr)
