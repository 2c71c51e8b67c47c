"""A logger that writes one JSON object per line: level, message, step, trace_id, data.

CloudWatch Logs Insights and `motia dev` both read these lines; the standalone `logger`
writes through the context of the invocation in progress, so it carries its trace id.
"""

from __future__ import annotations

import os
import sys
import time

from motia import runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

LEVELS = {"debug": 10, "info": 20, "warn": 30, "error": 40}
# What the pretty format (MOTIA_LOG_FORMAT=pretty, for `motia dev`) shows as columns.
_PRETTY_SHOWN = frozenset({"level", "time", "message", "step", "trace_id"})


class Logger:
    def __init__(
        self, step: str = "", trace_id: str = "", stream: TextIO | None = None, min_level: str = "info"
    ) -> None:
        self.step = step
        self.trace_id = trace_id
        self._stream = stream
        self._min_level = LEVELS.get(min_level, 20)

    def _write(self, level: str, message: Any, data: Any = None, **extra: Any) -> None:
        if LEVELS[level] < self._min_level:
            return
        record: dict[str, Any] = {
            "level": level,
            "time": round(time.time() * 1000),
            "message": str(message),
            "step": self.step,
            "trace_id": self.trace_id,
        }
        if data is not None:
            record["data"] = data
        record.update(extra)
        import json  # on first log line, not at cold start

        stream = self._stream or sys.stdout
        if os.environ.get("MOTIA_LOG_FORMAT") == "pretty":
            rest = {k: v for k, v in record.items() if k not in _PRETTY_SHOWN}
            stack = rest.pop("stack", None)
            shown = rest["data"] if set(rest) == {"data"} else rest
            tail = f" {json.dumps(shown, default=str)}" if rest else ""
            line = f"    {self.step:<20} {level:<5} {record['message']}{tail}"
            if isinstance(stack, str):  # a traceback reads as a traceback, not an escaped string
                line += "\n" + "\n".join("        " + row for row in stack.rstrip().splitlines())
        else:
            line = json.dumps(record, default=str)
        stream.write(line + "\n")  # one write per line: threads do not interleave mid-line
        stream.flush()

    def debug(self, message: Any, data: Any = None, **extra: Any) -> None:
        self._write("debug", message, data, **extra)

    def info(self, message: Any, data: Any = None, **extra: Any) -> None:
        self._write("info", message, data, **extra)

    def warn(self, message: Any, data: Any = None, **extra: Any) -> None:
        self._write("warn", message, data, **extra)

    warning = warn

    def error(self, message: Any, data: Any = None, **extra: Any) -> None:
        self._write("error", message, data, **extra)


class _ContextLogger:
    """The standalone `logger`: the current invocation's logger, or a plain one outside a step."""

    _fallback = Logger()

    def _target(self) -> Any:
        ctx = runtime.current_context()
        return ctx.logger if ctx is not None else self._fallback

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


logger: Any = _ContextLogger()
