"""Type guards over triggers and steps, as Motia exports them."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from motia.types import ApiTrigger, CronTrigger, QueueTrigger, StateTrigger, StreamTrigger


def _kind(trigger: Any) -> str | None:
    if isinstance(trigger, dict):
        kind = trigger.get("type")
        return "http" if kind == "api" else kind
    return getattr(trigger, "type", None)


def is_api_trigger(trigger: Any) -> bool:
    return isinstance(trigger, ApiTrigger) or _kind(trigger) == "http"


def is_queue_trigger(trigger: Any) -> bool:
    return isinstance(trigger, QueueTrigger) or _kind(trigger) == "queue"


def is_cron_trigger(trigger: Any) -> bool:
    return isinstance(trigger, CronTrigger) or _kind(trigger) == "cron"


def is_state_trigger(trigger: Any) -> bool:
    return isinstance(trigger, StateTrigger) or _kind(trigger) == "state"


def is_stream_trigger(trigger: Any) -> bool:
    return isinstance(trigger, StreamTrigger) or _kind(trigger) == "stream"


def _triggers(step: Any) -> list[Any]:
    config = getattr(step, "config", step)
    triggers = config.get("triggers") if isinstance(config, dict) else getattr(config, "triggers", None)
    return list(triggers or [])


def get_api_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers(step) if is_api_trigger(t)]


def get_queue_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers(step) if is_queue_trigger(t)]


def get_cron_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers(step) if is_cron_trigger(t)]


def get_state_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers(step) if is_state_trigger(t)]


def get_stream_triggers(step: Any) -> list[Any]:
    return [t for t in _triggers(step) if is_stream_trigger(t)]


def is_api_step(step: Any) -> bool:
    return bool(get_api_triggers(step))


def is_queue_step(step: Any) -> bool:
    return bool(get_queue_triggers(step))


def is_cron_step(step: Any) -> bool:
    return bool(get_cron_triggers(step))


def is_state_step(step: Any) -> bool:
    return bool(get_state_triggers(step))


def is_stream_step(step: Any) -> bool:
    return bool(get_stream_triggers(step))
