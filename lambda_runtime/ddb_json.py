"""DynamoDB's attribute-value JSON (`{"S": ...}`, `{"M": {...}}`) to Python values and back.

Hand-written rather than boto3's TypeSerializer: the stream adapters decode records on the
cold path, where importing boto3 would cost ~260 ms (DESIGN.md 4). Numbers round-trip as
int when integral, else float; floats are written through `str` so 0.1 stays 0.1.
"""

from __future__ import annotations

import base64
import math
from decimal import Decimal
# typing costs ~20 ms to import on a cold start; annotations are strings anyway.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class UnsupportedValue(TypeError):
    """A value DynamoDB cannot store (NaN, infinity, an arbitrary object)."""


def _number(text: str) -> int | float:
    if "." not in text and "e" not in text and "E" not in text:
        return int(text)
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() and abs(number) < 2**53 else float(number)


def decode(attribute: dict[str, Any]) -> Any:
    """One attribute value (`{"N": "1.5"}`) as a Python value."""
    (kind, value), = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        return _number(value)
    if kind == "M":
        return {k: decode(v) for k, v in value.items()}
    if kind == "L":
        return [decode(v) for v in value]
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "B":
        return value if isinstance(value, (bytes, bytearray)) else base64.b64decode(value)
    if kind == "SS":
        return list(value)
    if kind == "NS":
        return [_number(v) for v in value]
    if kind == "BS":
        return [v if isinstance(v, (bytes, bytearray)) else base64.b64decode(v) for v in value]
    raise UnsupportedValue(f"unknown DynamoDB attribute type {kind!r}")


def decode_item(image: dict[str, Any]) -> dict[str, Any]:
    """A whole item (`NewImage`, `Item`) as a dict."""
    return {k: decode(v) for k, v in image.items()}


def _encode_number(value: int | float | Decimal) -> dict[str, Any]:
    if isinstance(value, float) and not math.isfinite(value):
        raise UnsupportedValue(f"DynamoDB cannot store {value!r}; store it as a string or null")
    return {"N": str(value)}


def encode(value: Any) -> dict[str, Any]:
    """A Python value (JSON-like, plus bytes and Decimal) as an attribute value."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):  # before int: bool is an int
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (int, float, Decimal)):
        return _encode_number(value)
    if isinstance(value, dict):
        return {"M": {str(k): encode(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [encode(v) for v in value]}
    if isinstance(value, (bytes, bytearray)):
        return {"B": bytes(value)}
    dump = getattr(value, "model_dump", None)
    if callable(dump):  # ApiRequest-like models and pydantic models store as their dicts
        return encode(dump())
    raise UnsupportedValue(
        f"cannot store a {type(value).__name__} in state or streams; use JSON-like values "
        "(dict, list, str, int, float, bool, None)"
    )


def encode_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: encode(v) for k, v in item.items()}
