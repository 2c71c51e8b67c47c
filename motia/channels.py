"""`ChannelReader` and `ChannelWriter`: the request and response bodies of Motia 1.0.4's HTTP
handlers (`args.request.request_body`, `args.response.writer`).

Motia streams them over its engine's WebSocket channels; API Gateway's Lambda integration
hands the whole request body to the function and takes the whole response back, so here the
reader serves bytes already received and the writer collects what is written. The interface
is the SDK's: `reader.read_all()`, `async for chunk in reader` (or `reader.stream`),
`writer.stream.write(data)`, `writer.stream.end()`, `await writer.write(data)`, `close()`.
"""

from __future__ import annotations

from motia.either_way import sync_or_awaited

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable

CHUNK_SIZE = 64 * 1024  # what one iteration step yields, like a WebSocket frame


class ReadableStream:
    """`reader.stream`: the request body as async chunks."""

    def __init__(self, reader: ChannelReader) -> None:
        self._reader = reader

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._reader.__aiter__()


class ChannelReader:
    """The raw request body, whatever its content type (`body` holds only parsed JSON)."""

    def __init__(self, data: bytes = b"") -> None:
        self._data = bytes(data)
        self.stream = ReadableStream(self)
        self._message_callbacks: list[Callable[[str], Any]] = []

    @sync_or_awaited
    def read_all(self) -> bytes:
        return self._data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self._data), CHUNK_SIZE):
            yield self._data[start : start + CHUNK_SIZE]

    def on_message(self, callback: Callable[[str], Any]) -> None:
        """Text messages: the engine's channels carry them; a buffered body never has any."""
        self._message_callbacks.append(callback)

    def close(self) -> None:
        """Nothing to release: the body is already in memory."""

    async def close_async(self) -> None:
        """As `close`."""

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ChannelReader({len(self._data)} bytes)"


class WritableStream:
    """`writer.stream`: Node-style `write(data)` and `end(data?)`."""

    def __init__(self, writer: ChannelWriter) -> None:
        self._writer = writer

    def write(self, data: Any) -> None:
        self._writer.append(data)

    def end(self, data: Any = None) -> None:
        if data is not None:
            self._writer.append(data)
        self._writer.close()


class ChannelWriter:
    """Collects a streamed response body; the shim returns it whole when the handler ends."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.messages: list[str] = []
        self.closed = False
        self.stream = WritableStream(self)

    def append(self, data: Any) -> None:
        if self.closed:
            raise ValueError("the response was already ended: nothing more can be written to it")
        if isinstance(data, (bytes, bytearray, memoryview)):
            self.chunks.append(bytes(data))
        else:
            self.chunks.append(str(data).encode("utf-8"))

    @sync_or_awaited
    def write(self, data: Any) -> None:
        self.append(data)

    def send_message(self, message: str) -> None:
        """Text control messages of the engine's channel protocol, kept for inspection."""
        self.messages.append(message)

    @sync_or_awaited
    def send_message_async(self, message: str) -> None:
        self.messages.append(message)

    def close(self) -> None:
        self.closed = True

    @sync_or_awaited
    def close_async(self) -> None:
        self.closed = True

    @property
    def body(self) -> bytes | None:
        """Everything written, or None when nothing was."""
        return b"".join(self.chunks) if self.chunks else None
