"""The step a diagnostic is about, when the step file could not be run to ask it.

A file that fails to import has no config to read the name from; its source usually still
says it (`config = {"name": "X", ...}` or `StepConfig(name="X", ...)`). When it does not, the
diagnostic stays about the file alone.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Iterable

from compiler import ir

__all__ = ["declared_step_name", "name_unnamed_steps"]


def _literal_name(value: ast.expr) -> str | None:
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values):
            if isinstance(key, ast.Constant) and key.value == "name":
                return _string(item)
    if isinstance(value, ast.Call):
        for keyword in value.keywords:
            if keyword.arg == "name":
                return _string(keyword.value)
    return None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value else None


def declared_step_name(source: str) -> str | None:
    """The literal name of the module-level `config = ...` in `source`, if it has one."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, ast.AnnAssign) and statement.value else [])
        value = getattr(statement, "value", None)
        if value is not None and any(isinstance(t, ast.Name) and t.id == "config" for t in targets):
            return _literal_name(value)
    return None


def name_unnamed_steps(app_dir: Path, diagnostics: Iterable[ir.Diagnostic]) -> list[ir.Diagnostic]:
    """Each diagnostic of a step file that names no step, given the name its source declares if any."""
    named = []
    for diagnostic in diagnostics:
        if diagnostic.step or not diagnostic.file:
            named.append(diagnostic)
            continue
        try:
            source = (app_dir / diagnostic.file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            source = ""
        named.append(dataclasses.replace(diagnostic, step=declared_step_name(source) or ""))
    return named
