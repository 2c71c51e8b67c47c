"""compiler/physical_names.py: two resources with one AWS name are a plan error naming both."""

from __future__ import annotations

from pathlib import Path

from compiler.pipeline import compile_project
from tests.compiler.projects import step_source, write_project


def errors(root: Path) -> list[tuple[str, str, str]]:
    app = compile_project(root, stage="dev", app_name="shop")
    return [(d.file, d.step, d.message) for d in app.errors]


def test_a_tick_queue_and_a_subscription_queue_of_one_name_are_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "steps/beat_step.py": step_source('{"name": "Beat", "triggers": [cron("*/5 * * * * *")], "enqueues": ["Beat"]}'),
        "steps/ticks_step.py": step_source('{"name": "ticks", "triggers": [queue("Beat")]}'),
    })
    found = errors(root)
    assert [(f, s) for f, s, _ in found] == [("steps/beat_step.py", "Beat"), ("steps/ticks_step.py", "ticks")]
    assert found[0][2] == ("SQS queue name 'shop-dev-Beat-ticks' is taken twice: the queue of its subscription to "
                           "topic 'Beat' of step 'ticks'; the tick queue of its cron with seconds of step 'Beat'")


def test_a_step_named_as_the_streams_function_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "steps/ws_step.py": step_source('{"name": "streams-ws", "triggers": [http("GET", "/x")]}'),
        "steps/orders_stream.py": 'from motia import StreamConfig\n\nconfig = StreamConfig(name="orders", schema={})\n',
    })
    [(file, step, message)] = errors(root)
    assert (file, step) == ("steps/ws_step.py", "streams-ws")
    assert "Lambda function name 'shop-dev-streams-ws' is taken twice" in message
    assert "the streams' WebSocket function" in message


def test_distinct_names_pass(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "steps/beat_step.py": step_source('{"name": "Beat", "triggers": [cron("*/5 * * * * *"), cron("30 * * * * *")]}'),
    })
    assert errors(root) == []
