from __future__ import annotations

from datetime import datetime, timezone

import pytest

from compiler.schedule_time import ScheduleError, next_fire


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(* * * * ? *)", "2026-03-02T10:15:30", "2026-03-02T10:16:00"),
    ("cron(0 * * * ? *)", "2026-03-02T10:15:00", "2026-03-02T11:00:00"),
    ("cron(0 8 ? * 2-6 *)", "2026-03-06T09:00:00", "2026-03-09T08:00:00"),  # Fri after 8 -> Mon
    ("cron(0 9 1 * ? *)", "2026-03-02T00:00:00", "2026-04-01T09:00:00"),
    ("cron(0 0 L * ? *)", "2026-02-10T00:00:00", "2026-02-28T00:00:00"),
    ("cron(30 12 ? * 6#2 *)", "2026-03-01T00:00:00", "2026-03-13T12:30:00"),  # second Friday
    ("cron(0/20 * * * ? *)", "2026-03-02T10:41:00", "2026-03-02T11:00:00"),
    ("cron(0 0 ? * SUN *)", "2026-03-02T00:00:00", "2026-03-08T00:00:00"),
])
def test_next_fire_of_aws_cron(expression: str, after: str, expected: str) -> None:
    assert next_fire(expression, _at(after)) == _at(expected)


def test_next_fire_honours_the_schedule_timezone() -> None:
    fired = next_fire("cron(0 9 * * ? *)", _at("2026-07-01T00:00:00"), "Europe/Paris")
    assert fired is not None and fired.astimezone(timezone.utc) == _at("2026-07-01T07:00:00")


def test_rate_counts_from_the_start() -> None:
    start = _at("2026-03-02T10:00:00")
    assert next_fire("rate(5 minutes)", _at("2026-03-02T10:07:00"), started=start) == _at("2026-03-02T10:10:00")


def test_rejects_unreadable_expressions() -> None:
    with pytest.raises(ScheduleError):
        next_fire("cron(* * * *)", _at("2026-03-02T10:00:00"))
    with pytest.raises(ScheduleError):
        next_fire("every minute", _at("2026-03-02T10:00:00"))


def test_never_firing_date_gives_none() -> None:
    assert next_fire("cron(0 0 30 2 ? *)", _at("2026-01-01T00:00:00")) is None
