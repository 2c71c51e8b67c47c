"""Send a deployed step one event of a trigger kind it has: an HTTP request, a message, a cron tick.

Each goes the way AWS would send it, so the step runs as in production:
- HTTP: a request to the stage's API URL (a stack output) on one of the step's routes;
- queue: a message published to the SNS topic the step's queue subscribes to (every other
  subscriber of that topic gets it too, as with `enqueue`), with a fresh trace id;
- cron: the function invoked with its schedule's own input, the tick's time set to now.
What a step may receive is read from AWS (its function config, its queue's subscription, its
schedule); nothing is compiled.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from compiler.deploy.aws import Clients, aws_errors
from compiler.errors import DeployError, UsageError
from lambda_runtime import contract
from lambda_runtime.function_config import FunctionConfig

__all__ = ["HttpAnswer", "StepTargets", "TickAnswer", "api_url", "fill_path", "invoke_http", "publish", "subscribed_topics", "targets_of", "tick"]

Kind = Literal["http", "queue", "cron"]
HTTP_TIMEOUT_S = 35  # API Gateway's own limit is 30 s


@dataclass(frozen=True)
class StepTargets:
    """What one deployed step can be sent: its routes, its subscription queues, its schedules."""

    step: str
    function_name: str
    routes: tuple[str, ...]  # "POST /orders/{id}"
    queues: tuple[str, ...]  # SQS queue names
    schedules: tuple[str, ...]  # schedule names

    def kinds(self) -> tuple[Kind, ...]:
        found: list[Kind] = []
        if self.routes:
            found.append("http")
        if self.queues:
            found.append("queue")
        if self.schedules:
            found.append("cron")
        return tuple(found)


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str


@dataclass(frozen=True)
class TickAnswer:
    schedule: str
    error: str  # the function's error type, "" when it ran
    payload: str
    log_tail: str  # the last 4 KB of the invocation's log, as Lambda gives it


def targets_of(step: str, function_name: str, config: FunctionConfig, schedules: dict[str, str]) -> StepTargets:
    """`schedules`: {schedule name: target function name} of the stage."""
    return StepTargets(
        step=step,
        function_name=function_name,
        routes=tuple(sorted(config.routes)),
        queues=tuple(sorted(config.queues)),
        schedules=tuple(sorted(name for name, target in schedules.items() if target == function_name)),
    )


def api_url(outputs: tuple[tuple[str, str, str], ...]) -> str:
    """The HTTP API's base URL among the stack's outputs; a DeployError when the stage has no API."""
    for key, value, _ in outputs:
        if key.endswith("ApiUrl"):
            return value
    raise DeployError("the stage has no HTTP API (no ApiUrl output): deploy a project with an http() trigger")


def fill_path(route_path: str, path: str | None) -> str:
    """The request path: `path` when given, else the route's own (which must have no `{param}`)."""
    if path:
        return path if path.startswith("/") else "/" + path
    if "{" in route_path:
        raise UsageError(f"route {route_path} has path parameters: pass --path with values, e.g. "
                         f"--path {route_path.replace('{', '').replace('}', '').replace('+', '')}")
    return route_path


def invoke_http(
    base_url: str, method: str, path: str, body: str | None, headers: dict[str, str], trace_id: str,
) -> HttpAnswer:
    """One request through API Gateway, as a client sends it; any status is an answer, not an error."""
    data = body.encode("utf-8") if body is not None else None
    sent = {"x-trace-id": trace_id, **({"content-type": "application/json"} if data is not None else {}), **headers}
    request = urllib.request.Request(base_url.rstrip("/") + path, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as answer:  # noqa: S310 (the stage's own URL)
            return HttpAnswer(answer.status, tuple(answer.headers.items()), answer.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as answer:
        return HttpAnswer(answer.code, tuple(answer.headers.items()), answer.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeployError(f"cannot reach the stage's API at {base_url}: {reason}") from None


def _subscribed_topic(clients: Clients, queue_name: str, subscriptions: list[dict[str, Any]]) -> str:
    """The SNS topic ARN whose subscription delivers to `queue_name`."""
    queue_url = clients.sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    queue_arn = clients.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for subscription in subscriptions:
        if subscription.get("Protocol") == "sqs" and subscription.get("Endpoint") == queue_arn:
            return str(subscription["TopicArn"])
    raise DeployError(f"queue {queue_name} has no SNS subscription: redeploy the stage (`motia deploy`)")


def subscribed_topics(clients: Clients, queue_names: tuple[str, ...]) -> dict[str, str]:
    """{Motia topic: SNS topic ARN} of the topics feeding the step's queues."""
    with aws_errors(clients.target, clients.region):
        subscriptions = [s for page in clients.sns.get_paginator("list_subscriptions").paginate()
                         for s in page.get("Subscriptions") or []]
        topics: dict[str, str] = {}
        for queue_name in queue_names:
            arn = _subscribed_topic(clients, queue_name, subscriptions)
            attributes = clients.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
            topics[attributes.get("DisplayName") or arn.rsplit(":", 1)[-1]] = arn
    return topics


def publish(clients: Clients, topic: str, topic_arn: str, data: Any, trace_id: str, group_id: str | None) -> str:
    """Publish `data` to the topic as `enqueue` does (JSON body, trace id); the message id."""
    args: dict[str, Any] = {
        "TopicArn": topic_arn,
        "Message": json.dumps(data, sort_keys=True),
        "MessageAttributes": {
            contract.ATTR_TRACE_ID: {"DataType": "String", "StringValue": trace_id},
            contract.ATTR_TOPIC: {"DataType": "String", "StringValue": topic},
        },
    }
    if topic_arn.endswith(".fifo"):
        args["MessageGroupId"] = group_id or "motia-invoke"
        args["MessageDeduplicationId"] = trace_id
    with aws_errors(clients.target, clients.region):
        return str(clients.sns.publish(**args).get("MessageId", ""))


def schedule_input_now(text: str, schedule_arn: str, now: datetime, execution_id: str) -> str:
    """The schedule's input with Scheduler's context attributes filled in as Scheduler would, for now."""
    values = {
        "<aws.scheduler.scheduled-time>": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "<aws.scheduler.execution-id>": execution_id,
        "<aws.scheduler.schedule-arn>": schedule_arn,
        "<aws.scheduler.attempt-number>": "1",
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def tick(clients: Clients, schedule: dict[str, Any], function_name: str, execution_id: str, now: datetime | None = None) -> TickAnswer:
    """Run the function once with its schedule's input, now, and wait for it."""
    target = schedule.get("Target") or {}
    payload = schedule_input_now(str(target.get("Input") or "{}"), str(schedule.get("Arn", "")),
                                 now or datetime.now(timezone.utc), execution_id)
    with aws_errors(clients.target, clients.region):
        answer = clients.lambda_.invoke(FunctionName=function_name, InvocationType="RequestResponse",
                                        LogType="Tail", Payload=payload.encode("utf-8"))
    body = answer.get("Payload")
    text = body.read().decode("utf-8", "replace") if hasattr(body, "read") else str(body or "")
    tail = base64.b64decode(answer["LogResult"]).decode("utf-8", "replace") if answer.get("LogResult") else ""
    return TickAnswer(str(schedule.get("Name", "")), str(answer.get("FunctionError") or ""), text, tail)
