"""Python's main thread and jsii's Node on one CPU while the emitters talk to Node.

Emitting a stack is thousands of jsii calls, each a message from Python to Node and an answer
back, and each side waits idle while the other works. On different CPUs every message wakes a
sleeping CPU (an inter-processor interrupt, slow in a virtual machine); on one CPU it is a plain
switch between two threads. Measured on the 2-CPU machine of docs/scale.md: 120 us a call
apart, 75 us together. So while the stack is emitted and synthesized, the main thread and
Node's main thread share one CPU; what started before keeps the whole machine (the process
building the code asset beside the emission, Node's garbage collector threads; a thread started
inside would inherit the one CPU). Both masks are put back afterwards.

Linux only (`os.sched_setaffinity`), with two CPUs or more to choose from; `MOTIA_CPU_SHARE=0`
turns it off. A failure to set a mask only costs the speed-up, never the synth.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["ENV_CPU_SHARE", "sharing_one_cpu"]

ENV_CPU_SHARE = "MOTIA_CPU_SHARE"


def shared_cpu(allowed: frozenset[int]) -> int | None:
    """The CPU to share, or None when there is nothing to gain (one CPU, or switched off)."""
    if len(allowed) < 2 or os.environ.get(ENV_CPU_SHARE, "1") == "0":
        return None
    return max(allowed)  # CPU 0 takes most of the machine's interrupts


@contextmanager
def sharing_one_cpu(node_pid: int | None) -> Iterator[None]:
    """While the block runs, the calling thread and Node's main thread (`node_pid`) on one CPU."""
    if node_pid is None or not hasattr(os, "sched_setaffinity"):
        yield
        return
    try:
        mine, nodes = frozenset(os.sched_getaffinity(0)), frozenset(os.sched_getaffinity(node_pid))
    except OSError:
        yield
        return
    cpu = shared_cpu(mine & nodes)
    if cpu is None:
        yield
        return
    try:
        os.sched_setaffinity(0, {cpu})  # 0: this thread only, on Linux
        os.sched_setaffinity(node_pid, {cpu})  # Node's main thread; its other threads keep theirs
    except OSError:
        _restore(node_pid, mine, nodes)
        yield
        return
    try:
        yield
    finally:
        _restore(node_pid, mine, nodes)


def _restore(node_pid: int, mine: frozenset[int], nodes: frozenset[int]) -> None:
    for pid, mask in ((0, mine), (node_pid, nodes)):
        try:
            os.sched_setaffinity(pid, mask)
        except OSError:
            pass  # Node may have exited; this thread's mask is its own to lose
