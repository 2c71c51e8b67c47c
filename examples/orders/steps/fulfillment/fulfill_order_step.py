"""Ship paid orders in order, one FIFO message group per order."""

from typing import Any

from motia import FlowContext, queue, step

fulfill_order = step({
    "name": "FulfillOrder",
    "flows": ["orders"],
    "triggers": [queue("payment.charged", config={"type": "fifo", "max_retries": 3})],
})


@fulfill_order.handle
async def handler(data: dict[str, Any], ctx: FlowContext[Any]) -> None:
    order = await ctx.state.get("orders", data["order_id"]) or {"id": data["order_id"]}
    await ctx.state.set("orders", data["order_id"], {**order, "status": "fulfilled"})
