from __future__ import annotations

from typing import Any

import pytest

from compiler.config_schema import QueueSpec, StepSpec
from compiler.sizing import event_source_concurrency, function_size, queue_settings


def spec(handler: dict[str, Any] | None = None, queue: dict[str, Any] | None = None) -> StepSpec:
    return StepSpec.model_validate({"name": "A", "infrastructure": {"handler": handler, "queue": queue}})


@pytest.mark.parametrize(("handler", "memory", "timeout", "reason"), [
    (None, 128, 30, ""),
    ({"ram": 512, "timeout": 60}, 512, 60, ""),
    ({"ram": 512, "cpu": 256}, 512, 30, ""),  # 0.25 vCPU needs 443 MB: ram already buys it
    ({"ram": 512, "cpu": 1024}, 1769, 30, "raised from ram 512 MB"),
    ({"ram": 256, "cpu": 2048}, 3538, 30, "raised from ram 256 MB"),
    ({"cpu": 8192}, 10240, 30, "most is 6 vCPU"),
])
def test_memory_buys_the_requested_cpu(handler: Any, memory: int, timeout: int, reason: str) -> None:
    size = function_size(spec(handler))
    assert (size.memory_mb, size.timeout_s) == (memory, timeout)
    assert reason in size.memory_reason and bool(reason) == bool(size.memory_reason)
    assert size.capped == (memory == 10240)


def test_queue_settings_defaults_use_six_times_the_function_timeout() -> None:
    settings = queue_settings([], function_timeout_s=20)
    assert (settings.fifo, settings.max_receive_count, settings.visibility_timeout_s, settings.delay_s) == (False, 3, 120, 0)


def test_queue_settings_take_each_field_from_the_most_specific_layer() -> None:
    step_level = QueueSpec(type="fifo", max_retries=5, delay_seconds=3)
    trigger_level = QueueSpec(max_retries=2, visibility_timeout=100)
    settings = queue_settings([step_level, trigger_level], function_timeout_s=30)
    assert (settings.fifo, settings.max_receive_count, settings.visibility_timeout_s, settings.delay_s) == (True, 2, 100, 3)


def test_queue_settings_carry_motias_concurrency_and_backoff_with_its_default() -> None:
    settings = queue_settings([QueueSpec(concurrency=4, backoff_type="exponential", backoff_delay_ms=250)], 30)
    assert (settings.concurrency, settings.backoff_ms, settings.backoff_type) == (4, 250, "exponential")
    assert (settings.max_concurrency, settings.reserved_concurrency) == (4, None)
    default = queue_settings([], 30)
    assert (default.concurrency, default.backoff_ms, default.max_concurrency) == (None, 1000, None)


@pytest.mark.parametrize(("concurrency", "mapping", "reserved"), [(None, None, None), (1, 2, 1), (2, 2, None), (1000, 1000, None)])
def test_concurrency_below_awss_minimum_is_met_by_reserved_concurrency(concurrency: int | None, mapping: int | None, reserved: int | None) -> None:
    assert event_source_concurrency(concurrency) == (mapping, reserved)


def test_queue_spec_notes_the_camel_case_keys_it_was_written_with() -> None:
    assert QueueSpec.model_validate({"maxRetries": 2, "backoffDelayMs": 5, "type": "fifo", "delay_seconds": 1}).camel_keys == (
        "backoffDelayMs", "maxRetries",
    )
    assert QueueSpec(max_retries=2).camel_keys == ()


def test_queue_retention_covers_every_attempt_and_backoff() -> None:
    from compiler.sizing import DEFAULT_RETENTION_S, MAX_RETENTION_S, QueueSettings

    short = QueueSettings(fifo=False, max_receive_count=3, visibility_timeout_s=180, delay_s=0, backoff_ms=1000)
    assert short.seconds_to_dead_letter == 3 * 180 + 1 + 2 and short.retention_s == DEFAULT_RETENTION_S
    # 20 attempts of 12 h visibility: 10 days, backoffs capped at 12 h each -> beyond 4 days, within 14
    long = QueueSettings(fifo=False, max_receive_count=20, visibility_timeout_s=43200, delay_s=0, backoff_ms=1)
    assert long.retention_s == long.seconds_to_dead_letter + 3600 > DEFAULT_RETENTION_S
    huge = QueueSettings(fifo=False, max_receive_count=100, visibility_timeout_s=43200, delay_s=0)
    assert huge.retention_s == MAX_RETENTION_S
