"""Deploy the synthesized template into moto, then fill in and take back what moto gets wrong.

The assets are published and failures explained by `compiler.deploy`, the deployer of
`motia deploy`, against moto's clients; only what is specific to moto is here:

- the code asset is uploaded where the template points (the CDK asset bucket), so the
  template deploys unchanged through moto's CloudFormation: the emulator proves it;
- moto's CloudFormation reports `AWS::SNS::Subscription` CREATE_COMPLETE without creating it:
  the SNS -> SQS subscriptions (raw delivery) are created here from the IR;
- moto would invoke functions itself through the event source mappings (and deleting them
  through its API does not detach them): they are kept out of the deployed stack, their
  settings (source, batch size, filters, retries, failure destination) are resolved against
  the deployed resources, and the emulator's pollers take their place (DESIGN.md 6).
"""

from __future__ import annotations

import json
import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from compiler.deploy.assembly import plan_uploads, read_stack_artifact
from compiler.deploy.aws import Clients, DeployError, account_id, aws_errors
from compiler.deploy.events import first_failure, is_success
from compiler.deploy.publish import publish_assets
from compiler.deploy.stack import CAPABILITIES, watch_stack
from compiler.emulator.backend import MotoBackend
from compiler.emulator.filters import parse_filters
from compiler.ir import Application


@dataclass(frozen=True)
class FunctionSite:
    """One deployed function: its physical name, its step, its environment as moto stored it."""

    function_name: str
    step: str
    environment: tuple[tuple[str, str], ...]

    @property
    def env(self) -> dict[str, str]:
        return dict(self.environment)


@dataclass(frozen=True)
class EventSource:
    """An event source mapping as the template declared it (moto's copy is deleted)."""

    function_name: str
    source_arn: str
    batch_size: int
    filters: tuple[dict[str, Any], ...]
    starting_position: str
    max_retry_attempts: int  # -1: until the record expires
    on_failure_arn: str | None

    @property
    def kind(self) -> str:
        return "sqs" if self.source_arn.startswith("arn:aws:sqs:") else "dynamodb"

    @property
    def queue_name(self) -> str:
        return self.source_arn.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class Deployment:
    stack_name: str
    functions: tuple[FunctionSite, ...]
    event_sources: tuple[EventSource, ...]
    subscriptions: tuple[tuple[str, str], ...]  # (topic arn, queue arn), created here

    def function(self, function_name: str) -> FunctionSite:
        for site in self.functions:
            if site.function_name == function_name:
                return site
        raise KeyError(function_name)


# moto parses every template with pure-Python YAML first and falls back to JSON when that
# fails: 0.1-0.3 s for one of ours. A leading tab is a YAML error at the first character and
# whitespace to JSON, so moto reads the template as the JSON it is.
MOTO_JSON_FIRST = "\t"


def create_stack(clients: Clients, stack_name: str, template: dict[str, Any]) -> dict[str, str]:
    """Create the stack from the (transformed) template; returns {logical id: physical id}.

    Inline, not through a change set: the template differs from the assembly's, moto creates
    synchronously, and there is nothing to review."""
    cfn = clients.cloudformation
    try:
        created = cfn.create_stack(StackName=stack_name, TemplateBody=MOTO_JSON_FIRST + json.dumps(template),
                                   Capabilities=list(CAPABILITIES))
    except Exception as error:  # moto raises botocore ClientError or its own parse errors
        raise DeployError(f"moto's CloudFormation rejected the template of {stack_name}: {error}") from None
    settled = watch_stack(clients, created["StackId"], set(), 0, lambda _line: None)
    if not is_success(settled.status):
        failure = first_failure(settled.events)
        reason = failure.line() if failure else (settled.status_reason or "no failed resource reported")
        raise DeployError(f"stack {stack_name} ended {settled.status}: {reason}")
    with aws_errors(clients.target, clients.region):
        pages = cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name)
        return {r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
                for page in pages for r in page["StackResourceSummaries"]}


def _template_resources(template: dict[str, Any], resource_type: str) -> list[str]:
    return sorted(k for k, v in template.get("Resources", {}).items() if v.get("Type") == resource_type)


def read_functions(backend: MotoBackend, app: Application, physical: dict[str, str], template: dict[str, Any]) -> tuple[FunctionSite, ...]:
    lambda_ = backend.client("lambda")
    steps = {fn.function_name: fn.name for fn in app.functions}
    # The stream server hosts the realtime functions itself (compiler.emulator.ws_server).
    realtime = {app.realtime.socket_function, app.realtime.fanout_function} if app.realtime else set()
    sites = []
    for logical in _template_resources(template, "AWS::Lambda::Function"):
        name = physical[logical]
        if name in realtime:
            continue
        config = lambda_.get_function_configuration(FunctionName=name)
        environment = (config.get("Environment") or {}).get("Variables") or {}
        if name not in steps:
            raise DeployError(f"function {name} ({logical}) is in the template but not in the compiled app")
        sites.append(FunctionSite(name, steps[name], tuple(sorted(environment.items()))))
    missing = sorted(set(steps) - {s.function_name for s in sites})
    if missing:
        raise DeployError(f"the template has no function for {', '.join(missing)}")
    return tuple(sites)


ESM_TYPE = "AWS::Lambda::EventSourceMapping"


