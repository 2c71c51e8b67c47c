"""Type aliases of the step API that name no record (a leaf: `motia.types` uses them).

Imports `typing`, so it loads only on use; aliases over records live in `motia.record_aliases`.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Literal, Union

ApiRouteMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
TriggerKind = Literal["http", "queue", "cron", "state", "stream"]
StateEventType = Literal["created", "updated", "deleted"]
TriggerInput = Any
TriggerCondition = Callable[..., Union[bool, Awaitable[bool]]]
Enqueuer = Callable[[Any], Awaitable[None]]
