"""The realtime part of the IR: which stream files the WebSocket function loads, their hooks."""

from __future__ import annotations

from compiler import naming
from compiler.ir import Application, Diagnostic, Realtime
from compiler.load_streams import StreamFiles


def realtime_of(app: Application, stream_files: StreamFiles) -> tuple[Realtime | None, tuple[Diagnostic, ...]]:
    """Realtime subscriptions when the project has streams (none otherwise), and its problems."""
    if not app.streams:
        return None, ()
    problems: tuple[Diagnostic, ...] = ()
    if len(stream_files.authenticators) > 1:
        problems = tuple(
            Diagnostic("error", file, "", f"`authenticate` is defined in {len(stream_files.authenticators)} stream files "
                       f"({', '.join(stream_files.authenticators)})",
                       "a project has one stream authentication function: keep it in one stream file")
            for file in stream_files.authenticators
        )
    configs = [s.config for s in stream_files.streams]
    return Realtime(
        connections_table=naming.table_name(app.prefix, "connections"),
        socket_function=naming.bounded_name(app.prefix, "streams-ws", limit=naming.LAMBDA_NAME_LIMIT),
        fanout_function=naming.bounded_name(app.prefix, "streams-fanout", limit=naming.LAMBDA_NAME_LIMIT),
        stream_files=tuple(sorted(stream_files.files)),
        auth_file=stream_files.authenticators[0] if stream_files.authenticators else None,
        join_hooks=tuple(sorted({c.name for c in configs if c.on_join is not None})),
        leave_hooks=tuple(sorted({c.name for c in configs if c.on_leave is not None})),
    ), problems


def realtime_table(app: Application) -> list[str]:
    """`motia plan`'s streams section: each stream, whether clients can subscribe, its hooks."""
    realtime = app.realtime
    if realtime is None:
        return []
    from compiler.report import table

    rows = [
        (name, "yes (WebSocket)", "on_join" if name in realtime.join_hooks else "-",
         "on_leave" if name in realtime.leave_hooks else "-")
        for name in app.streams
    ]
    auth = f"authenticate in {realtime.auth_file}" if realtime.auth_file else "none: every client may connect"
    return [*table(("stream", "clients subscribe", "join hook", "leave hook"), rows),
            f"  connection auth: {auth}; connections table {realtime.connections_table}"]
