"""Hosting many step functions in one process: the local emulator's entry into the shim.

On Lambda one process is one function. The emulator runs every function of an application
in one process: each is hosted as its own HostedFunction (step, FunctionConfig, AwsRuntime),
and each invocation's FlowContext carries that function's runtime, so nothing is read from
the process environment per invocation. Invocations of different functions, and concurrent
invocations of one function, run in parallel on the caller's threads.
"""

from __future__ import annotations

from lambda_runtime import aws_clients, entry
from lambda_runtime.function_config import FunctionConfig
from lambda_runtime.hosted import HostedFunction
from lambda_runtime.loader import import_step_file, pick_step

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Mapping


def load_functions(environments: Mapping[str, Mapping[str, str]], code_root: str) -> dict[str, HostedFunction]:
    """Each function, keyed by function name, from the MOTIA_FUNCTION of its environment.

    A file defining several steps is imported once, as one Lambda asset would import it once
    per function; here the module object is shared between those functions.
    """
    modules: dict[str, ModuleType] = {}
    functions: dict[str, HostedFunction] = {}
    for function_name, environ in sorted(environments.items()):
        config = FunctionConfig.from_environment(environ, f"function {function_name}")
        if config.step_file not in modules:
            modules[config.step_file] = import_step_file(code_root, config.step_file)
        step = pick_step(modules[config.step_file], config.step_name, config.step_file)
        functions[function_name] = HostedFunction(step, config)
    return functions


def start_session() -> None:
    """Before invoking against a new moto: clients made against another one (or none) must go."""
    aws_clients.reset()


def end_session() -> None:
    aws_clients.reset()


def invoke(fn: HostedFunction, event: Any) -> Any:
    """Run one Lambda invocation of `fn`, as the entry would; safe to call from many threads."""
    return entry.dispatch(fn, event)
