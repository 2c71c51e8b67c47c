from __future__ import annotations

from pathlib import Path

from compiler.load import load_steps, module_name_for
from tests.compiler.projects import step_source, write_project


def load(root: Path, *files: str):  # type: ignore[no-untyped-def]
    return load_steps(root, tuple(Path(f) for f in files))


def test_loads_every_step_form(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/a_step.py": step_source('{"name": "A", "triggers": [http("GET", "/a")]}'),
        "steps/b_step.py": """
            b = step({"name": "B", "triggers": []})
            @b.handle
            async def handler(x, ctx): ...
        """,
        "steps/c.step.py": "async def h(x, ctx): ...\nc = step({'name': 'C', 'triggers': []}, h)\n",
    })
    result = load(tmp_path, "steps/a_step.py", "steps/b_step.py", "steps/c.step.py")
    assert result.diagnostics == ()
    assert [s.file for s in result.steps] == ["steps/a_step.py", "steps/b_step.py", "steps/c.step.py"]


def test_step_files_can_import_project_modules(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "lib/__init__.py": "", "lib/names.py": "NAME = 'FromLib'\n",
        "steps/a_step.py": "from lib.names import NAME\n" + step_source('{"name": NAME, "triggers": []}'),
    })
    assert load(tmp_path, "steps/a_step.py").steps[0].config["name"] == "FromLib"


def test_collects_stream_names(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "s = Stream('orders')\n" + step_source('{"name": "A", "triggers": []}')})
    assert load(tmp_path, "steps/a_step.py").streams == ("orders",)


def test_fails_on_syntax_error_with_file_and_line(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "config = {\n  'name': 'A'\n  'x': 1\n}\n"})
    (diagnostic,) = load(tmp_path, "steps/a_step.py").diagnostics
    assert diagnostic.severity == "error" and diagnostic.file == "steps/a_step.py"
    assert diagnostic.line == 4 and diagnostic.message.startswith("syntax error")  # the line of `'x'`


def test_fails_on_missing_module_with_a_fix(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "import not_installed_pkg\n"})
    (diagnostic,) = load(tmp_path, "steps/a_step.py").diagnostics
    assert diagnostic.line == 1 and "'not_installed_pkg'" in diagnostic.message
    assert "requirements.txt" in diagnostic.hint


def test_fails_on_exception_at_import_with_the_line(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "import os\nraise RuntimeError('boom')\n"})
    (diagnostic,) = load(tmp_path, "steps/a_step.py").diagnostics
    assert (diagnostic.line, diagnostic.message) == (2, "importing the step file raised RuntimeError: boom")


def test_fails_on_file_without_step(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "x = 1\n"})
    (diagnostic,) = load(tmp_path, "steps/a_step.py").diagnostics
    assert "no step found" in diagnostic.message


def test_fails_on_builder_without_handler(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "b = step({'name': 'B', 'triggers': []})\n"})
    (diagnostic,) = load(tmp_path, "steps/a_step.py").diagnostics
    assert diagnostic.step == "B" and "no handler" in diagnostic.message and ".handle" in diagnostic.hint


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/a_step.py": "def broken(:\n",
        "steps/b_step.py": step_source('{"name": "B", "triggers": []}'),
    })
    result = load(tmp_path, "steps/a_step.py", "steps/b_step.py")
    assert len(result.diagnostics) == 1 and [s.file for s in result.steps] == ["steps/b_step.py"]


def test_module_names_are_unique_and_stable() -> None:
    assert module_name_for("steps/a.step.py") == module_name_for("steps/a.step.py")
    assert module_name_for("steps/a/x_step.py") != module_name_for("steps/b/x_step.py")


def test_projects_with_same_named_packages_load_their_own(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_project(tmp_path / name, {
            "lib/__init__.py": "", "lib/names.py": f"NAME = {name!r}\n",
            "steps/a_step.py": "from lib.names import NAME\n" + step_source('{"name": NAME, "triggers": []}'),
        })
    first = load(tmp_path / "one", "steps/a_step.py").steps[0].config["name"]
    second = load(tmp_path / "two", "steps/a_step.py").steps[0].config["name"]
    assert (first, second) == ("one", "two")
