"""Charge the customer for a new order; 5 attempts, 250 ms backoff doubling, then the dead-letter queue."""

from typing import Any

from motia import FlowContext, queue, step

config = {
    "name": "ChargePayment",
    "flows": ["orders"],
    "triggers": [queue("order.created")],
    "enqueues": ["payment.charged"],
    "infrastructure": {
        "handler": {"ram": 512, "cpu": 1024, "timeout": 20},
        "queue": {"type": "standard", "max_retries": 5, "backoff_delay_ms": 250},
    },
}


async def handler(data: dict[str, Any], ctx: FlowContext[Any]) -> None:
    if data["amount"] > 10_000:
        raise ValueError(f"amount {data['amount']} needs manual review")
    await ctx.enqueue({
        "topic": "payment.charged",
        "data": {"order_id": data["order_id"], "amount": data["amount"]},
        "messageGroupId": data["order_id"],
    })


charge_payment = step(config, handler)
