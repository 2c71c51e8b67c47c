"""Expire stale pending orders: hourly, or on demand over HTTP. One step, two triggers."""

from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, cron, http, step

expire = step({
    "name": "ExpireOrders",
    "flows": ["orders"],
    "triggers": [cron("0 * * * *"), http("POST", "/orders/expire")],
    "infrastructure": {"handler": {"timeout": 25}},
})


async def _expire_pending(ctx: FlowContext[Any]) -> int:
    expired = 0
    for order in await ctx.state.list("orders"):
        if isinstance(order, dict) and order.get("status") == "pending" and order.get("stale"):
            await ctx.state.set("orders", order["id"], {**order, "status": "expired"})
            expired += 1
    return expired


@expire.handle
async def handler(input: Any, ctx: FlowContext[Any]) -> Any:
    async def on_http(request: ApiRequest[Any]) -> ApiResponse[Any]:
        return ApiResponse(status=200, body={"expired": await _expire_pending(ctx)})

    async def on_cron() -> None:
        ctx.logger.info("expired orders", {"count": await _expire_pending(ctx)})

    return await ctx.match({"http": on_http, "cron": on_cron})
