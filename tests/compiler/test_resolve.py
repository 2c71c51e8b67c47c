from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from compiler import naming, sizing
from compiler import cron as cron_module
from compiler.config_schema import StepSpec
from compiler.pipeline import compile_project
from compiler.resolve import ParsedStep, resolve_project, resolve_step
from motia import MotiaHttpArgs
from tests.compiler.projects import step_source, write_project


async def plain_handler(input: Any, ctx: Any) -> None:
    return None


async def streaming_handler(args: MotiaHttpArgs, ctx: Any) -> None:
    async def send(chunk: bytes) -> None:  # the writer may be named in a nested function too
        args.response.writer.stream.write(chunk)

    await send(b"data: 1\n\n")


def annotated_only_handler(args: MotiaHttpArgs, ctx: Any) -> dict[str, Any]:
    return {"status": 200, "body": args.request.body}  # 1.0.4's usual handler: buffered anyway


def parsed(config: dict[str, Any], handler: Callable[..., Any] = plain_handler, file: str = "") -> ParsedStep:
    spec = StepSpec.model_validate(config)
    return ParsedStep(file or f"steps/{spec.name.lower()}_step.py", spec, handler)


def test_resolves_size_routes_and_queue_settings_with_their_trigger_indexes() -> None:
    step = resolve_step("shop-prod", parsed({
        "name": "A",
        "triggers": [
            {"type": "queue", "topic": "t", "config": {"type": "fifo", "max_retries": 5}},
            {"type": "http", "method": "get", "path": "/o/:id"},
            {"type": "queue", "topic": "u"},
        ],
        "infrastructure": {"handler": {"ram": 256, "cpu": 1024, "timeout": 20}},
    }))
    assert (step.size.memory_mb, step.size.timeout_s, step.function_name) == (1769, 20, "shop-prod-A")
    assert [(r.trigger_index, r.aws_path) for r in step.routes] == [(1, "/o/{id}")]
    (t, u) = step.queues
    assert (t.trigger_index, t.settings.fifo, t.settings.max_receive_count, t.settings.visibility_timeout_s) == (0, True, 5, 120)
    assert (t.queue_name, t.dlq_name) == ("shop-prod-t-A.fifo", "shop-prod-t-A-dlq.fifo")
    assert (u.trigger_index, u.settings.fifo, u.queue_name) == (2, False, "shop-prod-u-A")


def test_numbers_schedules_over_every_cron_of_a_step() -> None:
    step = resolve_step("p", parsed({"name": "S", "triggers": [
        {"type": "cron", "expression": "0 9 1 * MON"},
        {"type": "http", "method": "GET", "path": "/"},
        {"type": "cron", "expression": "*/10 * * * *"},
    ]}))
    assert [(c.trigger_index, c.schedule_names) for c in step.crons] == [(0, ("p-S-cron0",)), (2, ("p-S-cron1",))]
    assert step.crons[0].translation is not None and step.crons[0].translation.day_filter == ("weekday", (1,))


def test_fails_a_cron_that_does_not_translate_with_its_error_and_no_names() -> None:
    step = resolve_step("p", parsed({"name": "S", "triggers": [
        {"type": "cron", "expression": "61 * * * *"}, {"type": "cron", "expression": "0 * * * *"},
    ]}))
    bad, good = step.crons
    assert bad.error is not None and "61" in bad.error.message
    assert (bad.translation, bad.schedule_names) == (None, ())
    assert good.schedule_names == ("p-S-cron0",)


def test_only_a_step_with_an_http_trigger_streams() -> None:
    http = {"type": "http", "method": "GET", "path": "/sse"}
    assert resolve_step("p", parsed({"name": "S", "triggers": [http]}, streaming_handler)).streaming_http
    assert not resolve_step("p", parsed({"name": "S", "triggers": []}, streaming_handler)).streaming_http
    assert not resolve_step("p", parsed({"name": "S", "triggers": [http]}, plain_handler)).streaming_http
    assert not resolve_step("p", parsed({"name": "S", "triggers": [http]}, annotated_only_handler)).streaming_http


