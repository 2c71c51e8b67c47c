"""GIVEN a cron with seconds on the emulator WHEN its minute fires THEN each tick runs once, at
its second, through the shim's tick queue as on AWS."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from compiler.emulator.testing import Client, running_app
from tests.conftest import FIXTURE_PROJECTS

pytestmark = pytest.mark.slow

# Seconds a tick may run after its second on the emulator (moto's delay + the poller's pickup).
PRECISION_S = 1.5


@pytest.fixture(scope="module")
def ticks() -> Iterator[Client]:
    with running_app(FIXTURE_PROJECTS / "sub_minute_crons") as emulator:
        yield emulator


def _runs(emu: Client, step: str) -> int:
    return sum(d.step == step for d in emu.deliveries)


def _fire_minute(emu: Client, step: str, started_ago_s: float) -> datetime:
    """Fire the step's schedule for a minute that started `started_ago_s` seconds ago."""
    assert emu.scheduler is not None
    [schedule] = [s for s in emu.scheduler.schedules if s.function == step]
    minute = datetime.now(timezone.utc) - timedelta(seconds=started_ago_s)
    emu.scheduler.fire(schedule, minute)
    return minute


def _arrivals(emu: Client, step: str, count: int, timeout_s: float) -> list[float]:
    """Monotonic times at which the step's run count grew, until it reaches `count`."""
    seen, times, deadline = _runs(emu, step), [], time.monotonic() + timeout_s
    while seen < count and time.monotonic() < deadline:
        now = _runs(emu, step)
        times.extend([time.monotonic()] * (now - seen))
        seen = now
        time.sleep(0.02)
    return times


def test_every_five_seconds_runs_twelve_ticks_a_minute_each_at_its_second(ticks: Client) -> None:
    before = _runs(ticks, "Heartbeat")
    # 47 s into the minute: ticks 0-45 are due now (second 0 runs in the minute's invocation,
    # 5-45 undelayed), 50 and 55 wait 3 s and 8 s in the tick queue.
    fired = time.monotonic()
    _fire_minute(ticks, "Heartbeat", 47)
    arrivals = _arrivals(ticks, "Heartbeat", before + 12, timeout_s=8 + 5)
    assert _runs(ticks, "Heartbeat") == before + 12
    late_50, late_55 = arrivals[-2] - fired - 3, arrivals[-1] - fired - 8
    print(f"tick lateness: second 50 {late_50:+.3f} s, second 55 {late_55:+.3f} s")
    assert -0.6 <= late_50 <= PRECISION_S and -0.6 <= late_55 <= PRECISION_S, (late_50, late_55)
    assert 5 - PRECISION_S <= arrivals[-1] - arrivals[-2] <= 5 + PRECISION_S


def test_a_failing_tick_runs_once_and_is_not_retried(ticks: Client) -> None:
    before = _runs(ticks, "FailingTicks")
    _fire_minute(ticks, "FailingTicks", 28)  # second 0 now, second 30 in 2 s
    _arrivals(ticks, "FailingTicks", before + 2, timeout_s=6)
    time.sleep(2)  # a retry would come now
    assert ticks.wait_idle()
    runs = [d for d in ticks.deliveries if d.step == "FailingTicks"][-2:]
    assert _runs(ticks, "FailingTicks") == before + 2
    assert not runs[0].ok  # the minute's own invocation: second 0 failed
    assert runs[1].ok  # the tick from the queue: logged, and its message consumed


def test_fire_cron_still_runs_one_tick_now(ticks: Client) -> None:
    before = _runs(ticks, "Heartbeat")
    delivery = ticks.fire_cron("Heartbeat")
    assert delivery.ok and ticks.wait_idle()
    time.sleep(1)
    assert _runs(ticks, "Heartbeat") == before + 1
