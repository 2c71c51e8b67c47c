"""A deployed stage's logs: each step's CloudWatch Logs, merged in time order, read like `motia dev`.

Our logger (`motia/log.py`) writes one JSON object a line: level, time, message, step,
trace_id, data. Those lines are shown as `motia dev` shows them; other lines of the function
(a traceback printed by Lambda, a user's print) are shown as they are; Lambda's own START, END
and REPORT lines are left out. `--trace` keeps the lines of one trace id, in every step it
reached. Following uses a CloudWatch Logs live tail session (lines arrive within a second; up
to 10 log groups; billed per session minute) and falls back to polling FilterLogEvents every
few seconds where live tail is not available (more than 10 steps, a session that ended after
its three hours, emulators, a role without logs:StartLiveTail).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator

from compiler.deploy.aws import Clients, aws_errors
from compiler.errors import UsageError

__all__ = ["LogLine", "fetch", "follow", "last_errors", "live_tail", "log_group_of", "parse_event", "render", "since_ms"]

_LAMBDA_LINES = ("START RequestId:", "END RequestId:", "REPORT RequestId:", "INIT_START ", "INIT_REPORT ")
_SHOWN = frozenset({"level", "time", "message", "step", "trace_id"})
_SINCE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
FOLLOW_INTERVAL_S = 2.0
LIVE_TAIL_MAX_GROUPS = 10  # StartLiveTail's limit per session


@dataclass(frozen=True)
class LogLine:
    timestamp_ms: int
    step: str
    level: str  # debug, info, warn, error; "" for a line not written by our logger
    message: str
    trace_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # everything else the line carries (data, error...)
    event_id: str = ""

    def as_json(self) -> dict[str, Any]:
        time_text = datetime.fromtimestamp(self.timestamp_ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")
        return {"time": time_text.replace("+00:00", "Z"), "step": self.step, "level": self.level,
                "message": self.message, "trace_id": self.trace_id, **self.fields}


def log_group_of(function_name: str) -> str:
    """Where Lambda (and our emitted log group) keeps a function's logs."""
    return f"/aws/lambda/{function_name}"


def since_ms(text: str, now: datetime | None = None) -> int:
    """`10m`, `2h`, `1d`, `30s`, `1w` before now, or an ISO 8601 time (UTC unless it says), in epoch ms."""
    now = now or datetime.now(timezone.utc)
    match = _SINCE.match(text.strip().lower())
    if match:
        return int((now - timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])).timestamp() * 1000)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--since {text!r} is neither a duration nor a time; give e.g. 10m, 2h, 1d or 2026-11-28T09:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def parse_event(step: str, event: dict[str, Any]) -> LogLine | None:
    """One CloudWatch event as a line; None for Lambda's own START/END/REPORT lines."""
    text = str(event.get("message", "")).rstrip("\n")
    if text.startswith(_LAMBDA_LINES):
        return None
    stamp = int(event.get("timestamp", 0))
    record: Any = None
    if text.startswith("{"):
        try:
            record = json.loads(text)
        except ValueError:
            record = None
    if not isinstance(record, dict) or "level" not in record or "message" not in record:
        return LogLine(stamp, step, "", text, event_id=str(event.get("eventId", "")))
    fields = {k: v for k, v in record.items() if k not in _SHOWN}
    return LogLine(
        timestamp_ms=int(record["time"]) if isinstance(record.get("time"), int) else stamp,
        step=str(record.get("step") or step),
        level=str(record["level"]),
        message=str(record["message"]),
        trace_id=str(record.get("trace_id") or ""),
        fields=fields,
        event_id=str(event.get("eventId", "")),
    )


def render(line: LogLine) -> str:
    """As `motia dev` prints a line, with the time (UTC) first and the trace id's head last."""
    # A line with no time (the log tail of a synchronous invoke) keeps the column empty.
    clock = datetime.fromtimestamp(line.timestamp_ms / 1000, tz=timezone.utc).strftime("%H:%M:%S.%f")[:-3] if line.timestamp_ms else " " * 12
    fields = dict(line.fields)
    stack = fields.pop("stack", None)
    shown = fields["data"] if set(fields) == {"data"} else fields
    tail = f" {json.dumps(shown, default=str)}" if fields else ""
    trace = f"  [{line.trace_id[:8]}]" if line.trace_id else ""
    text = f"{clock} {line.step:<20} {line.level or '-':<5} {line.message}{tail}{trace}"
    if isinstance(stack, str):
        text += "\n" + "\n".join("        " + row for row in stack.rstrip().splitlines())
    return text


