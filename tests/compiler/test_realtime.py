"""The realtime part of the IR: stream files, hooks and the auth function found."""

from __future__ import annotations

from pathlib import Path

from compiler.pipeline import compile_project

REALTIME = Path(__file__).resolve().parents[1] / "fixtures" / "emulator" / "realtime"

STEP = '''from motia import http, step
s = step({"name": "Noop", "triggers": [http("GET", "/noop")]})
@s.handle
async def handler(request, ctx):
    return {"status": 200, "body": None}
'''


def test_finds_stream_files_hooks_and_authenticate() -> None:
    app = compile_project(REALTIME)
    assert app.realtime is not None
    assert (app.realtime.stream_files, app.realtime.auth_file) == (("steps/todos_stream.py",), "steps/todos_stream.py")
    assert (app.realtime.join_hooks, app.realtime.leave_hooks) == (("todos",), ("todos",))
    assert app.realtime.connections_table == "realtime-dev-connections"


def test_a_project_without_streams_has_no_realtime(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "noop_step.py").write_text(STEP)
    app = compile_project(tmp_path)
    assert (app.errors, app.realtime) == ((), None)


def test_rejects_two_authenticate_functions(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "noop_step.py").write_text(STEP)
    for name in ("a", "b"):
        (tmp_path / "steps" / f"{name}_stream.py").write_text(
            f"from motia import StreamConfig\nconfig = StreamConfig(name='{name}')\n"
            "def authenticate(request, ctx):\n    return True\n"
        )
    app = compile_project(tmp_path)
    assert sorted(d.file for d in app.errors) == ["steps/a_stream.py", "steps/b_stream.py"]
    assert "one stream authentication function" in app.errors[0].hint


def test_plan_lists_streams_subscription_and_hooks() -> None:
    from compiler.plan_text import render_plan

    text = render_plan(compile_project(REALTIME))
    section = text.split("Streams (API Gateway WebSocket", 1)[1]
    assert "todos   yes (WebSocket)    on_join    on_leave" in section
    assert "authenticate in steps/todos_stream.py" in section
