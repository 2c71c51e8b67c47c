"""The data types of Motia's step API, as plain dataclasses (cheap to import on Lambda).

Constructors take the same keywords as Motia's pydantic models; compile-time validation
of configs lives in `compiler.config_schema`, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Generic, Literal, TypeVar, Union

from motia._model import Model

if TYPE_CHECKING:
    from motia.context import FlowContext

T = TypeVar("T")
TBody = TypeVar("TBody")
TOutput = TypeVar("TOutput")

ApiRouteMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
TriggerKind = Literal["http", "queue", "cron", "state", "stream"]
TriggerInput = Any
TriggerCondition = Callable[[Any, "FlowContext[Any]"], Union[bool, Awaitable[bool]]]
Enqueuer = Callable[[Any], Awaitable[None]]


@dataclass
class Enqueue(Model):
    """A topic a step may enqueue to, with a label for diagrams."""

    topic: str
    label: str | None = None
    conditional: bool = False


@dataclass
class HandlerConfig(Model):
    """Compute for the step's function: memory MB, CPU units (1024 = 1 vCPU), timeout s."""

    ram: int | None = None
    cpu: int | None = None
    timeout: int | None = None


@dataclass
class QueueConfig(Model):
    """Settings of a queue subscription; `max_retries` is the total number of attempts."""

    type: Literal["fifo", "standard"] = "standard"
    max_retries: int | None = None
    visibility_timeout: int | None = None
    delay_seconds: int | None = None


@dataclass
class InfrastructureConfig(Model):
    handler: HandlerConfig | dict[str, Any] | None = None
    queue: QueueConfig | dict[str, Any] | None = None


@dataclass
class QueryParam(Model):
    name: str
    description: str = ""


@dataclass
class ApiTrigger(Model):
    path: str
    method: str
    condition: TriggerCondition | None = None
    middleware: list[Any] | None = None
    body_schema: Any | None = None
    response_schema: dict[int, Any] | None = None
    query_params: list[QueryParam | dict[str, Any]] | None = None
    type: Literal["http"] = "http"


@dataclass
class QueueTrigger(Model):
    topic: str
    condition: TriggerCondition | None = None
    input: Any | None = None
    infrastructure: InfrastructureConfig | dict[str, Any] | None = None
    config: QueueConfig | dict[str, Any] | None = None  # 1.0-head: queue(topic, config={...})
    type: Literal["queue"] = "queue"


@dataclass
class CronTrigger(Model):
    expression: str
    condition: TriggerCondition | None = None
    type: Literal["cron"] = "cron"


@dataclass
class StateTrigger(Model):
    condition: TriggerCondition | None = None
    type: Literal["state"] = "state"


@dataclass
class StreamTrigger(Model):
    stream_name: str
    group_id: str | None = None
    item_id: str | None = None
    condition: TriggerCondition | None = None
    type: Literal["stream"] = "stream"


TriggerConfig = Union[ApiTrigger, QueueTrigger, CronTrigger, StateTrigger, StreamTrigger]


@dataclass
class TriggerInfo(Model):
    """Which trigger fired: `ctx.trigger.type`, plus path/method, topic or expression."""

    type: TriggerKind
    index: int | None = None
    path: str | None = None
    method: str | None = None
    topic: str | None = None
    expression: str | None = None
    stream_name: str | None = None


@dataclass
class StepConfig(Model):
    name: str
    triggers: list[Any] = field(default_factory=list)
    enqueues: list[str | Enqueue] = field(default_factory=list)
    virtual_enqueues: list[str | Enqueue] | None = None
    virtual_subscribes: list[str] | None = None
    description: str | None = None
    flows: list[str] | None = None
    include_files: list[str] | None = None
    infrastructure: InfrastructureConfig | dict[str, Any] | None = None


@dataclass
class Step(Model):
    file_path: str
    config: StepConfig | dict[str, Any]


@dataclass
class ApiRequest(Model, Generic[TBody]):
    """An HTTP request as a handler sees it. `req["pathParams"]` works for legacy handlers."""

    path_params: dict[str, str] = field(default_factory=dict)
    query_params: dict[str, str | list[str]] = field(default_factory=dict)
    body: TBody | None = None
    headers: dict[str, str | list[str]] = field(default_factory=dict)
    method: str = ""


@dataclass
class ApiResponse(Model, Generic[TOutput]):
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class MotiaHttpRequest(Model, Generic[TBody]):
    path_params: dict[str, str] = field(default_factory=dict)
    query_params: dict[str, str | list[str]] = field(default_factory=dict)
    body: TBody | None = None
    headers: dict[str, str | list[str]] = field(default_factory=dict)
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
        self.header_values: dict[str, str] = {}

    async def status(self, status_code: int) -> None:
        self.status_code = status_code

    async def headers(self, headers: dict[str, str]) -> None:
        self.header_values.update(headers)

    @property
    def writer(self) -> Any:
        return self._writer

    def close(self) -> None:
        if self._writer is not None and hasattr(self._writer, "close"):
            self._writer.close()


@dataclass
class MotiaHttpArgs(Model, Generic[TBody]):
    request: MotiaHttpRequest[TBody]
    response: MotiaHttpResponse

    @property
    def path_params(self) -> dict[str, str]:
        return self.request.path_params

    @property
    def query_params(self) -> dict[str, str | list[str]]:
        return self.request.query_params

    @property
    def body(self) -> TBody | None:
        return self.request.body

    @property
    def headers(self) -> dict[str, str | list[str]]:
        return self.request.headers

    @property
    def method(self) -> str:
        return self.request.method


ApiMiddleware = Callable[..., Awaitable[ApiResponse[Any]]]

StateEventType = Literal["created", "updated", "deleted"]


@dataclass
class StateTriggerInput(Model):
    """A state change: `input.group_id` or `input["group_id"]` (also `input["groupId"]`)."""

    group_id: str
    item_id: str
    old_value: Any | None = None
    new_value: Any | None = None
    event_type: StateEventType = "updated"
    type: Literal["state"] = "state"


@dataclass
class StreamEvent(Model):
    type: Literal["create", "update", "delete"]
    data: Any = None


@dataclass
class StreamTriggerInput(Model):
    """A stream item change, with attribute and dict access."""

    stream_name: str
    group_id: str
    id: str
    event: StreamEvent
    timestamp: int = 0
    old_value: Any | None = None
    type: Literal["stream"] = "stream"
