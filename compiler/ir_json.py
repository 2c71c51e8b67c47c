"""The IR as JSON: the stable, documented output of `motia plan --json` (see README)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from compiler import ir


def application_to_dict(app: ir.Application) -> dict[str, Any]:
    """Every IR field, plus `schema_version` and `ok` (no errors); tuples become lists."""
    data = dataclasses.asdict(app)
    data.pop("root")  # machine-specific: keep the JSON the same on every checkout
    if not app.settings.file:
        data.pop("settings")  # a project without settings: the JSON it always had
    return {"schema_version": ir.SCHEMA_VERSION, "ok": not app.errors, **data}


def application_to_json(app: ir.Application) -> str:
    return json.dumps(application_to_dict(app), indent=2, sort_keys=False) + "\n"
