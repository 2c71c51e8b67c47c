"""On Lambda a step file must not import pydantic or boto3 (~250 ms of cold start each)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_step_file_imports_neither_pydantic_nor_boto3() -> None:
    code = textwrap.dedent("""
        import sys
        from motia import step, http, queue, cron, state, stream, ApiRequest, ApiResponse, FlowContext
        from motia import Stream, StateTriggerInput, logger, stateManager, enqueue

        async def handler(request, ctx):
            return ApiResponse(status=200, body={})

        step({"name": "A", "triggers": [http("GET", "/"), queue("t"), cron("* * * * *")]}, handler)
        Stream("orders")
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "boto3", "botocore", "aws_cdk"))
        print(",".join(heavy))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_step_file_imports_no_costly_standard_modules() -> None:
    """typing, dataclasses (inspect), re and json each cost milliseconds at every cold start."""
    repo = str(__import__("pathlib").Path(__file__).resolve().parents[2])
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {repo!r})
        from motia import step, http, queue, ApiRequest, ApiResponse, FlowContext, Stream

        async def handler(request: ApiRequest, ctx: FlowContext) -> ApiResponse:
            return ApiResponse(status=200, body={{}})

        step({{"name": "A", "triggers": [http("GET", "/"), queue("t")]}}, handler)
        Stream("orders")
        costly = ("typing", "dataclasses", "inspect", "re", "json", "asyncio", "uuid")
        print(",".join(sorted(m for m in costly if m in sys.modules)))
    """)
    # -S: leave out site-packages hooks (a venv's site may import re); measure only our imports.
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
