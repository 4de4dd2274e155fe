from datetime import date

import pytest

from incidents.dates import DateError, parse_date, parse_offset, parse_time, window_bounds

THURSDAY = date(2023, 3, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-09-01", date(2023, 9, 1)),
        ("1 Sep 2023", date(2023, 9, 1)),
        ("Dec. 2, 2020", date(2020, 12, 2)),
        ("September 12, 2022", date(2022, 9, 12)),
        ("25.07.2022", date(2022, 7, 25)),  # only one reading: 25 is no month
        ("05.05.2022", date(2022, 5, 5)),  # both readings are the same day
    ],
)
def test_dates_as_people_write_them(text, expected):
    assert parse_date(text).date == expected


@pytest.mark.parametrize("text", ["12.07.2022", "07/12/2022", "3-4-2023"])
def test_ambiguous_numeric_dates_are_refused_not_guessed(text):
    with pytest.raises(DateError, match="ambiguous"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last Sunday", date(2023, 3, 5)),  # the seed article's Sunday, from a Thursday statement
        ("on Wednesday", date(2023, 3, 8)),
        ("Wednesday night", date(2023, 3, 8)),
        ("Thursday", THURSDAY),  # "on Thursday" said on a Thursday is that day
        ("last Thursday", date(2023, 3, 2)),
        ("yesterday", date(2023, 3, 8)),
        ("2 days ago", date(2023, 3, 7)),
    ],
)
def test_relative_dates_resolve_against_the_statement(text, expected):
    assert parse_date(text, THURSDAY).date == expected


def test_a_date_only_the_statement_can_complete_says_so():
    from incidents.dates import NeedsReference, needs_reference

    for text in ("last Sunday", "12 September"):
        with pytest.raises(NeedsReference):
            parse_date(text)
        assert needs_reference(text)
    assert not needs_reference("12 September 2022") and not needs_reference("12.07.2022")


def test_month_only_dates_have_month_precision():
    parsed = parse_date("September 2023")
    assert (parsed.date, parsed.precision) == (date(2023, 9, 1), "month")


@pytest.mark.parametrize("text", ["31.02.2022", "banana", "", "12.07.22"])
def test_unreadable_dates_raise(text):
    with pytest.raises(DateError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "time", "offset"),
    [
        ("21:30", "21:30", None),
        ("9:30 p.m.", "21:30", None),
        ("04:15 GMT+3", "04:15", "+03:00"),
        ("21:30+04:00", "21:30", "+04:00"),
    ],
)
def test_times(text, time, offset):
    parsed = parse_time(text)
    assert (parsed.time, parsed.utc_offset) == (time, offset)


def test_a_night_window_ends_the_next_day():
    start, end = window_bounds(parse_time("2023-03-08 21:30"), parse_time("04:15"))
    assert (start, end) == ("2023-03-08T21:30", "2023-03-09T04:15")


def test_a_window_without_a_date_stays_undated():
    # "between 9:30 p.m. and 4:15 a.m." names no day: none is taken from the incident or today.
    assert window_bounds(parse_time("21:30"), parse_time("04:15")) == ("21:30", "04:15")
    assert window_bounds(None, parse_time("2023-03-09 04:15")) == (None, "2023-03-09T04:15")


def test_offsets():
    assert parse_offset("+4") == "+04:00"
    assert parse_offset("UTC+04:00") == "+04:00"
    with pytest.raises(DateError):
        parse_offset("four")


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2023", False, date(2023, 1, 1)),
        ("2023", True, date(2023, 12, 31)),
        ("Sep 2023", False, date(2023, 9, 1)),
        ("Sep 2023", True, date(2023, 9, 30)),  # a month as an end is its last day, not its first
        ("Dec 2023", True, date(2023, 12, 31)),
        ("2023-09-13", True, date(2023, 9, 13)),
    ],
)
def test_a_year_or_month_bounds_a_period_whole(text, end, expected):
    from incidents.dates import period_bound

    assert period_bound(text, end) == expected
