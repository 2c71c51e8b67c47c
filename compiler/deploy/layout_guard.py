"""A deployed stack keeps its layout: `motia deploy` (and `motia rollback`) refuse an assembly
that would move every step between the root stack and nested stacks.

Such a move is a delete plus a create of every step resource. CloudFormation creates the new
resources before it deletes the old ones, so the fixed names (functions, queues, log groups) and
the HTTP route keys of the new collide with the old: the update fails midway and rolls back.
Were it to pass, the messages still queued would go with the old queues. Projects are nested
from their first step (compiler.stack_layout), so this is met only by a stage deployed flat
before, or a layout record changed by hand. Refused before anything is sent, with the fix.
"""

from __future__ import annotations

from typing import Any

from compiler.deploy.nested import STACK_TYPE, short_name
from compiler.stack_layout import LAYOUT_FILE, Layout
from lambda_runtime.contract import ENV_FUNCTION

__all__ = ["deployed_layout", "layout_refusal"]


def deployed_layout(template: dict[str, Any]) -> Layout | None:
    """Where `template` (a root stack's) keeps its steps: nested stacks, itself, or None (no step)."""
    resources = template.get("Resources") or {}
    if any(r.get("Type") == STACK_TYPE and short_name(logical_id) != logical_id  # a `Steps07` stack
           for logical_id, r in resources.items()):
        return "nested"
    # A step's function carries its config in ENV_FUNCTION; the shared ones (realtime) do not.
    if any(r.get("Type") == "AWS::Lambda::Function"
           and ENV_FUNCTION in ((r.get("Properties") or {}).get("Environment") or {}).get("Variables", {})
           for r in resources.values()):
        return "flat"
    return None


def layout_refusal(stack_name: str, deployed: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why `new` may not replace `deployed` (both root templates), or None when it may."""
    before, after = deployed_layout(deployed), deployed_layout(new)
    if before is None or after is None or before == after:
        return None
    where = {"flat": "in its root stack", "nested": "in nested stacks"}
    fix = (f'write {{"layout": "flat"}} to {LAYOUT_FILE} in the project (commit it) and deploy again; '
           "a flat stack holds about 55 steps" if before == "flat" else
           f'remove the {{"layout": "flat"}} record from {LAYOUT_FILE} in the project and deploy again')
    return (f"stack {stack_name} keeps its steps {where[before]}, and this assembly puts them {where[after]}: "
            "every step's function, queues, schedules and routes would be deleted and created again, the "
            "new names and route keys collide with the old ones (CloudFormation fails midway), and queued "
            f"messages would be lost. Nothing was changed. Fix: {fix} (docs/scale.md, "
            '"A stage keeps its layout")')
