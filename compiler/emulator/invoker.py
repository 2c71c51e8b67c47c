"""Invoking deployed functions in-process through the shim, and the log of what was delivered."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from compiler.emulator.deploy import Deployment
from lambda_runtime import local
from lambda_runtime.hosted import HostedFunction


@dataclass(frozen=True)
class Delivery:
    """One invocation: which step, through which trigger, how long, and how it ended."""

    step: str
    trigger: str  # e.g. "http POST /orders", "queue order.created", "cron 0 * * * *", "state"
    duration_ms: float
    outcome: str  # "ok", an HTTP status, "failed: ...", "2/3 failed"
    ok: bool
    records: int = 1
    trace_ids: tuple[str, ...] = ()

    def line(self) -> str:
        count = f" x{self.records}" if self.records > 1 else ""
        return f"{self.step:<22} {self.trigger + count:<36} {self.duration_ms:8.1f} ms  {self.outcome}"


@dataclass(frozen=True)
class Invocation:
    result: Any
    error: BaseException | None
    duration_ms: float


class Invoker:
    """Runs invocations of the hosted functions, from any number of threads at once; keeps every Delivery."""

    def __init__(self, deployment: Deployment, functions: dict[str, HostedFunction],
                 on_delivery: Callable[[Delivery], None] | None = None) -> None:
        self.deployment = deployment
        self.functions = functions
        self._on_delivery = on_delivery
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._busy = 0

    def invoke(self, function_name: str, event: Any) -> Invocation:
        """Call the shim as Lambda would; an exception the shim lets out is a failed invocation."""
        fn = self.functions[function_name]
        with self._lock:
            self._busy += 1
        started = time.perf_counter()
        try:
            result = local.invoke(fn, event)
            return Invocation(result, None, (time.perf_counter() - started) * 1000)
        except Exception as error:  # the function's error, reported like Lambda's "Unhandled"
            return Invocation(None, error, (time.perf_counter() - started) * 1000)
        finally:
            with self._lock:
                self._busy -= 1

    def step_of(self, function_name: str) -> str:
        return self.deployment.function(function_name).step

    def record(self, delivery: Delivery) -> None:
        with self._lock:
            self._deliveries.append(delivery)
        if self._on_delivery is not None:
            self._on_delivery(delivery)

    @property
    def deliveries(self) -> tuple[Delivery, ...]:
        with self._lock:
            return tuple(self._deliveries)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._busy > 0