def test_project_sorts_steps_and_makes_one_topic_per_queue_kind() -> None:
    project = resolve_project([
        parsed({"name": "Pub", "enqueues": ["t"]}),
        parsed({"name": "Fifo", "triggers": [{"type": "queue", "topic": "t", "config": {"type": "fifo"}}]}),
        parsed({"name": "Std", "triggers": [{"type": "queue", "topic": "t"}]}),
    ], app="shop", stage="prod")
    assert project.prefix == "shop-prod"
    assert [s.name for s in project.steps] == ["Fifo", "Pub", "Std"]
    assert [(t.sns_name, t.publishers, t.subscribers) for t in project.topics] == [
        ("shop-prod-t", ("Pub",), ("Std",)), ("shop-prod-t.fifo", ("Pub",), ("Fifo",)),
    ]


def test_without_failed_steps_recomputes_the_topics() -> None:
    project = resolve_project([
        parsed({"name": "Pub", "enqueues": ["t"]}),
        parsed({"name": "Fifo", "triggers": [{"type": "queue", "topic": "t", "config": {"type": "fifo"}}]}),
    ], app="shop", stage="prod")
    assert project.without(set()) is project
    kept = project.without({("steps/fifo_step.py", "Fifo")})
    assert [s.name for s in kept.steps] == ["Pub"]
    # With its FIFO subscriber gone, the topic is a standard one with no subscribers.
    assert [(t.sns_name, t.subscribers) for t in kept.topics] == [("shop-prod-t", ())]


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[tuple[Any, ...]]:
    """Record every call of `module.name`, wherever a compiler module imported it."""
    original = getattr(module, name)
    calls: list[tuple[Any, ...]] = []

    def counting(*args: Any) -> Any:
        calls.append(args)
        return original(*args)

    for loaded in list(sys.modules.values()):
        if getattr(loaded, "__name__", "").startswith("compiler") and getattr(loaded, name, None) is original:
            monkeypatch.setattr(loaded, name, counting)
    return calls


def test_compile_project_decides_sizing_cron_and_names_once_per_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {
        "steps/a_step.py": step_source('''{"name": "A", "enqueues": ["t"], "triggers": [
            http("GET", "/a"), queue("t"), cron("0 9 1 * MON"), cron("*/10 * * * *")]}'''),
        "steps/b_step.py": step_source('{"name": "B", "triggers": [queue("t", config={"type": "fifo"}), cron("0 * * * *")]}'),
    })
    sizes = count_calls(monkeypatch, sizing, "function_size")
    settings = count_calls(monkeypatch, sizing, "queue_settings")
    crons = count_calls(monkeypatch, cron_module, "translate_cron")
    names = {kind: count_calls(monkeypatch, naming, kind)
             for kind in ("function_name", "queue_name", "dlq_name", "schedule_name", "topic_name")}

    app = compile_project(tmp_path, app_name="shop")

    assert app.errors == ()
    assert [spec.name for (spec,) in sizes] == ["A", "B"]
    assert len(settings) == 2
    assert sorted(source for (source,) in crons) == ["*/10 * * * *", "0 * * * *", "0 9 1 * MON"]
    assert [step for _, step in names["function_name"]] == ["A", "B"]
    assert [(topic, step) for _, topic, step, _ in names["queue_name"]] == [("t", "A"), ("t", "B")]
    assert [(topic, step) for _, topic, step, _ in names["dlq_name"]] == [("t", "A"), ("t", "B")]
    assert [(step, n) for _, step, n in names["schedule_name"]] == [("A", 0), ("A", 1), ("B", 0)]
    assert [(topic, fifo) for _, topic, fifo in names["topic_name"]] == [("t", False), ("t", True)]
