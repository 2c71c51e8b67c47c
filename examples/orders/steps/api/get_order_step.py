"""GET /orders/:id: read an order back from state."""

from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, http, step


async def get_order(request: ApiRequest[Any], ctx: FlowContext[Any]) -> ApiResponse[Any]:
    order = await ctx.state.get("orders", request.path_params["id"])
    if order is None:
        return ApiResponse(status=404, body={"error": f"no order {request.path_params['id']}"})
    return ApiResponse(status=200, body=order)


get_order_step = step(
    {"name": "GetOrder", "flows": ["orders"], "triggers": [http("GET", "/orders/:id")]},
    get_order,
)
