"""Every rule of DESIGN.md 3.2, each a function, all run so every problem is reported at once.

Rules read resolved steps (`compiler.resolve`) and judge what was decided there; none builds
or recomputes anything. Step rules look at one step; project rules at all of them, before
the build. Each diagnostic names the file, the step, the value and the fix.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable, Iterable, Iterator

from pydantic.alias_generators import to_snake

from compiler import ir
from compiler.config_schema import StateTriggerSpec, StreamTriggerSpec
from compiler.permissions import permission_problems, permissions_of
from compiler.resolve import ResolvedProject, ResolvedStep
from compiler.validate_ids import check_construct_id_collisions
from compiler.sizing import (
    API_GATEWAY_TIMEOUT_S,
    DELAY_MAX_S,
    MAX_CONCURRENCY_MAX,
    MAX_RECEIVE_COUNT_MAX,
    MAX_RETENTION_S,
    MEMORY_MAX_MB,
    MEMORY_MIN_MB,
    RETENTION_MARGIN_S,
    TIMEOUT_MAX_S,
    VISIBILITY_MAX_S,
)

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")
_LITERAL_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
_PARAM_SEGMENT = re.compile(r"^:[A-Za-z_][A-Za-z0-9_]*$|^\{[A-Za-z_][A-Za-z0-9_]*\}$")

StepRule = Callable[[ResolvedStep], Iterable[ir.Diagnostic]]
ProjectRule = Callable[[ResolvedProject], Iterable[ir.Diagnostic]]


def _error(step: ResolvedStep, message: str, hint: str) -> ir.Diagnostic:
    return ir.Diagnostic("error", step.file, step.spec.name, message, hint)


def _warning(step: ResolvedStep, message: str, hint: str) -> ir.Diagnostic:
    return ir.Diagnostic("warning", step.file, step.spec.name, message, hint)


def check_handler_size(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    handler = step.spec.infrastructure.handler if step.spec.infrastructure else None
    if handler is None:
        return
    if handler.ram is not None and not MEMORY_MIN_MB <= handler.ram <= MEMORY_MAX_MB:
        yield _error(step, f"infrastructure.handler.ram is {handler.ram} MB",
                     f"Lambda memory must be {MEMORY_MIN_MB}..{MEMORY_MAX_MB} MB")
    if handler.cpu is not None and handler.cpu <= 0:
        yield _error(step, f"infrastructure.handler.cpu is {handler.cpu}",
                     "cpu is in units of 1/1024 vCPU: use e.g. 256, 512, 1024")
    if handler.timeout is not None and not 1 <= handler.timeout <= TIMEOUT_MAX_S:
        yield _error(step, f"infrastructure.handler.timeout is {handler.timeout} s",
                     f"Lambda timeouts must be 1..{TIMEOUT_MAX_S} seconds")
    if step.size.capped:
        yield _warning(step, step.size.memory_reason, f"memory is capped at {MEMORY_MAX_MB} MB")
    has_http = bool(step.routes)
    if has_http and handler.timeout is not None and API_GATEWAY_TIMEOUT_S < handler.timeout <= TIMEOUT_MAX_S:
        yield _warning(
            step, f"timeout {handler.timeout} s is longer than API Gateway waits ({API_GATEWAY_TIMEOUT_S} s)",
            "HTTP callers get 503 after 30 s; move long work to a queue step",
        )


def check_queues(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    timeout = step.size.timeout_s
    for resolved in step.queues:
        queue = resolved.settings
        where = f"queue({resolved.trigger.topic!r})"
        if not 1 <= queue.max_receive_count <= MAX_RECEIVE_COUNT_MAX:
            yield _error(step, f"{where}: max_retries is {queue.max_receive_count}",
                         f"max_retries counts attempts before the dead-letter queue: 1..{MAX_RECEIVE_COUNT_MAX}")
        if not 0 <= queue.delay_s <= DELAY_MAX_S:
            yield _error(step, f"{where}: delay_seconds is {queue.delay_s}", f"SQS delays are 0..{DELAY_MAX_S} s")
        if not 0 <= queue.visibility_timeout_s <= VISIBILITY_MAX_S:
            yield _error(step, f"{where}: visibility_timeout is {queue.visibility_timeout_s} s",
                         f"SQS visibility timeouts are 0..{VISIBILITY_MAX_S} s")
        if queue.concurrency is not None and not 1 <= queue.concurrency <= MAX_CONCURRENCY_MAX:
            yield _error(step, f"{where}: concurrency is {queue.concurrency}",
                         f"handlers at once for this subscription: 1..{MAX_CONCURRENCY_MAX}, or leave it unset")
        if queue.backoff_ms < 0:
            yield _error(step, f"{where}: backoff_delay_ms is {queue.backoff_ms}",
                         "the base retry delay in milliseconds: 0 or more")
        if queue.backoff_ms >= 0 and queue.seconds_to_dead_letter + RETENTION_MARGIN_S > MAX_RETENTION_S:
            days = queue.seconds_to_dead_letter / 86400
            yield _error(
                step, f"{where}: a message can take {days:.1f} days to reach the dead-letter queue "
                f"({queue.max_receive_count} attempts of {queue.visibility_timeout_s} s visibility, "
                f"backoff from {queue.backoff_ms} ms, {queue.delay_s} s delay)",
                "SQS keeps a message at most 14 days, so it would expire on the way: lower max_retries, "
                "visibility_timeout or backoff_delay_ms",
            )
        if queue.backoff_type not in (None, "exponential"):
            yield _warning(step, f"{where}: backoff_type {queue.backoff_type!r} is not applied",
                           "Motia's engine doubles the delay after each failed attempt whatever backoff_type "
                           "says, and so does this deployment; remove it or write 'exponential'")
        config = resolved.trigger.config
        for key in config.camel_keys if config is not None else ():
            yield _warning(step, f"{where}: config key {key!r} is honoured here, but Motia ignores it",
                           f"Motia's QueueConfig reads only {to_snake(key)!r}; write that so both behave the same")
        if queue.visibility_timeout_s < timeout:
            yield _error(
                step, f"{where}: visibility_timeout {queue.visibility_timeout_s} s is shorter than the "
                f"function timeout {timeout} s",
                f"a message would be delivered again while it is still being handled: set it to at "
                f"least {timeout} (AWS advises {timeout * 6}), or leave it unset for 6x the timeout",
            )


# CDK refuses an HTTP API route path longer than this, as API Gateway writes it (`{id}` for `:id`).
ROUTE_PATH_LIMIT = 1000


def route_path_problem(path: str) -> str | None:
    """Why an Express path is not a valid route, or None."""
    if not path.startswith("/"):
        return "must start with '/'"
    written = len(path) + sum(1 for s in path.split("/") if s.startswith(":"))
    if written > ROUTE_PATH_LIMIT:
        return f"is {written} characters long as API Gateway writes it (at most {ROUTE_PATH_LIMIT})"
    if path == "/":
        return None
    segments = path.rstrip("/").split("/")[1:]
    for index, segment in enumerate(segments):
        if segment == "*" and index == len(segments) - 1:
            continue
        if not segment:
            return "has an empty segment ('//')"
        if segment.startswith((":", "{")):
            if not _PARAM_SEGMENT.match(segment):
                return f"parameter {segment!r} is not a name (use :name, letters, digits, _)"
        elif not _LITERAL_SEGMENT.match(segment):
            return f"segment {segment!r} has characters a route cannot hold"
    return None


def check_routes(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    for route in step.routes:
        trigger = route.trigger
        if trigger.method.upper() not in HTTP_METHODS:
            yield _error(step, f"http method {trigger.method!r} is not supported",
                         f"use one of {', '.join(HTTP_METHODS)}")
        problem = route_path_problem(trigger.path)
        if problem:
            yield _error(step, f"http path {trigger.path!r} {problem}",
                         "write paths in Express syntax, e.g. /orders/:id")
    if step.streaming_http:
        yield _warning(
            step, "the handler streams its HTTP response (args.response.writer)",
            "API Gateway's Lambda integration buffers responses: the client gets the whole "
            "body at the end, no server-sent events",
        )


def check_crons(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    for cron in step.crons:
        if cron.error is not None:
            yield _error(step, cron.error.message, cron.error.hint)
        for warning in cron.translation.warnings if cron.translation else ():
            yield _warning(step, f"cron {cron.trigger.expression!r}: {warning}", "")


def check_conditions(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    """A condition must be a function: anything else would fail every event at run time."""
    for index, trigger in enumerate(step.spec.triggers):
        condition = trigger.condition
        if condition is not None and not callable(condition):
            yield _error(step, f"triggers[{index}] ({trigger.type}): condition is {condition!r}, not a function",
                         "pass a function `(input, ctx) -> bool` (sync or async), or leave condition out")


def check_duplicate_subscriptions(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    topics = [q.trigger.topic for q in step.queues]
    for topic in sorted({t for t in topics if topics.count(t) > 1}):
        yield _error(step, f"subscribes to topic {topic!r} {topics.count(topic)} times",
                     "keep one queue() trigger per topic")


def check_duplicate_stream_triggers(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    keys = [(t.stream_name, t.group_id, t.item_id) for t in step.spec.triggers if isinstance(t, StreamTriggerSpec)]
    for stream, group, item in sorted({k for k in keys if keys.count(k) > 1}, key=str):
        shown = " / ".join(x for x in (stream, group, item) if x)
        yield _error(step, f"has {keys.count((stream, group, item))} stream triggers on {shown}",
                     "keep one; put several conditions in one condition function")


def check_permissions(step: ResolvedStep) -> Iterator[ir.Diagnostic]:
    entries = ((p.actions, p.resources) for p in step.spec.permissions or ())
    return permission_problems(step.file, step.name, permissions_of(entries))


STEP_RULES: tuple[StepRule, ...] = (
    check_handler_size, check_queues, check_routes, check_crons, check_conditions, check_duplicate_subscriptions,
    check_duplicate_stream_triggers, check_permissions,
)


def check_duplicate_names(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    by_name: dict[str, list[ResolvedStep]] = defaultdict(list)
    for step in project.steps:
        by_name[step.spec.name].append(step)
    for name, same in sorted(by_name.items()):
        if len(same) > 1:
            files = ", ".join(s.file for s in same)
            for step in same:
                yield _error(step, f"step name {name!r} is used by {len(same)} steps ({files})",
                             "step names must be unique: rename one")


def _route_key(method: str, path: str) -> tuple[str, str]:
    # /orders/:id and /orders/:orderId are the same route to API Gateway.
    segments = ["{}" if s.startswith((":", "{")) else s for s in path.rstrip("/").split("/")]
    return method.upper(), "/".join(segments) or "/"


def check_duplicate_routes(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    owners: dict[tuple[str, str], list[tuple[ResolvedStep, str]]] = defaultdict(list)
    for step in project.steps:
        for route in step.routes:
            owners[_route_key(route.trigger.method, route.trigger.path)].append((step, route.trigger.path))
    for (method, _), found in sorted(owners.items()):
        if len(found) > 1:
            names = ", ".join(f"{s.spec.name} ({s.file})" for s, _ in found)
            for step, path in found:
                yield _error(step, f"route {method} {path} is declared by {len(found)} steps: {names}",
                             "each method and path may be served by one step only")


def check_topic_wiring(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    steps = project.steps
    subscribed = {q.trigger.topic for s in steps for q in s.queues}
    virtual = {t for s in steps for t in s.spec.virtual_enqueue_topics()}
    virtual_subscribed = {t for s in steps for t in s.spec.virtual_subscribes or ()}
    enqueued = {t for s in steps for t in s.spec.enqueue_topics()}
    for step in steps:
        for topic in step.spec.enqueue_topics():
            if topic not in subscribed and topic not in virtual_subscribed:
                yield _warning(step, f"enqueues to topic {topic!r}, which no step subscribes to",
                               "messages to it are dropped; add a queue() trigger or remove the topic")
        for topic in (q.trigger.topic for q in step.queues):
            if topic not in enqueued and topic not in virtual:
                yield _warning(step, f"subscribes to topic {topic!r}, which no step enqueues",
                               "add it to a step's enqueues (or virtual_enqueues if it comes from outside)")


def check_name_collisions(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    """Different Motia names that clean up to one AWS name would share a resource.

    Each service names its resources apart: a function and a topic may share a name, two queues may not.
    """
    files = {s.name: s.file for s in project.steps}
    physical: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # (service, name) -> [(what, step)]
    for resolved in project.steps:
        owner = resolved.name
        physical[("lambda", resolved.function_name)].append((f"step {owner!r}", owner))
        for q in resolved.queues:
            on = q.trigger.topic
            physical[("sqs", q.queue_name)].append((f"queue of {owner!r} on {on!r}", owner))
            physical[("sqs", q.dlq_name)].append((f"dead-letter queue of {owner!r} on {on!r}", owner))
        for schedule_name in (n for cron in resolved.crons for n in cron.schedule_names):
            physical[("scheduler", schedule_name)].append((f"schedule of {owner!r}", owner))
    for topic in project.topics:
        who = (topic.publishers + topic.subscribers + ("",))[0]
        physical[("sns", topic.sns_name)].append((f"topic {topic.name!r}", who))
    for (_, name), users in sorted(physical.items()):
        distinct = sorted(set(users))
        if len(distinct) > 1:
            what = " and ".join(w for w, _ in distinct)
            step = distinct[0][1]
            yield ir.Diagnostic("error", files.get(step, ""), step,
                                f"{what} map to the same AWS name {name!r}",
                                "rename one: AWS names keep only letters, digits, '-' and '_'")


# The stack output of a topic describes it by name; CloudFormation caps descriptions at 1024.
TOPIC_NAME_LIMIT = 1024 - len("SNS topic of Motia topic ") - len(" (FIFO)")


def check_topic_name_length(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    files = {s.name: s.file for s in project.steps}
    for topic in project.topics:
        if len(topic.name) > TOPIC_NAME_LIMIT:
            who = (topic.publishers + topic.subscribers + ("",))[0]
            yield ir.Diagnostic("error", files.get(who, ""), who,
                                f"topic {topic.name[:40]!r}... is {len(topic.name)} characters long",
                                f"use a topic name of at most {TOPIC_NAME_LIMIT} characters (CloudFormation "
                                "caps the stack output that describes it)")


# DynamoDB Streams throttles when more than two readers poll one shard at once.
STREAM_READERS_PER_SHARD = 2


def _readers(project: ResolvedProject, kind: type) -> list[str]:
    return sorted({s.name for s in project.steps if any(isinstance(t, kind) for t in s.spec.triggers)})


def check_stream_readers(project: ResolvedProject) -> Iterator[ir.Diagnostic]:
    readers = {"state": _readers(project, StateTriggerSpec), "streams": _readers(project, StreamTriggerSpec)}
    files = {s.name: s.file for s in project.steps}
    for table, functions in readers.items():
        if len(functions) > STREAM_READERS_PER_SHARD:
            yield ir.Diagnostic(
                "warning", files[functions[0]], functions[0],
                f"{len(functions)} steps read the {table} table's stream ({', '.join(functions)})",
                f"DynamoDB Streams throttles above {STREAM_READERS_PER_SHARD} readers per shard: "
                "expect delays; merge triggers into fewer steps",
            )


PROJECT_RULES: tuple[ProjectRule, ...] = (
    check_duplicate_names, check_duplicate_routes, check_topic_wiring, check_name_collisions,
    check_stream_readers, check_construct_id_collisions, check_topic_name_length,
)


def validate(project: ResolvedProject) -> tuple[ir.Diagnostic, ...]:
    """All step and project rules, in a stable order."""
    found: list[ir.Diagnostic] = []
    for step in project.steps:
        for step_rule in STEP_RULES:
            found.extend(step_rule(step))
    for project_rule in PROJECT_RULES:
        found.extend(project_rule(project))
    return tuple(found)
