from __future__ import annotations

from pathlib import Path

import pytest

from compiler.include_files import include_pattern_problem, resolve_include_files
from tests.compiler.projects import step_source, write_project
from compiler.pipeline import compile_project


def test_include_files_are_globs_relative_to_the_step_file(tmp_path: Path) -> None:
    write_project(tmp_path, {"outside.txt": ""})
    root = write_project(tmp_path / "app", {"steps/data/a.json": "{}", "steps/data/more/b.json": "{}", "top.txt": ""})
    patterns = ["data", "../top.txt", "missing.txt", "../../outside.txt"]
    found, refused = resolve_include_files(root, "steps/a_step.py", patterns)
    assert found == ("steps/data/a.json", "steps/data/more/b.json", "top.txt")
    assert refused == [("missing.txt", "matches no file in the project"),
                       ("../../outside.txt", "points outside the project")]


@pytest.mark.parametrize(("pattern", "problem"), [
    ("/etc/passwd", "is an absolute path"),
    ("C:\\data\\x.json", "is an absolute path"),
    ("~/x", "is an absolute path"),
    ("../../**", "points outside the project"),
    ("data/../../../x", "points outside the project"),
    ("", "is empty"),
    ("a\x00b", "contains a NUL character"),
])
def test_rejects_patterns_that_cannot_stay_in_the_project(pattern: str, problem: str) -> None:
    assert include_pattern_problem("steps", pattern) == problem


def test_rejects_patterns_pathlib_cannot_glob_with_the_reason(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"steps/a.txt": ""})
    _, refused = resolve_include_files(root, "steps/a_step.py", ["a**b/x"])
    assert refused[0][0] == "a**b/x" and refused[0][1].startswith("is not a valid glob pattern")


def test_reports_each_refused_pattern_with_step_and_fix(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/a_step.py": step_source('{"name": "A", "triggers": [], "include_files": ["/etc/passwd", "[", "../../**"]}'),
    })
    app = compile_project(tmp_path)
    assert sorted(d.message for d in app.errors) == [
        "include_files entry '../../**' points outside the project",
        "include_files entry '/etc/passwd' is an absolute path",
        "include_files entry '[' matches no file in the project",
    ]
    assert {(d.file, d.step) for d in app.errors} == {("steps/a_step.py", "A")}
    assert all("relative to the step file" in d.hint for d in app.errors)
