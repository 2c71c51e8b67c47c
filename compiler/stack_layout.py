"""Whether a project's steps live in the root stack (flat) or in nested stacks, and which one.

Placement is a pure function of the step's name: `bucket_of(step)` hashes the name into one of
`BUCKETS` nested stacks, whatever else the project holds, so adding or removing other steps
never moves a resource to another stack (a move is a delete plus a create: a queue loses its
messages, a fixed name collides). Shared resources (tables, topics, the HTTP API and its stage)
always stay in the root stack. Logical ids inside a nested stack equal the flat ones (both
derive from the path below the stack), so only the stack changes when a project is nested.

Whether a project is nested is decided once and recorded in `LAYOUT_FILE` next to the steps:
a project first nests when its estimate passes `NEST_ABOVE_RESOURCES`, and stays nested after it
shrinks. docs/scale.md explains the choice. No aws_cdk here: `motia plan` may read it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from compiler.errors import ProjectError
from compiler.ir import Application

Layout = Literal["flat", "nested"]
LAYOUTS: tuple[Layout, ...] = ("flat", "nested")
LAYOUT_FILE = "motia-stacks.json"
# Fixed for ever: changing it would move steps between nested stacks. 32 stacks of at most
# 500 resources hold about 1,500 typical steps (8-9 resources each) with hash imbalance.
BUCKETS = 32
# CloudFormation allows 500 resources per stack; nest well before, as estimates are rough.
NEST_ABOVE_RESOURCES = 400
# Resources per IR row, measured on generated projects (role, policy, log group, function...).
_RESOURCES_PER_ROW = {"functions": 4, "routes": 3, "queues": 6, "schedules": 3,
                      "state_triggers": 3, "stream_triggers": 3, "topics": 1, "tables": 1}


def bucket_of(step: str) -> int:
    """The nested stack of `step`: stable for ever (sha256 of the name, never Python's hash)."""
    return int.from_bytes(hashlib.sha256(step.encode()).digest()[:4], "big") % BUCKETS


def nested_stack_id(bucket: int) -> str:
    return f"Steps{bucket:02d}"


def estimated_resources(app: Application) -> int:
    """A quick upper estimate of the flat template's resource count, from the IR alone."""
    return sum(len(getattr(app, name)) * n for name, n in _RESOURCES_PER_ROW.items()) + 2


class LayoutFileError(ProjectError):
    """The layout file exists but does not say `flat` or `nested`."""


def recorded_layout(root: Path) -> Layout | None:
    """The layout recorded in the project, or None when it has no record yet."""
    path = root / LAYOUT_FILE
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text()).get("layout")
    except (ValueError, AttributeError) as error:
        raise LayoutFileError(f"{path}: not a JSON object ({error}); "
                              'fix: write {"layout": "nested"} or {"layout": "flat"}') from None
    if value not in LAYOUTS:
        raise LayoutFileError(f'{path}: "layout" is {value!r}; fix: set it to "nested" or "flat"')
    return value


def decide_layout(app: Application) -> tuple[Layout, bool]:
    """(layout, newly decided): the recorded one, else nested when the project is large."""
    recorded = recorded_layout(Path(app.root))
    if recorded is not None:
        return recorded, False
    if estimated_resources(app) > NEST_ABOVE_RESOURCES:
        return "nested", True
    return "flat", False


def synth_layout(app: Application, *, for_emulator: bool = False) -> tuple[Layout, bool]:
    """The layout a synth uses: `decide_layout`'s, except for the emulator, which always gets one
    flat stack (moto has no 500-resource limit, and the emulator deploys and drives one stack
    itself: moto cannot pass an HTTP API's id into a nested stack, docs/scale.md). Same
    functions, queues, topics and tables either way: only their stack differs."""
    return ("flat", False) if for_emulator else decide_layout(app)


def record_layout(root: Path, layout: Layout) -> Path:
    """Write the decision, so that a nested project stays nested when it shrinks."""
    path = root / LAYOUT_FILE
    path.write_text(json.dumps({
        "layout": layout,
        "note": "written by motia-aws; commit it. Changing it moves every step's resources (docs/scale.md).",
    }, indent=2) + "\n")
    return path
