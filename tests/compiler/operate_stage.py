"""A deployed stage in a moto server, for the `motia` commands that operate one (outputs, status,
logs, invoke, dlq): the server, and stack templates of functions carrying their step config."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

from lambda_runtime.function_config import FunctionConfig
from tests.compiler.moto_server import REGION, moto_endpoint as moto_server  # noqa: F401  re-exported for the operate tests

ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "lambda.amazonaws.com"}}]}}}


def step_function(stack: str, step: str, memory_mb: int = 128, timeout_s: int = 3, **config: Any) -> dict[str, Any]:
    """A Lambda function resource as we emit one: its step's config in MOTIA_FUNCTION."""
    text = FunctionConfig(step_file=f"steps/{step.lower()}_step.py", step_name=step, app=stack, **config).to_json()
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "FunctionName": f"{stack}-{step}", "Runtime": "python3.12", "Handler": "index.handler",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "MemorySize": memory_mb, "Timeout": timeout_s,
        "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
        "Environment": {"Variables": {"MOTIA_FUNCTION": text}}}}


def create_stack(url: str, stack: str, functions: dict[str, dict[str, Any]], outputs: dict[str, Any] | None = None) -> None:
    template = {"Resources": {"Role": ROLE, **functions}, **({"Outputs": outputs} if outputs else {})}
    boto3.client("cloudformation", region_name=REGION, endpoint_url=url).create_stack(
        StackName=stack, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])


