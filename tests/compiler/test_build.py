from __future__ import annotations

from pathlib import Path

from compiler.pipeline import compile_project
from tests.compiler.projects import step_source, write_project


def build(root: Path, **configs: str):  # type: ignore[no-untyped-def]
    write_project(root, {f"steps/{name}_step.py": step_source(config) for name, config in configs.items()})
    app = compile_project(root, stage="prod", app_name="shop")
    assert app.errors == (), app.errors
    return app


def test_a_topic_with_fifo_and_standard_subscribers_gets_one_sns_topic_of_each(tmp_path: Path) -> None:
    app = build(
        tmp_path,
        pub='{"name": "Pub", "triggers": [], "enqueues": ["t"]}',
        std='{"name": "Std", "triggers": [queue("t")]}',
        fifo='{"name": "Fifo", "triggers": [queue("t", config={"type": "fifo"})]}',
    )
    assert [(t.name, t.fifo, t.sns_name, t.publishers, t.subscribers) for t in app.topics] == [
        ("t", False, "shop-prod-t", ("Pub",), ("Std",)),
        ("t", True, "shop-prod-t.fifo", ("Pub",), ("Fifo",)),
    ]
    assert len(app.topics_named("t")) == 2


def test_a_topic_nobody_subscribes_to_still_gets_a_standard_topic(tmp_path: Path) -> None:
    app = build(tmp_path, pub='{"name": "Pub", "triggers": [], "enqueues": ["lonely"]}')
    assert [(t.name, t.fifo, t.subscribers) for t in app.topics] == [("lonely", False, ())]


def test_each_subscription_has_its_own_queue_and_dlq_of_the_same_type(tmp_path: Path) -> None:
    app = build(
        tmp_path,
        a='''{"name": "A", "triggers": [queue("t", config={"type": "fifo", "max_retries": 5, "delay_seconds": 2})],
              "enqueues": ["t"], "infrastructure": {"handler": {"timeout": 40}}}''',
        b='{"name": "B", "triggers": [queue("t")]}',
    )
    a, b = app.queues
    assert (a.function, a.queue_name, a.dlq_name, a.fifo) == ("A", "shop-prod-t-A.fifo", "shop-prod-t-A-dlq.fifo", True)
    assert (a.max_receive_count, a.visibility_timeout_s, a.delay_s) == (5, 240, 2)
    assert (b.queue_name, b.dlq_name, b.fifo, b.max_receive_count, b.visibility_timeout_s) == (
        "shop-prod-t-B", "shop-prod-t-B-dlq", False, 3, 180)


def test_step_level_queue_infrastructure_applies_to_its_subscriptions(tmp_path: Path) -> None:
    app = build(tmp_path, a='''{"name": "A", "triggers": [queue("x"), queue("y", infrastructure={"queue": {"maxRetries": 9}})],
        "enqueues": ["x", "y"], "infrastructure": {"queue": {"type": "fifo", "max_retries": 4}}}''')
    assert [(q.topic, q.fifo, q.max_receive_count) for q in app.queues] == [("x", True, 4), ("y", True, 9)]


def test_routes_are_in_aws_form_and_sorted(tmp_path: Path) -> None:
    app = build(tmp_path, a='{"name": "A", "triggers": [http("post", "/o"), http("GET", "/o/:id/items/:item")]}')
    assert [(r.method, r.path, r.source_path) for r in app.routes] == [
        ("POST", "/o", "/o"), ("GET", "/o/{id}/items/{item}", "/o/:id/items/:item")]


def test_cron_with_day_of_month_and_week_makes_one_schedule_and_a_day_filter(tmp_path: Path) -> None:
    app = build(tmp_path, a='{"name": "A", "triggers": [cron("0 9 1 * MON"), cron("*/10 * * * *")]}')
    assert [(s.expression, s.schedule_name, s.day_filter) for s in app.schedules] == [
        ("cron(0 9 1 * ? *)", "shop-prod-A-cron0", ("weekday", (1,))),
        ("cron(0/10 * * * ? *)", "shop-prod-A-cron1", None),
    ]


def test_state_and_stream_triggers_and_tables(tmp_path: Path) -> None:
    app = build(tmp_path, a='''{"name": "A", "triggers": [state(condition=lambda i, c: True), stream("feed", item_id="x")]}''')
    assert [(t.function, t.has_condition) for t in app.state_triggers] == [("A", True)]
    assert [(t.stream, t.group_id, t.item_id) for t in app.stream_triggers] == [("feed", None, "x")]
    assert [(t.kind, t.table_name) for t in app.tables] == [("state", "shop-prod-state"), ("streams", "shop-prod-streams")]
    assert app.streams == ("feed",)


def test_functions_record_sizing_triggers_flows_and_enqueues(tmp_path: Path) -> None:
    app = build(tmp_path, a='''{"name": "A", "triggers": [http("GET", "/"), queue("t")], "enqueues": ["z", "t", Enqueue(topic="b")],
        "flows": ["f2", "f1"], "description": "d", "infrastructure": {"handler": {"ram": 256, "cpu": 1024, "timeout": 12}}}''')
    fn = app.function("A")
    assert (fn.function_name, fn.memory_mb, fn.timeout_s, fn.triggers) == ("shop-prod-A", 1769, 12, ("http", "queue"))
    assert (fn.enqueues, fn.flows, fn.description) == (("b", "t", "z"), ("f1", "f2"), "d")
    assert "cpu 1024" in fn.memory_reason


def test_same_project_builds_the_same_model(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/a_step.py": step_source('{"name": "A", "triggers": [queue("t"), cron("0 * * * *")], "enqueues": ["t"]}')})
    assert compile_project(tmp_path) == compile_project(tmp_path)


def test_fifo_subscriptions_take_one_message_per_invocation_so_receives_count_attempts(tmp_path: Path) -> None:
    app = build(
        tmp_path,
        fifo='{"name": "Fifo", "triggers": [queue("t", config={"type": "fifo", "max_retries": 4})]}',
        std='{"name": "Std", "triggers": [queue("t")]}',
    )
    assert {(q.function, q.batch_size) for q in app.queues} == {("Fifo", 1), ("Std", 10)}
