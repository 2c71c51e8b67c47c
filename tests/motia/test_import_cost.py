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
