"""The strict schema of a step config (pydantic), and its problems as diagnostics.

Keys are accepted in snake_case and camelCase. An unknown key, at any depth, is a warning
naming the closest known key, and the step compiles without it: Motia 1.0.4's own models
ignore extra keys everywhere (pydantic's default `extra="ignore"`), so a file that runs under
Motia must compile, but a silently dropped `maxRetry` is a production incident, hence loud.
Ranges and cross-step rules are checked in `compiler.validate`, with messages written for people.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from compiler.ir import Diagnostic

TRIGGER_KINDS = ("http", "queue", "cron", "state", "stream")


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        arbitrary_types_allowed=True,
    )


class HandlerSpec(_Spec):
    ram: int | None = None
    cpu: int | None = None
    timeout: int | None = None


class QueueSpec(_Spec):
    """Motia's QueueConfig keys (1.0.4); unset ones fall back to the next layer, then defaults."""

    type: Literal["fifo", "standard"] | None = None
    max_retries: int | None = None
    visibility_timeout: int | None = None
    delay_seconds: int | None = None
    concurrency: int | None = None
    backoff_type: str | None = None
    backoff_delay_ms: int | None = None
    # The camelCase keys it was written with: Motia's own QueueConfig ignores those (it
    # validates by field name only), so a `config={"maxRetries": 5}` means 3 under Motia.
    _camel_keys: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _note_camel_keys(cls, data: Any, handler: Any) -> Any:
        spec = handler(data)
        if isinstance(data, dict):
            camel = {to_camel(name) for name in cls.model_fields} - set(cls.model_fields)
            spec._camel_keys = tuple(sorted(k for k in data if k in camel))
        return spec

    @property
    def camel_keys(self) -> tuple[str, ...]:
        return self._camel_keys


class InfrastructureSpec(_Spec):
    handler: HandlerSpec | None = None
    queue: QueueSpec | None = None


class PermissionSpec(_Spec):
    """An extra IAM statement on the step's role (compiler/permissions.py checks its values)."""

    actions: list[str] = Field(min_length=1)
    resources: list[str] = Field(min_length=1)


class EnqueueSpec(_Spec):
    topic: str = Field(min_length=1)
    label: str | None = None
    conditional: bool = False


class HttpTriggerSpec(_Spec):
    type: Literal["http"]
    method: str
    path: str
    condition: Any = None
    middleware: list[Any] | None = None
    body_schema: Any = None
    response_schema: Any = None
    query_params: Any = None


class QueueTriggerSpec(_Spec):
    type: Literal["queue"]
    topic: str = Field(min_length=1)
    condition: Any = None
    input: Any = None
    infrastructure: InfrastructureSpec | None = None
    config: QueueSpec | None = None


class CronTriggerSpec(_Spec):
    type: Literal["cron"]
    expression: str
    condition: Any = None


class StateTriggerSpec(_Spec):
    type: Literal["state"]
    condition: Any = None


class StreamTriggerSpec(_Spec):
    type: Literal["stream"]
    stream_name: str = Field(min_length=1)
    group_id: str | None = None
    item_id: str | None = None
    condition: Any = None


TriggerSpec = Annotated[
    Union[HttpTriggerSpec, QueueTriggerSpec, CronTriggerSpec, StateTriggerSpec, StreamTriggerSpec],
    Field(discriminator="type"),
]


class StepSpec(_Spec):
    """A validated step config, in the current generation's shape."""

    name: str = Field(min_length=1)
    triggers: list[TriggerSpec] = Field(default_factory=list)
    enqueues: list[Union[str, EnqueueSpec]] = Field(default_factory=list)
    virtual_enqueues: list[Union[str, EnqueueSpec]] | None = None
    virtual_subscribes: list[str] | None = None
    description: str | None = None
    flows: list[str] | None = None
    include_files: list[str] | None = None
    infrastructure: InfrastructureSpec | None = None
    permissions: list[PermissionSpec] | None = None

    def enqueue_topics(self) -> tuple[str, ...]:
        return tuple(sorted({e if isinstance(e, str) else e.topic for e in self.enqueues}))

    def virtual_enqueue_topics(self) -> tuple[str, ...]:
        return tuple(sorted({e if isinstance(e, str) else e.topic for e in self.virtual_enqueues or []}))


_SPEC_CLASSES: tuple[type[_Spec], ...] = (
    HandlerSpec, QueueSpec, InfrastructureSpec, EnqueueSpec, HttpTriggerSpec, QueueTriggerSpec,
    CronTriggerSpec, StateTriggerSpec, StreamTriggerSpec, StepSpec, PermissionSpec,
)
# Keys of the 0.x generation; suggested too, since legacy configs are upgraded before this.
_LEGACY_KEYS = ("type", "subscribes", "emits", "virtualEmits", "cron", "bodySchema", "input")
KNOWN_KEYS: tuple[str, ...] = tuple(sorted(
    {name for cls in _SPEC_CLASSES for name in cls.model_fields}
    | {to_camel(name) for cls in _SPEC_CLASSES for name in cls.model_fields}
    | set(_LEGACY_KEYS)
))
# Parts of pydantic error locations that name a union member, not a key the user wrote.
_UNION_TAGS = {*TRIGGER_KINDS, "str", "EnqueueSpec", "QueueSpec", "InfrastructureSpec", "HandlerSpec"}


def closest_key(key: str) -> str | None:
    matches = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _where(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for index, part in enumerate(loc):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part in _UNION_TAGS and index > 0 and isinstance(loc[index - 1], int):
            continue
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts) or "the step config"


