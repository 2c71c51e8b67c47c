"""`motia.multi_trigger` of Motia's SDK: one step, a handler per trigger kind."""

from __future__ import annotations

from motia.definition import MultiTriggerStepBuilder, multi_trigger_step

__all__ = ["MultiTriggerStepBuilder", "multi_trigger_step"]
