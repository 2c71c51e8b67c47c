"""When an EventBridge Scheduler expression fires (pure): `cron(...)` and `rate(...)`.

The emulator reads the AWS expressions the compiler emitted (the IR's `Schedule.expression`),
so what fires locally is what the translated schedule fires on AWS. AWS cron fields:
minute hour day-of-month month day-of-week year; day-of-week 1-7 with Sunday = 1; one of
day-of-month / day-of-week is `?`; `L`, `W` and `#` as in the EventBridge documentation.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from compiler.schedule_input import schedule_input
from compiler.ir import Schedule

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
SEARCH_DAYS = 366 * 5  # a valid expression fires within this; beyond means never (e.g. Feb 30)
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


class ScheduleError(ValueError):
    """An expression this matcher does not understand (the message names it)."""


@dataclass(frozen=True)
class CronSpec:
    """A parsed AWS cron expression; each field is the set of allowed values (None: any)."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # day-of-month numbers
    last_day: bool  # `L` in day-of-month
    weekday_near: int | None  # `nW`
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1-7, Sunday = 1
    last_weekday: int | None  # `nL` in day-of-week
    nth_weekday: tuple[int, int] | None  # `d#n`
    years: frozenset[int] | None


@dataclass(frozen=True)
class RateSpec:
    seconds: int


def _value(text: str, names: tuple[str, ...], first: int, source: str) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + first
    if not text.isdigit():
        raise ScheduleError(f"{source}: cannot read {text!r}")
    return int(text)


def _field(text: str, low: int, high: int, source: str, names: tuple[str, ...] = (), first: int = 0) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if step_text and not step_text.isdigit():
            raise ScheduleError(f"{source}: bad step in {item!r}")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, b = base.split("-", 1)
            start, end = _value(a, names, first, source), _value(b, names, first, source)
        else:
            start = _value(base, names, first, source)
            end = high if step_text else start
        if end < start:  # AWS allows wrap-around ranges such as FRI-MON
            values.update(range(start, high + 1, step))
            values.update(range(low, end + 1, step))
        else:
            values.update(range(start, end + 1, step))
    if not values or min(values) < low or max(values) > high:
        raise ScheduleError(f"{source}: {text!r} is outside {low}-{high}")
    return frozenset(values)


@functools.lru_cache(maxsize=256)  # pure: the plan and the scheduler ask for the same ones often
def parse(expression: str) -> CronSpec | RateSpec:
    """Parse an AWS schedule expression; raises ScheduleError naming what it cannot read."""
    rate = _RATE.match(expression.strip())
    if rate:
        unit = rate.group(2).rstrip("s")
        return RateSpec(int(rate.group(1)) * _UNIT_SECONDS[unit])
    cron = _CRON.match(expression.strip())
    if not cron:
        raise ScheduleError(f"{expression!r} is neither cron(...) nor rate(...)")
    fields = cron.group(1).split()
    if len(fields) != 6:
        raise ScheduleError(f"{expression!r}: AWS cron has 6 fields, found {len(fields)}")
    minute, hour, dom, month, dow, year = fields
    days, last_day, near = None, False, None
    if dom == "L":
        last_day = True
    elif dom.upper().endswith("W"):
        near = int(dom[:-1])
    elif dom not in ("?", "*"):
        days = _field(dom, 1, 31, expression)
    weekdays, last_weekday, nth = None, None, None
    if dow.upper().endswith("L") and len(dow) > 1:
        last_weekday = _value(dow[:-1], DAYS, 1, expression)
    elif "#" in dow:
        day, n = dow.split("#", 1)
        nth = (_value(day, DAYS, 1, expression), int(n))
    elif dow not in ("?", "*"):
        weekdays = _field(dow, 1, 7, expression, DAYS, 1)
    return CronSpec(
        minutes=_field(minute, 0, 59, expression),
        hours=_field(hour, 0, 23, expression),
        days=days,
        last_day=last_day,
        weekday_near=near,
        months=_field(month, 1, 12, expression, MONTHS, 1),
        weekdays=weekdays,
        last_weekday=last_weekday,
        nth_weekday=nth,
        years=None if year in ("*", "?") else _field(year, 1970, 2199, expression),
    )


