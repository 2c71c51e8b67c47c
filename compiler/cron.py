"""Translate Motia cron expressions into EventBridge Scheduler `cron(...)` expressions.

Motia: `[sec] min hour dom mon dow [year]`, day-of-week 0-7 with Sunday = 0 (and 7).
AWS: `min hour dom mon dow year`, day-of-week 1-7 with Sunday = 1, exactly one of
day-of-month / day-of-week is `?`, and no `/` in day-of-week (DESIGN.md 3.1).

Representation choices (deterministic, exact):
- names are emitted as numbers (month `JAN` -> `1`, day `MON` -> `2`);
- a day-of-week is emitted as the set of AWS day numbers in ascending order, with runs of
  three or more consecutive days written as a range (`1-5` -> `2-6`, `5-7` -> `1,6,7`);
- a step over a whole field is anchored at the field's minimum (`*/5` -> `0/5`), the form the
  AWS documentation shows, and `a/n` is kept; `a-b/n` and lists holding a step become the
  sorted values they select (runs of three or more as ranges), since AWS documents `/` only
  alone in a field;
- a day field is restricted unless it is `*` or `?`; when both are restricted Unix cron fires
  on either, so two expressions are returned: day-of-month first, then day-of-week.
- a seconds field (6 or 7 fields) becomes `seconds`, the offsets within each fired minute;
  EventBridge fires whole minutes, the shim fans the offsets out (docs/cron.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import re


__all__ = ["CronError", "CronTranslation", "translate_cron"]


class CronError(ValueError):
    """A Motia cron expression that cannot be translated."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class CronTranslation:
    """A Motia cron expression and the EventBridge Scheduler expressions that fire like it.

    `day_filter`: when both day fields are restricted, Motia's engines run the handler only on
    days matching both; AWS schedules on one field and the shim checks the other at each tick:
    ("weekday", Motia day numbers, Sunday = 0) or ("monthday", days of the month).
    """

    source: str
    expressions: tuple[str, ...]
    warnings: tuple[str, ...]
    day_filter: tuple[str, tuple[int, ...]] | None = None
    # Motia's seconds field: the seconds of each minute the handler runs at, ascending.
    seconds: tuple[int, ...] = (0,)


_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_FORMS = "`*`, numbers, lists `a,b`, ranges `a-b` or steps `*/n`, `a/n`, `a-b/n`"


@dataclass(frozen=True)
class _Spec:
    """One field of a cron expression: its name, bounds and accepted names."""

    name: str
    lo: int
    hi: int
    # Last value a `*` or `a/n` runs to; below `hi` for day-of-week, where 7 repeats Sunday.
    cycle_hi: int
    names: tuple[str, ...] = ()
    names_start: int = 0
    allowed: str = ""

    def describe(self) -> str:
        return self.allowed or f"{self.lo}-{self.hi}"


_SECOND = _Spec("second", 0, 59, 59)
_MINUTE = _Spec("minute", 0, 59, 59)
_HOUR = _Spec("hour", 0, 23, 23)
_DOM = _Spec("day-of-month", 1, 31, 31)
_MONTH = _Spec("month", 1, 12, 12, _MONTH_NAMES, 1, "1-12 or JAN-DEC")
_DOW = _Spec("day-of-week", 0, 7, 6, _DAY_NAMES, 0, "0-7 (0 and 7 = Sunday) or SUN-SAT")
_YEAR = _Spec("year", 1970, 2199, 2199)

