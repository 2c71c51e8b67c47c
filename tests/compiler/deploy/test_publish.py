from __future__ import annotations

from compiler.deploy.publish import ENCRYPTION, PUBLIC_ACCESS_BLOCK, bucket_create_args


def test_us_east_1_buckets_have_no_location_constraint() -> None:
    assert bucket_create_args("b", "us-east-1") == {"Bucket": "b"}


def test_other_regions_name_their_location() -> None:
    assert bucket_create_args("b", "eu-west-1") == {
        "Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}


def test_every_kind_of_public_access_is_blocked_and_objects_are_encrypted() -> None:
    assert set(PUBLIC_ACCESS_BLOCK.values()) == {True} and len(PUBLIC_ACCESS_BLOCK) == 4
    assert ENCRYPTION["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
