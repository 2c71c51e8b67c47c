"""`FunctionConfig`: everything the compiler tells one function, in one environment variable.

The CDK emitter writes it as compact JSON in `MOTIA_FUNCTION` (ARNs and table names resolve
at deploy time); the shim parses it once per container and the adapters look triggers up in
it instead of guessing. Short keys, because a function's whole environment is limited to 4 KB:

    v   format version (1)                   a   `<app>-<stage>` prefix, for logs
    f   step file, POSIX, under the code root n   step name
    t   {motia topic: [[sns arn, 1 if FIFO else 0], ...]}   (every declared topic is a key)
    ts  state table name                     tm  streams table name
    st  [stream name, ...]: the project's streams, which `ctx.streams` names
    fq  {"state"|"streams": SQS queue URL}: where a failed state/stream trigger record goes
    h   {API Gateway route key ("POST /orders/{id}"): trigger index}
    q   {SQS queue name: trigger index}
    r   {SQS queue name: [retry backoff base ms, attempts]}   (Motia's backoff; absent: its defaults)
    s   [trigger index of each state() trigger]
    m   [[stream name, group id or "", item id or "", trigger index], ...]   ("" = any; CDK's
        to_json_string drops nulls from lists, so they are never written)

A cron trigger's index travels in the schedule's own input (`motia_trigger`), not here.
`json` is already loaded by Lambda's runtime client, so importing it costs nothing at cold start.
"""

from __future__ import annotations

import json

from lambda_runtime import contract

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

    StreamTriggerEntry = tuple[str, str | None, str | None, int]

FORMAT_VERSION = 1
_FIELDS = (
    "app", "step_file", "step_name", "topics", "state_table", "streams_table", "streams",
    "failure_queues", "routes", "queues", "state_triggers", "stream_triggers", "queue_retries",
    "data_access",
)
# The fields mapping an event's source to the step's trigger index (compiler.trigger_kinds
# names one per kind whose event does not carry the index itself).
TRIGGER_MAPS = ("routes", "queues", "state_triggers", "stream_triggers")
_REDEPLOY = "redeploy the stack so the function's environment matches this shim"


class InvalidFunctionConfig(ValueError):
    """`MOTIA_FUNCTION` is missing or malformed."""


class UnknownTrigger(LookupError):
    """An event names a route, queue or table this function's config does not list."""


def _fail(what: str, value: Any) -> InvalidFunctionConfig:
    shown = repr(value)
    shown = shown if len(shown) <= 200 else shown[:200] + "..."
    return InvalidFunctionConfig(f"{contract.ENV_FUNCTION} is not a valid function config: {what} (got {shown}); {_REDEPLOY}")


