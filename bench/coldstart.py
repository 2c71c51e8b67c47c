"""Cold-start and per-invocation costs of the Lambda shim (issue 4), over fresh processes.

Prints, as medians over N fresh interpreters:
  1. a trivial step file's own import (in the Lambda layout: no pydantic, no boto3) vs `python -c pass`;
  2. the shim entry + that step (what a cold start imports) vs importing the step alone;
  3. the HTTP adapter's per-invocation overhead vs calling the handler directly.
Targets: step import <= 30 ms over bare Python, the shim adds <= 15 ms, < 50 us per invocation.
Run: .venv/bin/python bench/coldstart.py [N]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lambda_runtime.function_config import FunctionConfig  # noqa: E402

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
    "headers": {"accept": "application/json", "host": "example.com"},
    "requestContext": {"http": {"method": "GET", "path": "/hello/1"}, "routeKey": "GET /hello/{id}", "stage": "$default"},
    "pathParameters": {"id": "1"},
    "isBase64Encoded": False,
}

PER_CALL = '''
import json, sys, time
from lambda_runtime import entry
event = json.loads(sys.argv[1])
step = entry.load().step
from motia import ApiRequest, FlowContext, TriggerInfo
ctx = FlowContext(trigger=TriggerInfo(type="http"), trace_id="t")
request = ApiRequest(path_params={"id": "1"})
n = 20000
def direct():
    coro = step.handler(request, ctx)
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
for f in (direct, lambda: entry.handler(event, None)):
    f()
best = {}
for name, f in (("direct", direct), ("shim", lambda: entry.handler(event, None))):
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            f()
        runs.append((time.perf_counter() - t) / n * 1e6)
    best[name] = min(runs)
print(json.dumps(best))
'''


def run(code: str, env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, check=True)
    return (time.perf_counter() - start) * 1000


def median_ms(code: str, env: dict[str, str], cwd: str, n: int) -> float:
    samples = []
    for _ in range(n):
        samples.append(run(code, env, cwd))
    return statistics.median(samples)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as project:
        steps = Path(project, "steps")
        steps.mkdir()
        (steps / "hello_step.py").write_text(STEP)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "",
            "MOTIA_CODE_ROOT": project,
            # What the emitter writes: the function's whole config in one variable.
            "MOTIA_FUNCTION": FunctionConfig(
                app="bench-dev", step_file="steps/hello_step.py", step_name="Hello", routes={"GET /hello/{id}": 0},
            ).to_json(),
        }
        import_step = (
            "import importlib.util, sys; sys.path.insert(0, '.');"
            "s = importlib.util.spec_from_file_location('hello', 'steps/hello_step.py');"
            "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)"
        )
        check = "import sys, lambda_runtime.entry; assert not {'boto3', 'pydantic'} & set(sys.modules), 'heavy import'"
        for code in ("pass", import_step, "import lambda_runtime.entry", check):  # warm bytecode caches
            run(code, env, project)
        bare = median_ms("pass", env, project, n)
        step_only = median_ms(import_step, env, project, n)
        shim = median_ms("import lambda_runtime.entry", env, project, n)
        out = subprocess.run(
            [sys.executable, "-c", PER_CALL, json.dumps(EVENT)], env=env, cwd=project, check=True, capture_output=True, text=True
        )
        per_call = json.loads(out.stdout)

    print(f"fresh processes: {n} each, medians; python {sys.version.split()[0]}")
    print(f"  bare `python -c pass`                  {bare:7.1f} ms")
    print(f"  import trivial step file               {step_only:7.1f} ms  (+{step_only - bare:.1f} ms over bare, target <= 30)  x{step_only / bare:.2f}")
    print(f"  shim entry + step (cold start)         {shim:7.1f} ms  (+{shim - step_only:.1f} ms over the step alone, target <= 15)  x{shim / step_only:.2f}")
    overhead = per_call["shim"] - per_call["direct"]
    print(f"  per HTTP invocation: handler directly  {per_call['direct']:7.2f} us")
    print(f"  per HTTP invocation: through the shim  {per_call['shim']:7.2f} us  (+{overhead:.2f} us overhead, target < 50)")


if __name__ == "__main__":
    main()
