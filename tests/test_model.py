from datetime import date

import pytest

from incidents.model import Count
from incidents.spec import incident_from_data, incident_to_data
from incidents.text import slug, strip_unsafe, unsafe_characters
from incidents.yamlio import read_yaml

from .conftest import claim, incident


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [(3, 3, 3), ("3", 3, 3), ("2+", 2, None), ("at least 2", 2, None), ("2-4", 2, 4), ("0", 0, 0)],
)
def test_count_reads_exact_lower_bound_and_range(text, low, high):
    assert Count.parse(text) == Count(low, high)


@pytest.mark.parametrize("bad", [-1, "4-2", "many", "two hundred", True, 2.5, "", None])
def test_count_refuses_what_is_not_a_count(bad):
    with pytest.raises(ValueError):
        Count.parse(bad)


def test_count_keeps_the_form_the_statement_gave():
    assert [Count.parse(v).to_data() for v in (3, "2+", "2-4")] == [3, "2+", "2-4"]
    assert str(Count.parse("2+")) == "at least 2"


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [("2+", 3, True), (2, 3, False), ("2-4", 3, True), ("2-4", 5, False), ("2+", "5+", True), (3, "4+", False)],
)
def test_counts_conflict_only_when_both_cannot_be_true(a, b, overlap):
    assert Count.parse(a).overlaps(Count.parse(b)) is overlap
    assert Count.parse(b).overlaps(Count.parse(a)) is overlap


def test_a_valid_incident_reads_and_writes_back():
    parsed, problems = incident_from_data(incident(), "x.yaml")
    assert problems == []
    assert parsed.date == date(2023, 9, 1)
    assert parsed.claimants == ("azerbaijan", "armenia")
    again, _ = incident_from_data(incident_to_data(parsed), "x.yaml")
    assert again == parsed


def test_problems_name_field_and_line_and_are_all_collected():
    text = """id: 2023-09-01-sotk
title: t
date: 2023-13-01
status: gone
claims:
  - side: armenia
    stance: claims
    casualties:
      armenia: {killed: many}
    source: {title: h}
"""
    _, problems = incident_from_data(read_yaml(text), "r.yaml")
    found = {(p.line, p.field) for p in problems}
    assert (3, "date") in found
    assert (4, "status") in found
    assert (7, "claims[0].stance") in found
    assert (9, "claims[0].casualties.armenia.killed") in found
    assert all(p.path == "r.yaml" for p in problems)


def test_unknown_field_suggests_the_known_one():
    _, problems = incident_from_data(incident(tittle="x"), "r.yaml")
    assert any("did you mean 'title'" in p.message for p in problems)


def test_end_before_start_is_a_problem():
    _, problems = incident_from_data(incident(end_date="2023-08-01", date_precision="days"), "r.yaml")
    assert [p.field for p in problems] == ["end_date"]


def test_a_one_day_incident_cannot_end_on_another_day():
    _, problems = incident_from_data(incident(end_date="2023-09-03"), "r.yaml")  # precision: day
    assert [p.field for p in problems] == ["date_precision"]


def test_a_date_that_does_not_exist_says_so():
    _, problems = incident_from_data(incident(date="2023-02-31"), "r.yaml")
    assert [p.field for p in problems] == ["date"] and "'2023-02-31' is not a real date" in problems[0].message


def test_counts_written_in_words_as_statements_give_them():
    assert Count.parse("at least two") == Count.parse("2+")
    assert Count.parse("Three") == Count.parse(3)


def test_claim_without_source_is_a_problem():
    bad = claim()
    del bad["source"]
    _, problems = incident_from_data(incident(claims=[bad]), "r.yaml")
    assert [p.field for p in problems] == ["claims[0].source"]


def test_merged_needs_a_target():
    _, problems = incident_from_data(incident(status="merged"), "r.yaml")
    assert [p.field for p in problems] == ["merged_into"]


def test_control_characters_in_text_are_problems():
    _, problems = incident_from_data(incident(title="a\x1b[31mred"), "r.yaml")
    assert problems and "U+001B" in problems[0].message


def test_strip_unsafe_removes_escapes_and_bidi_overrides_but_keeps_letters():
    text = "Daşkəsən \x1b[2J Սոթք \u202e\x9b"
    assert unsafe_characters(text) == ["U+001B", "U+009B", "U+202E"]
    assert strip_unsafe(text) == "Daşkəsən [2J Սոթք "


def test_slug_transliterates_azerbaijani_letters():
    from incidents.places import ascii_fold

    assert slug("Daşkəsən–Kəlbəcər", ascii_fold) == "dashkasan-kalbacar"


@pytest.mark.parametrize("field", ["places", "region", "tags"])
def test_a_bad_list_field_gives_no_incident(field):
    parsed, problems = incident_from_data(incident(**{field: {"a": 1}}), "r.yaml")
    assert parsed is None and [p.field for p in problems] == [field]
