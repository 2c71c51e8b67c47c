"""One test (at least) per rule of DESIGN.md 3.2, through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler import ir
from compiler.pipeline import compile_project
from compiler.validate import route_path_problem
from tests.compiler.projects import step_source, write_project


def compile_steps(root: Path, **configs: str) -> ir.Application:
    """Each keyword is a step file name (without _step.py) -> its config literal."""
    write_project(root, {f"steps/{name}_step.py": step_source(config) for name, config in configs.items()})
    return compile_project(root)


def messages(app: ir.Application, severity: str = "error") -> list[str]:
    return [d.message for d in app.diagnostics if d.severity == severity]


def test_rejects_duplicate_step_names_naming_both_files(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "Same", "triggers": []}', b='{"name": "Same", "triggers": []}')
    assert messages(app) == [
        "step name 'Same' is used by 2 steps (steps/a_step.py, steps/b_step.py)",
        "step name 'Same' is used by 2 steps (steps/a_step.py, steps/b_step.py)",
    ]
    assert {d.file for d in app.errors} == {"steps/a_step.py", "steps/b_step.py"}


def test_rejects_duplicate_routes_even_with_different_parameter_names(tmp_path: Path) -> None:
    app = compile_steps(
        tmp_path,
        a='{"name": "A", "triggers": [http("GET", "/orders/:id")]}',
        b='{"name": "B", "triggers": [http("get", "/orders/:orderId")]}',
    )
    assert len(app.errors) == 2
    assert "route GET /orders/:id is declared by 2 steps" in app.errors[0].message


def test_same_path_with_other_methods_is_fine(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [http("GET", "/o"), http("POST", "/o")]}')
    assert app.errors == ()


@pytest.mark.parametrize(("path", "problem"), [
    ("orders", "must start with '/'"),
    ("/orders//x", "has an empty segment ('//')"),
    ("/orders/:1d", "parameter ':1d' is not a name (use :name, letters, digits, _)"),
    ("/orders/a b", "segment 'a b' has characters a route cannot hold"),
    ("/", None), ("/orders/:id/items/*", None), ("/v1/{id}", None), ("/orders/", None),
    ("/" + "p" * 999, None),
    ("/" + "p" * 1000, "is 1001 characters long as API Gateway writes it (at most 1000)"),
    ("/" + "p" * 995 + "/:id", "is 1001 characters long as API Gateway writes it (at most 1000)"),
])
def test_route_path_problems(path: str, problem: str | None) -> None:
    assert route_path_problem(path) == problem


def test_rejects_bad_path_and_method(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [http("FETCH", "orders")]}')
    assert messages(app) == ["http method 'FETCH' is not supported", "http path 'orders' must start with '/'"]


def test_rejects_cron_that_does_not_parse_and_accepts_sub_minute_cron(tmp_path: Path) -> None:
    app = compile_steps(
        tmp_path,
        a='{"name": "A", "triggers": [cron("61 * * * *")]}',
        b='{"name": "B", "triggers": [cron("*/5 * * * * *")]}',
        c='{"name": "C", "triggers": [cron("60 * * * * *")]}',
    )
    assert [d.step for d in app.errors] == ["A", "C"]
    assert "61" in app.errors[0].message and "second value `60`" in app.errors[1].message
    assert app.errors[1].hint == "use a second within 0-59"


def test_warns_on_numeric_day_of_week_in_six_field_cron(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [cron("0 0 9 * * 1-5")]}')
    assert app.errors == () and any("MON-FRI" in m for m in messages(app, "warning"))


@pytest.mark.parametrize(("handler", "fragment"), [
    ('{"ram": 64}', "ram is 64 MB"),
    ('{"ram": 20000}', "ram is 20000 MB"),
    ('{"timeout": 0}', "timeout is 0 s"),
    ('{"timeout": 901}', "timeout is 901 s"),
    ('{"cpu": -1}', "cpu is -1"),
])
def test_rejects_memory_and_timeout_out_of_range(tmp_path: Path, handler: str, fragment: str) -> None:
    app = compile_steps(tmp_path, a=f'{{"name": "A", "triggers": [], "infrastructure": {{"handler": {handler}}}}}')
    assert [m for m in messages(app) if fragment in m], messages(app)


def test_warns_when_cpu_asks_for_more_than_lambdas_largest_size(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [], "infrastructure": {"handler": {"cpu": 8192}}}')
    assert messages(app, "warning") == ["cpu 8192 asks for 8 vCPU; Lambda's most is 6 vCPU at 10240 MB"]
    assert app.function("A").memory_mb == 10240


def test_warns_when_an_http_step_outlasts_api_gateway(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [http("GET", "/")], "infrastructure": {"handler": {"timeout": 60}}}')
    assert messages(app, "warning") == ["timeout 60 s is longer than API Gateway waits (30 s)"]


def test_rejects_explicit_visibility_timeout_below_function_timeout(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='''{"name": "A", "triggers": [queue("t", config={"visibility_timeout": 10})],
        "enqueues": ["t"], "infrastructure": {"handler": {"timeout": 60}}}''')
    (error,) = app.errors
    assert error.message == "queue('t'): visibility_timeout 10 s is shorter than the function timeout 60 s"
    assert "at least 60" in error.hint


@pytest.mark.parametrize(("queue_config", "fragment"), [
    ('{"max_retries": 0}', "max_retries is 0"),
    ('{"delay_seconds": 901}', "delay_seconds is 901"),
    ('{"visibility_timeout": 50000}', "visibility_timeout is 50000 s"),
])
def test_rejects_queue_settings_out_of_range(tmp_path: Path, queue_config: str, fragment: str) -> None:
    app = compile_steps(tmp_path, a=f'{{"name": "A", "triggers": [queue("t", config={queue_config})], "enqueues": ["t"]}}')
    assert [m for m in messages(app) if fragment in m], messages(app)


def test_rejects_two_subscriptions_to_one_topic_in_a_step(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [queue("t"), queue("t")], "enqueues": ["t"]}')
    assert "subscribes to topic 't' 2 times" in messages(app)


def test_warns_about_topics_without_subscribers_or_publishers(tmp_path: Path) -> None:
    app = compile_steps(
        tmp_path,
        a='{"name": "A", "triggers": [queue("nobody.sends")], "enqueues": ["nobody.listens"]}',
        b='{"name": "B", "triggers": [queue("external")]}',
        c='{"name": "C", "triggers": [], "virtual_enqueues": ["external"]}',
    )
    assert messages(app, "warning") == [
        "enqueues to topic 'nobody.listens', which no step subscribes to",
        "subscribes to topic 'nobody.sends', which no step enqueues",
    ]


def test_rejects_names_that_collide_once_cleaned_for_aws(tmp_path: Path) -> None:
    app = compile_steps(
        tmp_path,
        a='{"name": "A", "triggers": [queue("order.created")], "enqueues": ["order.created", "order-created"]}',
        b='{"name": "B", "triggers": [queue("order-created")]}',
    )
    collisions = [d for d in app.errors if "map to the same AWS name" in d.message]
    assert collisions and "topic 'order-created' and topic 'order.created'" in collisions[0].message


def test_rejects_the_same_stream_trigger_twice_in_a_step(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [stream("s", group_id="g"), stream("s", group_id="g"), stream("s")]}')
    assert messages(app) == ["has 2 stream triggers on s / g"]


def test_warns_when_more_than_two_steps_read_one_table_stream(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, **{n: f'{{"name": "{n.upper()}", "triggers": [state()]}}' for n in "abc"})
    assert messages(app, "warning") == ["3 steps read the state table's stream (A, B, C)"]


def test_warns_that_streaming_http_is_buffered(tmp_path: Path) -> None:
    write_project(tmp_path, {"steps/s_step.py": """
        config = {"name": "S", "triggers": [http("GET", "/sse")]}
        async def handler(args: MotiaHttpArgs, ctx):
            args.response.writer.stream.write(b"data: 1\\n\\n")
    """})
    app = compile_project(tmp_path)
    assert messages(app, "warning") == ["the handler streams its HTTP response (args.response.writer)"]
    assert app.function("S").streaming_http


def test_rejects_include_files_that_match_nothing(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/data/prices.json": "{}",
        "steps/a_step.py": step_source('{"name": "A", "triggers": [], "include_files": ["data/*.json", "missing.txt"]}'),
    })
    app = compile_project(tmp_path)
    assert messages(app) == ["include_files entry 'missing.txt' matches no file in the project"]
    assert app.functions == ()  # a step with an error is left out of the model


def test_reports_every_problem_of_a_bad_project_in_one_run(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "steps/syntax_step.py": "config = {\n",
        "steps/a_step.py": step_source('{"name": "Dup", "triggers": [http("GET", "/x"), cron("not a cron")]}'),
        "steps/b_step.py": step_source('{"name": "Dup", "triggers": [http("GET", "/x"), queue("t", config={"maxRetry": 1})]}'),
    })
    app = compile_project(tmp_path)
    text = "\n".join(messages(app))
    for expected in ("syntax error", "step name 'Dup' is used by 2 steps", "route GET /x is declared by 2 steps",
                     "cron expression `not a cron`"):
        assert expected in text
    assert "unknown key 'maxRetry' in triggers[1].config is ignored" in messages(app, "warning")


def test_warns_on_camel_case_queue_config_keys_that_motia_ignores(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='''{"name": "A", "enqueues": ["t"],
        "triggers": [queue("t", config={"maxRetries": 5, "backoffDelayMs": 100, "concurrency": 2})]}''')
    assert app.queues[0].max_receive_count == 5 and app.queues[0].backoff_ms == 100  # honoured here
    warnings = [d for d in app.warnings if "Motia ignores" in d.message]
    assert [(d.step, d.message) for d in warnings] == [
        ("A", "queue('t'): config key 'backoffDelayMs' is honoured here, but Motia ignores it"),
        ("A", "queue('t'): config key 'maxRetries' is honoured here, but Motia ignores it"),
    ]
    assert "'max_retries'" in warnings[1].hint and warnings[1].file == "steps/a_step.py"


def test_snake_case_queue_config_keys_give_no_warning(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='''{"name": "A", "enqueues": ["t"],
        "triggers": [queue("t", config={"max_retries": 5, "backoff_type": "exponential", "concurrency": 1})]}''')
    assert messages(app, "warning") == []


def test_warns_that_a_backoff_type_other_than_exponential_is_not_applied(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "enqueues": ["t"], "triggers": [queue("t", config={"backoff_type": "fixed"})]}')
    assert messages(app, "warning") == ["queue('t'): backoff_type 'fixed' is not applied"]


@pytest.mark.parametrize(("queue_config", "fragment"), [
    ('{"concurrency": 0}', "concurrency is 0"),
    ('{"concurrency": 1001}', "concurrency is 1001"),
    ('{"backoff_delay_ms": -1}', "backoff_delay_ms is -1"),
])
def test_rejects_concurrency_and_backoff_out_of_range(tmp_path: Path, queue_config: str, fragment: str) -> None:
    app = compile_steps(tmp_path, a=f'{{"name": "A", "enqueues": ["t"], "triggers": [queue("t", config={queue_config})]}}')
    assert [m for m in messages(app) if fragment in m] == [f"queue('t'): {fragment}"]


def test_rejects_queue_settings_whose_messages_would_expire_before_the_dead_letter_queue(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='''{"name": "A", "enqueues": ["t"], "triggers": [queue("t", config={
        "max_retries": 40, "visibility_timeout": 43200})]}''')
    [error] = [m for m in messages(app) if "to reach the dead-letter queue" in m]
    assert error.startswith("queue('t'): a message can take") and "40 attempts of 43200 s" in error


def test_rejects_a_condition_that_is_not_a_function(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "A", "triggers": [http("GET", "/a"), http("GET", "/b", condition=42)]}')
    assert "triggers[1] (http): condition is 42, not a function" in messages(app)


def test_a_legacy_subscribes_written_as_one_string_is_one_topic(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"type": "event", "name": "A", "subscribes": "orders", "emits": []}')
    assert [q.topic for q in app.queues] == ["orders"]


def test_rejects_a_function_whose_configuration_would_not_fit_lambdas_environment(tmp_path: Path) -> None:
    topics = [f"topic.with.a.rather.long.name.number.{i:03d}" for i in range(60)]
    app = compile_steps(tmp_path, a=f'{{"name": "A", "triggers": [http("GET", "/a")], "enqueues": {topics!r}}}',
                        b=f'{{"name": "B", "triggers": [queue(t) for t in {topics!r}]}}')
    errors = [d for d in app.errors if "environment limit" in d.message]
    # A lists 60 topic ARNs, B 60 queues with their retries: neither fits in 4 KB
    assert [d.step for d in errors] == ["A", "B"]
    assert all("MOTIA_FUNCTION" in d.message and "4096-byte" in d.message and d.hint for d in errors)


def test_accepts_a_step_and_a_topic_of_one_name_each_service_names_its_own(tmp_path: Path) -> None:
    app = compile_steps(tmp_path, a='{"name": "order.created", "triggers": [queue("order-created")], '
                                    '"enqueues": ["order-created"]}')
    assert messages(app) == []
    assert app.function("order.created").function_name == app.topics[0].sns_name  # a Lambda and a topic


def test_rejects_a_topic_name_longer_than_its_stack_output_may_describe(tmp_path: Path) -> None:
    long_topic, fine = "t" * 993, "u" * 992
    app = compile_steps(tmp_path, a=f'{{"name": "A", "triggers": [queue("{long_topic}"), queue("{fine}")], '
                                    f'"enqueues": ["{long_topic}", "{fine}"]}}')
    assert messages(app) == [f"topic {long_topic[:40]!r}... is 993 characters long"]
    assert app.errors[0].step == "A" and "at most 992 characters" in app.errors[0].hint
