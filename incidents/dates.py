"""Dates and times as people and ministries write them.

Statements give "last Sunday", "on Monday evening" or "Dec. 2, 2020"; records need ISO dates.
dateutil reads most forms, but it silently reads 12.07.2022 as 7 December, which in this field
turns one incident into another: an all-numeric date whose day and month could swap is refused.
Relative forms are resolved against the date the statement was made (`--reported`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta

from dateutil import parser as dateutil_parser

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{2,4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
_WEEKDAY_FORM = re.compile(
    rf"^\s*(?P<prefix>on|last|early|late|this\s+past|past)?\s*(?:on\s+)?(?P<day>{'|'.join(WEEKDAYS)})"
    rf"{_PART_OF_DAY}\s*$",
    re.IGNORECASE,
)
_DAYS_AGO = re.compile(r"^\s*(\d+)\s+days?\s+ago\s*$", re.IGNORECASE)
_TIME = re.compile(
    r"^\s*(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?(?P<h>\d{1,2})(?::|\.)?(?P<m>\d{2})?\s*"
    r"(?P<ampm>a\.?m\.?|p\.?m\.?)?\s*(?P<offset>(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?|Z)?\s*$",
    re.IGNORECASE,
)


class DateError(ValueError):
    """A date or time that cannot be read, or could be read more than one way."""


class NeedsReference(DateError):
    """A date that only the day of the statement can complete ("last Sunday", "12 September")."""


def needs_reference(text: str) -> bool:
    """Whether a date is read against the day of the statement; a record should then say so."""
    try:
        parse_date(text)
    except NeedsReference:
        return True
    except DateError:
        return False
    return False


@dataclass(frozen=True)
class ParsedDate:
    date: date
    precision: str  # 'day' or 'month'


def parse_date(text: str, reference: date | None = None) -> ParsedDate:
    """Read a date; relative forms ("last Sunday") need `reference`, the day of the statement."""
    text = text.strip()
    if not text:
        raise DateError("a date is required")
    if iso := _ISO.match(text):
        return ParsedDate(_make_date(*map(int, iso.groups()), text), "day")
    if numeric := _NUMERIC.match(text):
        return ParsedDate(_numeric_date(text, *map(int, numeric.groups())), "day")
    relative = _relative(text, reference)
    if relative is not None:
        return ParsedDate(relative, "day")
    return _natural(text, reference)


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(f"{text!r} is not a real date ({exc})") from None


def _numeric_date(text: str, first: int, second: int, year: int) -> date:
    if year < 100:
        raise DateError(f"{text!r} has a two-digit year; write the year in full")
    if first <= 12 and second <= 12 and first != second:
        raise DateError(
            f"{text!r} is ambiguous: it could be {first} {_month(second)} {year} or {second} {_month(first)} {year};"
            f" write it as {year}-{second:02d}-{first:02d} or {first} {_month(second)} {year}"
        )
    if first > 12:
        return _make_date(year, second, first, text)
    return _make_date(year, first, second, text)


def _month(number: int) -> str:
    return date(2000, number, 1).strftime("%b") if 1 <= number <= 12 else str(number)


def is_relative(text: str) -> bool:
    """Whether a date is written relative to the day it was said ("last Sunday", "yesterday")."""
    lowered = text.strip().lower()
    return lowered in ("today", "yesterday") or bool(_DAYS_AGO.match(text) or _WEEKDAY_FORM.match(text))


def _relative(text: str, reference: date | None) -> date | None:
    if not is_relative(text):
        return None
    lowered = text.lower()
    days_ago = _DAYS_AGO.match(text)
    weekday = _WEEKDAY_FORM.match(text)
    if reference is None:
        raise NeedsReference(f"{text!r} is relative to the day it was said; write a calendar date")
    if lowered == "today":
        return reference
    if lowered == "yesterday":
        back = 1
    elif days_ago:
        back = int(days_ago.group(1))
    else:
        assert weekday is not None
        wanted = WEEKDAYS.index(weekday["day"].lower())
        back = (reference.weekday() - wanted) % 7
        prefix = (weekday["prefix"] or "").lower()
        if back == 0 and prefix in ("last", "this past", "past"):
            back = 7  # "last Sunday" said on a Sunday means the Sunday before
    if back > (reference - date.min).days:
        raise DateError(f"{text!r}, counted back from {reference.isoformat()}, falls before the year 1")
    return reference - timedelta(days=back)


def _natural(text: str, reference: date | None) -> ParsedDate:
    # Parse twice with different defaults: a field that changes was not in the text.
    try:
        one = dateutil_parser.parse(text, default=datetime(2000, 1, 1))
        two = dateutil_parser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError) as exc:
        if "out of range" in str(exc):  # dateutil read it, but no such day exists: say so
            raise DateError(f"{text!r} is not a real date ({str(exc).split(':')[0]})") from None
        raise DateError(f"cannot read {text!r} as a date; write it as YYYY-MM-DD or like '1 Sep 2023'") from None
    if one.month != two.month:
        raise DateError(f"{text!r} has no month; write a full date")
    precision = "day" if one.day == two.day else "month"
    if one.year == two.year:
        return ParsedDate(date(one.year, one.month, one.day if precision == "day" else 1), precision)
    if reference is None:
        raise NeedsReference(f"{text!r} has no year; write the year")
    day = one.day if precision == "day" else 1
    candidate = _make_date(reference.year, one.month, day, text)
    if candidate > reference:
        candidate = _make_date(reference.year - 1, one.month, day, text)
    return ParsedDate(candidate, precision)


@dataclass(frozen=True)
class ParsedTime:
    time: str  # 'HH:MM'
    day: date | None
    utc_offset: str | None  # '+04:00'


def parse_time(text: str) -> ParsedTime:
    """Read '21:30', '9:30 p.m.', '21:30+04', '2023-03-08 21:30 UTC+4' and the like."""
    match = _TIME.match(text)
    if not match:
        raise DateError(f"cannot read {text!r} as a time; write HH:MM, optionally with +04:00")
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise DateError(f"{text!r}: {hour} is not an hour on a 12-hour clock")
        hour = hour % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise DateError(f"{text!r} is not a time of day")
    day = _make_date(*map(int, match["date"].split("-")), text) if match["date"] else None
    return ParsedTime(f"{hour:02d}:{minute:02d}", day, _offset(match["offset"]))


def _offset(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw.upper() == "Z":
        return "+00:00"
    body = re.sub(r"^(?:UTC|GMT)\s*", "", raw.strip(), flags=re.IGNORECASE)
    sign, rest = body[0], body[1:]
    if ":" in rest:
        hours_text, minutes_text = rest.split(":")
    else:
        hours_text, minutes_text = (rest, "0") if len(rest) <= 2 else (rest[:-2], rest[-2:])
    hours, minutes = int(hours_text), int(minutes_text)
    if hours > 14 or minutes > 59:
        raise DateError(f"{raw.strip()!r} is not a UTC offset (at most 14 hours and 59 minutes)")
    return f"{sign}{hours:02d}:{minutes:02d}"


def parse_offset(text: str) -> str:
    """Read a UTC offset given on its own: '+4', '+04:00', 'UTC+4'."""
    if not re.match(r"^(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?$|^Z$", text.strip(), re.IGNORECASE):
        raise DateError(f"cannot read {text!r} as a UTC offset; write it like +04:00")
    return _offset(text.strip()) or "+00:00"


def window_bounds(start: ParsedTime | None, end: ParsedTime | None) -> tuple[str | None, str | None]:
    """The window as the statement gives it. A time is dated only when a date was given with it
    (or, for an end time, with the start): the tool never takes a day from anywhere else. An
    end earlier than a dated start falls on the next day (a night from 21:30 to 04:15)."""
    start_text = end_text = None
    if start:
        start_text = f"{start.day.isoformat()}T{start.time}" if start.day else start.time
    if end:
        end_day = end.day or (start.day if start else None)
        if end_day and start and start.day and not end.day and end.time < start.time:
            end_day += timedelta(days=1)
        end_text = f"{end_day.isoformat()}T{end.time}" if end_day else end.time
    return start_text, end_text


def period_bound(text: str, end: bool) -> date:
    """A date that bounds a period (--since, --until): a year or a month stands for its first day
    as a start and its last day as an end, so `--since 2023 --until 'Sep 2023'` covers the lot."""
    if re.fullmatch(r"\s*\d{4}\s*", text):
        year = int(text)
        if not MINYEAR <= year <= MAXYEAR:
            raise DateError(f"{text.strip()!r} is not a year a date can have (1 to 9999)")
        return date(year, 12, 31) if end else date(year, 1, 1)
    parsed = parse_date(text)
    if parsed.precision == "month" and end:
        if (parsed.date.year, parsed.date.month) == (MAXYEAR, 12):
            return date.max
        following = date(parsed.date.year + parsed.date.month // 12, parsed.date.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return parsed.date
