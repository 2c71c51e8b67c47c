"""A step in Motia's older 0.x style (type "cron", context.emit): it compiles unchanged."""

config = {
    "type": "cron",
    "name": "DailyReport",
    "description": "Count orders every weekday morning",
    "cron": "0 8 * * MON-FRI",
    "emits": [],
    "flows": ["orders"],
}


async def handler(context):
    orders = await context.state.list("orders")
    context.logger.info("daily report", {"orders": len(orders)})
