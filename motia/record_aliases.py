"""Type aliases over the records of `motia.types`, kept apart from `motia.aliases` (which `types` uses)."""

from __future__ import annotations

from typing import Awaitable, Callable, Union

from motia.types import ApiResponse, ApiTrigger, CronTrigger, QueueTrigger, StateTrigger, StreamTrigger

TriggerConfig = Union[ApiTrigger, QueueTrigger, CronTrigger, StateTrigger, StreamTrigger]
ApiMiddleware = Callable[..., Awaitable[ApiResponse]]
