"""`motia synth` wall time against a plain hand-written CDK app declaring the same resources.

Generates projects of 10, 50, 100 and 300 steps (triples: an HTTP step enqueueing a topic, a
queue step subscribed to it, a cron step) and times, each as a fresh process (what a user
waits for, Node start and exit included), from one run:
  - `motia synth` of the project, with an empty assembly cache (a first synth);
  - the plain CDK app, written the way the CDK docs show, with CDK's defaults (its
    CloudFormation validator on) and with the validator off (CDK_VALIDATION=false);
  - for the largest project, `motia synth` again unchanged, then after a code-only change of
    one step file (the everyday edit) and of every HTTP step file (a third of them).
Wall time: machines are noisy (run it on an idle one); compare within a run. Each figure is the
fastest of --repeat runs (default 3), the variants interleaved. Every run has bytecode for what
it imports, as an installed tool has: this repository's packages are compiled first, and
PYTHONDONTWRITEBYTECODE (set on some machines) is not passed on.

Like with like: the plain app declares the same resource types in the same numbers (the
bench checks it on both assemblies and says so), and nests exactly where `motia synth` does:
it is given our placement (`compiler.stack_layout`: every project is nested, so both put each
step in the nested stack of its bucket, shared resources in the root). Not a test (tests/bench/test_synth_bench.py runs it
small, untimed):

    .venv/bin/python bench/synth_bench.py [--repeat N] [SIZE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from compiler.pipeline import compile_project  # noqa: E402
from compiler.stack_layout import bucket_of, decide_layout  # noqa: E402

SIZES = (10, 50, 100, 300)
OUR_PACKAGES = ("compiler", "motia", "lambda_runtime", "cdk_app")
# Goals of issue 13: ratio to the plain app, and the whole-process re-synth of the largest project.
GOAL_DEFAULTS, GOAL_NO_VALIDATOR, GOAL_RESYNTH_S = 0.5, 1.0, 0.3

HTTP_STEP = '''from motia import http, step

async def handler(request, ctx):
    await ctx.enqueue({{"topic": "topic{i}", "data": {{}}}})
    return {{"status": 200, "body": {{"n": {n}}}}}

s = step({{"name": "step{i}", "triggers": [http("POST", "/items{i}")], "enqueues": ["topic{i}"]}}, handler)
'''
QUEUE_STEP = '''from motia import queue, step

async def handler(data, ctx):
    return None

s = step({{"name": "step{i}", "triggers": [queue("topic{p}")]}}, handler)
'''
CRON_STEP = '''from motia import cron, step

async def handler(ctx):
    return None

s = step({{"name": "step{i}", "triggers": [cron("*/5 * * * *")]}}, handler)
'''
KINDS = ("http", "queue", "cron")

# The resources `motia synth` declares for these steps, written with the CDK constructs the docs
# show (grants, SqsSubscription, SqsEventSource, LambdaInvoke), CDK's defaults left on.
# argv: the spec (JSON: layout and steps), the code directory, the output directory.
PLAIN_APP = '''
import json, sys
from aws_cdk import App, Duration, NestedStack, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigw, aws_cloudwatch as cw, aws_dynamodb as ddb, aws_iam as iam
from aws_cdk import aws_lambda as lambda_, aws_logs as logs, aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets, aws_sns as sns, aws_sns_subscriptions as subs, aws_sqs as sqs
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from aws_cdk.aws_lambda_event_sources import SqsEventSource

spec, code_dir = json.loads(open(sys.argv[1]).read()), sys.argv[2]
app = App(outdir=sys.argv[3])
stack = Stack(app, "plain")
for kind in ("state", "streams"):
    ddb.Table(stack, kind, partition_key=ddb.Attribute(name="pk", type=ddb.AttributeType.STRING),
              billing_mode=ddb.BillingMode.PAY_PER_REQUEST)
api = apigw.HttpApi(stack, "Api")
access_logs = logs.LogGroup(stack, "AccessLogs", removal_policy=RemovalPolicy.DESTROY)
api.default_stage.node.default_child.access_log_settings = apigw.CfnStage.AccessLogSettingsProperty(
    destination_arn=access_logs.log_group_arn, format="$context.requestId")
topics = {t: sns.Topic(stack, t) for t in spec["topics"]}
sns.TopicPolicy(stack, "TopicsTls", topics=list(topics.values())).document.add_statements(iam.PolicyStatement(
    effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()], actions=["sns:Publish"], resources=["*"],
    conditions={"Bool": {"aws:SecureTransport": "false"}}))
homes, codes = {}, {}

def home_of(bucket):
    if bucket is None:
        return stack
    if bucket not in homes:
        homes[bucket] = NestedStack(stack, f"Steps{bucket:02d}")
    return homes[bucket]

def tls_queue(scope, name, **props):
    return sqs.Queue(scope, name, enforce_ssl=True, encryption=sqs.QueueEncryption.SQS_MANAGED, **props)

def alarm(scope, name, dlq):
    cw.Alarm(scope, name, metric=dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
             threshold=0, evaluation_periods=1, comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD)

for step in spec["steps"]:
    name, home = step["name"], home_of(step["bucket"])
    scope = home if step["bucket"] is not None else stack
    if home not in codes:
        codes[home] = lambda_.Code.from_asset(code_dir)
    log_group = logs.LogGroup(scope, name + "Logs", removal_policy=RemovalPolicy.DESTROY)
    fn = lambda_.Function(scope, name, runtime=lambda_.Runtime.PYTHON_3_12, handler="lambda_runtime.entry.handler",
                          code=codes[home], log_group=log_group, timeout=Duration.seconds(20))
    log_group.grant_write(fn)
    if step["kind"] == "http":
        topics[step["topic"]].grant_publish(fn)
        apigw.HttpRoute(scope, name + "Route", http_api=api, integration=HttpLambdaIntegration(name + "Int", fn),
                        route_key=apigw.HttpRouteKey.with_(step["path"], apigw.HttpMethod.POST))
    elif step["kind"] == "queue":
        dlq = tls_queue(scope, name + "Dlq")
        queue = tls_queue(scope, name + "Queue", visibility_timeout=Duration.seconds(120),
                          dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=3))
        alarm(scope, name + "DlqAlarm", dlq)
        topic = topics[step["topic"]]
        if step["bucket"] is None:
            topic.add_subscription(subs.SqsSubscription(queue, raw_message_delivery=True))
        else:  # SqsSubscription makes the queue's stack depend on the topic's: refused for a nested stack
            queue.add_to_resource_policy(iam.PolicyStatement(
                principals=[iam.ServicePrincipal("sns.amazonaws.com")], actions=["sqs:SendMessage"],
                resources=[queue.queue_arn], conditions={"ArnEquals": {"aws:SourceArn": topic.topic_arn}}))
            sns.Subscription(scope, name + "Subscription", topic=topic, endpoint=queue.queue_arn,
                             protocol=sns.SubscriptionProtocol.SQS, raw_message_delivery=True)
        fn.add_event_source(SqsEventSource(queue, report_batch_item_failures=True))
    else:
        dlq = tls_queue(scope, name + "Dlq")
        alarm(scope, name + "DlqAlarm", dlq)
        fn.configure_async_invoke(retry_attempts=0)
        scheduler.Schedule(scope, name + "Schedule", schedule=scheduler.ScheduleExpression.expression(step["cron"]),
                           target=targets.LambdaInvoke(fn, dead_letter_queue=dlq, retry_attempts=0))
app.synth()
'''


@dataclass(frozen=True)
class Run:
    """One process: wall seconds, exit status, its last output line."""

    seconds: float
    status: int
    last_line: str


def write_project(root: Path, steps: int, *, edition: int = 0, only_first: bool = False) -> Path:
    """`steps` step files cycling HTTP, queue, cron; `edition` changes the HTTP handlers' code
    only (every HTTP step's, or with `only_first` the first step's: the everyday edit)."""
    (root / "steps").mkdir(parents=True, exist_ok=True)
    for i in range(1 if only_first else steps):
        template = (HTTP_STEP, QUEUE_STEP, CRON_STEP)[i % 3]
        source = template.format(i=i, p=i - 1, n=edition)
        (root / "steps" / f"s{i:03d}_step.py").write_text(source)
    return root


def plain_spec(root: Path, steps: int) -> dict[str, object]:
    """The plain app's input: our layout decision (nested or flat) and each step's bucket."""
    layout = decide_layout(compile_project(root))
    rows = []
    for i in range(steps):
        kind, name = KINDS[i % 3], f"step{i}"
        rows.append({"name": name, "kind": kind, "bucket": bucket_of(name) if layout == "nested" else None,
                     "topic": f"topic{i if kind == 'http' else i - 1}", "path": f"/items{i}",
                     "cron": "cron(0/5 * * * ? *)"})
    topics = sorted({str(r["topic"]) for r in rows if r["kind"] == "http"})
    return {"layout": layout, "steps": rows, "topics": topics}


def timed(command: list[str], env: dict[str, str]) -> Run:
    # Wall time only: `motia synth` exits without waiting for its Node process, so the CPU
    # time of children would leave Node out for us and count it for the plain app.
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    last = (done.stderr if done.returncode else done.stdout).strip().splitlines()[-1:] or [""]
    return Run(seconds, done.returncode, last[0])


def resource_types(out_dir: Path) -> Counter[str]:
    """Resources by type over every template of an assembly, nested stacks included."""
    counts: Counter[str] = Counter()
    for path in out_dir.glob("*.template.json"):
        counts.update(r["Type"] for r in json.loads(path.read_text()).get("Resources", {}).values())
    return counts


def compare_resources(ours: Path, plain: Path) -> str:
    """`same N resources`, or the types whose counts differ (ours/plain)."""
    a, b = resource_types(ours), resource_types(plain)
    if a == b:
        return f"same {sum(a.values())} resources"
    differ = sorted(t for t in a.keys() | b.keys() if a[t] != b[t])
    return "DIFFERENT: " + ", ".join(f"{t.split('::', 1)[1]} {a[t]}/{b[t]}" for t in differ)


def environment(cache_dir: Path, **extra: str) -> dict[str, str]:
    # CDK_VALIDATION: each variant sets its own. PYTHONDONTWRITEBYTECODE (this machine sets it):
    # an installed tool has its bytecode, as aws-cdk-lib has (pip compiles at install), and a
    # project's step files get theirs at their first import; `compile_our_sources` writes ours.
    env = {key: value for key, value in os.environ.items() if key not in ("CDK_VALIDATION", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))
    return {**env, "MOTIA_CACHE_DIR": str(cache_dir), **extra}


def status_note(name: str, run: Run) -> str:
    return "" if run.status == 0 else f"; {name} exit {run.status}: {run.last_line[:100]}"


def fastest(runs: list[Run]) -> Run:
    """The quickest run, or a failed one: noise only ever adds time (as `timeit` reports)."""
    failed = [run for run in runs if run.status != 0]
    return failed[0] if failed else min(runs, key=lambda run: run.seconds)


def bench_size(tmp: Path, steps: int, *, resynth: bool, repeat: int = 1) -> list[str]:
    """One size: its table row, and the re-synth rows when `resynth`; each figure the fastest
    of `repeat` runs, the variants interleaved so a slow spell hits them alike."""
    root = write_project(tmp / f"bench{steps}", steps)
    spec_path = tmp / "spec.json"
    spec = plain_spec(root, steps)
    spec_path.write_text(json.dumps(spec))
    plain_py = tmp / "plain_app.py"
    plain_py.write_text(PLAIN_APP)
    plain_command = [sys.executable, str(plain_py), str(spec_path), str(root / "steps")]
    synth = [sys.executable, "-m", "compiler.cli", "synth", "--app-dir", str(root), "--out", str(tmp / "motia.out")]
    runs: dict[str, list[Run]] = {"ours": [], "defaults": [], "tuned": []}
    for round_number in range(repeat):
        cache = tmp / f"cache{round_number}"  # empty: each round times a first synth
        shutil.rmtree(tmp / "motia.out", ignore_errors=True)
        runs["ours"].append(timed(synth, environment(cache)))
        runs["defaults"].append(timed([*plain_command, str(tmp / "plain.out")], environment(cache)))
        runs["tuned"].append(timed([*plain_command, str(tmp / "tuned.out")], environment(cache, CDK_VALIDATION="false")))
    ours, defaults, tuned = (fastest(runs[name]) for name in ("ours", "defaults", "tuned"))
    note = compare_resources(tmp / "motia.out", tmp / "plain.out") if ours.status == defaults.status == 0 else ""
    note += status_note("motia", ours) + status_note("plain", defaults) + status_note("tuned", tuned)
    rows = [f"{steps:>5}  {spec['layout']:>6}  {ours.seconds:>6.2f}s  {defaults.seconds:>7.2f}s  "
            f"{ours.seconds / defaults.seconds:>5.2f}  {tuned.seconds:>7.2f}s  "
            f"{ours.seconds / tuned.seconds:>5.2f}  {note}"]
    if resynth:
        again = fastest([timed(synth, environment(cache)) for _ in range(repeat)])
        one_file, every_handler = [], []
        for edition in range(1, repeat + 1):
            write_project(root, steps, edition=edition, only_first=True)
            one_file.append(timed(synth, environment(cache)))
            write_project(root, steps, edition=edition)
            every_handler.append(timed(synth, environment(cache)))
        http_steps = len(range(0, steps, 3))
        for label, run in (("unchanged", again), ("code-only, 1 step file", fastest(one_file)),
                           (f"code-only, {http_steps} step file{'s' * (http_steps != 1)}", fastest(every_handler))):
            verdict = "ok" if run.seconds <= GOAL_RESYNTH_S else f"over the {GOAL_RESYNTH_S} s goal"
            rows.append(f"  re-synth {steps} steps, {label}: {run.seconds:.2f}s ({verdict}){status_note('motia', run)}")
    return rows


def compile_our_sources() -> None:
    """Bytecode for this repository's packages, as `pip install` writes it for an installed tool
    (in `__pycache__`, ignored by git): without it every run compiles them from source."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(REPO / name) for name in OUR_PACKAGES)],
                   check=True, capture_output=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES), metavar="SIZE", help="steps per project")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="runs of each variant; the fastest is reported (default: 3)")
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes)
    compile_our_sources()
    print(f"motia synth (empty cache) against the plain CDK app, fastest of {args.repeat} runs each; goals: "
          f"<= {GOAL_DEFAULTS}x with CDK's defaults, <= {GOAL_NO_VALIDATOR}x validator off, re-synth <= {GOAL_RESYNTH_S} s")
    print(f"{'steps':>5}  {'layout':>6}  {'motia':>7}  {'plain':>8}  {'ratio':>5}  {'no-valid':>8}  {'ratio':>5}  resources")
    rows: list[str] = []
    for steps in sizes:
        with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
            rows = bench_size(Path(tmp), steps, resynth=steps == max(sizes), repeat=args.repeat)
        print(rows[0], flush=True)
    for row in rows[1:]:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
