"""Motia cron -> EventBridge Scheduler cron translation tables (DESIGN.md 3.1)."""

from __future__ import annotations

import pytest

from compiler.cron import CronError, CronTranslation, translate_cron

# (Motia expression, expected EventBridge Scheduler expressions)
TRANSLATIONS: list[tuple[str, tuple[str, ...]]] = [
    # every minute; both day fields unrestricted -> dom `*`, dow `?`
    ("* * * * *", ("cron(* * * * ? *)",)),
    ("0 * * * *", ("cron(0 * * * ? *)",)),
    ("* * ? * ?", ("cron(* * * * ? *)",)),
    # minutes and hours: lists, ranges, steps
    ("0,15,30,45 * * * *", ("cron(0,15,30,45 * * * ? *)",)),
    ("0-10 8-17 * * *", ("cron(0-10 8-17 * * ? *)",)),
    ("*/5 * * * *", ("cron(0/5 * * * ? *)",)),
    ("*/1 * * * *", ("cron(* * * * ? *)",)),
    ("5/10 */2 * * *", ("cron(5/10 0/2 * * ? *)",)),
    ("0 1-10/3 * * *", ("cron(0 1,4,7,10 * * ? *)",)),
    ("*/20,7 * * * *", ("cron(0,7,20,40 * * * ? *)",)),
    ("0-2,30-40/5 * * * *", ("cron(0-2,30,35,40 * * * ? *)",)),
    ("05 09 * * *", ("cron(5 9 * * ? *)",)),
    # day-of-month and month, names as numbers
    ("0 0 1 * *", ("cron(0 0 1 * ? *)",)),
    ("0 0 1,15 * *", ("cron(0 0 1,15 * ? *)",)),
    ("0 0 */2 * *", ("cron(0 0 1/2 * ? *)",)),
    ("0 0 1 JAN *", ("cron(0 0 1 1 ? *)",)),
    ("0 0 1 jan-mar *", ("cron(0 0 1 1-3 ? *)",)),
    ("0 0 1 JAN,Jul,dec *", ("cron(0 0 1 1,7,12 ? *)",)),
    ("0 0 1 */3 *", ("cron(0 0 1 1/3 ? *)",)),
    ("0 0 1 FEB-DEC/5 *", ("cron(0 0 1 2,7,12 ? *)",)),
    ("0 0 L * *", ("cron(0 0 L * ? *)",)),
    ("0 0 15W * ?", ("cron(0 0 15W * ? *)",)),
    # `?` placement both ways
    ("0 12 10 * ?", ("cron(0 12 10 * ? *)",)),
    ("0 12 ? * MON", ("cron(0 12 ? * 2 *)",)),
    ("0 12 * * MON", ("cron(0 12 ? * 2 *)",)),
    # both day fields restricted: Motia fires when both match -> one schedule (see the filter tests)
    ("0 9 1 * MON", ("cron(0 9 1 * ? *)",)),
    ("0 9 1-7 * 1-5", ("cron(0 9 1-7 * ? *)",)),
    # day names (emitted as AWS numbers, Sun = 1)
    ("0 9 * * MON-FRI", ("cron(0 9 ? * 2-6 *)",)),
    ("0 9 * * sun,sat", ("cron(0 9 ? * 1,7 *)",)),
    ("0 9 * * SUN-SAT", ("cron(0 9 ? * 1-7 *)",)),
    ("0 9 * * MON,WED,THU", ("cron(0 9 ? * 2,4,5 *)",)),
    # numeric day-of-week, Sunday = 0 or 7
    ("0 9 * * 1-5", ("cron(0 9 ? * 2-6 *)",)),
    ("0 9 * * 0", ("cron(0 9 ? * 1 *)",)),
    ("0 9 * * 7", ("cron(0 9 ? * 1 *)",)),
    ("0 9 * * 0,7", ("cron(0 9 ? * 1 *)",)),
    ("0 9 * * 6", ("cron(0 9 ? * 7 *)",)),
    ("0 9 * * 0-7", ("cron(0 9 ? * 1-7 *)",)),
    # Fri..Sun wraps past Saturday: ascending AWS numbers, a list when not contiguous
    ("0 9 * * 5-7", ("cron(0 9 ? * 1,6,7 *)",)),
    ("0 9 * * 4-7", ("cron(0 9 ? * 1,5-7 *)",)),
    ("0 9 * * 0-2", ("cron(0 9 ? * 1-3 *)",)),
    ("0 9 * * 1,2", ("cron(0 9 ? * 2,3 *)",)),
    # day-of-week steps expanded (AWS has no `/` in day-of-week)
    ("0 9 * * */2", ("cron(0 9 ? * 1,3,5,7 *)",)),
    ("0 9 * * 1-5/2", ("cron(0 9 ? * 2,4,6 *)",)),
    ("0 9 * * MON-FRI/2", ("cron(0 9 ? * 2,4,6 *)",)),
    ("0 9 * * 2/2", ("cron(0 9 ? * 3,5,7 *)",)),
    ("0 9 * * */3", ("cron(0 9 ? * 1,4,7 *)",)),
    # day-of-week `L` and `#`, day numbers translated
    ("0 9 ? * 5L", ("cron(0 9 ? * 6L *)",)),
    ("0 9 ? * FRIL", ("cron(0 9 ? * 6L *)",)),
    ("0 9 ? * 1#2", ("cron(0 9 ? * 2#2 *)",)),
    ("0 9 ? * MON#1", ("cron(0 9 ? * 2#1 *)",)),
    ("0 9 ? * 7#5", ("cron(0 9 ? * 1#5 *)",)),
    # 6 fields: seconds must be 0
    ("0 * * * * *", ("cron(* * * * ? *)",)),
    ("00 30 9 * * MON-FRI", ("cron(30 9 ? * 2-6 *)",)),
    ("0 0 9 1 * ?", ("cron(0 9 1 * ? *)",)),
    # 7 fields: year
    ("0 0 12 1 1 ? 2030", ("cron(0 12 1 1 ? 2030)",)),
    ("0 0 12 * * SUN 2025-2027", ("cron(0 12 ? * 1 2025-2027)",)),
    ("0 0 12 * * ? */2", ("cron(0 12 * * ? 1970/2)",)),
    ("0 0 12 * * ? 2030,2035", ("cron(0 12 * * ? 2030,2035)",)),
]


