"""The application model (IR): what a Motia project compiles to, independent of any backend.

Frozen dataclasses only; no aws_cdk, no boto3. The CDK emitter, the local emulator, the
topology diagram and `motia plan` all read this, none of them re-reads step files. Every
collection is a tuple sorted deterministically, so equal projects give equal models.
Physical names are final AWS names (already prefixed with `<app>-<stage>` and shortened).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from compiler.settings_model import Settings

Severity = Literal["error", "warning"]
TriggerKind = Literal["http", "queue", "cron", "state", "stream"]
TableKind = Literal["state", "streams"]

# Bump when a field of the `--json` output changes meaning or disappears (adding is fine).
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where (file, step), what was wrong (message, naming the value), and the fix."""

    severity: Severity
    file: str
    step: str
    message: str
    hint: str = ""
    line: int | None = None  # line in `file`, when known (import errors)


@dataclass(frozen=True)
class Permission:
    """One Allow statement a step asks for in its config's `permissions`, added to its role."""

    actions: tuple[str, ...]  # service:Action, sorted
    resources: tuple[str, ...]  # ARNs (may hold ${AWS::Region} and the like) or `*`, sorted


@dataclass(frozen=True)
class Function:
    """One Lambda function per step."""

    name: str  # the step name
    function_name: str  # AWS physical name
    file: str  # step file, relative to the project root, POSIX separators
    memory_mb: int
    timeout_s: int
    triggers: tuple[TriggerKind, ...]  # kinds, in the order the config declares them
    enqueues: tuple[str, ...]  # topics it may publish to (sorted)
    include_files: tuple[str, ...] = ()  # project-relative POSIX paths, resolved and sorted
    flows: tuple[str, ...] = ()
    description: str = ""
    memory_reason: str = ""  # why memory differs from `ram`, e.g. raised to buy the requested CPU
    streaming_http: bool = False  # handler writes through the response writer: buffered on API Gateway
    # (table kind, "read" | "readwrite") per table its code uses (compiler/data_access.py);
    # the default, both read and write, is what an unanalysed function needs.
    data_access: tuple[tuple[TableKind, str], ...] = (("state", "readwrite"), ("streams", "readwrite"))
    permissions: tuple[Permission, ...] = ()  # extra statements on its role, as the config declares


@dataclass(frozen=True)
class Route:
    """`METHOD /path` on the project's one HTTP API (API Gateway v2), to one function."""

    method: str  # GET POST PUT PATCH DELETE OPTIONS HEAD
    path: str  # AWS form: /orders/{id}
    source_path: str  # as written: /orders/:id
    function: str  # step name
    trigger_index: int = 0  # position of its http() trigger in the step's `triggers`


@dataclass(frozen=True)
class Topic:
    """One SNS topic. A Motia topic with FIFO and standard subscribers gets one of each."""

    name: str  # Motia topic name
    fifo: bool
    sns_name: str  # AWS physical name (ends with .fifo when fifo)
    publishers: tuple[str, ...]  # step names that enqueue to it (sorted)
    subscribers: tuple[str, ...]  # step names subscribed through this SNS topic (sorted)


STANDARD_BATCH_SIZE = 10  # SQS's most per receive: Lambda's default
FIFO_BATCH_SIZE = 1  # see QueueSubscription.batch_size


@dataclass(frozen=True)
class QueueSubscription:
    """A step's subscription to a topic: its own SQS queue and DLQ, fed by the topic."""

    topic: str  # Motia topic name
    function: str  # step name
    queue_name: str  # AWS physical name (.fifo when fifo)
    fifo: bool
    dlq_name: str
    max_receive_count: int  # = max_retries: total attempts before the DLQ
    visibility_timeout_s: int
    delay_s: int
    has_condition: bool = False
    trigger_index: int = 0  # position of its queue() trigger in the step's `triggers`
    backoff_ms: int = 1000  # Motia's retry delay: backoff_ms * 2 ** (attempt - 1)
    max_concurrency: int | None = None  # the event source's maximum concurrency (AWS: 2..1000)
    reserved_concurrency: int | None = None  # set for Motia's concurrency 1, below AWS's minimum of 2
    retention_s: int = 4 * 24 * 3600  # covers every attempt and backoff: nothing expires before its DLQ

    @property
    def batch_size(self) -> int:
        """Records per invocation: one for FIFO, so each receive SQS counts is an attempt of that message.

        With more, the records held back behind a failed one of their group (reported failed
        unrun, to keep the group's order) would count receives too and reach the DLQ having run
        fewer than `max_receive_count` times; with one, the group's next message is not
        received before this one is done (docs/deploy.md, "What AWS makes approximate").
        """
        return FIFO_BATCH_SIZE if self.fifo else STANDARD_BATCH_SIZE


