"""The CDK escape hatch: `motia_aws_stack.py` in the project, `def customize(stack, app)`.

Runs after every IR item is emitted, in `motia synth`, `motia deploy` and `cdk synth` alike
(all build the stack through `emit_application`). `app` maps each step name to its
constructs, so the user adds alarms, buckets, grants or anything CDK offers. The file is one
of the project's .py files, so it is in the assembly cache key and a change re-synthesizes.
An error in it is reported with the user's own traceback lines only.
"""

from __future__ import annotations

import importlib.util
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from aws_cdk import Stack, aws_apigatewayv2 as apigw, aws_iam as iam, aws_lambda as lambda_, aws_logs as logs, aws_sqs as sqs

from compiler.emit.parts import StackParts
from compiler.errors import ProjectError

HOOK_FILE = "motia_aws_stack.py"
HOOK_FUNCTION = "customize"


@dataclass(frozen=True)
class StepConstructs:
    """What the compiler made for one step."""

    function: lambda_.Function
    role: iam.IRole
    log_group: logs.ILogGroup | None
    queues: tuple[sqs.Queue, ...]  # its subscription queues, dead-letter and failure queues
    routes: tuple[apigw.HttpRoute, ...] = ()  # its HTTP API routes


class CustomizeError(ProjectError):
    """An error raised by the project's motia_aws_stack.py."""


def step_constructs(parts: StackParts) -> dict[str, StepConstructs]:
    found = {}
    for name, function in sorted(parts.functions.items()):
        scope = parts.step_scope(name)
        queues = tuple(c for c in scope.node.find_all() if isinstance(c, sqs.Queue))
        log_groups = [c for c in scope.node.find_all() if isinstance(c, logs.LogGroup)]
        assert function.role is not None
        found[name] = StepConstructs(function, function.role, log_groups[0] if log_groups else None, queues,
                                     tuple(parts.routes.get(name, ())))
    return found


def _user_lines(error: BaseException, hook: Path) -> str:
    """`file, line N: code` for the frames in the user's file, then the error itself."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == hook]
    lines = [f"{HOOK_FILE}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in frames]
    return "\n".join([*lines, f"{type(error).__name__}: {error}"])


def _load(hook: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("motia_aws_stack", hook)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def apply_customization(parts: StackParts) -> bool:
    """Call the project's `customize(stack, app)`, when it has one; whether it ran."""
    hook = Path(parts.app.root) / HOOK_FILE
    if not hook.is_file():
        return False
    stack: Stack = parts.stack
    try:
        module = _load(hook)
        customize = getattr(module, HOOK_FUNCTION, None)
        if not callable(customize):
            raise CustomizeError(f"{HOOK_FILE} defines no function {HOOK_FUNCTION}(stack, app); "
                                 "add one, or remove the file")
        customize(stack, step_constructs(parts))
    except CustomizeError:
        raise
    except Exception as error:  # the user's code: anything can happen, reported without our frames
        raise CustomizeError(f"{HOOK_FILE} failed:\n{_user_lines(error, hook.resolve())}\n"
                             f"fix {HOOK_FILE} and run again") from None
    return True
