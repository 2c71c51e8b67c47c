"""`motia.loader` of Motia's SDK: `generate_step_id` (loading itself is the compiler's)."""

from __future__ import annotations

from motia.definition import generate_step_id

__all__ = ["generate_step_id"]
