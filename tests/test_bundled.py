"""The bundled records against the five seed articles they come from.

Expected values here are read from the articles (quoted beside each), not from the tool's output.
"""

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from incidents.store import Store

from .conftest import BUNDLED, SEEDS, needs_shared

needs_seeds = needs_shared(SEEDS, "the seed articles")

RECORDS = {r.incident.id: r.incident for r in Store(BUNDLED).load().records}


def test_bundled_records_load_without_problems():
    loaded = Store(BUNDLED).load()
    assert loaded.problems == []
    assert len(loaded.records) == loaded.files == 7


@pytest.mark.parametrize(
    ("incident_id", "start", "end"),
    [
        ("2021-12-08-kalbajar", date(2021, 12, 8), None),  # "on December 8, 2021"
        ("2021-12-09-kalbajar", date(2021, 12, 9), date(2021, 12, 10)),  # "On December 9-10"
        ("2022-09-12-dashkasan", date(2022, 9, 12), date(2022, 9, 13)),  # Monday evening; "early Tuesday"
        ("2023-03-05-khalfali-road", date(2023, 3, 5), None),  # "last Sunday" = 5 March 2023 (brief)
        ("2023-03-08-karabakh", date(2023, 3, 8), date(2023, 3, 9)),  # Wednesday 21:30 to Thursday 04:15
        ("2023-08-28-border-crossfire", date(2023, 8, 28), None),  # EUMA post "earlier this week" than Friday
        ("2023-09-01-kalbajar", date(2023, 9, 1), None),  # "on Friday" = 1 September 2023 (brief)
    ],
)
def test_dates_resolved_from_the_articles(incident_id, start, end):
    incident = RECORDS[incident_id]
    assert (incident.date, incident.end_date) == (start, end)


@needs_seeds
def test_every_claim_cites_a_seed_article_by_its_headline():
    for incident in RECORDS.values():
        for claim in incident.claims:
            ref = claim.source.ref.split(" ")[0]
            seed = SEEDS / Path(ref).name
            headline = seed.read_text("utf-8").splitlines()[0]
            assert claim.source.title in (headline, None), (incident.id, claim.source.title)


def _plain(text):
    """Text for comparison: one kind of quote and apostrophe, single spaces, no case."""
    for curly, straight in (("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split()).casefold()


@needs_seeds
def test_every_statement_stands_word_for_word_in_its_article():
    # A statement is the article's own words: each sentence of it, quoted or reported, is in the
    # article (a sentence's closing punctuation and outer quotes aside), so nothing is paraphrased.
    for incident in RECORDS.values():
        for claim in incident.claims:
            seed = SEEDS / Path(claim.source.ref.split(" ")[0]).name
            article = _plain(seed.read_text("utf-8"))
            for sentence in re.split(r"(?<=[.;])\s+", _plain(claim.statement or "")):
                core = sentence.strip().strip('"').rstrip('.;,"')
                assert core in article, (incident.id, claim.side, sentence[:60])


def figures(incident_id, side):
    return {
        (f.side, f.kind, f.civilian, str(f.count))
        for c in RECORDS[incident_id].claims
        if c.side == side
        for f in c.casualties
    }


def test_figures_as_the_articles_state_them():
    # 004: "the loss of three Armenian soldiers and the injury of two more"
    assert figures("2023-09-01-kalbajar", "armenia") == {
        ("armenia", "killed", False, "3"),
        ("armenia", "wounded", False, "2"),
    }
    # 004: "which led to the injury of two Azerbaijani soldiers"
    assert figures("2023-09-01-kalbajar", "azerbaijan") == {("azerbaijan", "wounded", False, "2")}
    # 000: "at least two Azerbaijani soldiers were killed"
    assert figures("2023-03-05-khalfali-road", "azerbaijan") == {("azerbaijan", "killed", False, "at least 2")}
    # 003: "Azerbaijani military serviceman Asif Aliyev martyred"
    assert figures("2021-12-08-kalbajar", "azerbaijan") == {("azerbaijan", "killed", False, "1")}
    # 000: "fired 23 times between 9:30 p.m. ... and 4:15 a.m."
    shelling = RECORDS["2023-03-08-karabakh"].claims[0]
    assert (shelling.violations.low, shelling.window.start, shelling.window.end) == (
        23,
        datetime(2023, 3, 8, 21, 30),
        datetime(2023, 3, 9, 4, 15),
    )


def test_the_1_september_2023_accounts_contradict():
    claims = RECORDS["2023-09-01-kalbajar"].claims
    blame = {c.side: c.initiator for c in claims if c.initiator}
    assert blame == {"azerbaijan": "armenia", "armenia": "azerbaijan"}
    weapons = {c.side: tuple(w.name for w in c.weapons) for c in claims if c.weapons}
    assert weapons == {"azerbaijan": ("combat drones",), "armenia": ("artillery",)}
    # The EU mission's post came "earlier this week", before Friday's statements: not an account of this.
    assert "eu-mission" not in {c.side for c in claims}
    (crossfire,) = RECORDS["2023-08-28-border-crossfire"].claims
    assert (crossfire.side, crossfire.stance, crossfire.initiator) == ("eu-mission", "observed", None)
    assert RECORDS["2023-08-28-border-crossfire"].date_precision == "week"


def test_bundled_records_are_in_canonical_form():
    from incidents.store import render_record

    for record in Store(BUNDLED).load().records:
        assert record.path.read_text("utf-8") == render_record(record.incident), record.path


def test_list_on_the_bundled_records_shows_the_seed_incidents_with_their_dates(cli):
    out = cli("--records", str(BUNDLED), "list").stdout
    for incident_id, span in [
        ("2023-09-01-kalbajar", "2023-09-01"),
        ("2023-03-08-karabakh", "2023-03-08–09"),
        ("2022-09-12-dashkasan", "2022-09-12–13"),
        ("2021-12-08-kalbajar", "2021-12-08"),
    ]:
        line = next(line for line in out.splitlines() if incident_id in line)
        assert line.startswith(span)
    assert cli("--records", str(BUNDLED), "check").exit_code == 0


def test_check_passes_on_the_bundled_records(cli):
    result = cli("--records", str(BUNDLED), "check")
    assert result.exit_code == 0, result.output
    assert "7 records" in result.stdout