def unknown_key_warning(file: str, step: str, loc: tuple[int | str, ...]) -> Diagnostic:
    """The warning for the unknown key at `loc`, which the step is compiled without."""
    key = str(loc[-1])
    suggestion = closest_key(key)
    rename = f"did you mean {suggestion!r}?" if suggestion else "see the step API reference for the keys"
    return Diagnostic(
        "warning", file, step, f"unknown key {key!r} in {_where(loc[:-1])} is ignored",
        f"{rename} Motia ignores unknown keys too, so this one has no effect; rename or remove it",
    )


# The fix for a value pydantic refused, by its error type; `{...}` from the error's context.
_VALUE_FIXES: dict[str, str] = {
    "int_parsing": "write a whole number, without quotes (e.g. 3)",
    "int_type": "write a whole number, without quotes (e.g. 3)",
    "int_from_float": "write a whole number (e.g. 3, not 3.5)",
    "float_parsing": "write a number, without quotes (e.g. 2.5)",
    "float_type": "write a number, without quotes (e.g. 2.5)",
    "string_type": "write a string in quotes",
    "bool_type": "write True or False",
    "bool_parsing": "write True or False",
    "list_type": "write a list, e.g. [\"a\", \"b\"]",
    "tuple_type": "write a list, e.g. [\"a\", \"b\"]",
    "dict_type": "write a dict of keys and values",
    "model_type": "write a dict of keys and values",
    "greater_than": "use a number greater than {gt}",
    "greater_than_equal": "use a number of at least {ge}",
    "less_than": "use a number less than {lt}",
    "less_than_equal": "use a number of at most {le}",
    "literal_error": "use one of {expected}",
    "string_too_short": "use at least {min_length} character(s)",
    "string_too_long": "use at most {max_length} characters",
    "too_short": "give at least {min_length} item(s)",
    "too_long": "give at most {max_length} items",
    "string_pattern_mismatch": "use a value matching {pattern}",
}


def value_fix(error: Any) -> str:
    """What to write instead, for a value pydantic refused (the reference as a last resort)."""
    template = _VALUE_FIXES.get(error["type"])
    if template is None:
        return "see the step API reference (README, Your project) for the values this key takes"
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):  # a context pydantic did not give: say it without the figure
        return template.split(" {", 1)[0]


def _error_to_diagnostic(file: str, step: str, error: Any) -> Diagnostic:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return unknown_key_warning(file, step, loc)
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        return Diagnostic(
            "error", file, step, f"unknown trigger type {tag!r} in {_where(loc)}",
            f"use one of {', '.join(TRIGGER_KINDS)} (e.g. http('GET', '/path'), queue('topic'))",
        )
    if kind == "union_tag_not_found":
        return Diagnostic(
            "error", file, step, f"{_where(loc)} has no trigger `type`",
            "build triggers with http(), queue(), cron(), state() or stream()",
        )
    if kind == "missing":
        return Diagnostic(
            "error", file, step, f"missing required key {str(loc[-1])!r} in {_where(loc[:-1])}",
            "add it to the config",
        )
    value = error.get("input")
    shown = "" if isinstance(value, dict) else f" (got {value!r})"
    return Diagnostic("error", file, step, f"{_where(loc)}: {error['msg']}{shown}", value_fix(error))


def _without(plain: Any, loc: tuple[int | str, ...]) -> Any:
    """A copy of `plain` without the key at `loc` (pydantic locations; union tags skipped)."""
    if not loc or not isinstance(plain, (dict, list)):
        return plain
    head, rest = loc[0], loc[1:]
    if isinstance(plain, dict):
        if not rest:
            return {k: v for k, v in plain.items() if k != head}
        if head not in plain:  # a union tag, not a key
            return _without(plain, rest)
        return {**plain, head: _without(plain[head], rest)}
    if isinstance(head, int) and head < len(plain):
        return [_without(v, rest) if i == head else v for i, v in enumerate(plain)]
    return plain


def _diagnostics(file: str, step: str, errors: list[Any]) -> list[Diagnostic]:
    # A union of str | EnqueueSpec reports one error per member; keep one per place.
    seen: set[str] = set()
    diagnostics = []
    for error in errors:
        diagnostic = _error_to_diagnostic(file, step, error)
        key = diagnostic.message if error["type"] in ("extra_forbidden", "missing") else _where(tuple(error["loc"]))
        if key not in seen:
            seen.add(key)
            diagnostics.append(diagnostic)
    return diagnostics


def _is_unknown_key(error: Any) -> bool:
    return bool(error["type"] == "extra_forbidden")


def parse_step_config(file: str, plain: dict[str, Any]) -> tuple[StepSpec | None, tuple[Diagnostic, ...]]:
    """Validate a plain config: the spec (None on errors), every unknown key as a warning, every error.

    Unknown keys are taken out before the spec is built, each with its warning; the errors
    that remain are reported all at once.
    """
    step = plain.get("name") if isinstance(plain.get("name"), str) and plain.get("name") else "?"
    warnings: list[Diagnostic] = []
    cleaned: Any = plain
    # Taking a key out can change which union member fits and so reveal another unknown key;
    # a config holds finitely many keys, so this ends.
    while True:
        try:
            return StepSpec.model_validate(cleaned), tuple(warnings)
        except ValidationError as exc:
            errors = exc.errors()
        unknown = [e for e in errors if _is_unknown_key(e)]
        if not unknown:
            return None, tuple(warnings + _diagnostics(file, str(step), errors))
        before = cleaned
        for error in unknown:
            cleaned = _without(cleaned, tuple(error["loc"]))
        if cleaned == before:  # a key we cannot take out: never drop it silently
            return None, tuple(warnings + _diagnostics(file, str(step), errors))
        warnings += [d for d in _diagnostics(file, str(step), unknown) if d not in warnings]
