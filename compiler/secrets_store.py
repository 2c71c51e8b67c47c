"""A stage's secret values in SSM Parameter Store: SecureStrings under /motia/<app>/<stage>/.
`motia secrets` writes, lists and removes them; the functions read them (lambda_runtime/secrets.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compiler.deploy.aws import AwsTarget, DeployError, aws_errors


@dataclass(frozen=True)
class StoredSecret:
    name: str  # the variable
    parameter: str
    version: int
    last_modified: str


def ssm_client(target: AwsTarget) -> Any:
    import boto3

    with aws_errors(target):
        session = boto3.Session(profile_name=target.profile, region_name=target.region)
        return session.client("ssm", region_name=session.region_name, endpoint_url=target.endpoint_url)


def put_secret(ssm: Any, target: AwsTarget, parameter: str, value: str) -> int:
    """Create or overwrite the SecureString; returns its new version."""
    with aws_errors(target):
        return int(ssm.put_parameter(Name=parameter, Value=value, Type="SecureString", Overwrite=True)["Version"])


def list_secrets(ssm: Any, target: AwsTarget, folder: str) -> tuple[StoredSecret, ...]:
    """The stage's parameters, names only (never decrypted), sorted."""
    found = []
    with aws_errors(target):
        for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=folder, Recursive=False, WithDecryption=False):
            for p in page.get("Parameters", []):
                found.append(StoredSecret(p["Name"].rsplit("/", 1)[-1], p["Name"], int(p.get("Version", 0)),
                                          str(p.get("LastModifiedDate", ""))[:19]))
    return tuple(sorted(found, key=lambda s: s.name))


def delete_secret(ssm: Any, target: AwsTarget, parameter: str) -> None:
    with aws_errors(target):
        try:
            ssm.delete_parameter(Name=parameter)
        except ssm.exceptions.ParameterNotFound:
            raise DeployError(f"there is no secret {parameter} to remove; `motia secrets list` shows the stage's secrets") from None
