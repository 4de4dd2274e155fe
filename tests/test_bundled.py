"""The bundled records against the five seed articles and the dated reports they come from.

Expected values here are read from the articles (quoted beside each) or from the public, dated
reports of shared/sources/dating.md (quoted likewise), not from the tool's output.
"""

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from incidents.store import Store

from .conftest import BUNDLED, SEEDS, SHARED, needs_shared

DATING = SHARED / "sources" / "dating.md"
DATING_REF = "sources/dating.md"  # how a record cites a report it knows from dating.md

needs_seeds = needs_shared(SEEDS, "the seed articles")
needs_dating = needs_shared(DATING, "the dated reports (sources/dating.md)")

RECORDS = {r.incident.id: r.incident for r in Store(BUNDLED).load().records}


def test_bundled_records_load_without_errors():
    loaded = Store(BUNDLED).load()
    assert [p for p in loaded.problems if p.severity == "error"] == []
    assert all(p.field.startswith("claims[1].places") for p in loaded.problems)  # places the gazetteer lacks or doubts
    assert len(loaded.records) == loaded.files == 7


@pytest.mark.parametrize(
    ("incident_id", "start", "end"),
    [
        ("2021-12-08-kalbajar", date(2021, 12, 8), None),  # 003: "on December 8, 2021"
        ("2021-12-09-kalbajar", date(2021, 12, 9), date(2021, 12, 10)),  # 003: "On December 9-10"
        # 001: "on Monday evening"; MFA of Azerbaijan: "on September 12, 2022, beginning late that
        # evening"; 002: "early Tuesday", the next day
        ("2022-09-12-dashkasan", date(2022, 9, 12), date(2022, 9, 13)),
        # 000: "last Sunday", in the report that A News dates Thursday 9 March 2023
        ("2023-03-05-khalfali-road", date(2023, 3, 5), None),
        # Azerbaijani MoD: "Starting from 21:30 on March 8 to 04:15 on March 9"
        ("2023-03-08-karabakh", date(2023, 3, 8), date(2023, 3, 9)),
        # 004: the EUMA post "earlier this week" than the Friday, 1 September 2023 (JAMnews, CivilNet)
        ("2023-08-28-border-crossfire", date(2023, 8, 28), None),
        # 004: "on Friday"; JAMnews: "Since 07:50 hours on September 1", the figures of 004
        ("2023-09-01-kalbajar", date(2023, 9, 1), None),
    ],
)
def test_dates_resolved_from_the_articles(incident_id, start, end):
    incident = RECORDS[incident_id]
    assert (incident.date, incident.end_date) == (start, end)


def test_no_record_rests_on_the_project_brief_or_an_issue():
    # Every date comes from a cited public source, never from the project's own papers.
    for path in sorted(BUNDLED.glob("20*/*.yaml")):
        text = path.read_text("utf-8").casefold()
        assert not re.search(r"\b(project )?brief\b|\bissues?\b", text), path


@pytest.mark.parametrize(
    ("incident_id", "key", "fact"),
    [
        # The dashkasan dates: the MFA's date of the Monday evening; Trend's account of the same day.
        ("2022-09-12-dashkasan", "mfa-az-2022-09-13", "on September 12, 2022, beginning late that evening"),
        ("2022-09-12-dashkasan", "trend-2022-09-13", "Trend, 13 September 2022"),
        # The Thursday of seed 000 is 9 March 2023, so its "last Sunday" is 5 March.
        ("2023-03-05-khalfali-road", "anews-2023-03-09", "dated Thursday 9 March 2023"),
        ("2023-03-05-khalfali-road", "jamnews-2023-03-05", "Early morning today, Sunday March 5"),
        ("2023-03-08-karabakh", "anews-2023-03-09", "dated Thursday 9 March 2023"),
        ("2023-03-08-karabakh", "mod-az-2023-03-09", "Starting from 21:30 on March 8 to 04:15 on March 9"),
        ("2023-08-28-border-crossfire", "jamnews-2023-09-01", "Since 07:50 hours on September 1"),
        ("2023-08-28-border-crossfire", "civilnet-2023-09-01", "account of Friday 1 September 2023"),
        ("2023-09-01-kalbajar", "jamnews-2023-09-01", "Since 07:50 hours on September 1"),
        ("2023-09-01-kalbajar", "civilnet-2023-09-01", "account of Friday 1 September 2023"),
    ],
)
def test_a_date_the_seeds_leave_open_comes_from_a_listed_dated_report(incident_id, key, fact):
    incident = RECORDS[incident_id]
    assert key in {s.key for s in incident.sources}
    assert f"(key {key})" in incident.notes  # the notes say which report fixes the date
    if DATING.exists():
        assert " ".join(fact.split()) in " ".join(DATING.read_text("utf-8").split())


