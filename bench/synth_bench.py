"""`motia synth` wall time against a plain hand-written CDK app with default settings.

Generates projects of 10, 50 and 100 steps (pairs: an HTTP step enqueueing a topic, and a
queue step subscribed to it), runs each as a fresh process (what a user waits for, Node
start and exit included), and prints one run's times and ratios. Not a test.

    .venv/bin/python bench/synth_bench.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

SIZES = (10, 50, 100)
REPO = Path(__file__).resolve().parents[1]

HTTP_STEP = '''from motia import http, step

async def handler(request, ctx):
    await ctx.enqueue({{"topic": "topic{i}", "data": {{}}}})
    return {{"status": 200, "body": {{}}}}

s = step({{"name": "step{i}", "triggers": [http("POST", "/items{i}")], "enqueues": ["topic{i}"]}}, handler)
'''
QUEUE_STEP = '''from motia import queue, step

async def handler(data, ctx):
    return None

s = step({{"name": "step{i}", "triggers": [queue("topic{p}")]}}, handler)
'''

# The same resources, written the way the CDK docs show, every default left on.
PLAIN_APP = '''
import sys
from aws_cdk import App, Duration, Stack, aws_apigatewayv2 as apigw, aws_lambda as lambda_
from aws_cdk import aws_sns as sns, aws_sns_subscriptions as subs, aws_sqs as sqs
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from aws_cdk.aws_lambda_event_sources import SqsEventSource

n, code_dir = int(sys.argv[1]), sys.argv[2]
app = App(outdir=sys.argv[3])
stack = Stack(app, "plain")
api = apigw.HttpApi(stack, "Api")
code = lambda_.Code.from_asset(code_dir)
for i in range(0, n, 2):
    topic = sns.Topic(stack, f"topic{i}")
    fn = lambda_.Function(stack, f"step{i}", runtime=lambda_.Runtime.PYTHON_3_12,
                          handler="lambda_runtime.entry.handler", code=code)
    topic.grant_publish(fn)
    api.add_routes(path=f"/items{i}", methods=[apigw.HttpMethod.POST],
                   integration=HttpLambdaIntegration(f"int{i}", fn))
    consumer = lambda_.Function(stack, f"step{i + 1}", runtime=lambda_.Runtime.PYTHON_3_12,
                                handler="lambda_runtime.entry.handler", code=code,
                                timeout=Duration.seconds(10))
    dlq = sqs.Queue(stack, f"dlq{i + 1}")
    queue = sqs.Queue(stack, f"queue{i + 1}", visibility_timeout=Duration.seconds(60),
                      dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=3))
    topic.add_subscription(subs.SqsSubscription(queue, raw_message_delivery=True))
    consumer.add_event_source(SqsEventSource(queue, report_batch_item_failures=True))
app.synth()
'''


def write_project(root: Path, steps: int) -> Path:
    for i in range(0, steps, 2):
        (root / "steps").mkdir(parents=True, exist_ok=True)
        (root / "steps" / f"s{i:03d}_step.py").write_text(HTTP_STEP.format(i=i))
        (root / "steps" / f"s{i + 1:03d}_step.py").write_text(QUEUE_STEP.format(i=i + 1, p=i))
    return root


def timed(command: list[str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
    return time.perf_counter() - start, done.returncode, last[0]


def main() -> int:
    print(f"{'steps':>5}  {'motia synth':>11}  {'plain CDK':>9}  {'ratio':>5}  note")
    for steps in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            root = write_project(Path(tmp) / f"bench{steps}", steps)
            plain_py = Path(tmp) / "plain_app.py"
            plain_py.write_text(textwrap.dedent(PLAIN_APP))
            ours, status, last = timed([sys.executable, "-m", "compiler", "synth",
                                        "--app-dir", str(root), "--out", f"{tmp}/motia.out"])
            plain, plain_status, plain_last = timed([sys.executable, str(plain_py), str(steps),
                                                     str(root / "steps"), f"{tmp}/plain.out"])
            note = "ok" if status == 0 else f"motia exit {status}: {last[:110]}"
            if plain_status != 0:
                note += f"; plain exit {plain_status}: {plain_last[:80]}"
            print(f"{steps:>5}  {ours:>10.2f}s  {plain:>8.2f}s  {ours / plain:>5.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
