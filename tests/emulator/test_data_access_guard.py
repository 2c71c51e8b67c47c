"""`motia dev` refuses a state write the compiler did not grant, with the step, the call and
the fix, as Lambda would be refused by IAM (compiler/data_access.py, lambda_runtime/access_guard.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from compiler.emulator.testing import running_app

pytestmark = pytest.mark.slow

# The helper lives outside the project: the analysis cannot follow it, so the step is found
# to only read state.
OUTSIDE_HELPER = "async def save(ctx, key, value):\n    await ctx.state.set('notes', key, value)\n"
STEP = '''import sys
from typing import Any

from motia import ApiRequest, ApiResponse, FlowContext, http, step

sys.path.insert(0, {outside!r})
import outside_helper  # noqa: E402

note = step({{"name": "Note", "triggers": [http("PUT", "/notes/:key")]}})


@note.handle
async def handler(request: ApiRequest[Any], ctx: FlowContext[Any]) -> ApiResponse[Any]:
    if await ctx.state.get("notes", request.path_params["key"]) is None:
        await outside_helper.save(ctx, request.path_params["key"], request.body)
    return ApiResponse(status=200, body={{"ok": True}})
'''


def test_a_write_the_analysis_did_not_see_fails_loudly_under_motia_dev(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # the step adds the outside folder
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "outside_helper.py").write_text(OUTSIDE_HELPER)
    project = tmp_path / "notes"
    (project / "steps").mkdir(parents=True)
    (project / "steps" / "note_step.py").write_text(STEP.format(outside=str(outside)))
    with running_app(project) as emu:
        status, _, _ = emu.request("PUT", "/notes/a", {"text": "hi"})
        assert status == 500
        [delivery] = [d for d in emu.deliveries if d.step == "Note"]
        assert not delivery.ok
    # The step's error log line, as on Lambda: what was called and how to declare it.
    errors = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"HTTP handler failed"' in line]
    assert [e["error"] for e in errors] == [
        "step 'Note' (steps/note_step.py) called state.set, but the compiler found only reads of state in its code, "
        "so its role may not do that. Fix: call it where the compiler sees it (ctx.state... in the step file or a "
        'project module it imports), or declare MOTIA_DATA_ACCESS = {"state": "readwrite"} in the step file; then '
        "redeploy (or restart motia dev)"
    ]
