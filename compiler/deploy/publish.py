"""Publish file assets: the asset bucket (created encrypted and private when missing) and uploads.

Keys are content hashes, so an object already present is the same bytes: it is not sent again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterable

from botocore.exceptions import ClientError

from compiler.deploy.archive import asset_bytes
from compiler.deploy.assembly import Upload
from compiler.deploy.aws import Clients, DeployError, aws_errors

__all__ = ["LEGACY_BUCKET", "PublishResult", "bucket_create_args", "ensure_bucket", "publish_assets",
           "retire_legacy_bucket"]

PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
}
# Where assets went before they had a bucket of their own: the CDK bootstrap bucket's name.
# We created it when missing, and then `cdk bootstrap` could no longer create its own.
LEGACY_BUCKET = "cdk-hnb659fds-assets-{account}-{region}"
# How a synthesized template names it (CloudFormation's GetTemplate returns it unresolved).
LEGACY_BUCKET_IN_TEMPLATES = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


@dataclass(frozen=True)
class PublishResult:
    uploaded: tuple[str, ...]  # s3://bucket/key sent now
    present: tuple[str, ...]  # already in the bucket
    buckets_created: tuple[str, ...]


def bucket_create_args(bucket: str, region: str) -> dict[str, object]:
    """create_bucket's arguments: us-east-1 refuses a LocationConstraint, every other region needs one."""
    args: dict[str, object] = {"Bucket": bucket}
    if region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    return args


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def ensure_bucket(clients: Clients, bucket: str) -> bool:
    """Create `bucket` (SSE-S3, all public access blocked) unless it exists; True when created."""
    with aws_errors(clients.target, clients.region):
        try:
            clients.s3.head_bucket(Bucket=bucket)
            return False
        except ClientError as error:
            if _status(error) == 403:
                raise DeployError(
                    f"the asset bucket {bucket} exists but this account cannot use it; "
                    "it belongs to another account, or your credentials lack s3 permissions") from error
            if _status(error) != 404:
                raise
        clients.s3.create_bucket(**bucket_create_args(bucket, clients.region))
        clients.s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK)
        clients.s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=ENCRYPTION)
        return True


def _exists(clients: Clients, upload: Upload) -> bool:
    """The object is there. Keys are content hashes; for plain files a size check also catches
    an assembly edited by hand after synthesis (zips are not rebuilt just to compare)."""
    try:
        head = clients.s3.head_object(Bucket=upload.bucket, Key=upload.key)
        if upload.packaging == "file" and upload.path.is_file():
            return int(head.get("ContentLength", -1)) == upload.path.stat().st_size
        return True
    except ClientError as error:
        if _status(error) == 404:
            return False
        raise


def publish_assets(clients: Clients, uploads: Iterable[Upload],
                   progress: Callable[[str], None] = lambda _: None) -> PublishResult:
    """Upload every asset missing from its bucket, creating buckets on the way."""
    uploads = tuple(uploads)
    created = tuple(b for b in sorted({u.bucket for u in uploads}) if ensure_bucket(clients, b))
    for bucket in created:
        progress(f"created asset bucket {bucket} (encrypted, public access blocked)")
    sent: list[str] = []
    present: list[str] = []
    with aws_errors(clients.target, clients.region):
        for upload in uploads:
            url = f"s3://{upload.bucket}/{upload.key}"
            if _exists(clients, upload):
                present.append(url)
                continue
            if not upload.path.exists():
                raise DeployError(f"asset {upload.asset_id} is missing from the assembly ({upload.path}); "
                                  "synthesize again")
            clients.s3.put_object(Bucket=upload.bucket, Key=upload.key, Body=asset_bytes(upload.path, upload.packaging))
            sent.append(url)
    return PublishResult(tuple(sent), tuple(present), created)


def _stacks_holding(clients: Clients, bucket: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(stacks that own `bucket` as a resource: CDK's bootstrap stack; stacks whose template still
    names it: other apps and stages not yet redeployed). Only runs while the old bucket exists."""
    owners: list[str] = []
    users: list[str] = []
    for page in clients.cloudformation.get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            if stack["StackStatus"].startswith("DELETE_"):
                continue
            resources = clients.cloudformation.describe_stack_resources(StackName=stack["StackName"])["StackResources"]
            if any(r.get("PhysicalResourceId") == bucket for r in resources):
                owners.append(stack["StackName"])
                continue
            body = clients.cloudformation.get_template(StackName=stack["StackName"])["TemplateBody"]
            text = body if isinstance(body, str) else json.dumps(body)
            if bucket in text or LEGACY_BUCKET_IN_TEMPLATES in text:
                users.append(stack["StackName"])
    return tuple(sorted(owners)), tuple(sorted(users))


def _empty_and_delete(clients: Clients, bucket: str) -> None:
    paginator = clients.s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                   for v in (*page.get("Versions", []), *page.get("DeleteMarkers", []))]
        if objects:
            clients.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    clients.s3.delete_bucket(Bucket=bucket)


def retire_legacy_bucket(clients: Clients, account: str, progress: Callable[[str], None] = lambda _: None,
                         deployed_from: str = "") -> bool:
    """After a deploy moved a stack to our bucket: remove the old bucket of that name when we made
    it and no stack uses it any more, so `cdk bootstrap` can create it. True when removed.
    `deployed_from` is the bucket the deploy's own assets are in (an assembly synthesized before
    the move still uses the old one: nothing to retire then).
    A clean-up only: a failure is reported and never fails the deploy that already succeeded."""
    if deployed_from == LEGACY_BUCKET.format(account=account, region=clients.region):
        return False
    try:
        return _retire_legacy_bucket(clients, account, progress)
    except DeployError as error:
        progress(f"note: the old asset bucket was not removed ({error}); the next deploy tries again")
        return False


def _retire_legacy_bucket(clients: Clients, account: str, progress: Callable[[str], None]) -> bool:
    bucket = LEGACY_BUCKET.format(account=account, region=clients.region)
    with aws_errors(clients.target, clients.region):
        try:
            clients.s3.head_bucket(Bucket=bucket)
        except ClientError as error:
            if _status(error) in (403, 404):  # absent, or not ours to touch
                return False
            raise
        owners, users = _stacks_holding(clients, bucket)
        if owners:
            return False  # CDK's own bootstrap bucket: not ours
        if users:
            progress(f"old asset bucket {bucket} kept: still used by {', '.join(users)} "
                     "(removed by the deploy that moves the last of them)")
            return False
        _empty_and_delete(clients, bucket)
    progress(f"removed the old asset bucket {bucket}: assets now live in their own bucket, "
             "and `cdk bootstrap` can create its bucket again")
    return True