_DOM_WEEKDAY = re.compile(r"^([0-9]+)W$", re.IGNORECASE)
_DOW_LAST = re.compile(r"^([A-Za-z]+|[0-9]+)L$", re.IGNORECASE)
_DOW_NTH = re.compile(r"^([A-Za-z]+|[0-9]+)#([0-9]+)$")
_DOM_SPECIAL = re.compile(r"^(L|[0-9]+W)$", re.IGNORECASE)
_DOW_SPECIAL = re.compile(r"^([A-Za-z]+|[0-9]+)(L|#[0-9]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class _Term:
    """One comma-separated element: the values start..end every step."""

    start: int
    end: int
    step: int
    kind: str  # "star" (`*`, `*/n`), "open" (`a/n`) or "range" (`a`, `a-b`, `a-b/n`)

    def values(self) -> range:
        return range(self.start, self.end + 1, self.step)


def translate_cron(source: str) -> CronTranslation:
    """Translate one Motia cron expression; raise CronError when EventBridge cannot say it."""
    text = source.strip()
    if not text:
        raise CronError(
            "cron expression is empty",
            "write 5 fields `min hour dom mon dow`, e.g. `0 9 * * MON-FRI`",
        )
    fields = text.split()
    if len(fields) not in (5, 6, 7):
        raise CronError(
            f"cron expression `{text}` has {len(fields)} fields; Motia accepts 5 "
            "(min hour dom mon dow), 6 (sec min hour dom mon dow) "
            "or 7 (sec min hour dom mon dow year)",
            "write 5 fields, e.g. `0 9 * * MON-FRI` (09:00 on weekdays)",
        )
    field_count = len(fields)
    seconds: tuple[int, ...] = (0,)
    if field_count >= 6:
        seconds = _seconds(fields[0], text)
        fields = fields[1:]
    year = fields[5] if len(fields) == 6 else "*"

    minute = _translate_plain(fields[0], _MINUTE, text)
    hour = _translate_plain(fields[1], _HOUR, text)
    dom = _translate_dom(fields[2], text)
    month = _translate_plain(fields[3], _MONTH, text)
    dow, dow_numeric = _translate_dow(fields[4], text)
    aws_year = _translate_plain(year, _YEAR, text)

    def expression(dom_field: str, dow_field: str) -> str:
        return f"cron({minute} {hour} {dom_field} {month} {dow_field} {aws_year})"

    expressions: tuple[str, ...]
    day_filter: tuple[str, tuple[int, ...]] | None = None
    if dom is not None and dow is not None:
        # Motia fires only when both day fields match (node-cron, the Rust cron crate): AWS
        # schedules one field, the shim checks the other, whichever is a plain set of days.
        weekdays = _plain_days(fields[4], _DOW, text)
        monthdays = _plain_days(fields[2], _DOM, text)
        if weekdays is not None:
            expressions, day_filter = (expression(dom, "?"),), ("weekday", tuple(sorted({d % 7 for d in weekdays})))
        elif monthdays is not None:
            expressions, day_filter = (expression("?", dow),), ("monthday", monthdays)
        else:
            raise CronError(
                f"cron expression `{text}` restricts both day fields with special forms "
                f"(`{fields[2]}` and `{fields[4]}`); Motia runs it only on days matching both, "
                "which AWS cannot schedule",
                "keep one day field to plain days (e.g. `1,15` or `MON-FRI`) or `*`",
            )
    elif dom is not None:
        expressions = (expression(dom, "?"),)
    elif dow is not None:
        expressions = (expression("?", dow),)
    else:
        expressions = (expression("*", "?"),)

    warnings: tuple[str, ...] = ()
    if dow_numeric is not None and field_count >= 6:
        warnings = (
            f"day-of-week `{fields[4]}` in `{text}` is numeric: Motia's documentation counts "
            f"Sunday = 0 (translated here as {dow_numeric}), but Motia's engine (the Rust cron "
            "crate) counts 1 = Sunday .. 7 = Saturday in 6- and 7-field expressions, so local "
            "runs may fire on other days; write day names such as `MON-FRI`, which mean the "
            "same everywhere.",
        )
    return CronTranslation(source=text, expressions=expressions, warnings=warnings, day_filter=day_filter,
                           seconds=seconds)


def _plain_days(text: str, spec: _Spec, source: str) -> tuple[int, ...] | None:
    """The days a day field selects when it is a plain set (numbers, names, ranges, steps);
    None for the special forms (`L`, `nW`, `nL`, `n#k`)."""
    special = text.upper() == "L" or any(p.match(text) for p in (_DOW_LAST, _DOW_NTH, _DOM_WEEKDAY))
    if special:
        return None
    try:
        terms = _parse_list(text, spec, source)[0]
    except CronError:
        return None
    return tuple(sorted({value for term in terms for value in term.values()}))


def _seconds(text: str, source: str) -> tuple[int, ...]:
    """The seconds a seconds field selects: AWS fires the minute, the shim the seconds in it."""
    terms = _parse_list(text, _SECOND, source)[0]
    return tuple(sorted({value for term in terms for value in term.values()}))


def _translate_plain(text: str, spec: _Spec, source: str) -> str:
    """Translate a minute, hour, month or year field, or a plain day-of-month."""
    terms = _parse_list(text, spec, source)[0]
    if len(terms) == 1:
        term = terms[0]
        if term.kind == "star":
            return "*" if term.step == 1 else f"{spec.lo}/{term.step}"
        if term.kind == "open":
            return f"{term.start}/{term.step}"
    if any(term.step != 1 for term in terms):
        # AWS documents `a/n` only alone in a field: spell out what a stepped list selects.
        return _compress(sorted({value for term in terms for value in term.values()}), str)
    return ",".join(
        str(term.start) if term.start == term.end else f"{term.start}-{term.end}"
        for term in terms
    )


def _translate_dom(text: str, source: str) -> str | None:
    """Translate day-of-month; None when unrestricted (`*` or `?`)."""
    if text in ("*", "?"):
        return None
    if text.upper() == "L":
        return "L"
    weekday = _DOM_WEEKDAY.match(text)
    if weekday:
        day = _check_range(int(weekday.group(1)), weekday.group(1), _DOM, source)
        return f"{day}W"
    _reject_special(
        text, _DOM, source, _DOM_SPECIAL, "`L` (last day) and `nW` (weekday nearest day n)"
    )
    return _translate_plain(text, _DOM, source)


def _translate_dow(text: str, source: str) -> tuple[str | None, str | None]:
    """Translate day-of-week to AWS numbering.

    Returns (AWS field or None when unrestricted, the Motia days as names when any day was
    written as a number, for the 6/7-field warning).
    """
    if text in ("*", "?"):
        return None, None
    last = _DOW_LAST.match(text)
    if last:
        day, numeric = _parse_value(last.group(1), _DOW, source, text)
        name = _DAY_NAMES[day % 7]
        return f"{day % 7 + 1}L", (f"{name}L" if numeric else None)
    nth = _DOW_NTH.match(text)
    if nth:
        day, numeric = _parse_value(nth.group(1), _DOW, source, text)
        week = int(nth.group(2))
        if not 1 <= week <= 5:
            raise CronError(
                f"day-of-week `{text}` in `{source}` asks for week {week} of the month; "
                "allowed 1-5",
                "write `DAY#n` with n from 1 to 5, e.g. `MON#1` for the first Monday",
            )
        name = _DAY_NAMES[day % 7]
        return f"{day % 7 + 1}#{week}", (f"{name}#{week}" if numeric else None)
    _reject_special(
        text, _DOW, source, _DOW_SPECIAL, "`nL` (last day n of the month) and `n#k` (k-th day n)"
    )
    terms, numeric = _parse_list(text, _DOW, source)
    days = sorted({value % 7 for term in terms for value in term.values()})
    aws = _compress([day + 1 for day in days], str)
    return aws, (_compress(days, lambda day: _DAY_NAMES[day]) if numeric else None)


def _reject_special(
    text: str, spec: _Spec, source: str, special: re.Pattern[str], accepted: str
) -> None:
    """Reject `L`, `W` or `#` inside a list: AWS accepts them only alone in the field."""
    items = text.split(",")
    if len(items) > 1 and any(special.match(item) for item in items):
        raise CronError(
            f"{spec.name} `{text}` in `{source}` combines `L`, `W` or `#` with other values; "
            f"AWS accepts {accepted} only on their own",
            "keep the special value alone in the field",
        )


def _compress(values: list[int], render: Callable[[int], str]) -> str:
    """Join sorted values, writing runs of three or more consecutive values as ranges."""
    parts: list[str] = []
    index = 0
    while index < len(values):
        end = index
        while end + 1 < len(values) and values[end + 1] == values[end] + 1:
            end += 1
        if end - index >= 2:
            parts.append(f"{render(values[index])}-{render(values[end])}")
        else:
            parts.extend(render(value) for value in values[index : end + 1])
        index = end + 1
    return ",".join(parts)


def _parse_list(text: str, spec: _Spec, source: str) -> tuple[list[_Term], bool]:
    """Parse a comma list into terms; the flag says whether any value was a number."""
    if text == "?":
        raise CronError(
            f"{spec.name} `?` in `{source}` is not allowed: `?` only fits day-of-month "
            "and day-of-week",
            f"write `*` for every {spec.name}",
        )
    items = text.split(",")
    terms: list[_Term] = []
    numeric = False
    for item in items:
        if not item:
            raise _junk(text, spec, source)
        if item == "*" and len(items) > 1:
            raise CronError(
                f"{spec.name} `{text}` in `{source}` combines `*` with other values",
                f"write either `*` or a list of values {spec.describe()}",
            )
        term, item_numeric = _parse_term(item, spec, source)
        terms.append(term)
        numeric = numeric or item_numeric
    return terms, numeric


def _parse_term(item: str, spec: _Spec, source: str) -> tuple[_Term, bool]:
    """Parse one list element: `*`, `*/n`, `a`, `a/n`, `a-b` or `a-b/n`."""
    base, slash, step_text = item.partition("/")
    step = _parse_step(step_text, item, spec, source) if slash else 1
    if base == "*":
        return _Term(spec.lo, spec.cycle_hi, step, "star"), False
    first, dash, last = base.partition("-")
    start, numeric = _parse_value(first, spec, source, item)
    if dash:
        end, end_numeric = _parse_value(last, spec, source, item)
        if start > end:
            raise CronError(
                f"{spec.name} range `{item}` in `{source}` runs backwards ({start} > {end})",
                f"write the smaller value first, or a list such as `{last},{first}`",
            )
        return _Term(start, end, step, "range"), numeric or end_numeric
    if slash:
        return _Term(start, max(start, spec.cycle_hi), step, "open"), numeric
    return _Term(start, start, 1, "range"), numeric


def _parse_step(text: str, item: str, spec: _Spec, source: str) -> int:
    if not _is_number(text):
        raise _junk(item, spec, source)
    step = int(text)
    span = spec.cycle_hi - spec.lo
    if not 1 <= step <= span:
        raise CronError(
            f"{spec.name} step `{text}` in `{item}` of `{source}` is out of range: "
            f"allowed 1-{span}",
            f"use a step from 1 to {span}"
            + ("; a larger step selects a single value, so write that value" if step else ""),
        )
    return step


def _parse_value(
    text: str, spec: _Spec, source: str, item: str | None = None
) -> tuple[int, bool]:
    """Parse a number or name; the flag says whether it was written as a number."""
    if _is_number(text):
        return _check_range(int(text), text, spec, source), True
    upper = text.upper()
    if upper in spec.names:
        return spec.names.index(upper) + spec.names_start, False
    raise _junk(item or text, spec, source)


def _is_number(text: str) -> bool:
    # str.isdigit alone accepts non-ASCII digits such as `²`, which int() rejects.
    return text.isascii() and text.isdigit()


def _check_range(value: int, text: str, spec: _Spec, source: str) -> int:
    if not spec.lo <= value <= spec.hi:
        raise CronError(
            f"{spec.name} value `{text}` in `{source}` is out of range: "
            f"allowed {spec.describe()}",
            f"use a {spec.name} within {spec.describe()}",
        )
    return value


def _junk(item: str, spec: _Spec, source: str) -> CronError:
    return CronError(
        f"{spec.name} `{item}` in `{source}` is not a valid value: allowed {spec.describe()}",
        f"write {_FORMS}, with values {spec.describe()}",
    )