@pytest.mark.parametrize(("motia", "expected"), TRANSLATIONS)
def test_translates(motia: str, expected: tuple[str, ...]) -> None:
    assert translate_cron(motia).expressions == expected


@pytest.mark.parametrize(("motia", "expression", "day_filter"), [
    # Motia's engines run only on days matching both fields: AWS schedules the other field
    ("0 9 1 * MON", "cron(0 9 1 * ? *)", ("weekday", (1,))),
    ("0 9 1-7 * 1-5", "cron(0 9 1-7 * ? *)", ("weekday", (1, 2, 3, 4, 5))),
    ("0 9 L * MON-WED", "cron(0 9 L * ? *)", ("weekday", (1, 2, 3))),
    ("0 9 1,15 * 5L", "cron(0 9 ? * 6L *)", ("monthday", (1, 15))),
    ("0 9 */10 * SUN", "cron(0 9 1/10 * ? *)", ("weekday", (0,))),
])
def test_both_day_fields_schedule_one_and_filter_on_the_other(motia: str, expression: str, day_filter: object) -> None:
    translation = translate_cron(motia)
    assert (translation.expressions, translation.day_filter) == ((expression,), day_filter)


def test_rejects_both_day_fields_in_special_forms() -> None:
    with pytest.raises(CronError, match="restricts both day fields with special forms"):
        translate_cron("0 9 L * 5L")


def test_keeps_the_stripped_source() -> None:
    assert translate_cron("  0 9 * * MON \n") == CronTranslation(
        source="0 9 * * MON", expressions=("cron(0 9 ? * 2 *)",), warnings=()
    )


def test_is_deterministic() -> None:
    assert translate_cron("0 9 1 * 5-7") == translate_cron("0 9 1 * 5-7")