def _dating_entries() -> list[str]:
    text = DATING.read_text("utf-8")
    return [" ".join(entry.split()) for entry in text.split("\n- **")[1:]]


@needs_dating
def test_every_listed_source_is_given_as_dating_md_gives_it():
    # Title, publisher's name, date and URL as the report's entry in dating.md has them.
    entries = _dating_entries()
    for incident in RECORDS.values():
        keys = [s.key for s in incident.sources]
        assert len(keys) == len(set(keys)) and all(keys), incident.id
        for source in incident.sources:
            assert source.ref == DATING_REF, (incident.id, source.key)
            (entry,) = [e for e in entries if (source.url or source.title) in e]
            if source.title:
                assert f'"{source.title}"' in entry, (incident.id, source.key)
            if source.url:
                assert source.url in entry
            day = source.date
            assert f"{day.day} {day:%B} {day.year}" in entry, (incident.id, source.key)
            assert source.publisher.split(" ")[0].strip(",") in entry, (incident.id, source.key)


def _text_of(source) -> Path:
    ref = source.ref.split(" ")[0]
    return DATING if ref == DATING_REF else SEEDS / Path(ref).name


@needs_seeds
def test_every_claim_cites_a_seed_article_by_its_headline_or_a_listed_report_by_key():
    for incident in RECORDS.values():
        listed = {s.key: s for s in incident.sources}
        for claim in incident.claims:
            if claim.source.key:  # cited by key: the source is the incident's, known from dating.md
                assert listed[claim.source.key] == claim.source and claim.source.ref == DATING_REF
                continue
            ref = claim.source.ref.split(" ")[0]
            assert ref.startswith("seeds/"), (incident.id, claim.id)
            seed = SEEDS / Path(ref).name
            headline = seed.read_text("utf-8").splitlines()[0]
            assert claim.source.title in (headline, None), (incident.id, claim.source.title)


def test_every_claim_has_an_explicit_id_in_file_order():
    for incident in RECORDS.values():
        assert [c.id for c in incident.claims] == [f"c{n}" for n in range(1, len(incident.claims) + 1)]


