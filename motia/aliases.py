"""Type aliases of the step API (for annotations). Imports `typing`, so it loads only on use."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Literal, Union

from motia.types import ApiResponse, ApiTrigger, CronTrigger, QueueTrigger, StateTrigger, StreamTrigger

ApiRouteMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
TriggerKind = Literal["http", "queue", "cron", "state", "stream"]
StateEventType = Literal["created", "updated", "deleted"]
TriggerInput = Any
TriggerCondition = Callable[..., Union[bool, Awaitable[bool]]]
Enqueuer = Callable[[Any], Awaitable[None]]
TriggerConfig = Union[ApiTrigger, QueueTrigger, CronTrigger, StateTrigger, StreamTrigger]
ApiMiddleware = Callable[..., Awaitable[ApiResponse]]