# (Motia expression, exact message)
REJECTIONS: list[tuple[str, str]] = [
    (
        "60 * * * * *",
        "second value `60` in `60 * * * * *` is out of range: allowed 0-59",
    ),
    (
        "* * * *",
        "cron expression `* * * *` has 4 fields; Motia accepts 5 (min hour dom mon dow), "
        "6 (sec min hour dom mon dow) or 7 (sec min hour dom mon dow year)",
    ),
    (
        "0 0 0 * * * * *",
        "cron expression `0 0 0 * * * * *` has 8 fields; Motia accepts 5 (min hour dom mon dow), "
        "6 (sec min hour dom mon dow) or 7 (sec min hour dom mon dow year)",
    ),
    ("", "cron expression is empty"),
    ("   ", "cron expression is empty"),
    ("60 * * * *", "minute value `60` in `60 * * * *` is out of range: allowed 0-59"),
    ("0 24 * * *", "hour value `24` in `0 24 * * *` is out of range: allowed 0-23"),
    ("0 0 0 * *", "day-of-month value `0` in `0 0 0 * *` is out of range: allowed 1-31"),
    ("0 0 32W * *", "day-of-month value `32` in `0 0 32W * *` is out of range: allowed 1-31"),
    ("0 0 * 13 *", "month value `13` in `0 0 * 13 *` is out of range: allowed 1-12 or JAN-DEC"),
    (
        "0 0 * * 8",
        "day-of-week value `8` in `0 0 * * 8` is out of range: "
        "allowed 0-7 (0 and 7 = Sunday) or SUN-SAT",
    ),
    (
        "0 0 0 1 1 ? 1969",
        "year value `1969` in `0 0 0 1 1 ? 1969` is out of range: allowed 1970-2199",
    ),
    ("abc * * * *", "minute `abc` in `abc * * * *` is not a valid value: allowed 0-59"),
    ("0 9 * * MON-", "day-of-week `MON-` in `0 9 * * MON-` is not a valid value: "
     "allowed 0-7 (0 and 7 = Sunday) or SUN-SAT"),
    ("0 9 * * SUNDAY", "day-of-week `SUNDAY` in `0 9 * * SUNDAY` is not a valid value: "
     "allowed 0-7 (0 and 7 = Sunday) or SUN-SAT"),
    ("0 9 * MON *", "month `MON` in `0 9 * MON *` is not a valid value: allowed 1-12 or JAN-DEC"),
    ("1,,2 * * * *", "minute `1,,2` in `1,,2 * * * *` is not a valid value: allowed 0-59"),
    ("*/x * * * *", "minute `*/x` in `*/x * * * *` is not a valid value: allowed 0-59"),
    ("² * * * *", "minute `²` in `² * * * *` is not a valid value: allowed 0-59"),
    ("*/0 * * * *", "minute step `0` in `*/0` of `*/0 * * * *` is out of range: allowed 1-59"),
    ("0 9 * * */7", "day-of-week step `7` in `*/7` of `0 9 * * */7` is out of range: allowed 1-6"),
    ("5-1 * * * *", "minute range `5-1` in `5-1 * * * *` runs backwards (5 > 1)"),
    ("*,5 * * * *", "minute `*,5` in `*,5 * * * *` combines `*` with other values"),
    (
        "? * * * *",
        "minute `?` in `? * * * *` is not allowed: `?` only fits day-of-month and day-of-week",
    ),
    (
        "0 9 * * MON#6",
        "day-of-week `MON#6` in `0 9 * * MON#6` asks for week 6 of the month; allowed 1-5",
    ),
    (
        "0 9 ? * 1,5L",
        "day-of-week `1,5L` in `0 9 ? * 1,5L` combines `L`, `W` or `#` with other values; "
        "AWS accepts `nL` (last day n of the month) and `n#k` (k-th day n) only on their own",
    ),
    (
        "0 9 1,L * ?",
        "day-of-month `1,L` in `0 9 1,L * ?` combines `L`, `W` or `#` with other values; "
        "AWS accepts `L` (last day) and `nW` (weekday nearest day n) only on their own",
    ),
]


