"""Fuzzed step configs of every API generation through `motia plan` and `motia plan --json`, in process.

Whatever the configs hold (odd names, tokens, huge or non-finite numbers, bad globs, configs
that contain themselves), the command answers as a command: no traceback, JSON that parses,
exit status 0, 1 or 2, and every error with its file, its step and a fix.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from compiler.cli import main

pytestmark = pytest.mark.slow  # about 10 s: in `make test`, not in `make test-fast`

# Bounded and derandomized, so a failure reproduces; FUZZ_EXAMPLES=1000 searches longer with
# fresh seeds.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))

NAMES = st.one_of(
    st.sampled_from(["A", "B", "a b", "a_b", "a.b", "a/b", "order.created", "order-created", "é", "x" * 120,
                     "${Token[TOKEN.12]}", "{{resolve:ssm:p}}", "", " "]),
    st.text(max_size=12),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40), st.integers(min_value=0, max_value=2000),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(), st.sampled_from(["10", "x"]),
)
PATHS = st.one_of(st.sampled_from(["/orders", "/orders/:id", "/a/{b}", "orders", "/", "//x", "/a b", "/%"]),
                  st.text(max_size=10))
METHODS = st.sampled_from(["GET", "post", "PATCH", "FETCH", "", "get "])
CRONS = st.sampled_from(["*/5 * * * *", "0 0 9 * * MON", "61 * * * *", "", "* * *", "0 0 * * * * 2030",
                         "@daily", "0 9 1 * MON"])
GLOBS = st.sampled_from(["data/*.json", "/etc/passwd", "../../**", "[", "a**b/x", "", "~/x", "C:\\x",
                         "../../../../../../*", "missing.txt", "**"])


class Src:
    """Python source for a value: step files are written as code, not as data."""

    def __init__(self, code: str) -> None:
        self.code = code


def literal(value: Any) -> str:
    if isinstance(value, Src):
        return value.code
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return repr(value)


def queue_settings(camel: bool) -> st.SearchStrategy[dict[str, Any]]:
    keys = (["maxRetries", "visibilityTimeout", "delaySeconds", "backoffDelayMs"] if camel
            else ["max_retries", "visibility_timeout", "delay_seconds", "backoff_delay_ms", "concurrency"])
    return st.fixed_dictionaries({}, optional={
        **{k: NUMBERS for k in keys}, "type": st.sampled_from(["fifo", "standard", "lifo", 3]),
    })


def constructor_triggers(topics: list[str]) -> st.SearchStrategy[Src]:
    """Motia 1.0.4: http()/queue()/cron()/state()/stream()."""
    return st.one_of(
        st.builds(lambda m, p: Src(f"http({m!r}, {p!r})"), METHODS, PATHS),
        st.builds(lambda t, c: Src(f"queue({t!r}, config={literal(c)})"), st.sampled_from(topics),
                  queue_settings(camel=False)),
        st.builds(lambda t, c: Src(f"queue({t!r}, condition={c})"), st.sampled_from(topics),
                  st.sampled_from(["5", "'x'", "lambda *a: True", "None"])),
        st.builds(lambda e: Src(f"cron({e!r})"), CRONS),
        st.just(Src("state()")),
        st.builds(lambda s, g: Src(f"stream({s!r}, group_id={g!r})"), NAMES, st.one_of(st.none(), NAMES)),
    )


def dict_triggers(topics: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Triggers written as dicts, with the rc's names (`api`, `event`, camelCase queue config)."""
    return st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from(["http", "api"]), "method": METHODS, "path": PATHS}),
        st.fixed_dictionaries({"type": st.sampled_from(["queue", "event"]), "topic": st.sampled_from(topics)},
                              optional={"config": queue_settings(camel=True)}),
        st.fixed_dictionaries({"type": st.just("cron"), "expression": CRONS}),
        st.fixed_dictionaries({"type": st.sampled_from(["state", "stream", "webhook", 7])},
                              optional={"stream_name": NAMES}),
    )