def without_event_source_mappings(template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the template minus its event source mappings, those mappings by logical id).

    Deleting a mapping through moto's Lambda API leaves it attached to the queue or table
    (measured, moto 5.2.5), and moto then tries to run the function in Docker on every send or
    write, and may drop the records it thinks were delivered. Not creating them avoids that.
    """
    resources = template.get("Resources", {})
    mappings = {k: v for k, v in resources.items() if v.get("Type") == ESM_TYPE}
    kept = {k: v for k, v in resources.items() if k not in mappings}
    return {**template, "Resources": kept}, mappings


def _logical(value: Any, context: str) -> tuple[str, str]:
    """(logical id, attribute) of a {"Ref": id} or {"Fn::GetAtt": [id, attr]}."""
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"]), "Ref"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target, attribute = value["Fn::GetAtt"]
        return str(target), str(attribute)
    raise DeployError(f"{context}: expected a Ref or Fn::GetAtt, found {value!r}")


class _Resolver:
    """Physical values of the few references event source mappings use."""

    def __init__(self, backend: MotoBackend, physical: dict[str, str], template: dict[str, Any]) -> None:
        self._backend = backend
        self._physical = physical
        self._types = {k: v.get("Type") for k, v in template.get("Resources", {}).items()}

    def __call__(self, value: Any, context: str) -> str:
        if isinstance(value, str):
            return value
        logical, attribute = _logical(value, context)
        physical = self._physical.get(logical)
        if physical is None:
            raise DeployError(f"{context}: {logical} was not created by moto's CloudFormation")
        kind = self._types.get(logical)
        if kind == "AWS::SQS::Queue" and attribute == "Arn":
            sqs = self._backend.client("sqs")
            return str(sqs.get_queue_attributes(QueueUrl=physical, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])
        if kind == "AWS::DynamoDB::Table" and attribute == "StreamArn":
            return str(self._backend.client("dynamodb").describe_table(TableName=physical)["Table"]["LatestStreamArn"])
        if attribute in ("Ref", "Arn") and kind == "AWS::Lambda::Function":
            return physical
        raise DeployError(f"{context}: cannot resolve {attribute} of {kind} {logical}")


def event_sources(backend: MotoBackend, mappings: dict[str, Any], physical: dict[str, str], template: dict[str, Any]) -> tuple[EventSource, ...]:
    """The template's event source mappings with their references resolved in moto."""
    resolve = _Resolver(backend, physical, template)
    sources = []
    for logical, resource in sorted(mappings.items()):
        props = resource.get("Properties", {})
        destination = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        sources.append(EventSource(
            function_name=resolve(props["FunctionName"], logical).rsplit(":", 1)[-1],
            source_arn=resolve(props["EventSourceArn"], logical),
            batch_size=int(props.get("BatchSize") or 10),
            filters=parse_filters(props.get("FilterCriteria")),
            starting_position=str(props.get("StartingPosition") or "TRIM_HORIZON"),
            max_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
            on_failure_arn=resolve(destination, logical) if destination is not None else None,
        ))
    return tuple(sorted(sources, key=lambda s: (s.function_name, s.source_arn)))


def subscribe_queues(backend: MotoBackend, app: Application) -> tuple[tuple[str, str], ...]:
    """One raw-delivery SNS -> SQS subscription per queue subscription of the IR."""
    sns, sqs = backend.client("sns"), backend.client("sqs")
    topic_arns = {arn.rsplit(":", 1)[-1]: arn for page in sns.get_paginator("list_topics").paginate() for arn in (t["TopicArn"] for t in page["Topics"])}
    made = []
    for queue in app.queues:
        topic = next((t for t in app.topics_named(queue.topic) if t.fifo == queue.fifo), None)
        if topic is None or topic.sns_name not in topic_arns:
            raise DeployError(f"no SNS topic deployed for {queue.topic!r} (subscriber {queue.function})")
        url = sqs.get_queue_url(QueueName=queue.queue_name)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic_arns[topic.sns_name], Protocol="sqs", Endpoint=queue_arn,
                      Attributes={"RawMessageDelivery": "true"})
        made.append((topic_arns[topic.sns_name], queue_arn))
    return tuple(made)


@contextmanager
def _quiet_moto() -> Iterator[None]:
    """moto warns (log and UserWarning) for each resource type it skips: API Gateway,
    Scheduler, subscriptions. Those are known and driven from the IR here; the warnings
    would only bury the developer's output. Startup is single-threaded, so this is safe."""
    moto_logger = logging.getLogger("moto")
    level = moto_logger.level
    moto_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        moto_logger.setLevel(level)


def deploy(backend: MotoBackend, app: Application, assembly_dir: Path, stack_name: str) -> Deployment:
    """Assets, stack, functions, event sources taken over, subscriptions made."""
    with _quiet_moto():
        return _deploy(backend, app, assembly_dir, stack_name)


def _deploy(backend: MotoBackend, app: Application, assembly_dir: Path, stack_name: str) -> Deployment:
    artifact = read_stack_artifact(assembly_dir, stack_name)
    if not artifact.template_path.is_file():
        raise DeployError(f"no template {artifact.template_path}; synthesize the app first")
    clients = backend.deploy_clients()
    # The same uploads `motia deploy` makes, to the buckets the template names.
    publish_assets(clients, plan_uploads(artifact, clients.env(account_id(clients))))
    template = json.loads(artifact.template_path.read_text())
    deployable, mappings = without_event_source_mappings(template)
    physical = create_stack(clients, stack_name, deployable)
    functions = read_functions(backend, app, physical, template)
    sources = event_sources(backend, mappings, physical, template)
    subscriptions = subscribe_queues(backend, app)
    return Deployment(stack_name, functions, sources, subscriptions)

