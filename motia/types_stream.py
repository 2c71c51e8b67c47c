"""`motia.types_stream` of Motia's SDK: the records of stream config files."""

from __future__ import annotations

from motia.streams import StreamAuthInput, StreamAuthResult, StreamConfig, StreamSubscription

__all__ = ["StreamAuthInput", "StreamAuthResult", "StreamConfig", "StreamSubscription"]
