"""The one definition of the record format: partial reading that loses nothing, typed values,
and the docs and JSON Schema derived from it."""

import json
import subprocess
import sys
from datetime import datetime, time, timedelta

import jsonschema
import pytest

from incidents.model import Stance, Window
from incidents.spec import (
    INCIDENT,
    incident_from_data,
    incident_to_data,
    json_schema,
    places_from_data,
    sides_from_data,
)
from incidents.yamlio import read_yaml

from .conftest import BUNDLED, REPO, claim, incident

SIDES = ["armenia", "azerbaijan", "eu-mission"]
SOURCE_MISSING = "every claim must cite a source: a title, a ref, or the key of one of the incident's sources"


def problems_of(text, sides=SIDES):
    return incident_from_data(read_yaml(text), "r.yaml", sides)


RECORD = """id: 2023-09-01-sotk
title: Exchange of fire near Sotk
date: '2023-09-01'
claims:
- side: armenia
  source: {title: A}
- side: {bad}
  source: {title: B}
- side: azerbaijan
  source: {title: C}
"""


def test_one_bad_claim_is_a_problem_and_the_good_claims_stay():
    parsed, problems = problems_of(RECORD)
    assert [c.source.title for c in parsed.claims] == ["A", "C"]
    assert [(p.line, p.field) for p in problems] == [(7, "claims[1].side")]


@pytest.mark.parametrize(
    ("claim_text", "field"),
    [
        ("- side: null\n  source: {title: B}\n", "claims[0].side"),
        ("- side: armenia\n  source: null\n", "claims[0].source"),
        ("- side: ''\n  source: {title: B}\n", "claims[0].side"),
    ],
)
def test_a_claim_missing_what_it_needs_is_never_dropped_silently(claim_text, field):
    # Before: each of these claims vanished with no problem, and the next `claim` deleted it.
    text = "id: 2023-09-01-sotk\ntitle: t\ndate: '2023-09-01'\nclaims:\n" + claim_text
    parsed, problems = problems_of(text)
    assert parsed is not None and parsed.claims == ()
    assert [p.field for p in problems] == [field]
    assert problems[0].message in ("is required", SOURCE_MISSING)


def test_an_empty_claim_is_a_problem_for_each_field_it_needs():
    text = "id: 2023-09-01-sotk\ntitle: t\ndate: '2023-09-01'\nclaims:\n- {}\n"
    parsed, problems = problems_of(text)
    assert parsed.claims == () and [(p.line, p.field) for p in problems] == [
        (5, "claims[0].side"),
        (5, "claims[0].source"),
    ]


@pytest.mark.parametrize("value", ["null", "''"])
def test_a_record_without_an_id_is_a_problem_not_a_vanished_record(value):
    parsed, problems = problems_of(f"id: {value}\ntitle: t\ndate: '2023-09-01'\n")
    assert parsed is None and [(p.line, p.field, p.message) for p in problems] == [(1, "id", "is required")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id": "٢٠٢٣-٠٩-٠١-sotk"}, "id"),  # Arabic-Indic digits: Python's \d takes them
        ({"date": "٢٠٢٣-٠٩-٠١"}, "date"),
        ({"claims": [claim(violations="٣")]}, "claims[0].violations"),
        ({"claims": [claim(casualties={"armenia": {"killed": "３"}})]}, "claims[0].casualties.armenia.killed"),
    ],
)
def test_digits_other_than_ascii_are_refused(overrides, field):
    _, problems = incident_from_data(incident(**overrides), "r.yaml", SIDES)
    assert [p.field for p in problems] == [field]


def test_an_unknown_side_is_a_problem_of_the_reading_with_how_to_add_it():
    data = incident(claims=[claim(side="turkey", initiator="mars", casualties={"venus": {"killed": 1}})])
    _, problems = incident_from_data(data, "r.yaml", SIDES, "; add it to sides.yaml")
    fields = sorted(p.field for p in problems)
    assert fields == ["claims[0].casualties.venus", "claims[0].initiator", "claims[0].side"]
    assert all("add it to sides.yaml" in p.message for p in problems)


def test_values_are_typed():
    data = incident(
        claims=[claim(stance="denies", window={"from": "2023-03-08T21:30", "to": "04:15", "utc_offset": "+04:00"})]
    )
    parsed, problems = incident_from_data(data, "r.yaml", SIDES)
    assert problems == []
    (only,) = parsed.claims
    assert only.stance is Stance.DENIES
    assert only.window == Window(datetime(2023, 3, 8, 21, 30), time(4, 15), timedelta(hours=4))
    assert incident_to_data(parsed)["claims"][0]["window"] == {
        "from": "2023-03-08T21:30",
        "to": "04:15",
        "utc_offset": "+04:00",
    }


