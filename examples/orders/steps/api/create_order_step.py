"""POST /orders: record a new order and announce it on `order.created`."""

import uuid
from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, Stream, http, step

order_stream: Stream[dict[str, Any]] = Stream("orders")

create_order = step({
    "name": "CreateOrder",
    "description": "Accept an order over HTTP and enqueue it for payment",
    "flows": ["orders"],
    "triggers": [http("POST", "/orders")],
    "enqueues": ["order.created"],
})


@create_order.handle
async def handler(request: ApiRequest[dict[str, Any]], ctx: FlowContext[Any]) -> ApiResponse[Any]:
    body = request.body
    if not isinstance(body, dict):  # not JSON, or not an object: Motia hands it over as is
        return ApiResponse(status=400, body={"error": "send a JSON object with Content-Type: application/json"})
    if not isinstance(body.get("amount"), (int, float)) or body["amount"] <= 0:
        return ApiResponse(status=400, body={"error": "amount must be a positive number"})
    order_id = f"order-{uuid.uuid4().hex[:12]}"  # never from the trace id, which a client may choose
    order = {"id": order_id, "item": body.get("item", ""), "amount": body["amount"], "status": "pending"}
    await ctx.state.set("orders", order_id, order)
    await order_stream.set("pending", order_id, order)
    await ctx.enqueue({"topic": "order.created", "data": {"order_id": order_id, "amount": body["amount"]}})
    ctx.logger.info("order created", {"order_id": order_id})
    return ApiResponse(status=201, body=order)
