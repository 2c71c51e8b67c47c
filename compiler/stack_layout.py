"""Whether a project's steps live in nested stacks (the default) or in the root stack, and which one.

Placement is a pure function of the step's name: `bucket_of(step)` hashes the name into one of
`BUCKETS` nested stacks, whatever else the project holds, so adding or removing other steps
never moves a resource to another stack (a move is a delete plus a create: a queue loses its
messages, a fixed name or an HTTP route key collides, so CloudFormation fails midway). Shared
resources (tables, topics, the HTTP API and its stage) always stay in the root stack. Logical
ids inside a nested stack equal the flat ones (both derive from the path below the stack).

Every project is nested from its first step, whatever its size, so that no project ever
crosses from one layout to the other as it grows. A project may keep every step in the root
stack instead (faster deploys, about 55 steps at most) by writing `{"layout": "flat"}` to
`LAYOUT_FILE`; `motia deploy` refuses to switch a deployed stack between the two
(compiler.deploy.layout_guard). docs/scale.md explains the choice. No aws_cdk here: `motia plan`
may read it.
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


def bucket_of(step: str) -> int:
    """The nested stack of `step`: stable for ever (sha256 of the name, never Python's hash)."""
    return int.from_bytes(hashlib.sha256(step.encode()).digest()[:4], "big") % BUCKETS


def nested_stack_id(bucket: int) -> str:
    return f"Steps{bucket:02d}"


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


def decide_layout(app: Application) -> Layout:
    """The recorded layout, else nested: one rule from the first step, so growth never moves one."""
    return recorded_layout(Path(app.root)) or "nested"


def synth_layout(app: Application, *, for_emulator: bool = False) -> Layout:
    """The layout a synth uses: `decide_layout`'s, except for the emulator, which always gets one
    flat stack (moto has no 500-resource limit, and the emulator deploys and drives one stack
    itself: moto cannot pass an HTTP API's id into a nested stack, docs/scale.md). Same
    functions, queues, topics and tables either way: only their stack differs."""
    return "flat" if for_emulator else decide_layout(app)


def record_layout(root: Path, layout: Layout) -> Path:
    """Write `layout` as the project's record (`{"layout": "flat"}` keeps every step in the root stack)."""
    path = root / LAYOUT_FILE
    path.write_text(json.dumps({
        "layout": layout,
        "note": "commit it. Changing it moves every step's resources between stacks (docs/scale.md).",
    }, indent=2) + "\n")
    return path
