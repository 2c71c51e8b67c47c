"""The one step importer: module names, relative imports, shared modules, the shim running steps."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from lambda_runtime import entry, loader, local, step_import
from lambda_runtime.hosted import HostedFunction
from lambda_runtime.step_import import StepImportError, import_step_file, step_module_name
from tests.compiler.projects import step_source, write_project
from tests.conftest import FIXTURE_PROJECTS, REPO
from tests.lambda_runtime.conftest import config_for, event

PROJECT = FIXTURE_PROJECTS / "relative_imports"
SQS_EVENT_QUEUE = "shim-test-ProcessOrder-order-created"  # the queue of tests/events/sqs_raw.json
STEP_FILES = {
    "CreateOrder": "steps/orders/create_order_step.py",
    "ShipOrder": "steps/orders/ship_order_step.py",
    "Invoice": "steps/billing/invoice.step.py",
    "Refund": "steps/billing/my-refund_step.py",
}


@pytest.fixture(autouse=True)
def fresh_imports() -> Iterator[None]:
    """Each test imports `steps.*` afresh, and leaves sys.modules and sys.path as it found them.

    Other tests in this process import another project's `steps` package (tests/fixtures/shim_steps).
    """
    saved_path = list(sys.path)
    saved = {n: m for n, m in sys.modules.items() if n == "steps" or n.startswith("steps.")}
    for name in saved:
        del sys.modules[name]
    yield
    for name in [n for n in sys.modules if n == "steps" or n.startswith("steps.")]:
        del sys.modules[name]
    sys.modules.update(saved)
    sys.path[:] = saved_path


def ledger() -> list[tuple[str, Any]]:
    return sys.modules["steps.shared.ledger"].RECORDED  # type: ignore[no-any-return]


def test_names_a_step_module_by_its_dotted_path() -> None:
    assert step_module_name("steps/orders/api_step.py") == "steps.orders.api_step"
    assert step_module_name("src/a_step.py") == "src.a_step"
    assert step_module_name("steps/my-dir/x_step.py") == "steps.my-dir.x_step"


def test_names_non_identifier_files_uniquely_inside_their_package() -> None:
    dotted, dashed = step_module_name("steps/b/a.step.py"), step_module_name("steps/b/a-step.py")
    assert dotted.startswith("steps.b.a_step_") and dashed.startswith("steps.b.a_step_")
    assert dotted != dashed and dotted == step_module_name("steps/b/a.step.py")


def test_names_files_under_a_dotted_directory_at_top_level() -> None:
    name = step_module_name("steps/v1.2/x_step.py")
    assert name.startswith(step_import.FALLBACK_PREFIX + "steps_v1_2_x_step_") and "." not in name


def test_rejects_a_missing_file_naming_it_and_the_root(tmp_path: Path) -> None:
    with pytest.raises(StepImportError, match=f"'steps/nope_step.py' does not exist under {tmp_path}"):
        import_step_file(str(tmp_path), "steps/nope_step.py")


def test_puts_the_project_root_on_sys_path_once() -> None:
    import_step_file(str(PROJECT), STEP_FILES["ShipOrder"])
    import_step_file(str(PROJECT), STEP_FILES["Invoice"])
    assert sys.path.count(str(PROJECT)) == 1 and sys.path[0] == str(PROJECT)


def test_relative_imports_reach_siblings_and_parents() -> None:
    create = import_step_file(str(PROJECT), STEP_FILES["CreateOrder"])
    invoice = import_step_file(str(PROJECT), STEP_FILES["Invoice"])
    assert (create.__name__, create.__package__) == ("steps.orders.create_order_step", "steps.orders")
    assert create.order_id(7) == "order-7" and invoice.TAX == 0.25
    assert invoice.__package__ == "steps.billing"


def test_step_files_sharing_a_helper_get_the_same_module() -> None:
    modules = [import_step_file(str(PROJECT), f) for f in STEP_FILES.values()]
    assert len({id(m.record) for m in modules}) == 1
    assert all(m.record.__module__ == "steps.shared.ledger" for m in modules)
    assert sys.modules["steps.orders.util"] is importlib.import_module("steps.orders.util")


def test_another_import_of_a_step_file_gets_the_same_object() -> None:
    first = import_step_file(str(PROJECT), STEP_FILES["ShipOrder"])
    assert importlib.import_module("steps.orders.ship_order_step") is first
    assert import_step_file(str(PROJECT), STEP_FILES["ShipOrder"]) is first


def test_fails_cleanly_so_a_fixed_file_imports_on_retry(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": "raise RuntimeError('boom')\n"})
    with pytest.raises(RuntimeError, match="boom"):
        import_step_file(str(tmp_path), "steps/a_step.py")
    assert "steps.a_step" not in sys.modules
    write_project(tmp_path, {"steps/a_step.py": step_source('{"name": "A", "triggers": []}')})
    assert import_step_file(str(tmp_path), "steps/a_step.py").config == {"name": "A", "triggers": []}


def test_fails_on_relative_import_under_a_dotted_directory(tmp_path: Path) -> None:
    """`v1.2` cannot be a package name: the file still imports, by project path only."""
    write_project(tmp_path, {
        "steps/shared/names.py": "NAME = 'Versioned'\n",
        "steps/v1.2/a_step.py": "from steps.shared.names import NAME\n",
        "steps/v1.2/b_step.py": "from .names import NAME\n",
    })
    assert import_step_file(str(tmp_path), "steps/v1.2/a_step.py").NAME == "Versioned"
    with pytest.raises(ImportError, match="no known parent package"):
        import_step_file(str(tmp_path), "steps/v1.2/b_step.py")


def test_loader_and_emulator_import_through_this_module() -> None:
    assert loader.import_step_file is import_step_file and local.import_step_file is import_step_file
    assert loader.code_root is step_import.code_root and loader.StepImportError is StepImportError


@pytest.fixture
def shim(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Load a fixture step as a Lambda cold start does, the code root being the project."""
    monkeypatch.setenv("MOTIA_CODE_ROOT", str(PROJECT))

    def load(name: str) -> HostedFunction:
        relative = STEP_FILES[name]
        step = loader.pick_step(import_step_file(loader.code_root(), relative), name, relative)
        # The fixture SQS event's queue feeds every queue trigger here.
        queues = {SQS_EVENT_QUEUE: i for i, t in enumerate(step.triggers) if t.type == "queue"}
        return HostedFunction(step, config_for(step, queues=queues))

    yield load