def _aws_weekday(day: datetime) -> int:
    return (day.weekday() + 1) % 7 + 1  # Python Monday = 0 -> AWS Monday = 2, Sunday = 1


def _nearest_weekday(year: int, month: int, wanted: int) -> int:
    last = calendar.monthrange(year, month)[1]
    day = min(wanted, last)
    weekday = calendar.weekday(year, month, day)  # Monday = 0
    if weekday == 5:
        return day - 1 if day > 1 else day + 2
    if weekday == 6:
        return day + 1 if day < last else day - 2
    return day


def day_matches(spec: CronSpec, day: datetime) -> bool:
    """The date part of `spec` (year, month, day-of-month or day-of-week) holds on `day`."""
    if spec.years is not None and day.year not in spec.years:
        return False
    if day.month not in spec.months:
        return False
    last = calendar.monthrange(day.year, day.month)[1]
    if spec.last_day:
        return day.day == last
    if spec.weekday_near is not None:
        return day.day == _nearest_weekday(day.year, day.month, spec.weekday_near)
    if spec.days is not None:
        return day.day in spec.days
    weekday = _aws_weekday(day)
    if spec.last_weekday is not None:
        return weekday == spec.last_weekday and day.day + 7 > last
    if spec.nth_weekday is not None:
        wanted, n = spec.nth_weekday
        return weekday == wanted and (day.day - 1) // 7 + 1 == n
    return spec.weekdays is None or weekday in spec.weekdays


def next_fire(expression: str, after: datetime, timezone: str = "UTC", started: datetime | None = None) -> datetime | None:
    """The first fire time strictly after `after` (aware datetime), or None if it never fires.

    `rate(...)` counts from `started` (when the schedule was created), as EventBridge does.
    """
    spec = parse(expression)
    if isinstance(spec, RateSpec):
        origin = started or after
        elapsed = max(0.0, (after - origin).total_seconds())
        periods = int(elapsed // spec.seconds) + 1
        return origin + timedelta(seconds=periods * spec.seconds)
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone).replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = local.replace(hour=0, minute=0)
    for offset in range(SEARCH_DAYS):
        candidate_day = (day + timedelta(days=offset)) if offset else day
        if not day_matches(spec, candidate_day):
            continue
        for hour in sorted(spec.hours):
            for minute in sorted(spec.minutes):
                moment = candidate_day.replace(hour=hour, minute=minute)
                if moment >= local:
                    return moment
    return None


# A day filter passes at least one day in 31 (a weekday), or one month in 12 (a day of the
# month): enough fires are looked at to find the next runs of any schedule that has them.
MAX_SKIPPED_PER_RUN = 400


def next_invocations(schedule: Schedule, after: datetime, count: int) -> list[datetime]:
    """When the step's handler will run next, from what AWS runs: the schedule's expression,
    the day filter its input carries (checked as the function checks it), then the second
    offsets the function queues within each fired minute."""
    from lambda_runtime.adapters.schedule import on_motias_day

    event = schedule_input(schedule)
    found: list[datetime] = []
    # The minute holding `after` may still have ticks to come: search from just before it.
    moment: datetime | None = after.replace(second=0, microsecond=0) - timedelta(seconds=1)
    for _ in range(count * MAX_SKIPPED_PER_RUN):
        moment = next_fire(schedule.expression, moment, schedule.timezone) if moment else None
        if moment is None:
            break
        if not on_motias_day(event, moment.isoformat()):
            # The filter holds for whole days: skip the rest of this one, not minute by minute.
            moment = moment.replace(hour=23, minute=59)
            continue
        found.extend(t for t in (moment + timedelta(seconds=s) for s in schedule.seconds) if t > after)
        if len(found) >= count:
            break
    return found[:count]
