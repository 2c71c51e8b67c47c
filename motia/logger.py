"""`motia.logger` of Motia's SDK: the standalone `logger`."""

from __future__ import annotations

from motia.log import Logger, logger

__all__ = ["Logger", "logger"]
