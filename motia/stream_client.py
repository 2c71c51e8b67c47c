"""`motia.stream_client` of Motia's SDK: its names belong to Motia's engine (see `motia.engine_only`)."""

from __future__ import annotations

from motia.engine_only import engine_only


def __getattr__(name: str) -> object:
    if name.startswith("__"):
        raise AttributeError(name)
    raise engine_only(__name__, name)
