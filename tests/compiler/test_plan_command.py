"""`motia plan`: exit statuses, the text, and the --json fields scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.cli import main
from tests.conftest import EXAMPLES, FIXTURE_PROJECTS, REPO


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["plan", *args])
    return status, capsys.readouterr().out


def test_plan_prints_a_table_per_resource_kind(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = plan(capsys, "--app-dir", str(EXAMPLES / "orders"))
    assert status == 0
    for title in ("Functions", "HTTP routes", "Topics (SNS)", "Queue subscriptions", "Schedules", "Tables"):
        assert title in out
    assert "GET     /orders/{id}    GetOrder" in out
    assert "ChargePayment: memory raised from ram 512 MB" in out


def test_plan_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = plan(capsys, "--app-dir", str(EXAMPLES / "orders"), "--json")
    data = json.loads(out)
    assert status == 0 and data["ok"] is True and data["schema_version"] == 1
    required = {
        "functions": {"name", "function_name", "file", "memory_mb", "timeout_s", "triggers"},
        "routes": {"method", "path", "function"},
        "topics": {"name", "fifo", "publishers", "subscribers"},
        "queues": {"topic", "function", "queue_name", "fifo", "dlq_name", "max_receive_count",
                   "visibility_timeout_s", "delay_s"},
        "schedules": {"function", "source", "expression"},
        "state_triggers": {"function"},
        "stream_triggers": {"function", "stream", "group_id", "item_id"},
    }
    for section, fields in required.items():
        assert data[section], section
        for entry in data[section]:
            assert fields <= set(entry), (section, fields - set(entry))
    assert {"path": "/orders/{id}", "method": "GET", "function": "GetOrder"}.items() <= data["routes"][2].items()
    assert data["diagnostics"] == []


def test_fails_with_exit_1_and_still_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = plan(capsys, "--app-dir", str(FIXTURE_PROJECTS / "broken"), "--json")
    data = json.loads(out)
    assert status == 1 and data["ok"] is False
    assert {"severity", "file", "step", "message"} <= set(data["diagnostics"][0])
    assert sum(d["severity"] == "error" for d in data["diagnostics"]) == 7


def test_fails_with_exit_1_listing_every_error_with_its_fix(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = plan(capsys, "--app-dir", str(FIXTURE_PROJECTS / "broken"))
    assert status == 1
    lines = out.splitlines()
    assert sum(line.startswith("error: ") for line in lines) == 7
    assert sum(line.strip().startswith("fix: ") for line in lines) == 9
    assert "steps/syntax_step.py:5: syntax error" in out
    assert "7 errors and 2 warnings" in out


def test_rejects_missing_app_dir_with_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["plan", "--app-dir", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_rejects_unknown_option_with_exit_2() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plan", "--bogus"])
    assert exited.value.code == 2


def test_console_script_runs_without_traceback_on_a_broken_project() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "compiler", "plan", "--app-dir", str(FIXTURE_PROJECTS / "broken")],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr


def test_stage_and_app_name_prefix_every_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = plan(capsys, "--app-dir", str(EXAMPLES / "orders"), "--stage", "prod", "--app-name", "shop", "--json")
    names = [f["function_name"] for f in json.loads(out)["functions"]]
    assert status == 0 and all(n.startswith("shop-prod-") for n in names)


def test_plan_json_gives_each_schedule_its_next_ten_runs_from_what_aws_runs(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from compiler.commands.plan import plan_json
    from compiler.pipeline import compile_project
    from tests.compiler.projects import step_source, write_project

    write_project(tmp_path, {"steps/a_step.py": step_source('{"name": "A", "triggers": [cron("30 9 1 * MON")]}')})
    data = json.loads(plan_json(compile_project(tmp_path), datetime(2026, 11, 28, tzinfo=timezone.utc)))
    [schedule] = data["schedules"]
    assert schedule["day_filter"] == ["weekday", [1]]
    # 09:30 on a 1st that is a Monday (Motia's AND), the next ten from 2026-11-28
    assert schedule["next_fires"][:4] == ["2027-02-01T09:30:00Z", "2027-03-01T09:30:00Z", "2027-11-01T09:30:00Z",
                                          "2028-05-01T09:30:00Z"]
    assert len(schedule["next_fires"]) == 10


def test_plan_json_carries_the_seconds_and_next_runs_with_their_seconds(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from compiler.commands.plan import plan_json
    from compiler.pipeline import compile_project
    from tests.compiler.projects import step_source, write_project

    write_project(tmp_path, {"steps/a_step.py": step_source('{"name": "A", "triggers": [cron("15,45 */2 * * * *")]}')})
    data = json.loads(plan_json(compile_project(tmp_path), datetime(2026, 11, 28, 10, 0, 20, tzinfo=timezone.utc)))
    [schedule] = data["schedules"]
    assert (schedule["expression"], schedule["seconds"], schedule["day_filter"]) == ("cron(0/2 * * * ? *)", [15, 45], None)
    assert schedule["tick_queue"].endswith("-A-ticks")
    # 10:00:15 has passed; the minute's 45th second has not
    assert schedule["next_fires"][:4] == ["2026-11-28T10:00:45Z", "2026-11-28T10:02:15Z", "2026-11-28T10:02:45Z",
                                          "2026-11-28T10:04:15Z"]
    assert len(schedule["next_fires"]) == 10


def test_plan_shows_each_schedules_seconds_and_next_runs_with_seconds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.compiler.projects import step_source, write_project

    write_project(tmp_path, {"steps/a_step.py": step_source('{"name": "A", "triggers": [cron("*/5 * * * * *")]}')})
    status, out = plan(capsys, "--app-dir", str(tmp_path))
    assert status == 0 and "0,5,10,15,20,25,30,35,40,45,50,55" in out
    [runs] = [line for line in out.splitlines() if "next runs (UTC)" in line]
    times = runs.split("next runs (UTC) ")[1].split(", ")
    assert len(times) == 5 and all(len(t) == len("2026-11-28 10:00:05") and int(t[-2:]) % 5 == 0 for t in times)


def test_every_cron_form_of_both_step_styles_plans_without_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = plan(capsys, "--app-dir", str(FIXTURE_PROJECTS / "sub_minute_crons"), "--json")
    data = json.loads(out)
    assert status == 0 and data["ok"] is True
    assert sorted(s["source"] for s in data["schedules"]) == sorted([
        "*/5 * * * * *", "0/30 * * * * *", "0/30 * * * * *", "5 * * * * *", "5 * * * * * *", "15,45 */2 * * * *", "0 9 1 * MON"])
    assert all(len(s["next_fires"]) == 10 for s in data["schedules"])
