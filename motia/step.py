"""`motia.step` of Motia's SDK: `step()` and what it builds."""

from __future__ import annotations

from motia.definition import StepBuilder, StepDefinition, step

__all__ = ["StepBuilder", "StepDefinition", "step"]
