"""What AWS refuses by size, checked before the call so the step gets an error naming itself and
the limit instead of an opaque service error (the emulator runs the same checks).

SNS (and the SQS queue it feeds) take at most 256 KiB per message, body and attributes
together; a DynamoDB item at most 400 KiB, names and values together; a synchronous Lambda
response at most 6 MiB. Each check measures what the caller has already encoded.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SNS_MESSAGE_LIMIT = 256 * 1024
DYNAMODB_ITEM_LIMIT = 400 * 1024
LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024


class PayloadTooLarge(ValueError):
    """A message, item or response over what AWS accepts."""


def _kib(size: int) -> str:
    return f"{size / 1024:.1f} KiB"


def sns_message_size(body: str, attributes: dict[str, dict[str, str]]) -> int:
    """Bytes SNS counts: the body plus each attribute's name, data type and value."""
    size = len(body.encode())
    for name, attribute in attributes.items():
        size += len(name.encode()) + len(attribute["DataType"]) + len(attribute.get("StringValue", "").encode())
    return size


def check_message(step_name: str, topic: str, body: str, attributes: dict[str, dict[str, str]]) -> None:
    # Under a quarter of the limit in characters, the UTF-8 bytes cannot reach it: skip encoding.
    if len(body) * 4 < SNS_MESSAGE_LIMIT - 4096:
        return
    size = sns_message_size(body, attributes)
    if size > SNS_MESSAGE_LIMIT:
        raise PayloadTooLarge(
            f"step {step_name!r}: the message enqueued to {topic!r} is {_kib(size)}, over the "
            f"{_kib(SNS_MESSAGE_LIMIT)} SNS/SQS message limit; store the large data in state or S3 and "
            "enqueue its key instead"
        )


def _number_size(text: str) -> int:
    """DynamoDB stores about two significant digits per byte, plus one byte."""
    digits = text.lstrip("-").split("e")[0].split("E")[0].replace(".", "").strip("0")
    return (len(digits) + 1) // 2 + 1


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes DynamoDB counts for one attribute value (`{"S": ...}`, `{"M": {...}}`)."""
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":  # 3 bytes, then per entry its name, one byte and its value
        return 3 + sum(len(k.encode()) + 1 + attribute_size(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in inner)
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(_number_size(n) for n in inner)
    if kind == "BS":
        return sum(len(b) for b in inner)
    return 0


def item_size(item: dict[str, dict[str, Any]]) -> int:
    """Bytes DynamoDB counts for a whole item: each attribute's name and value."""
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def check_item(step_name: str, what: str, item: dict[str, dict[str, Any]]) -> None:
    size = item_size(item)
    if size > DYNAMODB_ITEM_LIMIT:
        raise PayloadTooLarge(
            f"step {step_name!r}: the {what} is {_kib(size)}, over DynamoDB's {_kib(DYNAMODB_ITEM_LIMIT)} "
            "item limit; split the value over several keys or store it in S3 and keep its key"
        )


def response_size(result: dict[str, Any]) -> int:
    """Bytes of a Lambda proxy result as Lambda serializes it."""
    import json

    return len(json.dumps(result, ensure_ascii=False).encode())


def check_response(step_name: str, result: dict[str, Any]) -> None:
    body = result.get("body")
    # Under a sixth of the limit in characters, the JSON (escapes at most 6x) cannot reach it.
    if not isinstance(body, str) or len(body) * 6 < LAMBDA_RESPONSE_LIMIT - 65536:
        return
    size = response_size(result)
    if size > LAMBDA_RESPONSE_LIMIT:
        raise PayloadTooLarge(
            f"step {step_name!r}: the HTTP response is {_kib(size)}, over Lambda's "
            f"{_kib(LAMBDA_RESPONSE_LIMIT)} response limit; page the result or return a link to it in S3"
        )
