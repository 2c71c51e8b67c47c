"""The emulator under load with 30% handler failures: nothing lost, nothing handled twice,
dead letters exactly the messages that failed every attempt, FIFO groups in order.

    .venv/bin/python bench/load_bench.py [--messages N] [--groups G] [--seed S] [--mode inprocess|server]

Sends N messages to a standard and N to a FIFO subscription of the fixture project
`tests/fixtures/emulator/load` (3 attempts each, retried at once: no backoff), over POST /load.
70% of the messages succeed at once, 15% fail once or twice and then succeed, 15% fail every
attempt and must end in the dead-letter queue after exactly 3 runs. The handlers count their
runs in state, per message. Printed per subscription:
- sent, handled (messages that succeeded), dead-lettered (messages in the DLQ);
- lost: sent but neither handled nor dead-lettered; duplicated: handled more than once, or
  both handled and dead-lettered, or in the DLQ twice;
- wrong dead letters: the DLQ differs from the messages that failed all 3 attempts, or one of
  them ran other than 3 times (a receive that never reached the handler counted as an attempt);
- wrong runs: a handled message that ran other than (its failures + 1) times;
- order violations (FIFO): a group's handled sequence numbers not strictly increasing, or
  missing one of the group's handled messages;
- seconds from the first send until the subscription's last message settled.
`tests/emulator/test_load_failures.py` runs a bounded version in `make test`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

PROJECT = REPO / "tests" / "fixtures" / "emulator" / "load"
ATTEMPTS = 3  # the fixture subscriptions' max_retries
STEPS = {"standard": "LoadStandard", "fifo": "LoadFifo"}
FAILURE_SHARE = 0.30  # half of it recovers (1 or 2 failed runs), half fails every attempt
SEND_CHUNK = 50  # messages per POST /load
SETTLE_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class LoadMessage:
    """One message: how many runs fail before it succeeds (ATTEMPTS or more: never), its FIFO place."""

    id: str
    fail: int
    group: str
    seq: int

    def body(self, run: str, fifo: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {"run": run, "id": self.id, "fail": self.fail}
        return {**fields, "group": self.group, "seq": self.seq} if fifo else fields


@dataclass(frozen=True)
class LoadFigures:
    """What one subscription did with its messages (see the module docstring)."""

    kind: str
    sent: int
    handled: int
    dead_lettered: int
    lost: int
    duplicated: int
    wrong_dead_letters: int
    wrong_runs: int
    order_violations: int
    seconds: float

    def line(self) -> str:
        return (f"{self.kind:<8} sent {self.sent:>5}  handled {self.handled:>5}  dead-lettered {self.dead_lettered:>4}  "
                f"lost {self.lost}  duplicated {self.duplicated}  wrong dead letters {self.wrong_dead_letters}  "
                f"wrong runs {self.wrong_runs}  order violations {self.order_violations}  {self.seconds:.1f} s")


def plan_messages(count: int, groups: int, seed: int) -> list[LoadMessage]:
    """`count` messages, FAILURE_SHARE of them failing, spread round-robin over `groups` groups."""
    chance = random.Random(seed)
    planned = []
    for index in range(count):
        draw = chance.random()
        fail = 0 if draw >= FAILURE_SHARE else (ATTEMPTS + 2 if draw < FAILURE_SHARE / 2 else chance.randint(1, ATTEMPTS - 1))
        planned.append(LoadMessage(id=f"m{index:05d}", fail=fail, group=f"g{index % groups}", seq=index // groups))
    return planned


def send(emu: Any, kind: str, run: str, messages: list[LoadMessage]) -> int:
    """POST the messages in chunks; the number the API accepted."""
    sent = 0
    for start in range(0, len(messages), SEND_CHUNK):
        chunk = [m.body(run, kind == "fifo") for m in messages[start:start + SEND_CHUNK]]
        status, reply = emu.post_json("/load", {"kind": kind, "messages": chunk})
        if status != 202:
            raise RuntimeError(f"POST /load answered {status}: {reply}")
        sent += int(reply["enqueued"])
    return sent


def _of_run(values: list[Any], run: str) -> list[dict[str, Any]]:
    return [v for v in values if isinstance(v, dict) and v.get("run") == run]


def settled(emu: Any, kind: str, run: str, count: int) -> bool:
    """Every message handled or dead-lettered."""
    done = {v["id"] for v in _of_run(emu.state_list(f"load-done-{kind}"), run)}
    dead = {v["id"] for v in _of_run(emu.dead_letters(STEPS[kind]), run)}
    return len(done | dead) >= count


def order_violations(emu: Any, run: str, messages: list[LoadMessage], handled: set[str]) -> int:
    """Per group: positions where the handled sequence does not go up, plus handled ones missing."""
    expected: dict[str, list[int]] = {}
    for message in messages:
        if message.id in handled:
            expected.setdefault(message.group, []).append(message.seq)
    violations = 0
    for group, seqs in expected.items():
        order = emu.state("load-order", f"{run}:{group}") or []
        violations += sum(1 for before, after in zip(order, order[1:]) if after <= before)
        violations += len(set(seqs) - set(order))
    return violations


def tally(emu: Any, kind: str, run: str, messages: list[LoadMessage], sent: int, seconds: float) -> LoadFigures:
    runs = {v["id"]: int(v["runs"]) for v in _of_run(emu.state_list(f"load-runs-{kind}"), run)}
    done = {v["id"]: int(v["times"]) for v in _of_run(emu.state_list(f"load-done-{kind}"), run)}
    dead_counts = Counter(v["id"] for v in _of_run(emu.dead_letters(STEPS[kind]), run))
    dead = set(dead_counts)
    fails = {m.id: m.fail for m in messages}
    must_die = {m.id for m in messages if m.fail >= ATTEMPTS}
    duplicated = sum(1 for times in done.values() if times > 1) + sum(1 for n in dead_counts.values() if n > 1) \
        + len(dead & set(done))
    wrong_dead = len(dead ^ must_die) + sum(1 for i in dead & must_die if runs.get(i) != ATTEMPTS)
    wrong_runs = sum(1 for i in done if runs.get(i) != fails.get(i, -1) + 1)
    order = order_violations(emu, run, messages, set(done)) if kind == "fifo" else 0
    return LoadFigures(kind=kind, sent=sent, handled=len(done), dead_lettered=sum(dead_counts.values()),
                       lost=len({m.id for m in messages} - set(done) - dead), duplicated=duplicated,
                       wrong_dead_letters=wrong_dead, wrong_runs=wrong_runs, order_violations=order, seconds=seconds)


def run_load(emu: Any, count: int, groups: int, seed: int, timeout: float = SETTLE_TIMEOUT_S) -> tuple[LoadFigures, ...]:
    """Send `count` messages to each subscription, wait until all settle, tally both."""
    run = os.urandom(4).hex()
    messages = plan_messages(count, groups, seed)
    started = time.monotonic()
    sent = {kind: send(emu, kind, run, messages) for kind in STEPS}
    figures = []
    for kind in STEPS:
        emu.wait_until(lambda: settled(emu, kind, run, count), timeout=max(timeout - (time.monotonic() - started), 1),
                       interval=0.25)
        seconds = time.monotonic() - started
        figures.append(tally(emu, kind, run, messages, sent[kind], seconds))
    emu.wait_idle(timeout=10)  # a duplicate delivery would show up here: tally again
    return tuple(tally(emu, f.kind, run, messages, f.sent, f.seconds) for f in figures)


@contextmanager
def quiet() -> Iterator[None]:
    """Failing handlers log a line each; printing them would bury the figures."""
    real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")
    try:
        yield
    finally:
        sys.stdout.close()
        sys.stdout = real_stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000, help="per subscription (default 1000)")
    parser.add_argument("--groups", type=int, default=50, help="FIFO message groups (default 50)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--mode", choices=("inprocess", "server"), default="inprocess")
    args = parser.parse_args()

    from compiler.emulator.testing import running_app

    with quiet(), running_app(PROJECT, mode=args.mode) as emu:
        figures = run_load(emu, args.messages, args.groups, args.seed)
    print(f"load: {args.messages} messages per subscription, {FAILURE_SHARE:.0%} failing "
          f"(half recover, half fail all {ATTEMPTS} attempts), {args.groups} FIFO groups, seed {args.seed}, {args.mode}")
    for figure in figures:
        print(figure.line())
    broken = [f for f in figures if f.lost or f.duplicated or f.wrong_dead_letters or f.wrong_runs or f.order_violations]
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
