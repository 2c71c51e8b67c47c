"""The second subscriber of `order.created`: tell the customer we have their order."""

from typing import Any

from motia import FlowContext, queue, step

send_confirmation = step({"name": "SendConfirmation", "flows": ["orders"], "triggers": [queue("order.created")]})


@send_confirmation.handle
async def handler(data: dict[str, Any], ctx: FlowContext[Any]) -> None:
    ctx.logger.info("confirmation sent", {"order_id": data["order_id"]})
