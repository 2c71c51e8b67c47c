"""The emulator under load with 30% handler failures (a bounded `bench/load_bench.py`):
0 lost, 0 duplicated, dead letters exactly the messages that failed all their attempts, each
after exactly `max_retries` runs, and FIFO groups in order."""

from __future__ import annotations

import pytest

from bench.load_bench import ATTEMPTS, PROJECT, plan_messages, run_load
from compiler.emulator.testing import running_app

pytestmark = pytest.mark.slow

MESSAGES, GROUPS, SEED = 150, 5, 10  # few groups: a group's messages are often consecutive


def test_thirty_percent_failures_lose_nothing_run_nothing_twice_and_dead_letter_after_every_attempt() -> None:
    planned = plan_messages(MESSAGES, GROUPS, SEED)
    must_die = sum(1 for m in planned if m.fail >= ATTEMPTS)
    assert 0.1 * MESSAGES < must_die < 0.2 * MESSAGES and any(0 < m.fail < ATTEMPTS for m in planned)

    with running_app(PROJECT) as emu:
        figures = run_load(emu, MESSAGES, GROUPS, SEED, timeout=25)
        fifo_batches = {d.records for d in emu.deliveries if d.step == "LoadFifo"}

    assert fifo_batches == {1}  # the template's FIFO batch size, which makes every receive an attempt

    for figure in figures:
        assert (figure.sent, figure.handled, figure.dead_lettered) == (MESSAGES, MESSAGES - must_die, must_die), figure
        assert (figure.lost, figure.duplicated, figure.wrong_dead_letters, figure.wrong_runs, figure.order_violations) == \
            (0, 0, 0, 0, 0), figure