@pytest.mark.parametrize(("motia", "message"), REJECTIONS)
def test_rejects_untranslatable_expression(motia: str, message: str) -> None:
    with pytest.raises(CronError) as caught:
        translate_cron(motia)
    assert caught.value.message == message
    assert str(caught.value) == message
    assert caught.value.hint


# (Motia expression, AWS expression, seconds of each minute): the sub-minute crons
SUB_MINUTE: list[tuple[str, str, tuple[int, ...]]] = [
    ("*/5 * * * * *", "cron(* * * * ? *)", tuple(range(0, 60, 5))),
    ("0/30 * * * * *", "cron(* * * * ? *)", (0, 30)),
    ("5 * * * * *", "cron(* * * * ? *)", (5,)),
    ("5 * * * * * *", "cron(* * * * ? *)", (5,)),
    ("15,45 */2 * * * *", "cron(0/2 * * * ? *)", (15, 45)),
    ("10-20/5 0 9 * * MON 2027", "cron(0 9 ? * 2 2027)", (10, 15, 20)),
    ("0 30 9 * * *", "cron(30 9 * * ? *)", (0,)),
]


@pytest.mark.parametrize(("motia", "aws", "seconds"), SUB_MINUTE)
def test_seconds_field_becomes_offsets_within_the_fired_minute(motia: str, aws: str, seconds: tuple[int, ...]) -> None:
    translation = translate_cron(motia)
    assert (translation.expressions, translation.seconds) == ((aws,), seconds)


def test_five_fields_run_at_second_zero() -> None:
    assert translate_cron("*/5 * * * *").seconds == (0,)


def test_rejects_out_of_range_with_a_hint_naming_the_range() -> None:
    with pytest.raises(CronError) as caught:
        translate_cron("60 * * * *")
    assert caught.value.hint == "use a minute within 0-59"


def test_cron_error_is_a_value_error() -> None:
    assert issubclass(CronError, ValueError)


def _numeric_dow_warning(dow: str, source: str, days: str) -> str:
    return (
        f"day-of-week `{dow}` in `{source}` is numeric: Motia's documentation counts "
        f"Sunday = 0 (translated here as {days}), but Motia's engine (the Rust cron "
        "crate) counts 1 = Sunday .. 7 = Saturday in 6- and 7-field expressions, so local "
        "runs may fire on other days; write day names such as `MON-FRI`, which mean the "
        "same everywhere."
    )


# (Motia expression, expected warnings)
WARNINGS: list[tuple[str, tuple[str, ...]]] = [
    ("0 0 9 * * 1-5", (_numeric_dow_warning("1-5", "0 0 9 * * 1-5", "MON-FRI"),)),
    ("0 0 9 * * 0", (_numeric_dow_warning("0", "0 0 9 * * 0", "SUN"),)),
    ("0 0 9 * * 5-7", (_numeric_dow_warning("5-7", "0 0 9 * * 5-7", "SUN,FRI,SAT"),)),
    ("0 0 9 ? * 5L", (_numeric_dow_warning("5L", "0 0 9 ? * 5L", "FRIL"),)),
    ("0 0 9 ? * 1#2", (_numeric_dow_warning("1#2", "0 0 9 ? * 1#2", "MON#2"),)),
    (
        "0 0 9 * * 1,3 2030",
        (_numeric_dow_warning("1,3", "0 0 9 * * 1,3 2030", "MON,WED"),),
    ),
    ("0 0 9 * * MON-FRI", ()),
    ("0 0 9 * * MON#2", ()),
    ("0 0 9 * * */2", ()),
    ("0 0 9 * * *", ()),
    ("0 0 9 * * ?", ()),
    ("0 9 * * 1-5", ()),
    ("0 9 * * 0", ()),
]


@pytest.mark.parametrize(("motia", "expected"), WARNINGS)
def test_warns_on_numeric_day_of_week_in_6_and_7_fields(
    motia: str, expected: tuple[str, ...]
) -> None:
    assert translate_cron(motia).warnings == expected
