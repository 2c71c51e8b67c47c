"""Stream config files: found like Motia's CLI finds them, their streams join the project's."""

from __future__ import annotations

from pathlib import Path

from compiler.discover import discover_stream_files
from compiler.load_streams import load_stream_files
from compiler.pipeline import compile_project

STEP = '''
from motia import http, step

my_step = step({"name": "Ping", "triggers": [http("GET", "/ping")]})


@my_step.handle
async def handler(request, ctx):
    return {"status": 200, "body": {"ok": True}}
'''


def _project(root: Path, files: dict[str, str]) -> Path:
    for relative, text in {"steps/ping_step.py": STEP, **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_finds_stream_files_under_steps_and_src_in_both_namings(tmp_path: Path) -> None:
    _project(tmp_path, {
        "steps/todo/todo_stream.py": "", "src/chat.stream.py": "", "steps/notes.py": "",
        "steps/node_modules/x_stream.py": "",
    })
    assert [p.as_posix() for p in discover_stream_files(tmp_path)] == ["src/chat.stream.py", "steps/todo/todo_stream.py"]


def test_a_stream_config_file_declares_its_stream_for_the_whole_project(tmp_path: Path) -> None:
    _project(tmp_path, {
        "steps/todo_stream.py": (
            "from motia import StreamConfig\n"
            "config = StreamConfig(name='todo', description='Todo items', schema={'type': 'object'},\n"
            "                      on_join=lambda sub, ctx, auth: True)\n"
        ),
        "steps/chat_stream.py": "from motia import Stream, StreamConfig\nchat = Stream(StreamConfig(name='chat'))\n",
    })
    loaded = load_stream_files(tmp_path, discover_stream_files(tmp_path))
    assert loaded.diagnostics == () and loaded.names == ("chat", "todo")
    assert {s.file: s.config.description for s in loaded.streams} == {"steps/chat_stream.py": None, "steps/todo_stream.py": "Todo items"}
    app = compile_project(tmp_path)
    assert app.errors == () and app.streams == ("chat", "todo")


def test_fails_with_the_import_error_of_a_broken_stream_file(tmp_path: Path) -> None:
    _project(tmp_path, {"steps/bad_stream.py": "import not_installed_anywhere\n"})
    app = compile_project(tmp_path)
    [error] = app.errors
    assert error.file == "steps/bad_stream.py" and "not_installed_anywhere" in error.message


def test_warns_about_a_stream_file_that_declares_no_stream(tmp_path: Path) -> None:
    _project(tmp_path, {"steps/empty_stream.py": "x = 1\n"})
    app = compile_project(tmp_path)
    [warning] = app.warnings
    assert warning.file == "steps/empty_stream.py" and "no stream found" in warning.message
    assert app.errors == () and app.functions
