"""What the compile reads from one imported step file, as one canonical text: its fragment.

The model is a function of every step file's fragment and of the project's other inputs (the
settings, `.env` files, stream files, the layout file, the options): two imports of a step
file that give the same fragment contribute the same steps to the model. `motia synth`'s
code-only fast path (`compiler.code_only`) re-imports only the changed step files and compares
their fragments with the last compile's, instead of compiling the project.

A fragment holds, for each step definition in the module's order: whether it has a handler,
its config as `plain_config` gives it to the compile, and whether its handler streams its HTTP
response (`compiler.handler_facts`); then the names of the module's `Stream` objects. Values a
config may hold besides plain data are written by what identifies them: a function by its
module and qualified name (the compile reads only whether a condition or middleware is there
and callable), a pydantic model class by its name and JSON schema. Anything else (an object of
another class, a dict with non-text keys, a value nested in itself) has no fragment: the fast
path then compiles. Standard library only, no pydantic import: this runs before the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import math
from types import ModuleType
from typing import Any

from compiler.config_guard import config_shape_problem
from compiler.handler_facts import is_streaming_http
from motia.config import plain_config, step_definitions
from motia.definition import StepDefinition
from motia.streams import Stream

__all__ = ["Unsupported", "canonical_value", "module_fragment"]

_PLAIN_TYPES = (str, int, bool, type(None))


class Unsupported(ValueError):
    """A value the fragment cannot identify by content."""


def _qualified(value: Any) -> str:
    return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"


def _schema_of(model_class: type) -> Any:
    try:
        return model_class.model_json_schema()  # type: ignore[attr-defined]
    except Exception as error:  # a user's class: whatever it raises, the compile decides
        raise Unsupported(f"{_qualified(model_class)}.model_json_schema() raised {type(error).__name__}") from None


def canonical_value(value: Any, _open: frozenset[int] = frozenset()) -> Any:
    """`value` as JSON-ready data that differs whenever the compile could read it differently.

    Dicts keep their order (the compile may read it), plain types keep their exact type (a str
    subclass is refused, not taken for text); `Unsupported` for what cannot be identified.
    """
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if kind is float:
        return {"float": repr(value)} if not math.isfinite(value) else value
    if id(value) in _open:
        raise Unsupported("a value nested in itself")
    inner = _open | {id(value)}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Unsupported("a dict key that is not text")
        return {"dict": [[k, canonical_value(v, inner)] for k, v in value.items()]}
    if kind in (list, tuple):
        return {kind.__name__: [canonical_value(v, inner) for v in value]}
    if isinstance(value, type) and callable(getattr(value, "model_json_schema", None)):
        return {"model": _qualified(value), "schema": canonical_value(_schema_of(value), inner)}
    if callable(value) and hasattr(value, "__qualname__") and not isinstance(value, type):
        return {"function": _qualified(value)}
    raise Unsupported(f"a {kind.__name__} value")


def _definition_fragment(definition: Any) -> dict[str, Any]:
    if config_shape_problem(definition.config):
        raise Unsupported("a config nested in itself")
    try:
        plain = plain_config(definition.config)
    except TypeError as error:
        raise Unsupported(str(error)) from None
    complete = isinstance(definition, StepDefinition)
    return {
        "handler": complete,
        "config": canonical_value(plain),
        "streaming": complete and is_streaming_http(definition.handler),
    }


def module_fragment(module: ModuleType) -> str | None:
    """The fragment of an imported step file (sha256 of its canonical JSON), or None when some
    value in it cannot be compared by content (see the module docstring)."""
    try:
        steps = [_definition_fragment(d) for d in step_definitions(module)]
    except Unsupported:
        return None
    streams = sorted(v.stream_name for v in vars(module).values() if isinstance(v, Stream))
    text = json.dumps({"steps": steps, "streams": streams}, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()
