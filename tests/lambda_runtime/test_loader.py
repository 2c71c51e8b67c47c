from __future__ import annotations

import pytest

from lambda_runtime import loader
from lambda_runtime.function_config import FunctionConfig
from lambda_runtime.loader import StepImportError, StepLoadError
from tests.lambda_runtime.conftest import STEPS_ROOT, load_step


def test_loads_named_step_with_project_and_relative_imports() -> None:
    step = load_step("steps/orders/api_step.py", "CreateOrder")
    assert step.name == "CreateOrder"
    assert [t.type for t in step.triggers] == ["http"]
    assert step.triggers[0].path == "/orders/:id"


def test_declared_enqueues_accept_strings_and_dicts() -> None:
    step = load_step("steps/enqueue_step.py", "Publisher")
    assert step.enqueues == ("order.created", "order.fifo")


def test_legacy_config_upgrades_to_queue_triggers() -> None:
    step = load_step("steps/legacy_step.py", "LegacyAudit")
    assert [(t.type, t.topic) for t in step.triggers] == [("queue", "legacy.in")]
    assert step.enqueues == ("legacy.out",)


def test_rejects_unknown_step_name_listing_found_ones() -> None:
    module = loader.import_step_file(str(STEPS_ROOT), "steps/queue_step.py")
    with pytest.raises(StepLoadError, match="'ProcessOrder', 'OneArg', 'NoArgs'"):
        loader.pick_step(module, "Nope", "steps/queue_step.py")


def test_rejects_missing_file() -> None:
    with pytest.raises(StepImportError, match="'steps/missing.py' does not exist under"):
        loader.import_step_file(str(STEPS_ROOT), "steps/missing.py")


def test_loads_the_step_its_config_names() -> None:
    config = FunctionConfig(step_file="steps/queue_step.py", step_name="OneArg")
    step = loader.load_step(config, str(STEPS_ROOT))
    assert (step.name, step.file) == ("OneArg", "steps/queue_step.py")


def test_fails_when_config_names_a_step_the_file_lacks() -> None:
    config = FunctionConfig(step_file="steps/queue_step.py", step_name="Gone")
    with pytest.raises(StepLoadError, match="no step named 'Gone' \\(the function config's step name\\)"):
        loader.load_step(config, str(STEPS_ROOT))


def test_code_root_defaults_to_package_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTIA_CODE_ROOT", raising=False)
    assert (loader.code_root() + "/lambda_runtime").replace("\\", "/").endswith("/lambda_runtime")
    monkeypatch.setenv("MOTIA_CODE_ROOT", str(STEPS_ROOT))
    assert loader.code_root() == str(STEPS_ROOT)
