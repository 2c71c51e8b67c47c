"""In-process mode: the step runtime's DynamoDB, SNS and SQS calls answered by moto's backends.

The shim's stores and publisher (`lambda_runtime.state_store`, `stream_store`, `publish`,
`trigger_failures`, `queue_backoff`) call boto3 clients. Under `mock_aws` each call goes
through botocore's serializer, event hooks and moto's response parsing: about 3 ms, against
0.1-0.2 ms on moto's backend object. While the emulator runs in process it installs these
clients in `lambda_runtime.aws_clients`, so the same store code runs against the same moto
state, only without the wire format. They answer exactly the calls the runtime makes, in the
shapes boto3 returns; any other call fails loudly (`UnsupportedCall`) instead of guessing.
moto keeps deciding what it decides: conditions, stream records, SNS fan-out to SQS.
The boto3 path stays in use in server mode and is tested against moto in the suite.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from compiler.emulator.moto_direct import DirectSqs


class UnsupportedCall(NotImplementedError):
    """A runtime call shape the direct clients do not answer (add it here, with a test)."""


def _attributes(item: Any) -> dict[str, Any]:
    """A moto Item as boto3 returns it: DynamoDB JSON, binary values as bytes."""
    return {name: value.to_regular_json() for name, value in item.attrs.items()}


def _only(call: str, given: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(given) - allowed)
    if extra:
        raise UnsupportedCall(f"the emulator's direct DynamoDB client does not answer {call} with {extra}")


def _projected(attributes: dict[str, Any], projection: str | None, names: dict[str, str]) -> dict[str, Any]:
    if not projection:
        return attributes
    wanted = {names.get(part.strip(), part.strip()) for part in projection.split(",")}
    return {k: v for k, v in attributes.items() if k in wanted}


class DirectDynamoDB:
    """GetItem, PutItem, DeleteItem, Query on the hash key (paged), Scan, BatchWriteItem."""

    def __init__(self, account_id: str, region: str) -> None:
        from moto.dynamodb.exceptions import ConditionalCheckFailed
        from moto.dynamodb.models import dynamodb_backends

        self._backend = dynamodb_backends[account_id][region]
        # `except ddb.exceptions.ConditionalCheckFailedException` in the stores catches moto's own.
        self.exceptions = SimpleNamespace(ConditionalCheckFailedException=ConditionalCheckFailed)

    def get_item(self, TableName: str, Key: dict[str, Any], ConsistentRead: bool = False) -> dict[str, Any]:
        item = self._backend.get_item(TableName, Key)
        return {"Item": _attributes(item)} if item is not None else {}

    def put_item(self, TableName: str, Item: dict[str, Any], **options: Any) -> dict[str, Any]:
        _only("PutItem", options, {"ReturnValues", "ConditionExpression", "ExpressionAttributeNames",
                                    "ExpressionAttributeValues"})
        old = self._backend.get_item(TableName, Item) if options.get("ReturnValues") == "ALL_OLD" else None
        condition = options.get("ConditionExpression")
        self._backend.put_item(
            TableName, Item, None, condition, options.get("ExpressionAttributeNames") or {},
            options.get("ExpressionAttributeValues") or {}, overwrite=condition is None,
        )
        return {"Attributes": _attributes(old)} if old is not None else {}

    def delete_item(self, TableName: str, Key: dict[str, Any], ReturnValues: str = "NONE") -> dict[str, Any]:
        old = self._backend.delete_item(TableName, Key)
        return {"Attributes": _attributes(old)} if old is not None and ReturnValues == "ALL_OLD" else {}

    def query(self, TableName: str, KeyConditionExpression: str, ExpressionAttributeNames: dict[str, str],
              ExpressionAttributeValues: dict[str, Any], ConsistentRead: bool = False,
              ExclusiveStartKey: dict[str, Any] | None = None, Limit: int | None = None) -> dict[str, Any]:
        name, _, placeholder = (part.strip() for part in KeyConditionExpression.partition("="))
        table = self._backend.get_table(TableName)
        if ExpressionAttributeNames.get(name, name) != table.hash_key_attr or placeholder not in ExpressionAttributeValues:
            raise UnsupportedCall(f"the direct client answers a query on the hash key only, not {KeyConditionExpression!r}")
        hash_value = ExpressionAttributeValues[placeholder]
        items, _, last_key = self._backend.query(
            TableName, hash_value, None, [], Limit, ExclusiveStartKey, True, None,
            consistent_read=ConsistentRead, hash_key_conditions=[(table.hash_key_attr, hash_value)],
        )
        page: dict[str, Any] = {"Items": [_attributes(i) for i in items]}
        if last_key:
            page["LastEvaluatedKey"] = last_key
        return page

    def scan(self, TableName: str, ProjectionExpression: str | None = None,
             ExpressionAttributeNames: dict[str, str] | None = None, FilterExpression: str | None = None,
             ExpressionAttributeValues: dict[str, Any] | None = None,
             ExclusiveStartKey: dict[str, Any] | None = None) -> dict[str, Any]:
        names = ExpressionAttributeNames or {}
        items, _, last_key = self._backend.scan(
            TableName, {}, None, ExclusiveStartKey, FilterExpression, names, ExpressionAttributeValues or {},
            None, False, None, (None, None),
        )
        page: dict[str, Any] = {"Items": [_projected(_attributes(i), ProjectionExpression, names) for i in items]}
        if last_key:
            page["LastEvaluatedKey"] = last_key
        return page

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        for table, requests in RequestItems.items():
            for request in requests:
                if set(request) == {"PutRequest"}:  # the stream server's subscriptions
                    self._backend.put_item(table, request["PutRequest"]["Item"], overwrite=True)
                    continue
                if set(request) != {"DeleteRequest"}:
                    raise UnsupportedCall(f"the direct client answers BatchWriteItem puts and deletes, not {sorted(request)}")
                self._backend.delete_item(table, request["DeleteRequest"]["Key"])
        return {"UnprocessedItems": {}}


class DirectSns:
    """Publish, with moto delivering to the topic's subscriptions as it does over boto3."""

    def __init__(self, account_id: str, region: str) -> None:
        from moto.sns.models import sns_backends

        self._backend = sns_backends[account_id][region]

    def publish(self, TopicArn: str, Message: str, MessageAttributes: dict[str, Any] | None = None,
                MessageGroupId: str | None = None, MessageDeduplicationId: str | None = None) -> dict[str, Any]:
        attributes = {}
        for name, value in (MessageAttributes or {}).items():
            if "StringValue" not in value:
                raise UnsupportedCall(f"the direct SNS client sends string attributes only, not {name!r}")
            attributes[name] = {"Type": value["DataType"], "Value": value["StringValue"]}
        message_id = self._backend.publish(
            Message, TopicArn, message_attributes=attributes, group_id=MessageGroupId,
            deduplication_id=MessageDeduplicationId,
        )
        return {"MessageId": message_id}


def runtime_clients(account_id: str, region: str) -> dict[str, Any]:
    """The clients `lambda_runtime.aws_clients.client` answers with while the emulator runs."""
    return {
        "dynamodb": DirectDynamoDB(account_id, region),
        "sns": DirectSns(account_id, region),
        "sqs": DirectSqs(account_id, region),
    }