def _text(data: dict[str, Any], key: str, what: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise _fail(f"{what} ({key!r}) must be a non-empty string", value)
    return value


def _index(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(f"{what} must be a trigger index (an integer >= 0)", value)
    return value


def _index_map(data: dict[str, Any], key: str, what: str) -> dict[str, int]:
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        raise _fail(f"{what} ({key!r}) must be an object", raw)
    return {str(name): _index(index, f"the trigger index of {what} {name!r}") for name, index in raw.items()}


def _topics(data: dict[str, Any]) -> dict[str, tuple[tuple[str, bool], ...]]:
    raw = data.get("t") or {}
    if not isinstance(raw, dict):
        raise _fail("topics ('t') must be an object", raw)
    topics: dict[str, tuple[tuple[str, bool], ...]] = {}
    for topic, arns in raw.items():
        if not isinstance(arns, list) or not all(
            isinstance(a, list) and len(a) == 2 and isinstance(a[0], str) and a[0] for a in arns
        ):
            raise _fail(f"topic {topic!r} must list [sns arn, is fifo] pairs", arns)
        topics[str(topic)] = tuple((str(arn), bool(fifo)) for arn, fifo in arns)
    return topics


def _names(data: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
    raw = data.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(n, str) and n for n in raw):
        raise _fail(f"{what} ({key!r}) must be a list of names", raw)
    return tuple(raw)


def _failure_queues(data: dict[str, Any]) -> dict[str, str]:
    raw = data.get("fq") or {}
    if not isinstance(raw, dict) or not all(k in ("state", "streams") and isinstance(v, str) and v for k, v in raw.items()):
        raise _fail("failure queues ('fq') must map 'state' / 'streams' to queue URLs", raw)
    return dict(raw)


def _queue_retries(data: dict[str, Any]) -> dict[str, tuple[int, int]]:
    raw = data.get("r") or {}
    if not isinstance(raw, dict):
        raise _fail("queue retries ('r') must be an object", raw)
    retries: dict[str, tuple[int, int]] = {}
    for name, entry in raw.items():
        if not (
            isinstance(entry, list) and len(entry) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in entry)
        ):
            raise _fail(f"the retries of queue {name!r} must be [backoff base ms, attempts]", entry)
        retries[str(name)] = (entry[0], entry[1])
    return retries


def _data_access(data: dict[str, Any]) -> dict[str, str] | None:
    raw = data.get("da")
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(
        k in ("state", "streams") and v in ("read", "readwrite") for k, v in raw.items()
    ):
        raise _fail("data access ('da') must map 'state'/'streams' to 'read' or 'readwrite'", raw)
    return dict(raw)


def _stream_triggers(data: dict[str, Any]) -> tuple[StreamTriggerEntry, ...]:
    raw = data.get("m") or []
    if not isinstance(raw, list):
        raise _fail("stream triggers ('m') must be a list", raw)
    entries: list[StreamTriggerEntry] = []
    for entry in raw:
        if not isinstance(entry, list) or len(entry) != 4 or not isinstance(entry[0], str):
            raise _fail('a stream trigger must be [stream, group id or "", item id or "", index]', entry)
        stream, group, item, index = entry
        if not all(v is None or isinstance(v, str) for v in (group, item)):
            raise _fail(f"the group and item ids of stream trigger {stream!r} must be strings", entry)
        entries.append((stream, group or None, item or None, _index(index, f"the trigger index of stream {stream!r}")))
    return tuple(entries)


class FunctionConfig:
    """What one step function was deployed with: its step, topics, tables and trigger map."""

    __slots__ = _FIELDS

    app: str
    step_file: str
    step_name: str
    topics: Mapping[str, tuple[tuple[str, bool], ...]]
    state_table: str | None
    streams_table: str | None
    streams: tuple[str, ...]
    failure_queues: Mapping[str, str]
    routes: Mapping[str, int]
    queues: Mapping[str, int]
    state_triggers: tuple[int, ...]
    stream_triggers: tuple[StreamTriggerEntry, ...]
    queue_retries: Mapping[str, tuple[int, int]]  # queue name -> (backoff base ms, attempts)
    # table kind -> "read" | "readwrite" (lambda_runtime/access_guard.py); None: not checked
    data_access: Mapping[str, str] | None

    def __init__(
        self,
        *,
        step_file: str,
        step_name: str,
        app: str = "",
        topics: Mapping[str, tuple[tuple[str, bool], ...]] | None = None,
        state_table: str | None = None,
        streams_table: str | None = None,
        streams: tuple[str, ...] = (),
        failure_queues: Mapping[str, str] | None = None,
        routes: Mapping[str, int] | None = None,
        queues: Mapping[str, int] | None = None,
        state_triggers: tuple[int, ...] = (),
        stream_triggers: tuple[StreamTriggerEntry, ...] = (),
        queue_retries: Mapping[str, tuple[int, int]] | None = None,
        data_access: Mapping[str, str] | None = None,
    ) -> None:
        from types import MappingProxyType  # read-only views: one config serves many threads

        values = {
            "app": app,
            "step_file": step_file,
            "step_name": step_name,
            "topics": MappingProxyType({k: tuple((str(a), bool(f)) for a, f in v) for k, v in (topics or {}).items()}),
            "state_table": state_table or None,
            "streams_table": streams_table or None,
            "streams": tuple(streams),
            "failure_queues": MappingProxyType(dict(failure_queues or {})),
            "routes": MappingProxyType(dict(routes or {})),
            "queues": MappingProxyType(dict(queues or {})),
            "state_triggers": tuple(state_triggers),
            "stream_triggers": tuple(tuple(e) for e in stream_triggers),
            "queue_retries": MappingProxyType({k: (int(b), int(a)) for k, (b, a) in (queue_retries or {}).items()}),
            "data_access": None if data_access is None else MappingProxyType(dict(data_access)),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"FunctionConfig is frozen: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionConfig) and self.to_plain() == other.to_plain()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        return f"FunctionConfig({self.to_json()})"

    # -- serialisation -----------------------------------------------------------------------

    def to_plain(self) -> dict[str, Any]:
        """The JSON-ready dict (empty parts left out); the emitter passes it to `to_json_string`."""
        plain: dict[str, Any] = {"v": FORMAT_VERSION, "a": self.app, "f": self.step_file, "n": self.step_name}
        if self.topics:
            plain["t"] = {k: [[arn, 1 if fifo else 0] for arn, fifo in v] for k, v in sorted(self.topics.items())}
        if self.state_table:
            plain["ts"] = self.state_table
        if self.streams_table:
            plain["tm"] = self.streams_table
        if self.streams:
            plain["st"] = list(self.streams)
        if self.failure_queues:
            plain["fq"] = dict(sorted(self.failure_queues.items()))
        if self.routes:
            plain["h"] = dict(sorted(self.routes.items()))
        if self.queues:
            plain["q"] = dict(sorted(self.queues.items()))
        if self.state_triggers:
            plain["s"] = list(self.state_triggers)
        if self.stream_triggers:
            plain["m"] = [[stream, group or "", item or "", index] for stream, group, item, index in self.stream_triggers]
        if self.queue_retries:
            plain["r"] = {name: list(retry) for name, retry in sorted(self.queue_retries.items())}
        if self.data_access is not None:
            plain["da"] = dict(sorted(self.data_access.items()))
        return plain

    def to_json(self) -> str:
        return json.dumps(self.to_plain(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> FunctionConfig:
        """Parse `MOTIA_FUNCTION`; InvalidFunctionConfig names the variable and what is wrong."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as error:
            raise _fail(f"not JSON ({error})", text) from None
        if not isinstance(data, dict):
            raise _fail("expected a JSON object", data)
        if data.get("v", FORMAT_VERSION) != FORMAT_VERSION:
            raise _fail(f"format version {data.get('v')!r} is not {FORMAT_VERSION}", data.get("v"))
        raw_state = data.get("s") or []
        if not isinstance(raw_state, list):
            raise _fail("state triggers ('s') must be a list of trigger indexes", raw_state)
        return cls(
            app=str(data.get("a") or ""),
            step_file=str(_text(data, "f", "the step file")),
            step_name=str(_text(data, "n", "the step name")),
            topics=_topics(data),
            state_table=_text(data, "ts", "the state table", required=False),
            streams_table=_text(data, "tm", "the streams table", required=False),
            streams=_names(data, "st", "streams"),
            failure_queues=_failure_queues(data),
            routes=_index_map(data, "h", "route"),
            queues=_index_map(data, "q", "queue"),
            state_triggers=tuple(_index(i, "a state trigger index") for i in raw_state),
            stream_triggers=_stream_triggers(data),
            queue_retries=_queue_retries(data),
            data_access=_data_access(data),
        )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], function: str = "this function") -> FunctionConfig:
        text = environ.get(contract.ENV_FUNCTION)
        if not text:
            raise InvalidFunctionConfig(f"{contract.ENV_FUNCTION} is not set on {function}; {_REDEPLOY}")
        return cls.from_json(text)

    # -- trigger lookups (the adapters never guess) --------------------------------------------

    def route_trigger(self, route_key: str) -> int:
        index = self.routes.get(route_key)
        if index is None:
            raise UnknownTrigger(
                f"step {self.step_name!r} ({self.step_file}) has no HTTP trigger for route {route_key!r} "
                f"(its routes: {', '.join(map(repr, sorted(self.routes))) or 'none'}); {_REDEPLOY}"
            )
        return index

    def queue_trigger(self, queue_name: str) -> int:
        index = self.queues.get(queue_name)
        if index is None:
            raise UnknownTrigger(
                f"step {self.step_name!r} ({self.step_file}) does not subscribe through queue {queue_name!r} "
                f"(its queues: {', '.join(map(repr, sorted(self.queues))) or 'none'}); {_REDEPLOY}"
            )
        return index

    def table_kind(self, table_name: str) -> str:
        """`state` or `streams`, by the table's name; UnknownTrigger for any other table."""
        if table_name and table_name == self.state_table:
            return "state"
        if table_name and table_name == self.streams_table:
            return "streams"
        known = ", ".join(repr(t) for t in (self.state_table, self.streams_table) if t) or "none"
        raise UnknownTrigger(
            f"step {self.step_name!r} ({self.step_file}) received a record from table {table_name!r}, "
            f"which is neither its state nor its streams table ({known}); {_REDEPLOY}"
        )
