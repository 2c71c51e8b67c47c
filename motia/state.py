"""`motia.state` of Motia's SDK: `StateManager` and the standalone `stateManager`."""

from __future__ import annotations

from motia.state_manager import StateManager, stateManager

__all__ = ["StateManager", "stateManager"]
