"""Building records from what a person typed: ids, figures and the options named in errors."""

from datetime import date

import pytest

from incidents.entry import make_id, option_for


@pytest.mark.parametrize(
    ("places", "title", "expected"),
    [
        ([], "Exchange of fire", "2023-02-01-exchange-of-fire"),  # English x stays x
        (["Xankəndi"], "t", "2023-02-01-khankandi"),  # Azerbaijani X is kh, as the press writes it
        (["Daşkəsən"], "t", "2023-02-01-dashkasan"),
        (["Սոթք"], "Fire near Sotk", "2023-02-01-fire-near-sotk"),  # no Latin letters: the title
    ],
)
def test_ids_are_readable_ascii(places, title, expected):
    assert make_id(date(2023, 2, 1), places, title) == expected


@pytest.mark.parametrize(
    ("field", "option"),
    [
        ("violations", "--count"),
        ("window.to", "--to"),
        ("places[1]", "--place"),
        ("casualties.armenia.killed", "--killed"),
    ],
)
def test_a_refused_value_is_reported_against_the_option_typed(field, option):
    assert option_for(field) == option
