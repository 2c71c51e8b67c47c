"""A deployed stage as CloudFormation and Lambda describe it: outputs, status, one row a step.

Read-only: DescribeStacks, ListStackResources, GetFunctionConfiguration. A step's function is
found through the stack's resources and named by its own config (`MOTIA_FUNCTION`), so the
table is right even for a step renamed since, and needs no compile of the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from compiler.deploy.aws import Clients, aws_errors
from compiler.deploy.stack import describe_stack, stack_resources
from compiler.errors import DeployError
from lambda_runtime.contract import ENV_FUNCTION
from lambda_runtime.function_config import FunctionConfig, InvalidFunctionConfig


@dataclass(frozen=True)
class StepFunction:
    step: str  # from the function's config; "?" for a function not made by us
    function_name: str
    state: str  # Active, Pending, Failed, ...
    last_update: str  # Successful, InProgress, Failed (with its reason)
    last_modified: str
    code_sha: str  # first 12 characters of the deployed code's sha256
    memory_mb: int
    timeout_s: int


@dataclass(frozen=True)
class StageStatus:
    stack_name: str
    status: str
    reason: str
    last_deployed: str  # ISO 8601, UTC
    outputs: tuple[tuple[str, str, str], ...]  # (key, value, description)
    functions: tuple[StepFunction, ...]


def _iso(value: Any) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else str(value or "")


def deployed_stack(clients: Clients, stack_name: str) -> dict[str, Any]:
    """The stack; a DeployError saying how to create it when there is none."""
    stack = describe_stack(clients, stack_name)
    if stack is None:
        raise DeployError(
            f"stack {stack_name} does not exist in region {clients.region}: deploy it with `motia deploy` "
            "(or pass the --stage / --region it was deployed with)"
        )
    return stack


def outputs_of(stack: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    return tuple(sorted(
        (o["OutputKey"], o.get("OutputValue", ""), o.get("Description", "") or "") for o in stack.get("Outputs") or []
    ))


def _function_names(clients: Clients, stack_name: str) -> list[str]:
    """The functions of the stack and of its nested stacks (where a nested project's steps are)."""
    return sorted(r["PhysicalResourceId"] for r in stack_resources(clients, stack_name)
                  if r["ResourceType"] == "AWS::Lambda::Function" and r.get("PhysicalResourceId"))


def _step_of(configuration: dict[str, Any]) -> str:
    text = (configuration.get("Environment") or {}).get("Variables", {}).get(ENV_FUNCTION)
    if not text:
        return "?"
    try:
        return FunctionConfig.from_json(text).step_name
    except InvalidFunctionConfig:
        return "?"


def step_function(clients: Clients, function_name: str) -> StepFunction:
    with aws_errors(clients.target, clients.region):
        configuration = clients.lambda_.get_function_configuration(FunctionName=function_name)
    update = configuration.get("LastUpdateStatus", "") or ""
    if configuration.get("LastUpdateStatusReason"):
        update = f"{update}: {configuration['LastUpdateStatusReason']}"
    return StepFunction(
        step=_step_of(configuration),
        function_name=function_name,
        state=str(configuration.get("State", "") or ""),
        last_update=update,
        last_modified=str(configuration.get("LastModified", "")),
        code_sha=str(configuration.get("CodeSha256", ""))[:12],
        memory_mb=int(configuration.get("MemorySize", 0)),
        timeout_s=int(configuration.get("Timeout", 0)),
    )


def function_configs(clients: Clients, stack_name: str) -> dict[str, FunctionConfig]:
    """Each of the stack's functions made by us (by function name) and the config it runs with."""
    configs: dict[str, FunctionConfig] = {}
    for name in _function_names(clients, stack_name):
        with aws_errors(clients.target, clients.region):
            configuration = clients.lambda_.get_function_configuration(FunctionName=name)
        text = (configuration.get("Environment") or {}).get("Variables", {}).get(ENV_FUNCTION)
        if text:
            try:
                configs[name] = FunctionConfig.from_json(text)
            except InvalidFunctionConfig:
                continue  # not ours, or written by a version of the tool this one cannot read
    return configs


def stage_schedules(clients: Clients, stack_name: str) -> dict[str, dict[str, Any]]:
    """Every schedule of the stage (named `<app>-<stage>-...`), by name, as GetSchedule gives it."""
    found: dict[str, dict[str, Any]] = {}
    with aws_errors(clients.target, clients.region):
        for page in clients.scheduler.get_paginator("list_schedules").paginate(NamePrefix=f"{stack_name}-"):
            for summary in page.get("Schedules") or []:
                found[summary["Name"]] = clients.scheduler.get_schedule(
                    Name=summary["Name"], GroupName=summary.get("GroupName", "default"))
    return found


def stage_status(clients: Clients, stack_name: str) -> StageStatus:
    stack = deployed_stack(clients, stack_name)
    functions = tuple(sorted(
        (step_function(clients, name) for name in _function_names(clients, stack_name)), key=lambda f: f.step,
    ))
    return StageStatus(
        stack_name=stack_name,
        status=str(stack.get("StackStatus", "")),
        reason=str(stack.get("StackStatusReason", "") or ""),
        last_deployed=_iso(stack.get("LastUpdatedTime") or stack.get("CreationTime")),
        outputs=outputs_of(stack),
        functions=functions,
    )
