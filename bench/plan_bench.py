"""How long `motia plan` takes on generated projects of 10, 50, 100 and 500 steps.

Prints, per size, the compile work in this process (median of 5) as a ratio of the 10-step
project, and beside it the whole `motia plan` process as a user times it (best of 3: start-up
and imports included), wall clock and CPU (user + system; steadier on a busy machine).
Machines are noisy; compare within a run. Not a timed test: run it with `make bench` or
`.venv/bin/python bench/plan_bench.py`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from compiler.ir_json import application_to_json  # noqa: E402
from compiler.pipeline import compile_project  # noqa: E402
from compiler.plan_text import render_plan  # noqa: E402

STEP_TEMPLATES = (
    'http("POST", "/items{i}/:id")',
    'queue("topic.{i}", config={{"type": "fifo"}})',
    'queue("topic.{i}")',
    'cron("*/{m} * * * *")',
    'stream("feed", group_id="g{i}")',
)


def write_project(root: Path, steps: int) -> None:
    for i in range(steps):
        trigger = STEP_TEMPLATES[i % len(STEP_TEMPLATES)].format(i=i, m=(i % 30) + 1)
        enqueues = f'["topic.{i + 1}"]'
        source = (
            "from motia import cron, http, queue, stream, step\n\n"
            f"async def handler(input, ctx):\n    return None\n\n"
            f'generated = step({{"name": "Step{i}", "triggers": [{trigger}], "enqueues": {enqueues}, '
            f'"infrastructure": {{"handler": {{"ram": 256, "timeout": 20}}}}}}, handler)\n'
        )
        path = root / "steps" / f"group{i % 7}" / f"step{i}_step.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


def time_once(root: Path) -> float:
    start = time.perf_counter()
    app = compile_project(root)
    render_plan(app)
    application_to_json(app)
    return time.perf_counter() - start


def time_process(root: Path) -> tuple[float, float]:
    """One `motia plan --app-dir root` in a fresh interpreter: (wall, CPU) seconds."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    before, start = os.times(), time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "plan", "--app-dir", str(root)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    wall, after = time.perf_counter() - start, os.times()
    if result.returncode != 0:
        raise SystemExit(f"motia plan failed on {root} (exit {result.returncode}):\n{result.stderr}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


# What a user waits for `motia plan` (whole process), by project size.
PROCESS_TARGETS_S = {100: 0.4, 500: 0.7}


def main() -> None:
    compile_s: dict[int, float] = {}
    process_s: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (10, 50, 100, 500):
            root = Path(tmp) / f"p{size}"
            write_project(root, size)
            # Each compile imports the step files afresh (load forgets them after), as `motia plan` does
            # once per run; the median of 5 keeps one noisy run from deciding.
            compile_s[size] = statistics.median(time_once(root) for _ in range(5))
            runs = [time_process(root) for _ in range(3)]
            process_s[size] = (min(w for w, _ in runs), min(c for _, c in runs))
    base = compile_s[10]
    print(f"{'steps':>6}  {'compile+plan':>12}  {'per step':>9}  {'vs 10 steps':>11}  "
          f"{'motia plan wall':>15}  {'cpu':>7}  {'target':>7}")
    for size, seconds in compile_s.items():
        wall, cpu = process_s[size]
        target = f"{PROCESS_TARGETS_S[size]:.1f} s" if size in PROCESS_TARGETS_S else ""
        print(f"{size:>6}  {seconds * 1000:>9.1f} ms  {seconds / size * 1000:>6.2f} ms  {seconds / base:>10.2f}x  "
              f"{wall * 1000:>12.0f} ms  {cpu * 1000:>4.0f} ms  {target:>7}")
    for size, target in PROCESS_TARGETS_S.items():
        wall = process_s[size][0]
        verdict = "within" if wall <= target else "NOT within"
        print(f"{size}-step project: `motia plan` takes {wall:.2f} s ({verdict} {target} s)")


if __name__ == "__main__":
    main()