@st.composite
def step_config(draw: st.DrawFn, topics: list[str]) -> dict[str, Any]:
    generation = draw(st.sampled_from(["1.0.4", "1.0.0-rc", "0.x"]))
    config: dict[str, Any] = {"name": draw(NAMES)}
    if generation == "0.x":
        kind = draw(st.sampled_from(["api", "event", "cron", "noop"]))
        config.update({"type": kind, "emits": draw(st.lists(st.sampled_from(topics), max_size=2))})
        if kind == "api":
            config.update({"path": draw(PATHS), "method": draw(METHODS)})
        elif kind == "event":
            config["subscribes"] = draw(st.one_of(st.sampled_from(topics), st.lists(st.sampled_from(topics),
                                                                                  max_size=3)))
        elif kind == "cron":
            config["cron"] = draw(CRONS)
    else:
        triggers = constructor_triggers(topics) if generation == "1.0.4" else dict_triggers(topics)
        config["triggers"] = draw(st.lists(triggers, max_size=3))
        config["emits" if generation == "1.0.0-rc" else "enqueues"] = draw(st.lists(st.sampled_from(topics),
                                                                                   max_size=2))
    config.update(draw(st.fixed_dictionaries({}, optional={
        "infrastructure": st.fixed_dictionaries({}, optional={
            "handler": st.fixed_dictionaries({}, optional={"ram": NUMBERS, "timeout": NUMBERS, "cpu": NUMBERS})}),
        "include_files": st.lists(GLOBS, max_size=3),
        "description": NAMES,
        "flows": st.one_of(st.lists(NAMES, max_size=2), NAMES),
        "virtual_enqueues": st.lists(st.sampled_from(topics), max_size=2),
        "virtualSubscribes": st.lists(st.sampled_from(topics), max_size=2),
        "unknown_key": NUMBERS,
    })))
    return config


@st.composite
def project(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, Any]]:
    """Step files by path (each a config, sometimes one that contains itself, and a handler),
    and the name each config gives its step."""
    topics = draw(st.lists(NAMES, min_size=1, max_size=3))
    files, names = {}, {}
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        config = draw(step_config(topics))
        source = ("from motia import StepConfig, cron, http, queue, state, stream\n\n"
                  f"config = {literal(config)}\n")
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            source += "config['extra'] = [config]\n"
        source += "\n\nasync def handler(input, ctx):\n    return None\n"
        if draw(st.booleans()) and "triggers" in config and "type" not in config:
            # 1.0.4's StepConfig object instead of a dict
            arguments = ", ".join(f"{k}={literal(v)}" for k, v in config.items())
            source = source.replace(f"config = {literal(config)}\n", f"config = StepConfig({arguments})\n")
        files[f"steps/s{index}_step.py"] = source
        names[f"steps/s{index}_step.py"] = config["name"]
    return files, names


def is_name(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def run_plan(app_dir: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["plan", "--app-dir", str(app_dir), *extra])
    return status, out.getvalue(), err.getvalue()


@settings(max_examples=EXAMPLES, deadline=None, derandomize="FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(project())
def test_plan_answers_every_fuzzed_project_as_a_command(generated: tuple[dict[str, str], dict[str, Any]]) -> None:
    files, names = generated
    with tempfile.TemporaryDirectory() as tmp:
        app_dir = Path(tmp) / "fuzz"
        for relative, source in files.items():
            (app_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (app_dir / relative).write_text(source)
        (app_dir / "steps" / "data").mkdir()
        (app_dir / "steps" / "data" / "a.json").write_text("{}")

        status, out, err = run_plan(app_dir)
        assert status in (0, 1, 2), (status, out, err)
        assert "Traceback" not in out + err, out + err

        status_json, out_json, err_json = run_plan(app_dir, "--json")
        assert status_json == status
        assert "Traceback" not in out_json + err_json, err_json
        data = json.loads(out_json)
        assert data["ok"] is (status == 0)
        for diagnostic in data["diagnostics"]:
            if diagnostic["severity"] != "error":
                continue
            assert diagnostic["file"] in files, diagnostic
            assert diagnostic["hint"], diagnostic
            # A step is named whenever its config names it (`?` when the name itself is wrong).
            assert diagnostic["step"] or not is_name(names[diagnostic["file"]]), diagnostic
