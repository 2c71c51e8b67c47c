"""compiler/cpu_affinity.py: the main thread and Node's on one CPU while the stack is emitted."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from compiler.cpu_affinity import ENV_CPU_SHARE, shared_cpu, sharing_one_cpu

LINUX_WITH_TWO_CPUS = hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2


def test_the_shared_cpu_is_the_highest_of_two_or_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_CPU_SHARE, raising=False)
    assert shared_cpu(frozenset({0, 1, 2, 3})) == 3
    assert shared_cpu(frozenset({5})) is None  # one CPU: nothing to gain
    monkeypatch.setenv(ENV_CPU_SHARE, "0")
    assert shared_cpu(frozenset({0, 1})) is None


@pytest.fixture()
def child() -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.mark.skipif(not LINUX_WITH_TWO_CPUS, reason="sets CPU masks: Linux with two CPUs or more")
def test_the_thread_and_the_process_share_one_cpu_inside_and_get_their_masks_back(
    child: subprocess.Popen[bytes], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV_CPU_SHARE, raising=False)
    mine, theirs = os.sched_getaffinity(0), os.sched_getaffinity(child.pid)
    # Another thread of this process, started before, keeps the whole machine.
    other_thread: list[set[int]] = []
    ask, answered = threading.Event(), threading.Event()

    def report_mask() -> None:
        ask.wait(10)
        other_thread.append(os.sched_getaffinity(0))
        answered.set()
    worker = threading.Thread(target=report_mask)
    worker.start()
    with sharing_one_cpu(child.pid):
        inside = os.sched_getaffinity(0), os.sched_getaffinity(child.pid)
        ask.set()
        answered.wait(10)
    worker.join()
    assert inside == ({max(mine)}, {max(mine)})
    assert other_thread == [mine]
    assert (os.sched_getaffinity(0), os.sched_getaffinity(child.pid)) == (mine, theirs)


@pytest.mark.skipif(not LINUX_WITH_TWO_CPUS, reason="sets CPU masks: Linux with two CPUs or more")
def test_masks_come_back_when_the_block_raises_and_nothing_changes_when_switched_off(
    child: subprocess.Popen[bytes], monkeypatch: pytest.MonkeyPatch,
) -> None:
    mine = os.sched_getaffinity(0)
    with pytest.raises(RuntimeError):
        with sharing_one_cpu(child.pid):
            raise RuntimeError("emission failed")
    assert os.sched_getaffinity(0) == mine
    monkeypatch.setenv(ENV_CPU_SHARE, "0")
    with sharing_one_cpu(child.pid):
        assert os.sched_getaffinity(0) == mine


def test_no_process_or_a_gone_one_only_costs_the_speed_up() -> None:
    with sharing_one_cpu(None):
        pass
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with sharing_one_cpu(gone.pid):  # reaped: its mask cannot be read
        pass
