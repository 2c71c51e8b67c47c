"""Assets moved off the CDK bootstrap bucket's name: the old bucket goes once nothing uses it."""

from __future__ import annotations

import json
from typing import Any, Iterator

import boto3
import pytest
from moto import mock_aws

from compiler.deploy.aws import AwsTarget, Clients
from compiler.deploy.publish import retire_legacy_bucket
from compiler.synth import ASSET_BUCKET

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
OLD = f"cdk-hnb659fds-assets-{ACCOUNT}-{REGION}"
CREATE = {"LocationConstraint": REGION}


@pytest.fixture
def clients() -> Iterator[Clients]:
    with mock_aws():
        yield Clients(target=AwsTarget(region=REGION), region=REGION,
                      cloudformation=boto3.client("cloudformation", region_name=REGION),
                      s3=boto3.client("s3", region_name=REGION), sts=boto3.client("sts", region_name=REGION),
                      sqs=boto3.client("sqs", region_name=REGION))


def stack_using(clients: Clients, name: str, bucket: str | dict[str, str]) -> None:
    template: dict[str, Any] = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
                                "Outputs": {"Code": {"Value": bucket}}}
    clients.cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))


def old_bucket_with_assets(clients: Clients) -> None:
    clients.s3.create_bucket(Bucket=OLD, CreateBucketConfiguration=CREATE)
    clients.s3.put_object(Bucket=OLD, Key="abc.zip", Body=b"code")


def test_assets_have_a_bucket_of_their_own() -> None:
    assert ASSET_BUCKET == "motia-aws-assets-${AWS::AccountId}-${AWS::Region}"


def test_the_old_bucket_we_made_is_removed_once_no_stack_uses_it(clients: Clients) -> None:
    old_bucket_with_assets(clients)
    stack_using(clients, "shop-dev", f"motia-aws-assets-{ACCOUNT}-{REGION}")
    said: list[str] = []
    assert retire_legacy_bucket(clients, ACCOUNT, said.append) is True
    assert OLD not in {b["Name"] for b in clients.s3.list_buckets()["Buckets"]}
    assert said == [f"removed the old asset bucket {OLD}: assets now live in their own bucket, "
                    "and `cdk bootstrap` can create its bucket again"]


def test_the_old_bucket_stays_while_another_stack_still_uses_it(clients: Clients) -> None:
    old_bucket_with_assets(clients)
    stack_using(clients, "shop-prod", OLD)
    said: list[str] = []
    assert retire_legacy_bucket(clients, ACCOUNT, said.append) is False
    assert clients.s3.get_object(Bucket=OLD, Key="abc.zip")["Body"].read() == b"code"
    assert said and "still used by shop-prod" in said[0]


def test_the_old_bucket_stays_while_a_stack_names_it_as_synthesized(clients: Clients) -> None:
    # A stage not yet redeployed: its template names the bucket with Fn::Sub, as CDK writes it.
    old_bucket_with_assets(clients)
    stack_using(clients, "shop-prod", {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"})
    assert retire_legacy_bucket(clients, ACCOUNT) is False
    assert clients.s3.get_object(Bucket=OLD, Key="abc.zip")["Body"].read() == b"code"


def test_a_deploy_whose_assets_are_still_in_the_old_bucket_keeps_it(clients: Clients) -> None:
    old_bucket_with_assets(clients)
    assert retire_legacy_bucket(clients, ACCOUNT, deployed_from=OLD) is False
    assert clients.s3.head_bucket(Bucket=OLD)


def test_cdk_s_own_bootstrap_bucket_is_never_touched(clients: Clients) -> None:
    # As `cdk bootstrap` makes it: a stack's bucket, its name built with Fn::Sub.
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {
        "BucketName": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}}}
    clients.cloudformation.create_stack(StackName="CDKToolkit",
                                        TemplateBody=json.dumps({"Resources": {"StagingBucket": bucket}}))
    assert retire_legacy_bucket(clients, ACCOUNT) is False
    assert clients.s3.head_bucket(Bucket=OLD)


def test_nothing_to_do_without_an_old_bucket(clients: Clients) -> None:
    said: list[str] = []
    assert retire_legacy_bucket(clients, ACCOUNT, said.append) is False and said == []
