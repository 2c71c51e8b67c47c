"""The boto3 edge: a session for one region (or an emulator endpoint) and errors as one line.

Every AWS mistake a user can make (no credentials, a wrong region, an unreachable endpoint,
expired or rejected credentials) becomes a `DeployError` whose message is one line with the fix;
the commands print it instead of a botocore traceback.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import boto3
import botocore.exceptions as bx
from botocore.parsers import ResponseParserError
from botocore.config import Config

from compiler.deploy.assembly import Environment
from compiler.errors import DeployError

__all__ = ["AwsTarget", "Clients", "DeployError", "aws_errors", "connect", "describe_aws_error", "region_problem"]

# Conservative retries with short connect timeouts, so an unreachable endpoint fails in seconds.
CLIENT_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60)
_REGION_SHAPE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_REJECTED = {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
             "AuthFailure", "InvalidAccessKeyId", "IncompleteSignature"}
_THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
              "SlowDown", "RequestThrottled", "RequestThrottledException", "ProvisionedThroughputExceededException"}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
_CREDENTIALS_FIX = ("set AWS_PROFILE (configured with `aws configure` or `aws sso login`), "
                    "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")


@dataclass(frozen=True)
class AwsTarget:
    """Where the commands send their calls: a region, and optionally an emulator endpoint."""

    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class Clients:
    target: AwsTarget
    region: str
    cloudformation: Any
    s3: Any
    sts: Any
    sqs: Any
    dynamodb: Any = None  # only the pre-flight check of a new stack's fixed table names uses it
    lambda_: Any = None  # `motia status` reads the functions
    scheduler: Any = None  # `motia dlq` finds the schedules' dead-letter queues
    logs: Any = None  # `motia logs` reads the functions' log groups
    sns: Any = None  # `motia invoke` publishes to a step's topic

    def env(self, account: str) -> Environment:
        partition = "aws-cn" if self.region.startswith("cn-") else (
            "aws-us-gov" if self.region.startswith("us-gov-") else "aws")
        suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        return Environment(account=account, region=self.region, partition=partition, url_suffix=suffix)


def region_problem(region: str, known: set[str]) -> str | None:
    """Why `region` cannot be a region (None when it can): unknown to botocore and not shaped like one."""
    if region in known or _REGION_SHAPE.match(region):
        return None
    examples = ", ".join(r for r in ("us-east-1", "eu-west-1", "ap-southeast-2") if r in known) or "us-east-1"
    return f"unknown AWS region {region!r}; pass --region with a region code such as {examples}"


def describe_aws_error(error: BaseException, target: AwsTarget, region: str | None) -> str:
    """One line for a botocore error, naming the cause and the fix."""
    where = region or target.region or "?"
    if isinstance(error, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return f"no AWS credentials found: {_CREDENTIALS_FIX}"
    if isinstance(error, bx.NoRegionError):
        return "no AWS region: pass --region or set AWS_REGION (or a region in your AWS profile)"
    if isinstance(error, bx.ProfileNotFound):
        return f"AWS profile not found: {error}; check AWS_PROFILE against `aws configure list-profiles`"
    if isinstance(error, (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError)):
        return "the AWS SSO session is missing or expired: run `aws sso login` and try again"
    if isinstance(error, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ConnectionClosedError)):
        if target.endpoint_url:
            return f"cannot reach the endpoint {target.endpoint_url}: is the emulator running at that address?"
        return (f"cannot reach AWS in region {where}: check the region name (--region) "
                "and your network connection")
    if isinstance(error, bx.ClientError):
        err = error.response.get("Error", {})
        code, message = err.get("Code", "Error"), err.get("Message", "")
        operation = getattr(error, "operation_name", "") or "AWS call"
        if code in _REJECTED:
            return (f"AWS rejected the credentials in region {where} ({code}): check them, and that "
                    f"region {where} is enabled for the account")
        if code in _EXPIRED:
            return f"the AWS credentials have expired ({code}): refresh them (e.g. `aws sso login`) and retry"
        if code in _THROTTLED:
            return (f"AWS is throttling {operation} in region {where} ({code}), even after retries: wait a "
                    "minute and run the command again")
        if code.startswith("AccessDenied") or code == "UnauthorizedOperation":
            return f"access denied for {operation} in region {where}: {message}"
        return f"{operation} failed in region {where}: {code}: {message}".rstrip(": ")
    if isinstance(error, ResponseParserError):
        # e.g. an emulator answering one service's call in another service's format
        body = str(error).rsplit("received.", 1)[-1].strip()
        return f"the endpoint's answer could not be read as AWS's: {body[:300]}"
    if isinstance(error, bx.BotoCoreError):
        return f"AWS call failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
    return str(error)


@contextmanager
def aws_errors(target: AwsTarget, region: str | None = None) -> Iterator[None]:
    """Turn botocore errors raised inside the block into `DeployError`s."""
    try:
        yield
    except (bx.BotoCoreError, bx.ClientError, ResponseParserError) as error:
        raise DeployError(describe_aws_error(error, target, region)) from error


def connect(target: AwsTarget) -> Clients:
    """Clients for the target's region; the region is checked before any call is made."""
    with aws_errors(target):
        session = boto3.Session(profile_name=target.profile, region_name=target.region)
        region = session.region_name
        if not region:
            raise bx.NoRegionError()
        if not target.endpoint_url:
            known = set()
            for partition in session.get_available_partitions():
                known.update(session.get_available_regions("cloudformation", partition_name=partition))
            problem = region_problem(region, known)
            if problem:
                raise DeployError(problem)

        def client(service: str) -> Any:
            return session.client(service, region_name=region, endpoint_url=target.endpoint_url,
                                  config=CLIENT_CONFIG)

        return Clients(target, region, client("cloudformation"), client("s3"), client("sts"), client("sqs"),
                       client("dynamodb"), client("lambda"), client("scheduler"), client("logs"), client("sns"))


def account_id(clients: Clients) -> str:
    """The caller's account: the first call made, so credential problems surface here."""
    with aws_errors(clients.target, clients.region):
        return str(clients.sts.get_caller_identity()["Account"])
