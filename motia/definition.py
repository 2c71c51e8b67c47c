"""`step()` and its builders: they only record config and handler; nothing runs here."""

from __future__ import annotations

from motia._model import Record
from motia.invoke import call_handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Awaitable, Callable, Union

    from motia.types import StepConfig

    StepHandler = Callable[..., Union[Any, Awaitable[Any]]]
    StepConfigInput = Union[StepConfig, dict[str, Any]]


class StepDefinition(Record):
    """A complete step: its config and its handler."""

    config: StepConfigInput
    handler: StepHandler


class StepBuilder:
    """Returned by `step(config)`: attach the handler later with `@builder.handle`."""

    def __init__(self, config: StepConfigInput) -> None:
        self.config = config
        self.definition: StepDefinition | None = None

    def handle(self, handler: StepHandler) -> StepDefinition:
        self.definition = StepDefinition(config=self.config, handler=handler)
        return self.definition


def step(config: StepConfigInput, handler: StepHandler | None = None) -> StepDefinition | StepBuilder:
    """Define a step; without a handler, return a builder whose `.handle` completes it."""
    if handler is None:
        return StepBuilder(config)
    return StepDefinition(config=config, handler=handler)


_TRIGGER_KINDS = ("queue", "http", "cron", "state", "stream")


class MultiTriggerStepBuilder:
    """One handler per trigger kind: `.handlers({...})` or `.on_queue(f).on_http(g).handlers()`."""

    def __init__(self, config: StepConfigInput) -> None:
        self.config = config
        self._handlers: dict[str, StepHandler] = {}

    def _on(self, kind: str, handler: StepHandler) -> MultiTriggerStepBuilder:
        self._handlers[kind] = handler
        return self

    def on_queue(self, handler: StepHandler) -> MultiTriggerStepBuilder:
        return self._on("queue", handler)

    def on_http(self, handler: StepHandler) -> MultiTriggerStepBuilder:
        return self._on("http", handler)

    def on_api(self, handler: StepHandler) -> MultiTriggerStepBuilder:
        return self._on("http", handler)

    def on_cron(self, handler: StepHandler) -> MultiTriggerStepBuilder:
        return self._on("cron", handler)

    def on_state(self, handler: StepHandler) -> MultiTriggerStepBuilder:
        return self._on("state", handler)

    def on_stream(self, handler: StepHandler) -> MultiTriggerStepBuilder:
        return self._on("stream", handler)

    def handlers(self, handlers: dict[str, StepHandler] | None = None) -> StepDefinition:
        table = dict(self._handlers)
        for kind, handler in (handlers or {}).items():
            table["http" if kind == "api" else kind] = handler
        unknown = sorted(set(table) - set(_TRIGGER_KINDS) - {"default"})
        if unknown:
            raise ValueError(
                f"unknown trigger kind(s) {unknown} in multi_trigger_step handlers; "
                f"use {', '.join(_TRIGGER_KINDS)} or default"
            )

        async def unified_handler(input_data: Any, ctx: Any) -> Any:
            handler = table.get(ctx.trigger.type) or table.get("default")
            if handler is None:
                raise RuntimeError(
                    f"no handler for trigger type {ctx.trigger.type!r}; "
                    f"this step has handlers for: {', '.join(sorted(table))}"
                )
            return await call_handler(handler, input_data, ctx)

        return StepDefinition(config=self.config, handler=unified_handler)


def multi_trigger_step(config: StepConfigInput) -> MultiTriggerStepBuilder:
    return MultiTriggerStepBuilder(config)


def generate_step_id(file_path: str) -> str:
    """A stable id for a step file path."""
    import uuid  # lazily: uuid imports platform, a cold-start cost most steps never need

    return str(uuid.uuid5(uuid.NAMESPACE_URL, file_path.replace("\\", "/")))
