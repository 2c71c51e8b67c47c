"""examples/orders end to end, in both moto modes, and the emulator's own hygiene."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

from compiler.emulator.app import Emulator, EmulatorOptions
from compiler.emulator.http_server import PortInUse
from compiler.emulator.queues import WAIT_SECONDS
from compiler.emulator.testing import compile_and_synth, running_app
from tests.emulator.conftest import ORDERS, port_is_free

pytestmark = pytest.mark.slow

REPO = ORDERS.parents[1]


@pytest.mark.parametrize("mode", ["inprocess", "server"])
def test_order_goes_through_every_step_and_leaves_no_port_or_thread(mode: str) -> None:
    compile_and_synth(ORDERS)  # synthesis starts jsii's own Node threads: not the emulator's
    threads_before = set(threading.enumerate())
    with running_app(ORDERS, mode=mode) as emu:
        port = emu.http.port  # type: ignore[union-attr]
        moto_url = emu.backend.endpoint_url
        status, order = emu.post_json("/orders", {"item": "book", "amount": 12}, {"x-motia-trace-id": "t-orders-1"})
        assert status == 201
        assert emu.wait_until(lambda: emu.get_json(f"/orders/{order['id']}")[1].get("status") == "fulfilled")
        assert emu.wait_idle()
        ran = {d.step for d in emu.deliveries if d.ok}
        assert {"CreateOrder", "ChargePayment", "SendConfirmation", "FulfillOrder", "AuditOrderState",
                "WatchPendingOrders"} <= ran
        assert all("t-orders-1" in d.trace_ids for d in emu.deliveries if d.trigger.startswith("queue"))
    assert port_is_free(port)
    if moto_url:
        assert port_is_free(int(moto_url.rsplit(":", 1)[-1]))
    leftover = [t for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    assert leftover == []


def test_charge_over_limit_lands_in_charge_payments_dlq_after_five_attempts() -> None:
    with running_app(ORDERS) as emu:
        # ChargePayment's visibility timeout is 6 x 20 s: retry every second for the test.
        poller = next(p for p in emu.pollers if "ChargePayment" in p.source.queue_name)
        emu.backend.client("sqs").set_queue_attributes(QueueUrl=poller.url, Attributes={"VisibilityTimeout": "1"})
        time.sleep(WAIT_SECONDS + 0.2)  # a receive already waiting keeps the old timeout
        status, order = emu.post_json("/orders", {"item": "car", "amount": 20_000})
        assert status == 201
        assert emu.wait_until(lambda: emu.dead_letters("ChargePayment") != [], timeout=20)
        assert emu.dead_letters("ChargePayment") == [{"order_id": order["id"], "amount": 20_000}]
        failures = [d for d in emu.deliveries if d.step == "ChargePayment" and not d.ok]
        assert len(failures) == 5
        report = emu.report()
    assert report.dead_letters == {"orders-dev-order-created-ChargePayment": ({"order_id": order["id"], "amount": 20_000},)}


def test_fails_with_port_in_use_and_cleans_up() -> None:
    app, assembly = compile_and_synth(ORDERS)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"port {port}"):
            Emulator(app, assembly, EmulatorOptions(port=port)).start()
    from moto.core.models import MockAWS  # the mock was stopped: boto3 is not patched any more

    assert MockAWS._nested_count == 0


def test_motia_dev_smoke_exits_zero_and_narrates_the_flow() -> None:
    result = subprocess.run([sys.executable, "-m", "compiler", "dev", "--app-dir", str(ORDERS), "--smoke"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke: OK" in result.stdout and "FulfillOrder" in result.stdout


def test_fails_dev_on_project_with_errors() -> None:
    broken = REPO / "tests" / "fixtures" / "projects" / "broken"
    result = subprocess.run([sys.executable, "-m", "compiler", "dev", "--app-dir", str(broken), "--smoke"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
