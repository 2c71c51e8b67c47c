"""Cold start: import the one step file named by the function's config and pick its step.

Only that file is imported (plus what it imports itself), by `lambda_runtime.step_import`, the
importer the compiler uses too: the project root on sys.path, relative imports working.
"""

from __future__ import annotations

import os

from lambda_runtime import contract
# Re-exported: callers import these from the loader.
from lambda_runtime.step_import import StepImportError as StepImportError
from lambda_runtime.step_import import code_root as code_root
from lambda_runtime.step_import import import_step_file as import_step_file
from lambda_runtime.step_import import step_module_name as _module_name  # noqa: F401

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Callable

    from lambda_runtime.function_config import FunctionConfig


class StepLoadError(RuntimeError):
    """The function's config does not lead to a step (missing file, name, or handler)."""


class LoadedStep:
    """What the shim needs of a step: name, handler, trigger objects, declared enqueues."""

    __slots__ = ("name", "handler", "triggers", "enqueues", "file")

    def __init__(
        self, name: str, handler: Callable[..., Any], triggers: tuple[Any, ...], enqueues: tuple[str, ...], file: str
    ) -> None:
        self.name = name
        self.handler = handler
        self.triggers = triggers
        self.enqueues = enqueues
        self.file = file

    def triggers_of(self, kind: str) -> tuple[Any, ...]:
        return tuple(t for t in self.triggers if t.type == kind)


def _topic(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        topic = entry.get("topic")
    else:
        topic = getattr(entry, "topic", None)
    return topic if isinstance(topic, str) else None


def pick_step(module: ModuleType, wanted: str, relative: str) -> LoadedStep:
    """The step named `wanted` in `module`, with its triggers as objects."""
    from motia.config import plain_config, runtime_triggers, step_definitions
    from motia.definition import StepDefinition

    found = []
    for definition in step_definitions(module):
        if not isinstance(definition, StepDefinition):
            continue
        plain = plain_config(definition.config)
        found.append(plain.get("name"))
        if plain.get("name") == wanted:
            topics = (_topic(e) for e in plain.get("enqueues") or [])
            return LoadedStep(
                name=wanted,
                handler=definition.handler,
                triggers=tuple(runtime_triggers(plain)),
                enqueues=tuple(sorted({t for t in topics if t})),
                file=relative,
            )
    raise StepLoadError(
        f"{relative} defines no step named {wanted!r} (the function config's step name); "
        f"steps with handlers found there: {', '.join(map(repr, found)) or 'none'}"
    )


def load_step(config: FunctionConfig, root: str | None = None) -> LoadedStep:
    """The step of this function: its config's step file (under the code root) and step name."""
    module = import_step_file(root or code_root(), config.step_file)
    return pick_step(module, config.step_name, config.step_file)
