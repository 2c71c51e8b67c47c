"""`schema_to_json_schema`: body/input schemas (pydantic models or JSON Schema dicts) as JSON Schema."""

from __future__ import annotations

from typing import Any


def schema_to_json_schema(schema: Any) -> dict[str, Any] | None:
    """A pydantic model class (or TypeAdapter-able type) or a dict, as a JSON Schema dict.

    pydantic is imported only when a model is actually given: this runs at compile time,
    never on the Lambda cold path.
    """
    if schema is None:
        return None
    if isinstance(schema, dict):
        return schema
    json_schema = getattr(schema, "model_json_schema", None)
    if callable(json_schema):
        return json_schema()
    from pydantic import TypeAdapter

    return TypeAdapter(schema).json_schema()
