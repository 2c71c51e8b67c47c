"""The project's realtime hooks: `authenticate` and each stream's `on_join` / `on_leave`.

They live in the stream files (`*_stream.py`): a `StreamConfig(on_join=..., on_leave=...)`, and
for the whole project one module-level `authenticate(input: StreamAuthInput, ctx)` function.
They are imported as the shim imports step files and run with a FlowContext bound to the
WebSocket function's runtime (its state and streams tables), sync or async, as in Motia.
"""

from __future__ import annotations

from motia import runtime as motia_runtime
from motia.context import FlowContext
from motia.log import Logger
from motia.streams import Stream, StreamAuthInput, StreamAuthResult, StreamConfig, StreamsByName, StreamSubscription
from motia.types import TriggerInfo

from lambda_runtime.aws_runtime import AwsRuntime
from lambda_runtime.function_config import FunctionConfig
from lambda_runtime.invocation import new_id, resolve
from lambda_runtime.step_import import import_step_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    from lambda_runtime.websocket_protocol import Subscription

AUTHENTICATE = "authenticate"  # the project's connection check, a function in a stream file
HOOKS_STEP = "motia::stream"  # the step name the hooks' logs carry


class HookSetupError(RuntimeError):
    """Two stream files declare `authenticate`, or a stream file fails to import."""


def configs_of(module: object) -> list[StreamConfig]:
    """The StreamConfigs a stream file declares (its `config`, else every one it holds)."""
    values = vars(module)
    config = values.get("config")
    if isinstance(config, StreamConfig):
        return [config]
    found = {id(v): v for v in values.values() if isinstance(v, StreamConfig)}
    found.update({id(v.config): v.config for v in values.values() if isinstance(v, Stream)})
    return list(found.values())


class RealtimeHooks:
    """What the stream files declare for clients: the auth function and per-stream join/leave hooks."""

    def __init__(self, configs: dict[str, StreamConfig], authenticate: Callable[..., Any] | None,
                 runtime: AwsRuntime, streams: tuple[str, ...]) -> None:
        self.configs = configs
        self.authenticate_fn = authenticate
        self.runtime = runtime
        self.streams = StreamsByName(streams)

    @classmethod
    def load(cls, code_root: str, files: tuple[str, ...], runtime: AwsRuntime, streams: tuple[str, ...]) -> RealtimeHooks:
        configs: dict[str, StreamConfig] = {}
        found: list[tuple[str, Callable[..., Any]]] = []
        for relative in files:
            module = import_step_file(code_root, relative)
            for config in configs_of(module):
                configs[config.name] = config
            candidate = vars(module).get(AUTHENTICATE)
            if callable(candidate):
                found.append((relative, candidate))
        if len(found) > 1:
            raise HookSetupError(
                f"{' and '.join(f for f, _ in found)} each define `authenticate`: a project has one "
                "stream authentication function; keep it in one stream file"
            )
        return cls(configs, found[0][1] if found else None, runtime, streams)

    def _call(self, hook: Callable[..., Any], first: Any, *rest: Any, input_value: Any = None) -> Any:
        """`hook(first, ctx, *rest)`, as Motia calls authenticate and the join/leave hooks."""
        trace_id = new_id()
        ctx: FlowContext[Any] = FlowContext(
            trigger=TriggerInfo(type="queue"), trace_id=trace_id, logger=Logger(step=HOOKS_STEP, trace_id=trace_id),
            input_value=input_value, step_name=HOOKS_STEP, runtime=self.runtime, streams=self.streams,
        )
        token = motia_runtime.set_current_context(ctx)
        try:
            return resolve(hook(first, ctx, *rest))
        finally:
            motia_runtime.reset_current_context(token)

    def authenticate(self, request: StreamAuthInput) -> tuple[bool, Any]:
        """(authorized, context); every connection is authorized when the project has no authenticate."""
        if self.authenticate_fn is None:
            return True, None
        result = self._call(self.authenticate_fn, request, input_value=request)
        if isinstance(result, StreamAuthResult):
            return bool(result.authorized), result.context
        if isinstance(result, dict) and "authorized" in result:
            return bool(result["authorized"]), result.get("context")
        return bool(result), None

    def join(self, subscription: Subscription, auth_context: Any) -> bool:
        """Whether the stream's on_join lets this join in: only an explicit refusal keeps it out
        (False, or `{"authorized": False}` / a StreamAuthResult that says so)."""
        config = self.configs.get(subscription.stream)
        if config is None or config.on_join is None:
            return True
        result = self._call(config.on_join, _motia_subscription(subscription), auth_context)
        if isinstance(result, StreamAuthResult):
            return bool(result.authorized)
        if isinstance(result, dict) and "authorized" in result:
            return bool(result["authorized"])
        return result is not False

    def leave(self, subscription: Subscription, auth_context: Any) -> None:
        config = self.configs.get(subscription.stream)
        if config is not None and config.on_leave is not None:
            self._call(config.on_leave, _motia_subscription(subscription), auth_context)


def _motia_subscription(subscription: Subscription) -> StreamSubscription:
    return StreamSubscription(group_id=subscription.group_id, id=subscription.item_id)


def hooks_runtime(app: str, state_table: str | None, streams_table: str | None, streams: tuple[str, ...]) -> AwsRuntime:
    """The runtime the hooks' `ctx.state` and streams use: the project's tables."""
    return AwsRuntime(FunctionConfig(
        app=app, step_file="", step_name=HOOKS_STEP, state_table=state_table, streams_table=streams_table, streams=streams,
    ))
