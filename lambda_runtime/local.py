"""Hosting many step functions in one process: the local emulator's entry into the shim.

On Lambda one process is one function, so `entry` keeps the loaded step in a module global
and the stores read table names and topic ARNs from `os.environ`. The emulator runs every
function of an application in one process, so it loads each step explicitly and, for the
duration of one invocation, puts that function's own `MOTIA_*` environment in place. Calls
are serialised by one lock: the environment is process-wide, and so is the shim's asyncio
loop for steps that import asyncio.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

from motia import runtime as motia_runtime

from lambda_runtime import aws_clients, contract, entry
from lambda_runtime.aws_runtime import AwsRuntime
from lambda_runtime.loader import LoadedStep, import_step_file, pick_step, step_location

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Iterator, Mapping

# Only these keys are swapped per invocation: they are what the shim reads from the
# environment; AWS_* (region, endpoint, credentials) stay the process's own, and so does a
# log level the developer set in the shell unless the function sets its own.
FUNCTION_ENV_PREFIX = "MOTIA_"
PROCESS_KEYS = frozenset({contract.ENV_LOG_LEVEL, contract.ENV_LOG_FORMAT})


def _swapped(key: str, environ: Mapping[str, str]) -> bool:
    return key.startswith(FUNCTION_ENV_PREFIX) and (key not in PROCESS_KEYS or key in environ)

_invoke_lock = threading.RLock()


@contextmanager
def function_environment(environ: Mapping[str, str]) -> Iterator[None]:
    """Replace every `MOTIA_*` variable of the process with `environ`'s for the block."""
    saved = {k: v for k, v in os.environ.items() if _swapped(k, environ)}
    for key in saved:
        del os.environ[key]
    os.environ.update({k: str(v) for k, v in environ.items() if k.startswith(FUNCTION_ENV_PREFIX)})
    try:
        yield
    finally:
        for key in [k for k in os.environ if _swapped(k, environ)]:
            del os.environ[key]
        os.environ.update(saved)


def load_steps(environments: Mapping[str, Mapping[str, str]], code_root: str) -> dict[str, LoadedStep]:
    """Each function's step, keyed by function name, from its MOTIA_STEP_FILE / MOTIA_STEP_NAME.

    A file defining several steps is imported once, as one Lambda asset would import it once
    per function; here the module object is shared between those functions.
    """
    modules: dict[str, ModuleType] = {}
    steps: dict[str, LoadedStep] = {}
    for function_name, environ in sorted(environments.items()):
        relative, wanted = step_location(environ, f"function {function_name}")
        if relative not in modules:
            with function_environment(environ):
                modules[relative] = import_step_file(code_root, relative)
        steps[function_name] = pick_step(modules[relative], wanted, relative)
    return steps


def install_runtime(steps: Mapping[str, LoadedStep]) -> Any:
    """Install one AWS runtime serving all `steps`; returns the runtime it replaced."""
    previous = getattr(motia_runtime, "_runtime", None)
    aws_clients.reset()  # clients made against another moto (or none) must not be reused
    motia_runtime.install(AwsRuntime({step.name: step.enqueues for step in steps.values()}))
    return previous


def uninstall_runtime(previous: Any = None) -> None:
    motia_runtime.install(previous)
    aws_clients.reset()


def invoke(step: LoadedStep, environ: Mapping[str, str], event: Any) -> Any:
    """Run one Lambda invocation of `step` with its function's environment, as the entry would."""
    with _invoke_lock, function_environment(environ):
        return entry.dispatch(step, event)
