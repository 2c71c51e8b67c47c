"""A queue trigger's `input`, applied as Motia 1.0.4's queue handler applies it.

The SDK (`motia/runtime.py`, `_validate_input_schema`) does, when `trigger.input` is truthy:
a pydantic model class validates the data and the handler gets the model instance; a dict is
a JSON Schema, checked with `jsonschema` when that package is importable (the SDK does not
depend on it: without it, a warning and the data unchanged), and the handler gets the data
as it came; anything else is not checked. A failure raises, so the message is retried and
ends in the dead-letter queue. Nothing heavy is imported unless the step's config asks for
it: a pydantic model in a config means the step file already imported pydantic.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

JSONSCHEMA_MISSING = "jsonschema is not installed; the queue input's JSON Schema is not checked (as under Motia)"


class InvalidQueueInput(ValueError):
    """The message does not match the queue trigger's `input`; `fields` names where."""

    def __init__(self, fields: tuple[str, ...], detail: str) -> None:
        super().__init__(detail)
        self.fields = fields
        self.detail = detail


def _is_pydantic_model(schema: Any) -> bool:
    if not isinstance(schema, type) or "pydantic" not in sys.modules:
        return False
    from pydantic import BaseModel

    return issubclass(schema, BaseModel)


def _pydantic_fields(errors: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(".".join(str(p) for p in e.get("loc", ())) or "(root)" for e in errors))


def _validate_model(schema: Any, value: Any) -> Any:
    from pydantic import ValidationError

    try:
        return schema.model_validate(value)
    except ValidationError as error:
        raise InvalidQueueInput(_pydantic_fields(error.errors()), str(error)) from None


def _json_schema_fields(errors: list[Any]) -> tuple[str, ...]:
    fields: list[str] = []
    for error in errors:
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            # `required` fails on the object; name the missing property itself.
            missing = [k for k in error.validator_value if k not in error.instance]
            fields.extend(".".join(filter(None, (path, str(k)))) for k in missing)
        else:
            fields.append(path or "(root)")
    return tuple(dict.fromkeys(fields))


def _validate_json_schema(schema: dict[str, Any], value: Any, warn: Callable[[str], None]) -> Any:
    try:
        from jsonschema.validators import validator_for
    except ImportError:
        warn(JSONSCHEMA_MISSING)
        return value
    validator = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        detail = "; ".join(f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors)
        raise InvalidQueueInput(_json_schema_fields(errors), detail)
    return value


def validated_input(schema: Any, value: Any, warn: Callable[[str], None]) -> Any:
    """What the handler gets for `value` under `schema`; InvalidQueueInput when it does not match."""
    if not schema:
        return value
    if _is_pydantic_model(schema):
        return _validate_model(schema, value)
    if isinstance(schema, dict):
        return _validate_json_schema(schema, value, warn)
    return value
