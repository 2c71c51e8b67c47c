"""The data types of Motia's step API, as light records (cheap to import on Lambda).

Constructors take the same keywords as Motia's pydantic models; compile-time validation
of configs lives in `compiler.config_schema`, not here. Type aliases (TriggerCondition,
ApiRouteMethod, ...) live in `motia.aliases`, which imports `typing` only when asked for.
"""

from __future__ import annotations

from motia._model import P, Record, Subscriptable, factory, snake_case
from motia.either_way import sync_or_awaited

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from motia.aliases import StateEventType, TriggerCondition, TriggerKind


class Enqueue(Record):
    """A topic a step may enqueue to, with a label for diagrams."""

    topic: str
    label: str | None = None
    conditional: bool = False


class HandlerConfig(Record):
    """Compute for the step's function: memory MB, CPU units (1024 = 1 vCPU), timeout s."""

    ram: int | None = None
    cpu: int | None = None
    timeout: int | None = None


class QueueConfig(Record):
    """Settings of a queue subscription; `max_retries` is the total number of attempts."""

    type: str = "standard"
    max_retries: int | None = None
    visibility_timeout: int | None = None
    delay_seconds: int | None = None
    concurrency: int | None = None
    backoff_type: str | None = None
    backoff_delay_ms: int | None = None


class InfrastructureConfig(Record):
    handler: HandlerConfig | dict[str, Any] | None = None
    queue: QueueConfig | dict[str, Any] | None = None


class QueryParam(Record):
    name: str
    description: str = ""


class ApiTrigger(Record):
    path: str
    method: str
    condition: TriggerCondition | None = None
    middleware: list[Any] | None = None
    body_schema: Any | None = None
    response_schema: dict[int, Any] | None = None
    query_params: list[QueryParam | dict[str, Any]] | None = None
    type: str = "http"


class QueueTrigger(Record):
    topic: str
    condition: TriggerCondition | None = None
    input: Any | None = None
    infrastructure: InfrastructureConfig | dict[str, Any] | None = None
    config: QueueConfig | dict[str, Any] | None = None  # 1.0 head: queue(topic, config={...})
    type: str = "queue"


class CronTrigger(Record):
    expression: str
    condition: TriggerCondition | None = None
    type: str = "cron"


class StateTrigger(Record):
    condition: TriggerCondition | None = None
    type: str = "state"


class StreamTrigger(Record):
    stream_name: str
    group_id: str | None = None
    item_id: str | None = None
    condition: TriggerCondition | None = None
    type: str = "stream"


class TriggerInfo(Record):
    """Which trigger fired: `ctx.trigger.type`, plus path/method, topic or expression."""

    type: TriggerKind
    index: int | None = None
    path: str | None = None
    method: str | None = None
    topic: str | None = None
    expression: str | None = None
    stream_name: str | None = None


class StepConfig(Record):
    name: str
    triggers: list[Any] = factory(list)
    enqueues: list[str | Enqueue] = factory(list)
    virtual_enqueues: list[str | Enqueue] | None = None
    virtual_subscribes: list[str] | None = None
    description: str | None = None
    flows: list[str] | None = None
    include_files: list[str] | None = None
    infrastructure: InfrastructureConfig | dict[str, Any] | None = None
    # motia-aws only (Motia ignores it): extra IAM statements, {"actions": [...], "resources": [...]}.
    permissions: list[dict[str, Any]] | None = None


class Step(Record):
    file_path: str
    config: StepConfig | dict[str, Any]


class ApiRequest(Record, Subscriptable[P]):
    """An HTTP request as a handler sees it. `req["pathParams"]` works for legacy handlers."""

    path_params: dict[str, str] = factory(dict)
    query_params: dict[str, str | list[str]] = factory(dict)
    body: Any = None
    headers: dict[str, str | list[str]] = factory(dict)
    method: str = ""


class ApiResponse(Record, Subscriptable[P]):
    status: int = 200
    body: Any = None
    headers: dict[str, str] = factory(dict)


class MotiaHttpRequest(Record, Subscriptable[P]):
    path_params: dict[str, str] = factory(dict)
    query_params: dict[str, str | list[str]] = factory(dict)
    body: Any = None
    headers: dict[str, str | list[str]] = factory(dict)
    method: str = ""
    request_body: Any = None


class MotiaHttpResponse:
    """The streaming response writer of Motia's channel-based HTTP handlers.

    API Gateway's Lambda integration buffers whole responses, so on AWS this collects the
    status, headers and written chunks and the shim returns them at the end.
    """

    def __init__(self, writer: Any = None) -> None:
        self._writer = writer
        self.status_code = 200
        self.status_set = False
        self.header_values: dict[str, str] = {}

    @sync_or_awaited
    def status(self, status_code: int) -> None:
        self.status_code = int(status_code)
        self.status_set = True

    @sync_or_awaited
    def headers(self, headers: dict[str, str]) -> None:
        self.header_values.update(headers)

    @property
    def writer(self) -> Any:
        return self._writer

    def close(self) -> None:
        if self._writer is not None and hasattr(self._writer, "close"):
            self._writer.close()


