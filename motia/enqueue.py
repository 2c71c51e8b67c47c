"""`motia.enqueue` of Motia's SDK: the standalone `enqueue`."""

from __future__ import annotations

from motia.context import enqueue

__all__ = ["enqueue"]