@dataclass(frozen=True)
class Schedule:
    """One EventBridge Scheduler schedule of one cron() trigger."""

    function: str  # step name
    source: str  # the Motia expression
    expression: str  # AWS: cron(...) or rate(...)
    schedule_name: str  # AWS physical name
    timezone: str = "UTC"
    trigger_index: int = 0  # position of its cron() trigger in the step's `triggers`
    # Both day fields restricted: AWS schedules one, the shim checks the other at each tick,
    # ("weekday", Motia days with Sunday = 0) or ("monthday", days of the month).
    day_filter: tuple[str, tuple[int, ...]] | None = None
    # The seconds of each minute the handler runs at (Motia's seconds field; (0,) without one).
    seconds: tuple[int, ...] = (0,)
    # SQS queue the minute's ticks are delayed in (physical name), when seconds != (0,).
    tick_queue: str | None = None


@dataclass(frozen=True)
class StateTrigger:
    """All state() triggers of one step: one reader of the state table's stream."""

    function: str
    has_condition: bool = False
    trigger_indexes: tuple[int, ...] = ()  # positions of its state() triggers in `triggers`


@dataclass(frozen=True)
class StreamTrigger:
    function: str
    stream: str
    group_id: str | None = None
    item_id: str | None = None
    has_condition: bool = False
    trigger_index: int = 0  # position of its stream() trigger in the step's `triggers`


@dataclass(frozen=True)
class Table:
    """A DynamoDB table: `state` (pk = group, sk = key) or `streams` (pk = stream#group, sk = id)."""

    kind: TableKind
    table_name: str
    partition_key: str = "pk"
    sort_key: str = "sk"


@dataclass(frozen=True)
class SecretReference:
    """An environment variable whose value the shim reads at cold start, never deployed."""

    variable: str  # what the handler reads: os.environ[variable]
    store: Literal["ssm", "secretsmanager"]
    name: str  # the SSM parameter name (`/motia/<app>/<stage>/NAME`) or the secret's id


@dataclass(frozen=True)
class Realtime:
    """Clients subscribing to streams over WebSocket: there when the project has streams."""

    connections_table: str  # connections and their subscriptions, with TTL expiry
    socket_function: str  # physical name of the WebSocket function ($connect, $disconnect, $default)
    fanout_function: str  # physical name of the fan-out (the streams table's stream -> PostToConnection)
    stream_files: tuple[str, ...] = ()  # every stream file: the WebSocket function imports their hooks
    auth_file: str | None = None  # the stream file defining `authenticate`, if any
    join_hooks: tuple[str, ...] = ()  # streams with an on_join hook
    leave_hooks: tuple[str, ...] = ()  # streams with an on_leave hook


@dataclass(frozen=True)
class Application:
    """The whole project, compiled."""

    name: str  # app name (defaults to the project directory's name)
    stage: str
    prefix: str  # `<name>-<stage>`, the start of every physical name
    root: str  # absolute project directory
    functions: tuple[Function, ...] = ()
    routes: tuple[Route, ...] = ()
    topics: tuple[Topic, ...] = ()
    queues: tuple[QueueSubscription, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    state_triggers: tuple[StateTrigger, ...] = ()
    stream_triggers: tuple[StreamTrigger, ...] = ()
    tables: tuple[Table, ...] = ()
    streams: tuple[str, ...] = ()  # stream names declared with Stream(...) or used by triggers
    realtime: Realtime | None = None
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    environment: tuple[tuple[str, str], ...] = ()  # plain values of `.env` / `.env.<stage>`, sorted
    secrets: tuple[SecretReference, ...] = ()  # sorted by variable
    settings: Settings = field(default=Settings())  # pyproject.toml [tool.motia-aws], merged for the stage

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    def function(self, step_name: str) -> Function:
        for fn in self.functions:
            if fn.name == step_name:
                return fn
        raise KeyError(step_name)

    def table(self, kind: TableKind) -> Table:
        for table in self.tables:
            if table.kind == kind:
                return table
        raise KeyError(kind)

    def topics_named(self, name: str) -> tuple[Topic, ...]:
        """The SNS topic(s) of one Motia topic (two when it has FIFO and standard subscribers)."""
        return tuple(t for t in self.topics if t.name == name)
