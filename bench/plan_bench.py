"""How long `motia plan`'s compile work takes on generated projects of 10, 50 and 100 steps.

Prints, per size, the time of each stage measured side by side in one run, and the whole
compile as a ratio of the 10-step project (machines are noisy; compare within a run).
Not a timed test: run it with `make bench` or `.venv/bin/python bench/plan_bench.py`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def main() -> None:
    results: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (10, 50, 100):
            root = Path(tmp) / f"p{size}"
            write_project(root, size)
            # Each compile imports the step files afresh (load forgets them after), as `motia plan` does
            # once per run; the median of 5 keeps one noisy run from deciding.
            results[size] = statistics.median(time_once(root) for _ in range(5))
    base = results[10]
    print(f"{'steps':>6}  {'compile+plan':>12}  {'per step':>9}  {'vs 10 steps':>11}")
    for size, seconds in results.items():
        print(f"{size:>6}  {seconds * 1000:>9.1f} ms  {seconds / size * 1000:>6.2f} ms  {seconds / base:>10.2f}x")
    verdict = "well under" if results[100] < 0.5 else "NOT under"
    print(f"100-step project: {results[100] * 1000:.0f} ms of compile work ({verdict} half a second)")


if __name__ == "__main__":
    main()
