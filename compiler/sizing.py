"""Function and queue sizing: Motia's `infrastructure` settings as Lambda and SQS numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from compiler.config_schema import QueueSpec, StepSpec
from lambda_runtime.queue_backoff import DEFAULT_BACKOFF_MS

# Motia's defaults (HandlerConfig / QueueConfig).
DEFAULT_RAM_MB = 128
DEFAULT_TIMEOUT_S = 30
DEFAULT_MAX_RETRIES = 3
DEFAULT_RETENTION_S = 4 * 24 * 3600  # SQS's default
MAX_RETENTION_S = 14 * 24 * 3600  # SQS's most
RETENTION_MARGIN_S = 3600

MEMORY_MIN_MB = 128
MEMORY_MAX_MB = 10240
TIMEOUT_MAX_S = 900
API_GATEWAY_TIMEOUT_S = 30
# Lambda has no CPU setting: it gives one vCPU per 1769 MB of memory (up to 6 at 10240 MB).
MB_PER_VCPU = 1769
VISIBILITY_MAX_S = 43200
DELAY_MAX_S = 900
MAX_RECEIVE_COUNT_MAX = 1000
# AWS's advice for Lambda consumers: visibility timeout at least six times the function's.
VISIBILITY_PER_TIMEOUT = 6
# An SQS event source's maximum concurrency is 2..1000.
MAX_CONCURRENCY_MIN = 2
MAX_CONCURRENCY_MAX = 1000


@dataclass(frozen=True)
class FunctionSize:
    memory_mb: int
    timeout_s: int
    memory_reason: str = ""
    capped: bool = False  # the requested CPU needs more than Lambda's largest size


@dataclass(frozen=True)
class QueueSettings:
    fifo: bool
    max_receive_count: int
    visibility_timeout_s: int
    delay_s: int
    concurrency: int | None = None  # Motia's: handlers at once for this subscription; None: no limit
    backoff_ms: int = DEFAULT_BACKOFF_MS  # base of Motia's doubling retry delay
    backoff_type: str | None = None  # as written; Motia's engine doubles whatever it says

    @property
    def seconds_to_dead_letter(self) -> int:
        """The longest a message can take to reach its DLQ: the delivery delay, every attempt
        holding it for the whole visibility timeout, and Motia's backoff between attempts."""
        from lambda_runtime.queue_backoff import VISIBILITY_MAX_S, retry_delay_ms

        backoffs = sum(
            min(-(-retry_delay_ms(self.backoff_ms, failed) // 1000), VISIBILITY_MAX_S)
            for failed in range(1, self.max_receive_count)
        )
        return self.delay_s + self.max_receive_count * self.visibility_timeout_s + backoffs

    @property
    def retention_s(self) -> int:
        """The queue keeps a message long enough to reach its DLQ (SQS's default 4 days at
        least, an hour of margin): a message never expires on its way there."""
        return min(max(DEFAULT_RETENTION_S, self.seconds_to_dead_letter + RETENTION_MARGIN_S), MAX_RETENTION_S)

    @property
    def max_concurrency(self) -> int | None:
        return event_source_concurrency(self.concurrency)[0]

    @property
    def reserved_concurrency(self) -> int | None:
        return event_source_concurrency(self.concurrency)[1]


def function_size(spec: StepSpec) -> FunctionSize:
    """Memory = max(ram, what `cpu` needs at 1769 MB per vCPU), capped at 10240 MB."""
    handler = spec.infrastructure.handler if spec.infrastructure else None
    ram = handler.ram if handler and handler.ram is not None else DEFAULT_RAM_MB
    timeout = handler.timeout if handler and handler.timeout is not None else DEFAULT_TIMEOUT_S
    cpu = handler.cpu if handler else None
    if not cpu:
        return FunctionSize(ram, timeout)
    needed = math.ceil(cpu / 1024 * MB_PER_VCPU)
    if needed <= ram:
        return FunctionSize(ram, timeout)
    if needed > MEMORY_MAX_MB:
        return FunctionSize(
            MEMORY_MAX_MB, timeout,
            f"cpu {cpu} asks for {cpu / 1024:g} vCPU; Lambda's most is 6 vCPU at {MEMORY_MAX_MB} MB",
            capped=True,
        )
    return FunctionSize(
        needed, timeout,
        f"raised from ram {ram} MB: cpu {cpu} ({cpu / 1024:g} vCPU) needs {needed} MB "
        f"(Lambda gives 1 vCPU per {MB_PER_VCPU} MB)",
    )


def queue_layers(spec: StepSpec, trigger_infra_queue: QueueSpec | None, trigger_config: QueueSpec | None) -> list[QueueSpec]:
    """Queue settings from least to most specific: step, trigger infrastructure, trigger config."""
    step_queue = spec.infrastructure.queue if spec.infrastructure else None
    return [q for q in (step_queue, trigger_infra_queue, trigger_config) if q is not None]


def queue_settings(layers: list[QueueSpec], function_timeout_s: int) -> QueueSettings:
    """Each field from the most specific layer that sets it, else the default."""

    def pick(field: str) -> object | None:
        for layer in reversed(layers):
            value = getattr(layer, field)
            if value is not None:
                return value
        return None

    kind = pick("type") or "standard"
    retries = pick("max_retries")
    visibility = pick("visibility_timeout")
    delay = pick("delay_seconds")
    concurrency = pick("concurrency")
    backoff = pick("backoff_delay_ms")
    backoff_type = pick("backoff_type")
    default_visibility = min(function_timeout_s * VISIBILITY_PER_TIMEOUT, VISIBILITY_MAX_S)
    return QueueSettings(
        fifo=kind == "fifo",
        max_receive_count=int(retries) if retries is not None else DEFAULT_MAX_RETRIES,  # type: ignore[call-overload]
        visibility_timeout_s=int(visibility) if visibility is not None else default_visibility,  # type: ignore[call-overload]
        delay_s=int(delay) if delay is not None else 0,  # type: ignore[call-overload]
        concurrency=int(concurrency) if concurrency is not None else None,  # type: ignore[call-overload]
        backoff_ms=int(backoff) if backoff is not None else DEFAULT_BACKOFF_MS,  # type: ignore[call-overload]
        backoff_type=str(backoff_type) if backoff_type is not None else None,
    )


def event_source_concurrency(concurrency: int | None) -> tuple[int | None, int | None]:
    """(the mapping's maximum concurrency, the function's reserved concurrency) for Motia's `concurrency`.

    AWS's mapping takes 2..1000. A concurrency of 1 is met by reserving one concurrent
    execution for the function: the only setting that guarantees one handler at a time on a
    standard queue (a FIFO group would need every publisher to use one group id).
    """
    if concurrency is None:
        return None, None
    if concurrency < MAX_CONCURRENCY_MIN:
        return MAX_CONCURRENCY_MIN, 1
    return min(concurrency, MAX_CONCURRENCY_MAX), None