def _events(clients: Clients, group: str, start_ms: int, pattern: str | None) -> Iterator[dict[str, Any]]:
    args: dict[str, Any] = {"logGroupName": group, "startTime": start_ms}
    if pattern:
        args["filterPattern"] = pattern
    paginator = clients.logs.get_paginator("filter_log_events")
    try:
        for page in paginator.paginate(**args):
            yield from page.get("events") or []
    except clients.logs.exceptions.ResourceNotFoundException:
        return  # a function that never ran has no log group yet


def fetch(clients: Clients, groups: dict[str, str], start_ms: int, trace_id: str | None = None) -> list[LogLine]:
    """Every line since `start_ms` of the steps' log groups ({step: group}), in time order."""
    # The trace id is a quoted term: CloudWatch narrows the read, and each line is checked again
    # below, since a term matches anywhere in the line.
    pattern = f'"{trace_id}"' if trace_id else None
    lines: list[LogLine] = []
    with aws_errors(clients.target, clients.region):
        for step, group in sorted(groups.items()):
            for event in _events(clients, group, start_ms, pattern):
                line = parse_event(step, event)
                if line is not None and (trace_id is None or line.trace_id == trace_id):
                    lines.append(line)
    return sorted(lines, key=lambda line: (line.timestamp_ms, line.step))


def _is_error(line: LogLine) -> bool:
    # Our logger's error lines, and what Lambda's runtime prints when the shim itself fails.
    return line.level == "error" or (not line.level and line.message.startswith(("[ERROR]", "Traceback")))


def last_errors(clients: Clients, groups: dict[str, str], start_ms: int) -> dict[str, LogLine]:
    """Each step's newest error line since `start_ms` (steps without one are left out)."""
    found: dict[str, LogLine] = {}
    with aws_errors(clients.target, clients.region):
        for step, group in sorted(groups.items()):
            # "ERROR" and "error" both: CloudWatch's terms are case-sensitive. The check below
            # keeps only real error lines from what the terms let through.
            for event in _events(clients, group, start_ms, "?error ?ERROR ?Traceback"):
                line = parse_event(step, event)
                if line is not None and _is_error(line) and (step not in found or line.timestamp_ms >= found[step].timestamp_ms):
                    found[step] = line
    return found


def follow(
    read: Callable[[int], Iterable[LogLine]],
    show: Callable[[LogLine], None],
    start_ms: int,
    keep_going: Callable[[], bool],
    interval_s: float = FOLLOW_INTERVAL_S,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Show new lines as they arrive, each once, until `keep_going` says stop (Ctrl-C ends the CLI's)."""
    seen: set[tuple[str, int, str]] = set()
    since = start_ms
    while keep_going():
        for line in read(since):
            key = (line.event_id or line.message, line.timestamp_ms, line.step)
            if key in seen:
                continue
            seen.add(key)
            show(line)
            since = max(since, line.timestamp_ms)
        # Lines at the last second are read again next time (CloudWatch's order within a
        # millisecond is not fixed); `seen` keeps them from showing twice. Older keys go.
        seen = {key for key in seen if key[1] >= since - 1000}
        sleep(interval_s)


def live_tail(
    clients: Clients, groups: dict[str, str], account: str, trace_id: str | None, show: Callable[[LogLine], None],
) -> int:
    """Show lines as a live tail session delivers them, until it ends or fails; the newest line's
    time (0 when none came), from which the caller polls on. Ctrl-C ends it as it ends polling."""
    if not groups or len(groups) > LIVE_TAIL_MAX_GROUPS:
        return 0
    newest = 0
    partition = clients.env(account).partition
    step_of = {f"arn:{partition}:logs:{clients.region}:{account}:log-group:{group}": step for step, group in groups.items()}
    step_of.update({group: step for step, group in groups.items()})
    args: dict[str, Any] = {"logGroupIdentifiers": sorted(k for k in step_of if k.startswith("arn:"))}
    if trace_id:
        args["logEventFilterPattern"] = f'"{trace_id}"'
    try:
        stream = clients.logs.start_live_tail(**args)["responseStream"]
        for event in stream:
            for result in (event.get("sessionUpdate") or {}).get("sessionResults") or []:
                step = step_of.get(str(result.get("logGroupIdentifier", "")), "?")
                line = parse_event(step, result)
                if line is not None and (trace_id is None or line.trace_id == trace_id):
                    show(line)
                    newest = max(newest, line.timestamp_ms)
    except Exception:  # noqa: BLE001 - a refused or broken session (no access, an emulator): poll instead
        pass
    return newest  # the session ended (three hours at most) or never started: polling carries on
