"""`motia.schema_utils` of Motia's SDK."""

from __future__ import annotations

from motia.schema import schema_to_json_schema

__all__ = ["schema_to_json_schema"]
