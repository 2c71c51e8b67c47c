from __future__ import annotations

import botocore.exceptions as bx
import pytest

from compiler.deploy.aws import AwsTarget, DeployError, aws_errors, connect, describe_aws_error, region_problem

AWS = AwsTarget(region="eu-west-1")
EMULATOR = AwsTarget(region="us-east-1", endpoint_url="http://127.0.0.1:5000")


def client_error(code: str, message: str = "msg", operation: str = "GetCallerIdentity") -> bx.ClientError:
    return bx.ClientError({"Error": {"Code": code, "Message": message}}, operation)


def test_missing_credentials_say_how_to_provide_them() -> None:
    line = describe_aws_error(bx.NoCredentialsError(), AWS, "eu-west-1")
    assert line.startswith("no AWS credentials found: set AWS_PROFILE")
    assert "\n" not in line


def test_missing_region_says_how_to_pass_one() -> None:
    assert "pass --region or set AWS_REGION" in describe_aws_error(bx.NoRegionError(), AWS, None)


def test_unreachable_emulator_names_the_endpoint() -> None:
    error = bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:5000/")
    assert describe_aws_error(error, EMULATOR, "us-east-1") == (
        "cannot reach the endpoint http://127.0.0.1:5000: is the emulator running at that address?")


def test_unreachable_aws_points_at_the_region() -> None:
    error = bx.EndpointConnectionError(endpoint_url="https://sts.eu-west-1.amazonaws.com/")
    assert "cannot reach AWS in region eu-west-1: check the region name" in describe_aws_error(error, AWS, "eu-west-1")


def test_rejected_credentials_mention_a_disabled_region() -> None:
    line = describe_aws_error(client_error("InvalidClientTokenId"), AwsTarget("ap-east-1"), "ap-east-1")
    assert line == ("AWS rejected the credentials in region ap-east-1 (InvalidClientTokenId): check them, "
                    "and that region ap-east-1 is enabled for the account")


def test_expired_credentials_say_to_refresh() -> None:
    assert "have expired (ExpiredToken)" in describe_aws_error(client_error("ExpiredToken"), AWS, "eu-west-1")


def test_other_client_errors_keep_operation_code_and_message() -> None:
    error = client_error("ValidationError", "Template format error", "CreateChangeSet")
    assert describe_aws_error(error, AWS, "eu-west-1") == (
        "CreateChangeSet failed in region eu-west-1: ValidationError: Template format error")


def test_aws_errors_turns_botocore_errors_into_deploy_errors() -> None:
    with pytest.raises(DeployError, match="no AWS credentials found"):
        with aws_errors(AWS):
            raise bx.NoCredentialsError()


def test_known_and_region_shaped_names_pass() -> None:
    assert region_problem("eu-west-1", {"eu-west-1"}) is None
    assert region_problem("mx-central-9", {"eu-west-1"}) is None  # newer than this botocore


def test_rejects_a_name_that_is_not_a_region() -> None:
    assert region_problem("Frankfurt", {"eu-west-1", "us-east-1"}) == (
        "unknown AWS region 'Frankfurt'; pass --region with a region code such as us-east-1, eu-west-1")


def test_rejects_an_unknown_region_before_any_call() -> None:
    with pytest.raises(DeployError, match="unknown AWS region 'europe'"):
        connect(AwsTarget(region="europe"))


def test_fails_without_region(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    with pytest.raises(DeployError, match="no AWS region"):
        connect(AwsTarget())


def test_partition_follows_the_region() -> None:
    clients = connect(AwsTarget(region="cn-north-1", endpoint_url="http://127.0.0.1:1"))
    env = clients.env("123")
    assert (env.partition, env.url_suffix) == ("aws-cn", "amazonaws.com.cn")


@pytest.mark.parametrize("code", ["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"])
def test_throttling_says_to_wait_and_retry(code: str) -> None:
    text = describe_aws_error(client_error(code, "Rate exceeded", "FilterLogEvents"), AWS, "eu-west-1")
    assert text == f"AWS is throttling FilterLogEvents in region eu-west-1 ({code}), even after retries: wait a minute and run the command again"
