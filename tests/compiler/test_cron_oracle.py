"""Property: the times a Motia cron's handler runs, computed from the AWS parts the compiler
emits (expression, second offsets, runtime day filter), equal croniter's for the Motia
expression (`day_or=False`: both day fields must match, as in Motia's engines)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from croniter import croniter
from hypothesis import HealthCheck, given, settings, strategies as st

from compiler.cron import translate_cron
from compiler.ir import Schedule
from compiler.schedule_time import next_invocations

RUNS_COMPARED = 12  # per expression: enough to cross minutes, days and months for sparse ones
HORIZON = timedelta(days=366)  # runs later than a year after the start are not compared
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def _term(lo: int, hi: int, names: tuple[str, ...], first: int) -> st.SearchStrategy[str]:
    def show(value: int, use_name: bool) -> str:
        return names[value - first] if use_name and names and 0 <= value - first < len(names) else str(value)

    value = st.integers(lo, hi)
    step = st.integers(1, max(1, hi - lo))
    single = st.builds(show, value, st.booleans())
    # `a-a` is left out: croniter reads it as `*` (see the test below); Motia as `a`.
    span = (st.tuples(value, value, st.booleans()).filter(lambda t: t[0] != t[1])
            .map(lambda t: (min(t[0], t[1]), max(t[0], t[1]), t[2])))
    ranged = span.map(lambda t: f"{show(t[0], t[2])}-{show(t[1], t[2])}")
    stepped_range = st.tuples(span, step).map(lambda t: f"{t[0][0]}-{t[0][1]}/{t[1]}")
    open_step = st.tuples(value, step).map(lambda t: f"{t[0]}/{t[1]}")
    return st.one_of(single, ranged, stepped_range, open_step)


def _field(lo: int, hi: int, names: tuple[str, ...] = (), first: int = 0, star_weight: int = 2) -> st.SearchStrategy[str]:
    listed = st.lists(_term(lo, hi, names, first), min_size=1, max_size=3).map(",".join)
    star = st.one_of(st.just("*"), st.integers(1, max(1, hi - lo)).map(lambda n: f"*/{n}"))
    return st.one_of(*([star] * star_weight), listed)


# Day-of-week 0-6 (croniter and Motia's documentation agree on Sunday = 0; 7 is compared apart).
motia_expressions = st.one_of(
    st.tuples(_field(0, 59), _field(0, 23), _field(1, 28, star_weight=4), _field(1, 12, MONTHS, 1),
              _field(0, 6, DAYS, 0, star_weight=4)).map(" ".join),
    st.tuples(_field(0, 59), _field(0, 59), _field(0, 23), _field(1, 28, star_weight=4), _field(1, 12, MONTHS, 1),
              _field(0, 6, DAYS, 0, star_weight=4)).map(" ".join),
    st.tuples(_field(0, 59), _field(0, 59), _field(0, 23), _field(1, 28, star_weight=4), _field(1, 12, MONTHS, 1),
              _field(0, 6, DAYS, 0, star_weight=4), st.sampled_from(["*", "2027", "2026-2028", "2027,2029"])).map(" ".join),
)
starts = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)).map(lambda d: d.replace(microsecond=0, tzinfo=timezone.utc))


def aws_runs(motia: str, start: datetime) -> list[datetime]:
    translation = translate_cron(motia)
    [expression] = translation.expressions
    schedule = Schedule(function="S", source=motia, expression=expression, schedule_name="s",
                        day_filter=translation.day_filter, seconds=translation.seconds,
                        tick_queue="q" if translation.seconds != (0,) else None)
    return [t for t in next_invocations(schedule, start, RUNS_COMPARED) if t - start <= HORIZON]


def oracle_runs(motia: str, start: datetime) -> list[datetime]:
    runs = croniter(motia, start, day_or=False, second_at_beginning=len(motia.split()) >= 6)
    found: list[datetime] = []
    for _ in range(RUNS_COMPARED):
        try:
            moment = runs.get_next(datetime)
        except Exception:  # croniter gives up on a schedule that never fires again (a past year)
            break
        if moment - start > HORIZON:
            break
        found.append(moment)
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(motia_expressions, starts)
def test_aws_parts_run_the_handler_when_croniter_runs_the_motia_cron(motia: str, start: datetime) -> None:
    assert aws_runs(motia, start) == oracle_runs(motia, start), motia


def test_sunday_seven_is_sunday_in_five_fields_as_croniter_says() -> None:
    start = datetime(2026, 11, 28, tzinfo=timezone.utc)
    assert aws_runs("0 9 * * 7", start) == oracle_runs("0 9 * * 7", start)


def test_a_one_value_range_is_that_value_where_croniter_reads_every_value() -> None:
    # A real oracle difference: croniter 7 treats `3-3` as `*`; Motia's engine (a range from 3
    # to 3) and the AWS expression we emit select Wednesday only.
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)  # a Thursday
    assert translate_cron("0 9 * * 3-3").expressions == ("cron(0 9 ? * 4 *)",)
    assert aws_runs("0 9 * * 3-3", start)[0] == datetime(2026, 1, 7, 9, tzinfo=timezone.utc)
    assert oracle_runs("0 9 * * 3-3", start)[0] == datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