def test_shim_runs_an_http_step_with_relative_imports(shim: Any) -> None:
    response = entry.dispatch(shim("CreateOrder"), event("apigw_v2_post.json"))
    assert response["statusCode"] == 201
    assert json.loads(response["body"]) == {"id": "order-42", "total": 6.0}


def test_shim_runs_queue_and_cron_steps_in_non_identifier_files(shim: Any) -> None:
    record = {**event("sqs_raw.json")["Records"][0], "body": json.dumps({"id": 9, "items": [{"price": 4}]})}
    assert entry.dispatch(shim("ShipOrder"), {"Records": [record]}) == {"batchItemFailures": []}
    assert entry.dispatch(shim("Invoice"), {"Records": [record]}) == {"batchItemFailures": []}
    entry.dispatch(shim("Refund"), {"motia_cron": "0 3 * * *"})
    assert ledger() == [("ShipOrder", "order-9"), ("Invoice", 5.0), ("Refund", 0.25)]


def test_importer_loads_nothing_costly_on_the_cold_path() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(REPO)!r}); from lambda_runtime.step_import import import_step_file; "
        f"import_step_file({str(PROJECT)!r}, 'steps/orders/ship_order_step.py'); "
        "print(','.join(sorted(m for m in ('typing', 'dataclasses', 'inspect', 're', 'json', 'zlib') if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def two_projects_with_one_helper_name(tmp_path: Path) -> tuple[Path, Path]:
    """Projects `a` and `b`, each with `steps/util.py` of its own and a step importing it relatively."""
    for name in ("a", "b"):
        write_project(tmp_path / name, {
            "steps/util.py": f"VALUE = {name!r}\n",
            "steps/x_step.py": "from .util import VALUE\n",
        })
    return tmp_path / "a", tmp_path / "b"


def test_project_imports_keep_two_projects_apart_in_one_process(tmp_path: Path) -> None:
    """The emulator and the compiler host one project after another in the same process."""
    a, b = two_projects_with_one_helper_name(tmp_path)
    with step_import.ProjectImports(str(a), {"steps"}):
        assert import_step_file(str(a), "steps/x_step.py").VALUE == "a"
    with step_import.ProjectImports(str(b), {"steps"}):
        assert import_step_file(str(b), "steps/x_step.py").VALUE == "b"


def test_project_imports_forget_the_project_and_restore_what_they_set_aside(tmp_path: Path) -> None:
    a, b = two_projects_with_one_helper_name(tmp_path)
    outer = step_import.ProjectImports(str(a), {"steps"}).enter()
    first = import_step_file(str(a), "steps/x_step.py")
    with step_import.ProjectImports(str(b), {"steps"}):
        assert import_step_file(str(b), "steps/x_step.py").VALUE == "b"
        assert str(b) in sys.path
    assert sys.modules["steps.x_step"] is first and str(b) not in sys.path
    outer.exit()
    assert "steps.x_step" not in sys.modules and "steps.util" not in sys.modules and str(a) not in sys.path


def test_top_level_names_are_the_step_files_first_directories() -> None:
    assert step_import.top_level_names(["steps/a_step.py", "src/b/c_step.py", "d_step.py"]) == {"steps", "src"}
