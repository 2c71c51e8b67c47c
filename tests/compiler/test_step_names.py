from __future__ import annotations

from pathlib import Path

from compiler.pipeline import compile_project
from compiler.step_names import declared_step_name
from tests.compiler.projects import write_project


def test_reads_the_name_of_a_config_dict_or_step_config() -> None:
    assert declared_step_name('config = {"name": "A", "triggers": [http(5)]}') == "A"
    assert declared_step_name('config: dict = {"triggers": [], "name": "B"}') == "B"
    assert declared_step_name('config = StepConfig(name="C", triggers=[])') == "C"


def test_knows_no_name_it_cannot_read_without_running_the_file() -> None:
    assert declared_step_name('config = {"name": NAME}') is None
    assert declared_step_name('other = {"name": "A"}') is None
    assert declared_step_name("config = {") is None


def test_an_import_failure_names_the_step_its_source_declares(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/a_step.py": 'from motia import http\nconfig = {"name": "A", "triggers": [http(5)]}\n',
        "steps/b_step.py": "import no_such_module\nconfig = {}\n",
    })
    app = compile_project(tmp_path)
    assert sorted((d.file, d.step) for d in app.errors) == [("steps/a_step.py", "A"), ("steps/b_step.py", "")]
