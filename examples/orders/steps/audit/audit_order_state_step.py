"""Every change to an order's state is written to the audit log."""

from typing import Any

from motia import FlowContext, StateTriggerInput, state, step


def is_order(input: StateTriggerInput, ctx: FlowContext[Any]) -> bool:
    return input.group_id == "orders"


audit = step({"name": "AuditOrderState", "flows": ["orders"], "triggers": [state(condition=is_order)]})


@audit.handle
async def handler(input: StateTriggerInput, ctx: FlowContext[Any]) -> None:
    old = (input.old_value or {}).get("status")
    new = (input.new_value or {}).get("status")
    ctx.logger.info("order state changed", {"order_id": input.item_id, "from": old, "to": new})