_HTTP_ARGS_VIEW = frozenset(
    ("request", "response", "path_params", "query_params", "body", "headers", "method", "request_body")
)


class MotiaHttpArgs(Record, Subscriptable[P]):
    """What 1.0.4 hands an HTTP handler (`args.request`, `args.response`); it also reads as the
    older ApiRequest (`request.body`, `request.path_params`, `request["body"]`), so every
    generation's handler takes it, annotated or not."""

    request: MotiaHttpRequest
    response: MotiaHttpResponse

    @property
    def path_params(self) -> dict[str, str]:
        return self.request.path_params

    @property
    def query_params(self) -> dict[str, str | list[str]]:
        return self.request.query_params

    @property
    def body(self) -> Any:
        return self.request.body

    @property
    def headers(self) -> dict[str, str | list[str]]:
        return self.request.headers

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def request_body(self) -> Any:
        return self.request.request_body

    def __getitem__(self, key: str) -> Any:
        # Handlers written for ApiRequest read `req["body"]`, `req["pathParams"]`.
        name = snake_case(key)
        if name in _HTTP_ARGS_VIEW:
            return getattr(self, name)
        raise KeyError(key)


class EngineKeys(Record, dict):
    """A trigger input that is also the dict Motia's engine (1.0.4) hands to handlers.

    `input.group_id` (the attributes, as before 1.0.4) and `input["scope"]` (the engine's keys)
    both work; keys the engine does not have fall back to the attributes (`input["group_id"]`).
    It is a real dict of the engine's keys, so `json.dumps(input)`, `dict(input)`,
    `isinstance(input, dict)` and storing it in state behave as under Motia.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        Record.__init__(self, *args, **kwargs)
        dict.update(self, self.engine_view())

    def engine_view(self) -> dict[str, Any]:
        raise NotImplementedError

    def __setattr__(self, name: str, value: Any) -> None:
        # A handler that changes an attribute sees the change under the engine's key too.
        object.__setattr__(self, name, value)
        if name in self._field_names:
            dict.clear(self)
            dict.update(self, self.engine_view())

    def __getitem__(self, key: str) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return Record.__getitem__(self, key)


    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or Record.__contains__(self, key)

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return Record.__eq__(self, other)
        return dict.__eq__(self, other)  # a plain dict of the engine's keys, as under Motia

    __hash__ = None  # type: ignore[misc]

    __repr__ = Record.__repr__


class StateTriggerInput(EngineKeys):
    """A state change: `input.group_id`, or as the engine sends it, `input["scope"]`,
    `input["key"]`, `input["event_type"] == "state:created"`, `input["new_value"]`."""

    group_id: str
    item_id: str
    old_value: Any | None = None
    new_value: Any | None = None
    event_type: StateEventType = "updated"
    type: str = "state"

    def engine_view(self) -> dict[str, Any]:
        return {
            "type": "state", "event_type": f"state:{self.event_type}", "scope": self.group_id,
            "key": self.item_id, "old_value": self.old_value, "new_value": self.new_value,
        }


class StreamEvent(Record):
    type: str
    data: Any = None


class StreamTriggerInput(EngineKeys):
    """A stream item change: attributes, or the engine's keys (`input["streamName"]`,
    `input["groupId"]`, `input["id"]`, `input["timestamp"]`, `input["event"]["data"]`)."""

    stream_name: str
    group_id: str
    id: str
    event: StreamEvent
    timestamp: int = 0
    old_value: Any | None = None
    type: str = "stream"

    def engine_view(self) -> dict[str, Any]:
        return {
            "type": "stream", "timestamp": self.timestamp, "streamName": self.stream_name,
            "groupId": self.group_id, "id": self.id,
            # A plain dict, as the engine sends it, whether built from a StreamEvent or a dict.
            "event": {"type": self.event.get("type"), "data": self.event.get("data")},
        }


_TYPE_VARIABLES = ("TBody", "TCommon", "TEnqueueData", "TInput", "TOutput", "TResult")


def __getattr__(name: str) -> object:
    # The SDK's type variables, for annotations; typing is imported only when one is asked for.
    if name == "FlowContext":  # `from motia.types import FlowContext`, as in the SDK; it lives
        # a layer up (motia.context imports this module), so it is looked up by name on demand.
        import importlib

        return importlib.import_module("motia.context").FlowContext
    if name in _TYPE_VARIABLES:
        import typing

        value = globals()[name] = typing.TypeVar(name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
