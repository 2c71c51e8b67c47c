"""`motia logs`: lines parsed and rendered (pure), and the command against moto's CloudWatch Logs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest

from compiler.cli import main
from compiler.errors import UsageError
from compiler.operate.logs import LogLine, follow, parse_event, render, since_ms
from tests.compiler.operate_stage import REGION, create_stack, moto_server, step_function

APP = "shoplogs"  # a name of its own: moto servers of one process share their state
STACK = f"{APP}-dev"
TRACE = "6f1c0a1e-0000-4000-8000-000000000001"
NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)


def _ours(ms: int, step: str, message: str, trace: str = TRACE, level: str = "info", **extra: Any) -> str:
    return json.dumps({"level": level, "time": ms, "message": message, "step": step, "trace_id": trace, **extra})


def test_parses_our_loggers_lines_and_keeps_other_lines_as_they_are() -> None:
    line = parse_event("Create", {"timestamp": 5, "eventId": "e1", "message": _ours(7, "Create", "saved", data={"id": 1}) + "\n"})
    assert line == LogLine(7, "Create", "info", "saved", TRACE, {"data": {"id": 1}}, "e1")
    printed = parse_event("Create", {"timestamp": 9, "message": "Traceback (most recent call last):"})
    assert printed is not None and (printed.level, printed.message, printed.timestamp_ms) == ("", "Traceback (most recent call last):", 9)
    assert parse_event("Create", {"timestamp": 1, "message": '{"not": "ours"}'}).message == '{"not": "ours"}'  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["START RequestId: 1 Version: $LATEST", "END RequestId: 1", "REPORT RequestId: 1\tDuration: 2 ms"])
def test_leaves_out_lambdas_own_lines(text: str) -> None:
    assert parse_event("Create", {"timestamp": 1, "message": text}) is None


def test_renders_like_motia_dev_with_time_and_trace() -> None:
    stamp = int(NOW.timestamp() * 1000) + 250
    text = render(LogLine(stamp, "Create", "warn", "slow", TRACE, {"data": {"ms": 900}}))
    assert text == '12:00:00.250 Create               warn  slow {"ms": 900}  [6f1c0a1e]'
    failed = render(LogLine(stamp, "Create", "error", "boom", "", {"stack": "Traceback\n  line 1"}))
    assert failed.splitlines() == ["12:00:00.250 Create               error boom", "        Traceback", "          line 1"]


@pytest.mark.parametrize(("text", "ago_s"), [("10m", 600), ("2h", 7200), ("1d", 86400), ("30s", 30), (" 1w ", 604800)])
def test_reads_since_as_a_duration(text: str, ago_s: int) -> None:
    assert since_ms(text, NOW) == int(NOW.timestamp() * 1000) - ago_s * 1000


def test_reads_since_as_a_time_in_utc() -> None:
    assert since_ms("2026-11-28T11:00:00Z", NOW) == since_ms("2026-11-28T11:00:00", NOW) == int(NOW.timestamp() * 1000) - 3_600_000


@pytest.mark.parametrize("text", ["yesterday", "10 minutes", "-5m", ""])
def test_rejects_a_since_that_is_neither_duration_nor_time(text: str) -> None:
    with pytest.raises(UsageError, match="--since .* e.g. 10m"):
        since_ms(text, NOW)


def test_follow_shows_each_new_line_once_in_order() -> None:
    batches = [[LogLine(1, "A", "info", "one", event_id="1")],
               [LogLine(1, "A", "info", "one", event_id="1"), LogLine(2, "B", "info", "two", event_id="2")],
               [LogLine(3, "A", "info", "three", event_id="3")]]
    asked: list[int] = []
    shown: list[str] = []

    def read(since: int) -> list[LogLine]:
        asked.append(since)
        return batches[len(asked) - 1]

    follow(read, lambda line: shown.append(line.message), 0, keep_going=lambda: len(asked) < 3, sleep=lambda _s: None)
    assert shown == ["one", "two", "three"] and asked == [0, 1, 2]


# --- the command against a moto server -------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    now = int(datetime.now(timezone.utc).timestamp() * 1000)
    written = {
        "Create": [(now - 3000, "START RequestId: 1 Version: $LATEST"), (now - 3000, _ours(now - 3000, "Create", "order received")),
                   (now - 1000, _ours(now - 1000, "Create", "other", trace="another-trace"))],
        "Charge": [(now - 2000, _ours(now - 2000, "Charge", "charged", data={"amount": 5})), (now - 1500, "a print")],
        "Idle": [(now - 9000, _ours(now - 9000, "Idle", "card declined", trace="t-idle", level="error")),
                 (now - 8000, _ours(now - 8000, "Idle", "no error here", trace="t-idle")),
                 (now - 7000, "[ERROR] Runtime.ImportModuleError: Unable to import module 'entry'")],
    }
    with moto_server() as url:
        create_stack(url, STACK, {f"{step}Function": step_function(STACK, step) for step in ("Create", "Charge", "Idle", "Report")})
        logs = boto3.client("logs", region_name=REGION, endpoint_url=url)
        for step, events in written.items():
            group = f"/aws/lambda/{STACK}-{step}"
            logs.create_log_group(logGroupName=group)
            logs.create_log_stream(logGroupName=group, logStreamName="s")
            logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[{"timestamp": t, "message": m} for t, m in events])
        yield url


def _run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str, app_dir: Path) -> tuple[int, str, str]:
    status = main(["logs", *args, "--app-dir", str(app_dir), "--app-name", APP, "--endpoint-url", endpoint, "--region", REGION])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.slow
def test_merges_every_steps_lines_in_time_order(endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, endpoint, "--json", app_dir=tmp_path)
    lines = [json.loads(text) for text in out.splitlines()]
    assert status == 0 and [(x["step"], x["message"]) for x in lines][-4:] == [
        ("Create", "order received"), ("Charge", "charged"), ("Charge", "a print"), ("Create", "other")]
    assert lines[-3]["data"] == {"amount": 5} and lines[-4]["trace_id"] == TRACE
    status, text, _ = _run(capsys, endpoint, "Charge", app_dir=tmp_path)
    assert status == 0 and text.splitlines()[0].endswith(f'Charge               info  charged {{"amount": 5}}  [{TRACE[:8]}]')
    assert "Create" not in text


@pytest.mark.slow
def test_follows_one_trace_through_every_step(endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, endpoint, "--trace", TRACE, "--json", app_dir=tmp_path)
    assert status == 0 and [json.loads(x)["message"] for x in out.splitlines()] == ["order received", "charged"]


@pytest.mark.slow
def test_fails_with_the_steps_it_has_when_a_step_is_unknown(endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, endpoint, "Nope", app_dir=tmp_path)
    assert status == 2 and "no step named 'Nope'" in err and "Charge, Create, Idle, Report" in err
    status, _, err = _run(capsys, endpoint, "--stage", "prod", app_dir=tmp_path)
    assert status == 1 and f"stack {APP}-prod does not exist" in err
    status, _, err = _run(capsys, endpoint, "Report", "--since", "1h", app_dir=tmp_path)  # no log group yet: no lines, no error
    assert status == 0 and "no log lines since 1h in Report" in err


@pytest.mark.slow
def test_last_errors_are_each_steps_newest_error_line(endpoint: str) -> None:
    from compiler.deploy.aws import AwsTarget, connect
    from compiler.operate.logs import last_errors

    groups = {step: f"/aws/lambda/{STACK}-{step}" for step in ("Create", "Charge", "Idle", "Report")}
    found = last_errors(connect(AwsTarget(REGION, endpoint)), groups, 0)
    assert {step: line.message for step, line in found.items()} == {
        "Idle": "[ERROR] Runtime.ImportModuleError: Unable to import module 'entry'"}


class _LiveTail:
    """A logs client whose StartLiveTail answers a recorded session (or refuses, as an emulator does)."""

    def __init__(self, events: list[dict[str, Any]] | None) -> None:
        self.events, self.asked = events, []  # type: list[dict[str, Any]] | None, list[dict[str, Any]]

    def start_live_tail(self, **kwargs: Any) -> dict[str, Any]:
        self.asked.append(kwargs)
        if self.events is None:
            raise RuntimeError("Could not connect to the endpoint URL: http://stream-127.0.0.1/")
        return {"responseStream": iter(self.events)}


def _clients_with(logs: Any) -> Any:
    from compiler.deploy.aws import AwsTarget, Clients

    return Clients(AwsTarget("eu-west-1"), "eu-west-1", None, None, None, None, logs=logs)


def test_live_tail_shows_each_session_line_under_its_step() -> None:
    from compiler.operate.logs import live_tail

    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/shop-dev-Create"
    session = [{"sessionStart": {}}, {"sessionUpdate": {"sessionResults": [
        {"logGroupIdentifier": arn, "timestamp": 10, "message": _ours(11, "", "hello")},
        {"logGroupIdentifier": arn, "timestamp": 12, "message": "END RequestId: 1"},
        {"logGroupIdentifier": arn, "timestamp": 13, "message": _ours(14, "", "other trace", trace="x")},
    ]}}]
    logs = _LiveTail(session)
    shown: list[LogLine] = []
    newest = live_tail(_clients_with(logs), {"Create": "/aws/lambda/shop-dev-Create"}, "111122223333", TRACE, shown.append)
    assert [(line.step, line.message) for line in shown] == [("Create", "hello")] and newest == 11
    assert logs.asked == [{"logGroupIdentifiers": [arn], "logEventFilterPattern": f'"{TRACE}"'}]


def test_live_tail_gives_way_to_polling_when_no_session_starts() -> None:
    from compiler.operate.logs import live_tail

    shown: list[LogLine] = []
    assert live_tail(_clients_with(_LiveTail(None)), {"A": "/aws/lambda/a"}, "1", None, shown.append) == 0 and not shown
    too_many = {f"S{n}": f"/aws/lambda/s{n}" for n in range(11)}  # over StartLiveTail's 10 groups
    logs = _LiveTail([])
    assert live_tail(_clients_with(logs), too_many, "1", None, shown.append) == 0 and logs.asked == []
