"""The checks across records: what is implausible is an error or a warning by a documented rule."""

from pathlib import Path

import pytest

from incidents.api import Records

from .conftest import claim, incident


def found(make_records, *incidents):
    return [(p.field, str(p.severity), p.message) for p in Records(make_records(*incidents)).check()]


def test_an_incident_after_today_is_an_error(make_records):
    problems = found(make_records, incident(id="2099-01-01-sotk", date="2099-01-01", claims=[]))
    assert [(f, s) for f, s, _ in problems] == [("date", "error")]


def test_a_statement_before_its_incident_and_a_source_before_its_statement_are_warnings(make_records):
    early = claim(reported="2023-08-30", source={"title": "h", "date": "2023-08-29"})
    problems = found(make_records, incident(claims=[early]))
    assert sorted((f, s) for f, s, _ in problems) == [
        ("claims[0].reported", "warning"),
        ("claims[0].source.date", "warning"),
    ]


@pytest.mark.parametrize("url", ["www.example.org/a", "example", "ftp://example.org/x", "https://exa mple.org"])
def test_a_url_that_is_not_one_is_an_error(make_records, url):
    problems = found(make_records, incident(claims=[claim(source={"title": "h", "url": url})]))
    assert [(f, s) for f, s, _ in problems] == [("claims[0].source.url", "error")]


def test_a_tag_in_two_spellings_is_a_warning_at_the_rarer_one(make_records):
    problems = found(
        make_records,
        incident(id="2023-09-01-a", tags=["ceasefire-violations"]),
        incident(id="2023-09-02-b", date="2023-09-02", tags=["ceasefire-violations"], claims=[]),
        incident(id="2023-09-03-c", date="2023-09-03", tags=["Ceasefire violations"], claims=[]),
    )
    assert [(f, s) for f, s, m in problems] == [("tags[0]", "warning")]
    assert "'ceasefire-violations'" in problems[0][2]


def test_fewer_than_the_same_voices_earlier_at_least_is_a_warning_unless_a_revision(make_records):
    first = claim(reported="2023-09-01", casualties={"armenia": {"killed": "3+"}})
    later = claim(reported="2023-09-02", casualties={"armenia": {"killed": 2}})
    assert [(f, s) for f, s, _ in found(make_records, incident(claims=[first, later]))] == [
        ("claims[1].casualties.armenia", "warning")
    ]


def test_a_revision_may_lower_a_figure(make_records):
    first = claim(id="c1", reported="2023-09-01", casualties={"armenia": {"killed": "3+"}})
    revised = claim(id="c2", revises="c1", reported="2023-09-02", casualties={"armenia": {"killed": 2}})
    assert found(make_records, incident(claims=[first, revised])) == []


def test_an_id_in_many_files_names_a_few_others_on_each_line_not_all(make_records):
    copies = {f"2023/2023-09-01-copy-{n}.yaml": "id: 2023-09-01-sotk\ntitle: dup\ndate: 2023-09-01\n" for n in range(8)}
    root = make_records(incident(), raw=copies)
    problems = [p for p in Records(root).check() if "is used by" in p.message]
    assert len(problems) == 9  # one on each file using the id
    for problem in problems:
        assert "is used by 9 records" in problem.message and "and 5 more" in problem.message
        assert Path(problem.path).name not in problem.message  # the others, not itself
        assert problem.message.count(".yaml") == 3
