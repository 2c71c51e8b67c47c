"""Reading step configs as plain dicts, whatever generation of the API wrote them.

Shared by the compiler (which then validates strictly with pydantic) and the Lambda shim
(which only needs the triggers and their conditions, and must stay cheap to import).
"""

from __future__ import annotations

from motia._model import Record, fields_of, snake_case
from motia.definition import StepBuilder, StepDefinition
from motia.types import ApiTrigger, CronTrigger, QueueTrigger, StateTrigger, StreamTrigger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Callable

_TRIGGER_CLASSES: dict[str, type[Any]] = {
    "http": ApiTrigger,
    "queue": QueueTrigger,
    "cron": CronTrigger,
    "state": StateTrigger,
    "stream": StreamTrigger,
}
# Older names of trigger kinds: `api` (deprecated) and `event` (legacy 0.x).
TRIGGER_KIND_ALIASES = {"api": "http", "event": "queue"}
LEGACY_STEP_TYPES = ("api", "event", "cron", "noop")


def to_plain(value: Any) -> Any:
    """Records (StepConfig, triggers, Enqueue, ...) to dicts, keeping callables and schemas."""
    if isinstance(value, Record):
        return {name: to_plain(v) for name, v in fields_of(value).items()}
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def is_legacy(plain: dict[str, Any]) -> bool:
    """A 0.x config: a top-level `type` of api/event/cron/noop and no `triggers`."""
    return "triggers" not in plain and plain.get("type") in LEGACY_STEP_TYPES


def upgrade_legacy(plain: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a 0.x config (`type`, `path`, `subscribes`, `emits`, `cron`) in the current form.

    Keys this does not know are kept at the top level, so validation reports them.
    """
    config = dict(plain)
    for old, new in (("emits", "enqueues"), ("virtualEmits", "virtual_enqueues"), ("virtual_emits", "virtual_enqueues")):
        if old in config and new not in config:
            config[new] = config.pop(old)
    if not is_legacy(config):
        return config
    kind = config.pop("type")
    trigger_keys: dict[str, tuple[str, ...]] = {
        "api": ("path", "method", "bodySchema", "body_schema", "responseSchema", "response_schema",
                "queryParams", "query_params", "middleware"),
        "event": ("subscribes", "input"),
        "cron": ("cron",),
        "noop": (),
    }
    taken = {k: config.pop(k) for k in trigger_keys[kind] if k in config}
    if kind == "api":
        config["triggers"] = [{"type": "http", **taken}]
    elif kind == "event":
        topics = taken.pop("subscribes", []) or []
        if isinstance(topics, str):  # one topic written without its list: not its letters
            topics = [topics]
        config["triggers"] = [{"type": "queue", "topic": t, **taken} for t in topics]
    elif kind == "cron":
        config["triggers"] = [{"type": "cron", "expression": taken.get("cron")}]
    else:
        config["triggers"] = []
    return config


def plain_config(config: Any) -> dict[str, Any]:
    """Any accepted config object, as a current-generation plain dict with plain triggers."""
    plain = to_plain(config)
    if not isinstance(plain, dict):
        raise TypeError(f"a step config must be a dict or StepConfig, got {type(config).__name__}")
    upgraded = upgrade_legacy(plain)
    triggers = upgraded.get("triggers")
    if isinstance(triggers, list):
        upgraded["triggers"] = [_plain_trigger(t) for t in triggers]
    return upgraded


def _plain_trigger(trigger: Any) -> Any:
    if not isinstance(trigger, dict):
        return trigger
    result = dict(trigger)
    kind = result.get("type")
    if isinstance(kind, str):
        result["type"] = TRIGGER_KIND_ALIASES.get(kind, kind)
    if result.get("type") == "queue" and "subscribes" in result and "topic" not in result:
        result["topic"] = result.pop("subscribes")
    if result.get("type") == "cron" and "cron" in result and "expression" not in result:
        result["expression"] = result.pop("cron")
    return result


def runtime_triggers(plain: dict[str, Any]) -> list[Any]:
    """The triggers of a plain config as trigger objects, leniently (validated at compile time)."""
    result = []
    for trigger in plain.get("triggers") or []:
        if not isinstance(trigger, dict):
            continue
        cls = _TRIGGER_CLASSES.get(str(trigger.get("type")))
        if cls is None:
            continue
        names = set(cls._fields)
        kwargs = {snake_case(k): v for k, v in trigger.items()}
        result.append(cls(**{k: v for k, v in kwargs.items() if k in names}))
    return result


def step_definitions(module: ModuleType) -> list[StepDefinition | StepBuilder]:
    """The steps a module defines: `step(...)` results, or a module-level `config` + `handler`.

    Builders left without `.handle` are returned too, so callers can report them.
    """
    found: list[StepDefinition | StepBuilder] = []
    seen: set[int] = set()
    for value in vars(module).values():
        if isinstance(value, StepBuilder) and value.definition is not None:
            value = value.definition
        if isinstance(value, (StepDefinition, StepBuilder)) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    if not any(isinstance(d, StepDefinition) for d in found):
        config = getattr(module, "config", None)
        handler: Callable[..., Any] | None = getattr(module, "handler", None)
        if config is not None and callable(handler):
            found = [StepDefinition(config=config, handler=handler)]
        elif config is not None and not found:
            found = [StepBuilder(config)]
    return found


def step_name(config: Any) -> str | None:
    """The `name` of a config of any generation, if it has one."""
    if isinstance(config, dict):
        name = config.get("name")
    else:
        name = getattr(config, "name", None)
    return name if isinstance(name, str) else None