def test_records_carry_their_lines():
    parsed, _ = problems_of(RECORD.replace("- side: {bad}\n  source: {title: B}\n", ""))
    assert parsed.meta.line == 1 and parsed.meta.line_of("title") == 2
    second = parsed.claims[1]
    assert (second.meta.line, second.meta.field("side"), second.meta.line_of("source")) == (7, "claims[1].side", 8)


# --- places.yaml and sides.yaml, read by the same machinery ----------------------------------------


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("within: 5", "places[0].within[0]"),  # before: every command crashed
        ("lat: north", "places[0].lat"),  # before: accepted
        ("lat: 91.5", "places[0].lat"),
        ('names: {en: ["So\\u001btk"]}', "places[0].names.en[0]"),  # before: passed check, printed raw
        ("names: {klingon: [x]}", "places[0].names.klingon"),
        ("tpye: village", "places[0].tpye"),
    ],
)
def test_a_bad_place_entry_is_a_problem_at_its_line(entry, field):
    text = f"places:\n- id: new_place\n  name: New place\n  {entry}\n"
    _, problems = places_from_data(read_yaml(text), "places.yaml")
    assert [(p.path, p.line, p.field) for p in problems] == [("places.yaml", 4, field)]


def test_within_as_one_text_is_one_place_id_not_its_letters():
    # Before: `within: am` became the place ids 'a' and 'm'.
    places, problems = places_from_data(read_yaml("places:\n- id: x\n  name: X\n  within: am\n"), "p.yaml")
    assert problems == [] and places[0].within == ("am",)


def test_a_bad_side_entry_is_a_problem_at_its_line():
    text = "sides:\n  georgia:\n    name: Georgia\n    kind: principle\n  Bad Id: {name: X}\n"
    sides, _, problems = sides_from_data(read_yaml(text), "sides.yaml")
    assert [s.id for s in sides] == []
    assert [(p.line, p.field) for p in problems] == [(4, "sides.georgia.kind"), (5, "sides.Bad Id")]


# --- derived: docs and JSON Schema ------------------------------------------------------------


def test_docs_and_shipped_schema_agree_with_the_definition():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "format_docs.py"), "--check"], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_the_docs_table_lists_every_field_of_a_record():
    docs = (REPO / "docs" / "records.md").read_text("utf-8")
    for field in INCIDENT.fields:
        assert f"| `{field.name}` |" in docs


SCHEMA = jsonschema.Draft202012Validator(json_schema())


def plain(path):
    return json.loads(json.dumps(read_yaml(path.read_text("utf-8"))))


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("20*/*.yaml")), ids=lambda p: p.name)
def test_the_schema_accepts_every_bundled_record(path):
    assert list(SCHEMA.iter_errors(plain(path))) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"tittle": "x"},
        {"status": "gone"},
        {"date": "1 Sep 2023"},
        {"claims": [claim(stance="claims")]},
        {"claims": [claim(casualties={"armenia": {"killed": "many"}})]},
        {"claims": [claim(window={"from": "9pm"})]},
        {"claims": [{"side": "armenia"}]},
        {"title": "bad \x1b[2J title"},
    ],
)
def test_the_schema_refuses_what_the_loader_refuses(overrides):
    data = incident(**overrides)
    _, problems = incident_from_data(data, "r.yaml", SIDES)
    assert problems, "the loader refuses it"
    assert list(SCHEMA.iter_errors(json.loads(json.dumps(data))))


@pytest.mark.parametrize("count", [3, "2+", "at least 2", "at least two", "2-4", "three"])
def test_the_schema_accepts_every_count_the_loader_reads(count):
    data = incident(claims=[claim(violations=count)])
    assert incident_from_data(data, "r.yaml", SIDES)[1] == []
    assert list(SCHEMA.iter_errors(data)) == []


def test_the_complete_example_of_the_docs_is_a_valid_record():
    docs = (REPO / "docs" / "records.md").read_text("utf-8")
    example = docs.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    parsed, problems = incident_from_data(read_yaml(example), "docs/records.md", SIDES)
    assert problems == [] and parsed is not None
    assert [c.id for c in parsed.claims] == ["c1", "c2"] and parsed.claims[1].source.title == parsed.sources[0].title
