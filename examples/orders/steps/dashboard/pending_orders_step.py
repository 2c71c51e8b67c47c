"""Watch the `orders` stream's pending group (what a live dashboard would show)."""

from typing import Any

from motia import FlowContext, StreamTriggerInput, step, stream

watch = step({
    "name": "WatchPendingOrders",
    "flows": ["orders"],
    "triggers": [stream("orders", group_id="pending")],
})


@watch.handle
async def handler(input: StreamTriggerInput, ctx: FlowContext[Any]) -> None:
    ctx.logger.info("pending order changed", {"order_id": input.id, "event": input.event.type})
