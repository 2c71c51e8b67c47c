"""Trigger constructors: `http`, `queue`, `cron`, `state`, `stream` (and the deprecated `api`)."""

from __future__ import annotations

import warnings
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from motia.aliases import TriggerCondition

from motia.types import (
    ApiTrigger,
    CronTrigger,
    InfrastructureConfig,
    QueueConfig,
    QueueTrigger,
    StateTrigger,
    StreamTrigger,
)


def http(
    method: str,
    path: str,
    *,
    body_schema: Any | None = None,
    response_schema: dict[int, Any] | None = None,
    query_params: list[Any] | None = None,
    middleware: list[Any] | None = None,
    condition: TriggerCondition | None = None,
) -> ApiTrigger:
    """An HTTP route `METHOD /path` (Express syntax: `/orders/:id`)."""
    return ApiTrigger(
        path=path,
        method=method,
        condition=condition,
        middleware=middleware,
        body_schema=body_schema,
        response_schema=response_schema,
        query_params=query_params,
    )


def api(method: str, path: str, **kwargs: Any) -> ApiTrigger:
    """Deprecated alias of `http`."""
    warnings.warn("api() is deprecated, use http() instead", DeprecationWarning, stacklevel=2)
    return http(method, path, **kwargs)


def queue(
    topic: str,
    *,
    input: Any | None = None,
    infrastructure: InfrastructureConfig | dict[str, Any] | None = None,
    config: QueueConfig | dict[str, Any] | None = None,
    condition: TriggerCondition | None = None,
) -> QueueTrigger:
    """A subscription to `topic`; `config=` (1.0 head) or `infrastructure={"queue": ...}` size its queue."""
    return QueueTrigger(
        topic=topic, condition=condition, input=input, infrastructure=infrastructure, config=config
    )


def cron(expression: str, *, condition: TriggerCondition | None = None) -> CronTrigger:
    """A schedule in Motia cron syntax (5, 6 or 7 fields)."""
    return CronTrigger(expression=expression, condition=condition)


def state(*, condition: TriggerCondition | None = None) -> StateTrigger:
    """Fires on every change of the project's state (created / updated / deleted)."""
    return StateTrigger(condition=condition)


def stream(
    stream_name: str,
    *,
    group_id: str | None = None,
    item_id: str | None = None,
    condition: TriggerCondition | None = None,
) -> StreamTrigger:
    """Fires on changes to items of `stream_name`, optionally one group or one item."""
    return StreamTrigger(
        stream_name=stream_name, group_id=group_id, item_id=item_id, condition=condition
    )
