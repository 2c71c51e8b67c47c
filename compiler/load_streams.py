"""Stream config files (`*_stream.py`), found and imported as Motia's CLI does.

A stream file declares one stream: `config = StreamConfig(name=..., schema=..., on_join=...)`
(or a `Stream(...)` built from one). Its name joins the project's streams, so every step
reaches it as `ctx.streams.<name>`; its realtime hooks belong to the WebSocket API.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compiler.ir import Diagnostic
from compiler.load import imported_files
from lambda_runtime.websocket_hooks import configs_of  # one reading of a stream file, here and on Lambda
from motia.streams import StreamConfig

@dataclass(frozen=True)
class StreamFile:
    file: str  # project-relative, POSIX
    config: StreamConfig


@dataclass(frozen=True)
class StreamFiles:
    streams: tuple[StreamFile, ...]
    diagnostics: tuple[Diagnostic, ...]
    authenticators: tuple[str, ...] = ()  # files defining a module-level `authenticate` function
    files: tuple[str, ...] = ()  # every stream file that imported

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({s.config.name for s in self.streams}))


def _checked(relative: str, config: StreamConfig) -> Diagnostic | None:
    if not isinstance(config.name, str) or not config.name.strip():
        return Diagnostic("error", relative, "", f"StreamConfig name must be a non-empty string, got {config.name!r}",
                          "give the stream a name: StreamConfig(name='todos', ...)")
    return None


def load_stream_files(app_dir: Path, files: tuple[Path, ...]) -> StreamFiles:
    """Import each stream file; a failing import or a file declaring no stream is reported."""
    streams: list[StreamFile] = []
    diagnostics: list[Diagnostic] = []
    authenticators: list[str] = []
    imported: list[str] = []
    for relative, module in imported_files(app_dir, files):
        if isinstance(module, Diagnostic):
            diagnostics.append(module)
            continue
        imported.append(relative)
        if callable(vars(module).get("authenticate")):
            authenticators.append(relative)
        configs = configs_of(module)
        if not configs:
            diagnostics.append(Diagnostic(
                "warning", relative, "", "no stream found in this stream file",
                "declare it as `config = StreamConfig(name='...', schema=...)`, or rename the file",
            ))
        for config in configs:
            problem = _checked(relative, config)
            if problem is not None:
                diagnostics.append(problem)
            else:
                streams.append(StreamFile(relative, config))
    return StreamFiles(tuple(streams), tuple(diagnostics), tuple(authenticators), tuple(imported))
