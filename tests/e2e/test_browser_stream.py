"""The orders example's page (`examples/orders/public/`), served by `motia dev`, in headless
Chromium: Motia's browser client (`@motiadev/stream-client-browser`) shows the group's sync,
then an order created over HTTP appears in the page without a reload."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.emulator.testing import running_app
from tests.e2e.chromium import Page, find_chromium, headless_chromium

pytestmark = pytest.mark.slow

ORDERS = Path(__file__).resolve().parents[2] / "examples" / "orders"
WAIT_S = 10.0
# .ci/run sets it after installing Chromium: there a missing browser is a failure, not a skip.
REQUIRED = os.environ.get("MOTIA_REQUIRE_CHROMIUM") == "1"


def _chromium() -> str:
    binary = find_chromium()
    if binary is None:
        message = "no chromium binary on PATH: install Debian's package (apt-get install chromium) to run this test"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    return binary


def test_page_shows_an_order_created_over_http() -> None:
    binary = _chromium()
    assert (ORDERS / "node_modules" / "@motiadev" / "stream-client-browser").is_dir(), (
        f"run `npm ci` in {ORDERS} (`make test` does it when package-lock.json changes)"
    )
    with running_app(ORDERS) as emu, headless_chromium(binary) as page:
        status, before = emu.post_json("/orders", {"item": "coffee", "amount": 2})
        assert status == 201, before
        page.navigate(emu.url + "/")
        synced = page.wait_for(
            "document.getElementById('status')?.dataset.state === 'live' && document.getElementById('status').textContent",
            WAIT_S,
        )
        assert synced.startswith("live: 1 order(s)"), synced  # the sync: the order made before the page opened
        assert _row(page, before["id"]) == [before["id"], "coffee", "2", "pending"]
        status, order = emu.post_json("/orders", {"item": "tea", "amount": 3})
        assert status == 201, order
        row = page.wait_for(f"document.querySelector('tr[data-id=\"{order['id']}\"]')?.innerText", WAIT_S)
        assert row.split() == [order["id"], "tea", "3", "pending"]
        assert _row(page, before["id"]) == [before["id"], "coffee", "2", "pending"]


def _row(page: Page, order_id: str) -> list[str]:
    text = page.evaluate(f"document.querySelector('tr[data-id=\"{order_id}\"]')?.innerText")
    return text.split() if isinstance(text, str) else []
