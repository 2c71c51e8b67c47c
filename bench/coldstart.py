"""What the Lambda shim costs, measured as Lambda runs it: cold start and each HTTP invocation.

The layout is the code asset's (`compiler/code_asset.py`): `motia/`, `lambda_runtime/` and a
one-step project, with bytecode compiled by Lambda's Python (3.12) the way the asset ships it
(unchecked-hash .pyc), imported by that Python with `json` already loaded (Lambda's runtime
client imports it before our handler module). Two figures, medians over fresh processes with
the variants interleaved (A, B, A, B, ...) so that machine noise falls on both alike:

  cold start   import the step file and call its handler directly   (A)
               vs `import lambda_runtime.entry` (which loads the step) + `entry.handler(event)` (B)
               target: the shim adds <= 5 ms
  per call     a loop of direct handler calls vs `entry.handler(event)` in one warm process
               target: the shim adds <= 30 us per HTTP invocation

`--secrets` measures instead what reading secrets adds to a cold start (lambda_runtime/secrets.py):
fresh processes of this venv's Python (Lambda's has no boto3 here) against a local moto server,
none vs one SSM parameter vs twelve (two GetParameters calls), with the AWS calls each cold start
makes and the modules the read imports (none but the secrets module itself without secrets: a
function without secrets pays nothing). Moto answers on loopback, so the figure is boto3's
import and client creation plus our work; add AWS's round trip (~10-30 ms per call inside a
region) for Lambda.

`--compare DIR` measures another checkout's `motia/` + `lambda_runtime/` in the same run
(e.g. `--compare /work/main`), interleaved with this one, for before/after figures.
Run: .venv/bin/python bench/coldstart.py [--rounds N] [--compare DIR ...] [--python PY312]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler.code_asset import RUNTIME_PACKAGES, compile_bytecode, find_lambda_python  # noqa: E402
from lambda_runtime.function_config import FunctionConfig  # noqa: E402

COLD_START_TARGET_MS = 5.0
PER_CALL_TARGET_US = 30.0

STEP_FILE = "steps/hello_step.py"
STEP = '''
from motia import step, http, ApiRequest, ApiResponse, FlowContext


async def handler(request: ApiRequest, ctx: FlowContext) -> ApiResponse:
    return ApiResponse(status=200, body={"id": request.path_params.get("id")})


hello = step({"name": "Hello", "triggers": [http("GET", "/hello/:id")]}, handler)
'''

EVENT = {
    "version": "2.0",
    "routeKey": "GET /hello/{id}",
    "rawPath": "/hello/1",
    "rawQueryString": "",
    "headers": {"accept": "application/json", "host": "example.com", "user-agent": "bench", "x-forwarded-for": "1.2.3.4"},
    "requestContext": {"http": {"method": "GET", "path": "/hello/1"}, "routeKey": "GET /hello/{id}", "stage": "$default"},
    "pathParameters": {"id": "1"},
    "isBase64Encoded": False,
}

# Each program runs in a fresh Python 3.12 in the asset directory and prints one JSON value.
# `json` first: Lambda's runtime client has imported it before it imports our handler module.
_DRIVE = '''
def drive(coroutine):
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise RuntimeError("the handler suspended")
'''

COLD_STEP = '''
import json, time
start, cpu = time.perf_counter(), time.process_time()
import importlib
module = importlib.import_module("steps.hello_step")
from motia import ApiRequest, FlowContext, TriggerInfo
DRIVE
response = drive(module.handler(ApiRequest(path_params={"id": "1"}), FlowContext(trigger=TriggerInfo(type="http"), trace_id="t")))
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
assert response.status == 200, response
print(json.dumps([elapsed * 1000, cpu * 1000]))
'''.replace("DRIVE", _DRIVE)

COLD_SHIM = '''
import json, time
event = EVENT
start, cpu = time.perf_counter(), time.process_time()
from lambda_runtime import entry
response = entry.handler(event, None)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
assert response["statusCode"] == 200, response
print(json.dumps([elapsed * 1000, cpu * 1000]))
'''

PER_CALL = '''
import json, time
from lambda_runtime import entry
event = EVENT
step = entry.load().step
from motia import ApiRequest, FlowContext, TriggerInfo
DRIVE
ctx = FlowContext(trigger=TriggerInfo(type="http"), trace_id="t")
request = ApiRequest(path_params={"id": "1"})
def direct():
    return drive(step.handler(request, ctx))
def shim():
    return entry.handler(event, None)
assert shim()["statusCode"] == 200 and direct().status == 200
n, runs = 5000, {"direct": [], "shim": [], "direct cpu": [], "shim cpu": []}
for _ in range(15):  # interleaved here too
    for name, call in (("direct", direct), ("shim", shim)):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            call()
        runs[name].append((time.perf_counter() - start) / n * 1e6)
        runs[name + " cpu"].append((time.process_time() - cpu) / n * 1e6)
print(json.dumps(runs))
'''.replace("DRIVE", _DRIVE)


def build_asset(source: Path, dest: Path, python: tuple[str, ...], config: str) -> dict[str, str]:
    """The code asset's layout for the bench step, with `source`'s packages; returns its env."""
    dest.mkdir(parents=True)
    for name in RUNTIME_PACKAGES:
        shutil.copytree(source / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    step = dest / STEP_FILE
    step.parent.mkdir(parents=True)
    step.write_text(STEP)
    compile_bytecode(dest, python)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MOTIA_"))}
    # The asset is read-only on Lambda: nothing may compile and write bytecode at run time.
    return {**env, "PYTHONDONTWRITEBYTECODE": "1", "MOTIA_FUNCTION": config}


def run_json(python: tuple[str, ...], program: str, asset: Path, env: dict[str, str]) -> object:
    code = program.replace("EVENT", repr(EVENT))
    out = subprocess.run([*python, "-c", code], cwd=asset, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="fresh processes per cold-start variant")
    parser.add_argument("--calls-processes", type=int, default=3, help="fresh processes for the per-call loop")
    parser.add_argument("--compare", type=Path, action="append", default=[], help="another checkout to measure")
    parser.add_argument("--python", help="Lambda's Python (3.12); default: found like the code asset finds it")
    parser.add_argument("--secrets", action="store_true", help="measure reading secrets at cold start instead")
    args = parser.parse_args()
    if args.secrets:
        measure_secrets(min(args.rounds, 15))
        return
    python = (args.python,) if args.python else find_lambda_python()
    if not python:
        raise SystemExit("no Python 3.12 found (Lambda's); pass --python or set MOTIA_LAMBDA_PYTHON")
    config = FunctionConfig(
        app="bench-dev", step_file=STEP_FILE, step_name="Hello", routes={"GET /hello/{id}": 0},
    ).to_json()
    sources = [ROOT, *args.compare]
    version = subprocess.run([*python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)

    with tempfile.TemporaryDirectory() as tmp:
        assets = [(source, Path(tmp, f"asset{i}")) for i, source in enumerate(sources)]
        envs = {asset: build_asset(source, asset, python, config) for source, asset in assets}
        cold: dict[tuple[Path, str], list[list[float]]] = {(a, v): [] for _, a in assets for v in ("step", "shim")}
        for program in (COLD_STEP, COLD_SHIM):  # warm the file system cache
            for _, asset in assets:
                run_json(python, program, asset, envs[asset])
        variants = [(asset, program, variant) for _, asset in assets for program, variant in ((COLD_STEP, "step"), (COLD_SHIM, "shim"))]
        for round_ in range(args.rounds):
            # A B A B ..., then the other way round: whatever favours a position favours each variant alike.
            for asset, program, variant in variants if round_ % 2 == 0 else reversed(variants):
                cold[asset, variant].append(run_json(python, program, asset, envs[asset]))  # type: ignore[arg-type]
        calls: dict[Path, list[dict[str, list[float]]]] = {asset: [] for _, asset in assets}
        for _ in range(args.calls_processes):
            for _, asset in assets:
                calls[asset].append(run_json(python, PER_CALL, asset, envs[asset]))  # type: ignore[arg-type]

    print(f"python {version.stdout.strip()}, code-asset bytecode, json preloaded; {args.rounds} fresh processes per "
          "cold-start variant, interleaved; medians, wall clock [CPU time: steadier on a busy machine]; "
          "'adds' is the median of the differences between neighbouring runs")
    for source, asset in assets:
        step, shim = cold[asset, "step"], cold[asset, "shim"]
        print(f"{source}:")
        print(f"  cold start: step file + handler {median(step, 0):6.2f} ms [{median(step, 1):5.2f}], "
              f"through the shim {median(shim, 0):6.2f} ms [{median(shim, 1):5.2f}]: the shim adds "
              f"{paired(shim, step, 0):5.2f} ms [{paired(shim, step, 1):5.2f}] (target <= {COLD_START_TARGET_MS:g})")
        loops = calls[asset]
        direct = {k: [us for loop in loops for us in loop[k]] for k in ("direct", "direct cpu")}
        through = {k: [us for loop in loops for us in loop[k]] for k in ("shim", "shim cpu")}
        print(f"  per HTTP call: handler {statistics.median(direct['direct']):6.2f} us "
              f"[{statistics.median(direct['direct cpu']):5.2f}], through the shim "
              f"{statistics.median(through['shim']):6.2f} us [{statistics.median(through['shim cpu']):5.2f}]: "
              f"the shim adds {paired_flat(through['shim'], direct['direct']):5.2f} us "
              f"[{paired_flat(through['shim cpu'], direct['direct cpu']):5.2f}] (target <= {PER_CALL_TARGET_US:g})")


SECRETS_LOAD = '''
import json, os, sys, time
import lambda_runtime.contract  # the shim has imported it already when it reads secrets
before = set(sys.modules)
start, cpu = time.perf_counter(), time.process_time()
from lambda_runtime.secrets import load_secrets
count = load_secrets(os.environ)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
imported = set(sys.modules) - before
calls = []  # counted on a second, untimed read with the client the first one made
from lambda_runtime import aws_clients
for client in aws_clients._clients.values():
    client.meta.events.register("before-call", lambda model, **_: calls.append(model.name))
load_secrets(os.environ)
print(json.dumps([elapsed * 1000, cpu * 1000, count, len(calls), len(imported), "boto3" in imported]))
'''


def measure_secrets(rounds: int) -> None:
    """Cold `load_secrets` in fresh processes: no secrets, 1 parameter, 12 parameters."""
    import boto3
    from moto.server import ThreadedMotoServer

    from lambda_runtime.contract import ENV_SECRETS

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        aws = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_EC2_METADATA_DISABLED": "true"}
        ssm = boto3.client("ssm", region_name="us-east-1", endpoint_url=aws["AWS_ENDPOINT_URL"],
                           aws_access_key_id="bench", aws_secret_access_key="bench")
        for i in range(12):
            ssm.put_parameter(Name=f"/motia/bench/dev/KEY_{i}", Value=f"v{i}", Type="SecureString", Overwrite=True)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTIA_"))}
        variants = {
            "no secrets": {},
            "1 parameter": {ENV_SECRETS: json.dumps({"KEY_0": "ssm:/motia/bench/dev/KEY_0"})},
            "12 parameters": {ENV_SECRETS: json.dumps({f"KEY_{i}": f"ssm:/motia/bench/dev/KEY_{i}" for i in range(12)})},
        }
        runs: dict[str, list[list[float]]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, extra in variants.items():  # interleaved
                out = subprocess.run([sys.executable, "-c", SECRETS_LOAD], cwd=ROOT, check=True, capture_output=True, text=True,
                                     env={**base, **aws, **extra, "PYTHONPATH": str(ROOT)})
                runs[name].append(json.loads(out.stdout))
    finally:
        server.stop()
    print(f"python {sys.version.split()[0]} (this venv), {rounds} fresh processes each, moto on loopback; "
          "medians, wall clock [CPU]; AWS calls per cold start; modules the read imported")
    for name, values in runs.items():
        _, _, _, calls, modules, boto3_imported = values[-1]
        print(f"  load_secrets, {name:<13}: {median(values, 0):7.2f} ms [{median(values, 1):6.2f}], "
              f"{calls:>2} AWS call(s), {modules:>4} module(s) imported{' (boto3 among them)' if boto3_imported else ''}")
    print("  on Lambda add one round trip per call inside the region (typically 10-30 ms): moto answers on loopback")


def median(runs: list[list[float]], column: int) -> float:
    return statistics.median(run[column] for run in runs)


def paired(b: list[list[float]], a: list[list[float]], column: int) -> float:
    """Median of b - a over runs made side by side: a slower spell of the machine hits both."""
    return statistics.median(y[column] - x[column] for x, y in zip(a, b))


def paired_flat(b: list[float], a: list[float]) -> float:
    return statistics.median(y - x for x, y in zip(a, b))


if __name__ == "__main__":
    main()
