"""`motia dev --smoke`: one real order through the whole flow of examples/orders, narrated."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from compiler.emulator.app import Emulator

EXPECTED_STEPS = ("CreateOrder", "ChargePayment", "SendConfirmation", "FulfillOrder", "AuditOrderState",
                  "WatchPendingOrders", "GetOrder", "ExpireOrders")
TRACE_ID = "smoke-0000-trace"


def _call(url: str, method: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "content-type": "application/json", "x-motia-trace-id": TRACE_ID})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def run_smoke(emulator: Emulator) -> int:
    """0 when the order went through every step; 1 (and what went wrong) otherwise."""
    routes = {(r.method, r.path) for r in emulator.app.routes}
    if not {("POST", "/orders"), ("GET", "/orders/{id}")} <= routes:
        print("motia dev --smoke drives examples/orders (POST /orders, GET /orders/:id); "
              "pass --app-dir examples/orders")
        return 1
    print(f"1. POST {emulator.url}/orders  (trace id {TRACE_ID})")
    status, order = _call(f"{emulator.url}/orders", "POST", {"item": "book", "amount": 42})
    print(f"   -> {status} {json.dumps(order)}")
    if status != 201:
        return 1
    print("2. waiting for queues and triggers to settle...")
    settled = emulator.wait_idle(timeout=30)
    print("3. cron: firing ExpireOrders now (its schedule is hourly)")
    emulator.fire_cron("ExpireOrders")
    status, stored = _call(f"{emulator.url}/orders/{order['id']}", "GET")
    print(f"4. GET /orders/{order['id']} -> {status} {json.dumps(stored)}")
    print("\nWhat happened, step by step:")
    for delivery in emulator.deliveries:
        print(f"   {delivery.line()}")
    ran = {d.step for d in emulator.deliveries if d.ok}
    missing = [s for s in EXPECTED_STEPS if s not in ran]
    traced = all(TRACE_ID in d.trace_ids for d in emulator.deliveries if d.trigger.startswith("queue"))
    ok = settled and not missing and traced and status == 200 and stored.get("status") == "fulfilled"
    if missing:
        print(f"\nsmoke: FAILED, these steps never ran successfully: {', '.join(missing)}")
    elif not traced:
        print("\nsmoke: FAILED, a queue delivery lost the request's trace id")
    elif not ok:
        print("\nsmoke: FAILED, the order did not end fulfilled")
    else:
        print(f"\nsmoke: OK, {len(EXPECTED_STEPS)} steps ran, the trace id {TRACE_ID} reached every queue step")
    return 0 if ok else 1
