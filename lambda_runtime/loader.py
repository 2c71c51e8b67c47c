"""Cold start: import the one step file named by the function's config and pick its step.

Only that file is imported (plus what it imports itself), under a unique module name, with
the project root on sys.path so `from steps.shared import x` works as under Motia, and with
`__package__` set from its directory so relative imports (`from .util import y`) work too.
"""

from __future__ import annotations

import os
import sys
from importlib.util import module_from_spec, spec_from_file_location

from lambda_runtime import contract

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


def code_root() -> str:
    """`MOTIA_CODE_ROOT`, else the directory that contains the `lambda_runtime` package."""
    configured = os.environ.get(contract.ENV_CODE_ROOT)
    if configured:
        return os.path.abspath(configured)
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _module_name(relative: str) -> str:
    stem = relative[:-3] if relative.endswith(".py") else relative
    safe = "".join(c if c.isalnum() else "_" for c in stem)
    return f"_motia_step_{safe}"


def import_step_file(root: str, relative: str) -> ModuleType:
    """Import `root/relative` under a unique name, with the project root on sys.path."""
    path = os.path.join(root, *relative.split("/"))
    if not os.path.isfile(path):
        raise StepLoadError(f"step file {relative!r}: no such file under {root}")
    if root not in sys.path:
        sys.path.insert(0, root)
    name = _module_name(relative)
    spec = spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise StepLoadError(f"cannot import step file {path}")
    module = module_from_spec(spec)
    package = os.path.dirname(relative).replace("/", ".")
    module.__package__ = package if package and all(p.isidentifier() for p in package.split(".")) else ""
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


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
