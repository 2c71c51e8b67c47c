"""`HostedFunction`: one deployed function as the shim runs it (step, config, runtime).

On Lambda a process hosts one; the emulator hosts every function of an application in one
process and invokes them from many threads at once. Nothing in it changes per invocation.
"""

from __future__ import annotations

from motia.streams import StreamsByName

from lambda_runtime.aws_runtime import AwsRuntime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from lambda_runtime.function_config import FunctionConfig
    from lambda_runtime.loader import LoadedStep


class TriggerMismatch(LookupError):
    """The config names a trigger index the step file does not have (code and config differ)."""


class HostedFunction:
    """The loaded step, its FunctionConfig and the AwsRuntime built from that config."""

    __slots__ = ("step", "config", "runtime", "streams")

    def __init__(self, step: LoadedStep, config: FunctionConfig, runtime: AwsRuntime | None = None) -> None:
        self.step = step
        self.config = config
        self.runtime = runtime if runtime is not None else AwsRuntime(config)
        # `ctx.streams` of every invocation: Stream objects hold only a name (each call uses
        # the runtime of the invocation in progress), so one set serves all invocations.
        self.streams = StreamsByName(config.streams)

    @property
    def name(self) -> str:
        return self.step.name

    def trigger_at(self, index: int, kind: str) -> Any:
        """The step's trigger at `index`, which must be of `kind` (`http`, `queue`, ...)."""
        triggers = self.step.triggers
        trigger = triggers[index] if 0 <= index < len(triggers) else None
        if trigger is None or trigger.type != kind:
            found = "nothing" if trigger is None else f"a {trigger.type} trigger"
            raise TriggerMismatch(
                f"step {self.step.name!r} ({self.step.file}): the function config names {kind} trigger "
                f"#{index}, but the step file has {found} there; redeploy so code and config match"
            )
        return trigger
