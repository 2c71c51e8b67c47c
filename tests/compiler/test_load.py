from __future__ import annotations

import sys
from pathlib import Path

import pytest

from compiler.load import load_steps
from compiler.pipeline import compile_project
from tests.compiler.projects import step_source, write_project
from tests.conftest import FIXTURE_PROJECTS


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


def test_fails_on_missing_project_module_without_blaming_an_install(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/orders/a_step.py": "from .utils import x\n"})
    (diagnostic,) = load(tmp_path, "steps/orders/a_step.py").diagnostics
    assert diagnostic.line == 1 and "'steps.orders.utils'" in diagnostic.message
    assert "steps/orders/utils.py does not exist" in diagnostic.hint
    assert "install" not in diagnostic.hint and "motia_steps" not in diagnostic.hint


def test_fails_on_relative_import_above_the_root_with_a_fix(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "from ...lib import x\n"})
    (diagnostic,) = load(tmp_path, "steps/a_step.py").diagnostics
    assert diagnostic.line == 1 and "beyond top-level package" in diagnostic.message
    assert "from steps.shared import x" in diagnostic.hint


def test_loads_relative_imports_in_non_identifier_file_names(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/orders/util.py": "NAME = 'Dotted'\n",
        "steps/orders/a.step.py": "from .util import NAME\n" + step_source('{"name": NAME, "triggers": []}'),
    })
    result = load(tmp_path, "steps/orders/a.step.py")
    assert result.diagnostics == () and result.steps[0].config["name"] == "Dotted"


def test_forgets_the_project_modules_and_path_afterwards(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "lib/__init__.py": "", "lib/names.py": "NAME = 'FromLib'\n",
        "steps/orders/util.py": "X = 1\n",
        "steps/orders/a_step.py": "from lib.names import NAME\nfrom .util import X\n" + step_source('{"name": NAME, "triggers": []}'),
    })
    before = set(sys.modules)
    assert load(tmp_path, "steps/orders/a_step.py").diagnostics == ()
    assert {n for n in set(sys.modules) - before if n.split(".")[0] in ("lib", "steps")} == set()
    assert str(tmp_path) not in sys.path


def test_keeps_another_roots_same_named_modules_apart(tmp_path: Path) -> None:
    """A `steps.orders.util` imported earlier from elsewhere is neither used nor lost."""
    write_project(tmp_path / "other", {"steps/orders/util.py": "NAME = 'other'\n"})
    write_project(tmp_path / "app", {
        "steps/orders/util.py": "NAME = 'app'\n",
        "steps/orders/a_step.py": "from .util import NAME\n" + step_source('{"name": NAME, "triggers": []}'),
    })
    sys.path.insert(0, str(tmp_path / "other"))
    try:
        import steps.orders.util as other_util  # type: ignore[import-not-found]

        assert load(tmp_path / "app", "steps/orders/a_step.py").steps[0].config["name"] == "app"
        assert sys.modules["steps.orders.util"] is other_util
    finally:
        sys.path.remove(str(tmp_path / "other"))
        for name in [n for n in sys.modules if n == "steps" or n.startswith("steps.")]:
            del sys.modules[name]


def test_projects_with_same_named_packages_load_their_own(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_project(tmp_path / name, {
            "lib/__init__.py": "", "lib/names.py": f"NAME = {name!r}\n",
            "steps/a_step.py": "from lib.names import NAME\n" + step_source('{"name": NAME, "triggers": []}'),
        })
    first = load(tmp_path / "one", "steps/a_step.py").steps[0].config["name"]
    second = load(tmp_path / "two", "steps/a_step.py").steps[0].config["name"]
    assert (first, second) == ("one", "two")


def test_relative_imports_fixture_compiles_to_the_right_model() -> None:
    app = compile_project(FIXTURE_PROJECTS / "relative_imports")
    assert app.diagnostics == ()
    assert [(f.name, f.file, f.triggers) for f in app.functions] == [
        ("CreateOrder", "steps/orders/create_order_step.py", ("http",)),
        ("Invoice", "steps/billing/invoice.step.py", ("queue",)),
        ("Refund", "steps/billing/my-refund_step.py", ("cron",)),
        ("ShipOrder", "steps/orders/ship_order_step.py", ("queue",)),
    ]
    assert [(r.method, r.path) for r in app.routes] == [("POST", "/orders/{id}")]
    assert [(t.name, t.publishers, t.subscribers) for t in app.topics] == [
        ("order.created", ("CreateOrder",), ("Invoice", "ShipOrder"))
    ]
    assert [(s.function, s.source) for s in app.schedules] == [("Refund", "0 3 * * *")]


def test_compiling_two_projects_in_one_process_keeps_their_modules_apart(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_project(tmp_path / name, {
            "steps/shared/names.py": f"NAME = {name.title()!r}\n",
            "steps/orders/util.py": f"ROUTE = '/{name}'\n",
            "steps/orders/a_step.py": (
                "from motia import http, step\nfrom ..shared.names import NAME\nfrom .util import ROUTE\n"
                + step_source('{"name": NAME, "triggers": [http("GET", ROUTE)]}')
            ),
        })
    before = set(sys.modules)
    first, second = compile_project(tmp_path / "one"), compile_project(tmp_path / "two")
    assert first.diagnostics == second.diagnostics == ()
    assert [(f.name, r.path) for f, r in zip(first.functions, first.routes)] == [("One", "/one")]
    assert [(f.name, r.path) for f, r in zip(second.functions, second.routes)] == [("Two", "/two")]
    assert {n for n in set(sys.modules) - before if n.split(".")[0] == "steps"} == set()


def test_a_step_file_that_prints_or_raises_a_base_exception_keeps_plan_json_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from compiler.cli import main

    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "noisy_step.py").write_text(
        'print("hello from import")\nfrom motia import http\n'
        'config = {"name": "Noisy", "triggers": [http("GET", "/n")]}\n'
        'async def handler(req, ctx):\n    return None\n'
    )
    (tmp_path / "steps" / "odd_step.py").write_text("class Odd(BaseException):\n    pass\nraise Odd('at import')\n")
    status = main(["plan", "--app-dir", str(tmp_path), "--json"])
    out, err = capsys.readouterr()
    plan = json.loads(out)  # the print went to stderr, not into the JSON
    assert status == 1 and "hello from import" in err and "Traceback" not in out + err
    [error] = [d for d in plan["diagnostics"] if d["file"] == "steps/odd_step.py"]
    assert "Odd: at import" in error["message"] and [f["name"] for f in plan["functions"]] == ["Noisy"]