def _plain(text):
    """Text for comparison: one kind of quote and apostrophe, single spaces, no case."""
    for curly, straight in (("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split()).casefold()


def _core(passage):
    """A passage without its outer quotes and its closing punctuation."""
    return passage.strip().strip('"').rstrip('.;,"').strip()


@needs_seeds
@needs_dating
def test_every_statement_stands_word_for_word_in_its_article():
    # A statement is the article's own words: each passage of it, quoted or reported, stands in
    # the article as one unbroken stretch (a passage's closing punctuation and outer quotes aside),
    # and the passages come in the article's order. Passages that are not next to each other in the
    # article are joined by an ellipsis (…), so nothing is left out unmarked and nothing paraphrased.
    for incident in RECORDS.values():
        for claim in incident.claims:
            article = _plain(_text_of(claim.source).read_text("utf-8"))
            passages = _plain(claim.statement or "").split("…")
            assert all(_core(p) for p in passages), (incident.id, claim.id, "an ellipsis joins nothing")
            at = 0
            for passage in passages:
                core = _core(passage)
                found = article.find(core, at)
                assert found >= 0, (incident.id, claim.id, passage[:60])
                at = found + len(core)
                for sentence in re.split(r"(?<=[.;])\s+", passage):  # and so each sentence of it
                    assert _core(sentence) in article, (incident.id, claim.id, sentence[:60])


def test_the_mahmudov_briefing_marks_what_it_leaves_out():
    # 001: three paragraphs ("Mahmudov said that by laying mines…", "This is evidence…",
    # "Stressing that…") stand between the quoted purpose and "He said that 1390 PMN-E…".
    (briefing,) = [c for c in RECORDS["2022-09-12-dashkasan"].claims if "Mahmudov" in (c.by or "")]
    assert "attaches. … He said that 1390 PMN-E" in briefing.statement


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
    assert str(RECORDS["2023-03-05-khalfali-road"].claims[0].casualties[0].count.low) == "2"
    # 003: "Azerbaijani military serviceman Asif Aliyev martyred"
    assert figures("2021-12-08-kalbajar", "azerbaijan") == {("azerbaijan", "killed", False, "1")}
    # 000: "fired 23 times between 9:30 p.m. ... and 4:15 a.m."; MoD: "subjected to fire 23 times"
    for shelling in RECORDS["2023-03-08-karabakh"].claims:
        assert (shelling.violations.low, shelling.window.start, shelling.window.end) == (
            23,
            datetime(2023, 3, 8, 21, 30),
            datetime(2023, 3, 9, 4, 15),
        )


def test_losses_without_a_number_are_some_never_a_figure():
    some = "some (no number given)"
    claims = RECORDS["2022-09-12-dashkasan"].claims
    # 001: "There were casualties among military personnel from both sides": killed or wounded, both
    earlier = claims[0]
    assert {(f.side, f.kind, str(f.count)) for f in earlier.casualties} == {
        ("armenia", "killed_or_wounded", some),
        ("azerbaijan", "killed_or_wounded", some),
    }
    assert all(f.count.unnumbered for f in earlier.casualties)  # no number: never 0, never a guess
    # Trend (dating.md): "there are losses among the personnel, the military infrastructure has been damaged"
    (trend,) = [c for c in claims if c.source.key == "trend-2022-09-13"]
    assert {(f.side, f.kind, str(f.count)) for f in trend.casualties} == {("azerbaijan", "killed_or_wounded", some)}
    assert [(m.what, str(m.outcome), m.whose, m.count) for m in trend.material] == [
        ("military infrastructure", "damaged", "azerbaijan", None)
    ]
    # 002: "from the Basargeçer, Istisu, Karakilise and Gorus areas"; dating.md, Trend: "including mortars"
    assert [w.name for w in trend.weapons] == ["mortars"]
    assert [(p.name, str(p.role)) for p in trend.places if str(p.role) == "from"] == [
        ("Basarkechar", "from"), ("Istisu", "from"), ("Garakilsa", "from"), ("Gorus", "from"),
    ]  # fmt: skip


def roles(claim):
    return [(p.name, str(p.role), p.means) for p in claim.places]


def test_places_keep_the_sides_words_with_their_roles():
    # 003: "fired the positions of Azerbaijani army in Kalbajar region from their combat positions
    # located in Basarkechar region"
    (december,) = RECORDS["2021-12-09-kalbajar"].claims
    assert roles(december) == [("Kalbajar region", "at", None), ("Basarkechar region", "from", None)]
    # 003: "in the direction of the Kalbajar region": a direction, no role
    assert roles(RECORDS["2021-12-08-kalbajar"].claims[0]) == [("Kalbajar region", "near", None)]
    # 002: "opened fire on Azerbaijani positions in the Dashkasan, Kalbajar and Lachin regions, with
    # howitzers and different weapons from the Basargeçer, Istisu, Karakilise and Gorus areas"
    tuesday = RECORDS["2022-09-12-dashkasan"].claims[1]
    assert roles(tuesday) == [
        ("Dashkasan", "at", None), ("Kalbajar", "at", None), ("Lachin", "at", None),
        ("Basargeçer", "from", None), ("Istisu", "from", "jermuk"), ("Karakilise", "from", None), ("Gorus", "from", None),
    ]  # fmt: skip
    # 001: "in the direction of Dashkesan, Kalbajar and Lachin": directions, no role
    assert {role for _, role, _ in roles(RECORDS["2022-09-12-dashkasan"].claims[0])} == {"near"}
    # 000: "when Armenian forces opened fire on them after Azerbaijani troops attempted to stop and
    # check vehicles ... through the Khankendi-Khalfali-Turshsu road"
    assert roles(RECORDS["2023-03-05-khalfali-road"].claims[0])[0] == ("Khankendi-Khalfali-Turshsu road", "at", None)
    # 000: "positions of the Azerbaijan army on the Azerbaijan-Armenia border, particularly in the
    # Karabakh region, were fired 23 times"
    article, ministry = RECORDS["2023-03-08-karabakh"].claims
    assert roles(article) == [("Karabakh region", "at", None)]
    # MoD (dating.md): fired from "(Yukhari Shorzha, Ashaghi Shorzha, Gunashli, Azizli of the
    # Basarkechar region, Istisu, the Chambarak region) and those fired at (Istisu, Zaylik,
    # Mollabayramli, Yellija, Yukhari Ayrim of Kalbajar; Astaf of Dashkasan; Zamanli and Goyalli
    # of Gadabay; Khojavend, Lachin, Khojaly, Shusha)"
    fired_from = [(n, m) for n, r, m in roles(ministry) if r == "from"]
    fired_at = [(n, m) for n, r, m in roles(ministry) if r == "at"]
    assert fired_from == [
        ("Yukhari Shorzha", None), ("Ashaghi Shorzha", None), ("Gunashli", None), ("Azizli", None),
        ("Istisu", "jermuk"), ("Chambarak region", None),
    ]  # fmt: skip
    assert [n for n, _ in fired_at] == [
        "Istisu", "Zaylik", "Mollabayramli", "Yellija", "Yukhari Ayrim", "Astaf", "Zamanli", "Goyalli",
        "Khojavend", "Lachin", "Khojaly", "Shusha",
    ]  # fmt: skip
    assert ("Istisu", "istisu_kalbajar") in fired_at and ("Yellija", "yellija_kalbajar") in fired_at
    # 004: "against Azerbaijani positions within the Kalbajar District"
    drones = next(c for c in RECORDS["2023-09-01-kalbajar"].claims if c.side == "azerbaijan")
    assert roles(drones) == [("Kalbajar District", "at", None)]


def test_weapons_are_used_by_the_side_blamed_as_the_seeds_say():
    # 004: "combat drones employed by Armenia"; "Baku ... launching artillery attacks";
    # 002: "The Armenian military opened fire ... with howitzers". No seed names another user.
    for incident in RECORDS.values():
        for claim in incident.claims:
            for weapon in claim.weapons:
                assert weapon.by is None and claim.weapon_user(weapon) == claim.initiator, (incident.id, claim.id)
    users = {w.name: c.weapon_user(w) for c in RECORDS["2023-09-01-kalbajar"].claims for w in c.weapons}
    assert users == {"combat drones": "armenia", "artillery": "azerbaijan"}


def test_mines_people_and_admitted_losses():
    # 001: "Sabotage groups of the Armenian army laid mines"; 002: "sabotage groups of the Armenian
    # military also laid mines"
    for claim in RECORDS["2022-09-12-dashkasan"].claims[:2]:
        assert [(m.what, str(m.outcome), m.whose, m.count) for m in claim.material] == [
            ("mines", "laid", "armenia", None)
        ]
    # 003: "Azerbaijani military serviceman Asif Aliyev martyred"
    (aliyev,) = RECORDS["2021-12-08-kalbajar"].claims[0].people
    assert (aliyev.name, aliyev.side, str(aliyev.status), aliyev.civilian) == (
        "Asif Aliyev",
        "azerbaijan",
        "killed",
        False,
    )
    # A side stating its own losses admits them: 003 (Aliyev), 004 ("the injury of two Azerbaijani
    # soldiers"; "the loss of three Armenian soldiers"), 001 ("casualties ... from both sides").
    for incident in RECORDS.values():
        for claim in incident.claims:
            own = any(f.side == claim.side for f in claim.casualties)
            if claim.admits:
                assert own and [str(t) for t in claim.admits] == ["casualties"], (incident.id, claim.id)
    admitting = {(i.id, c.id) for i in RECORDS.values() for c in i.claims if c.admits}
    assert admitting == {
        ("2021-12-08-kalbajar", "c1"),
        ("2022-09-12-dashkasan", "c1"),
        ("2022-09-12-dashkasan", "c4"),
        ("2023-09-01-kalbajar", "c2"),
        ("2023-09-01-kalbajar", "c3"),
    }


def test_the_23_shellings_are_in_azerbaijans_clock_utc_plus_4():
    # A News: 9.30 p.m. "(1730GMT)" on Wednesday to 4.15 a.m. "(0015GMT)" on Thursday: UTC+4, not the
    # UTC+3 that the seed's "(06:30 p.m.GMT)" implies.
    incident = RECORDS["2023-03-08-karabakh"]
    for claim in incident.claims:
        assert claim.window.utc_offset == timedelta(hours=4)
        assert claim.window.utc_span() == (datetime(2023, 3, 8, 17, 30), datetime(2023, 3, 9, 0, 15))
    assert "(key anews-2023-03-09)" in incident.notes and "UTC+4" in incident.notes
    ministry = incident.claims[1]
    assert ministry.source.key == "mod-az-2023-03-09"  # "9 March 2023, 12:59"
    assert ministry.reported.day == date(2023, 3, 9)


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
