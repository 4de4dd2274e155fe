"""Real statements entered as an analyst would, and what the record then holds.

Each test quotes the statement it enters, from ../shared/sources/ (the July 2020 fighting at
Tovuz and Tavush) or ../shared/seeds/; the expected values are read from that quote.
"""

import json

from incidents.model import CasualtyKind, Count
from incidents.store import Store

from .conftest import claim, incident

STEPANYAN = "Ministry of Defence (spokeswoman Shushan Stepanyan)"
AFP_2020_07_12 = "sources/tovuz-2020/24-defensepost-afp-tovuz-2020-07-12.txt"  # no headline: cited by ref


def tovuz(make_records):
    return make_records(
        incident(id="2020-07-12-tovuz", date="2020-07-12", places=["Tovuz district"], region=[], claims=[])
    )


def added_claim(cli, root, *args):
    result = cli("--records", str(root), "claim", "2020-07-12-tovuz", *args, "--source-ref", AFP_2020_07_12)
    assert result.exit_code == 0, result.output
    return Store(root).load().get("2020-07-12-tovuz").incident.claims[-1]


def test_losses_without_a_number_are_kept_as_such_never_as_a_number(cli, make_records):
    # 24-defensepost-afp: "They were repulsed, suffering losses in manpower. There were no
    # casualties among Armenian servicemen," Armenia's defense ministry spokeswoman said.
    root = tovuz(make_records)
    stored = added_claim(
        cli, root, "--side", "armenia", "--by", "Ministry of Defence (spokeswoman Shushan Stepanyan)",
        "--killed-or-wounded", "azerbaijan=some", "--killed-or-wounded", "armenia=0",
    )  # fmt: skip
    figures = {(f.side, f.kind): f.count for f in stored.casualties}
    assert figures[("azerbaijan", CasualtyKind.KILLED_OR_WOUNDED)] == Count(0, 0, unnumbered=True)
    assert figures[("armenia", CasualtyKind.KILLED_OR_WOUNDED)] == Count(0, 0)
    text = (root / "2020" / "2020-07-12-tovuz.yaml").read_text()
    assert "killed_or_wounded: some" in text and "killed_or_wounded: 0" in text
    shown = cli("--records", str(root), "show", "2020-07-12-tovuz").stdout
    assert "Azerbaijan: some (no number given) killed or wounded" in " ".join(shown.split())


def test_a_summary_never_turns_losses_without_a_number_into_a_figure(cli, make_records):
    # 02-trend (13 July 2020): "Azerbaijan's armed response forced the Armenian army to retreat
    # suffering losses." 25-reporteram: "According to official reports, the past days'
    # skirmishes left overall four Armenian servicemen killed."
    root = make_records(
        incident(id="2020-07-12-tovuz", date="2020-07-12", places=["Tovuz district"], region=[], claims=[
            claim(side="azerbaijan", initiator="armenia", casualties={"armenia": {"killed_or_wounded": "some"}}),
        ]),
        incident(id="2020-07-16-tavush", date="2020-07-16", places=["Tavush Province"], region=[], claims=[
            claim(side="armenia", initiator="azerbaijan", casualties={"armenia": {"killed": 4}}),
        ]),
    )  # fmt: skip
    result = cli("--records", str(root), "summary", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    lines = {(c["side"], c["kind"]): c for c in data["casualties"]}
    assert lines[("armenia", "killed_or_wounded")]["attributed"] == {"azerbaijan": "some"}
    assert lines[("armenia", "killed")]["admitted"] == 4
    table = " ".join(cli("--records", str(root), "summary").stdout.split())
    assert "some (no number given)" in table


def test_counts_read_as_statements_give_them():
    assert Count.parse("up to 70") == Count(0, 70, up_to=True)
    assert str(Count.parse("≤ 70")) == "up to 70" and Count.parse("up to 70").to_data() == "up to 70"
    assert Count.parse("some").overlaps(Count.parse(3)) and not Count.parse("some").overlaps(Count.parse(0))
    assert not Count.parse("up to 2").overlaps(Count.parse(3))


def test_places_keep_their_role_and_the_sides_own_word(cli, make_records):
    # dating.md, Trend 13 September 2022 citing Azerbaijan's MoD: the provocation in the
    # Dashkasan, Kalbajar and Lachin directions; fire "including mortars" from the direction of
    # Basarkechar, Istisu, Garakilsa and Gorus. Istisu is two places; fired from Armenia, it is
    # Jermuk, and the record keeps the MoD's word with that choice beside it.
    root = make_records(
        incident(id="2022-09-12-dashkasan", date="2022-09-12", places=["Dashkasan"], region=[], claims=[])
    )
    args = ["--side", "azerbaijan", "--initiator", "armenia", "--weapon", "mortars"]
    for name in ("Basarkechar", "Istisu (Jermuk)", "Garakilsa", "Gorus"):
        args += ["--place", f"from:{name}"]
    for name in ("Dashkasan", "Kalbajar", "Lachin"):
        args += ["--place", f"at:{name}"]
    result = cli(
        "--records",
        str(root),
        "claim",
        "2022-09-12-dashkasan",
        *args,
        "--source-ref",
        "sources/dating.md: Trend, 13 September 2022",
    )
    assert result.exit_code == 0, result.output
    stored = Store(root).load().get("2022-09-12-dashkasan").incident.claims[-1]
    fired_from = [(p.name, p.means) for p in stored.places if p.role == "from"]
    assert fired_from == [("Basarkechar", None), ("Istisu", "jermuk"), ("Garakilsa", None), ("Gorus", None)]
    assert [p.name for p in stored.places if p.role == "at"] == ["Dashkasan", "Kalbajar", "Lachin"]
    assert [(w.name, stored.weapon_user(w)) for w in stored.weapons] == [("mortars", "armenia")]
    text = (root / "2022" / "2022-09-12-dashkasan.yaml").read_text()
    assert "- name: Istisu\n    role: from\n    means: jermuk\n" in text
    jermuk = cli("--records", str(root), "list", "--region", "Jermuk", "--format", "json")
    assert [r["id"] for r in json.loads(jermuk.stdout)] == ["2022-09-12-dashkasan"]
    shown = " ".join(cli("--records", str(root), "show", "2022-09-12-dashkasan").stdout.split())
    assert "Istisu (fire came from; = jermuk)" in shown and "Dashkasan (hit or aimed at)" in shown


def test_weapons_say_who_used_them(cli, make_records):
    # 03-trend (22 July 2020), Azerbaijan's MoD: "During the night battles, by using artillery,
    # mortars and tanks, the Azerbaijani armed forces destroyed a stronghold, army vehicles."
    root = tovuz(make_records)
    weapons = ["--weapon", "azerbaijan=artillery", "--weapon", "azerbaijan=mortars", "--weapon", "az=tanks"]
    stored = added_claim(cli, root, "--side", "azerbaijan", "--initiator", "armenia", *weapons)
    assert [(w.name, stored.weapon_user(w)) for w in stored.weapons] == [
        ("artillery", "azerbaijan"), ("mortars", "azerbaijan"), ("tanks", "azerbaijan"),
    ]  # fmt: skip
    # 25-reporteram: "A civilian ... was hit in an Azerbaijani drone strike": the side blamed.
    blamed = added_claim(cli, root, "--side", "armenia", "--initiator", "azerbaijan", "--weapon", "drone")
    assert [(w.name, w.by, blamed.weapon_user(w)) for w in blamed.weapons] == [("drone", None, "azerbaijan")]
    text = (root / "2020" / "2020-07-12-tovuz.yaml").read_text()
    assert "  - name: tanks\n    by: azerbaijan\n" in text and "  weapons:\n  - drone\n" in text


AP_2020_07_13 = "3 Azerbaijani troops die in clashes with Armenia"  # its headline


def test_a_revised_toll_is_a_new_claim_that_names_the_one_it_revises(cli, make_records):
    # 24-defensepost-afp (12 July): "Two Azerbaijani servicemen were killed and five more
    # wounded," it [Azerbaijan's defense ministry] added.
    # 23-ap (13 July): "Azerbaijan's Defense Ministry said that two of its soldiers were killed in
    # Armenian shelling Sunday and another one later died in a hospital. It said five Azerbaijani
    # servicemen were wounded."
    root = tovuz(make_records)
    first = added_claim(cli, root, "--side", "az", "--by", "Ministry of Defence", "--reported", "12 July 2020",
                        "--killed", "azerbaijan=2", "--wounded", "azerbaijan=5")  # fmt: skip
    result = cli(
        "--records", str(root), "claim", "2020-07-12-tovuz", "--side", "az", "--by", "Ministry of Defence",
        "--reported", "13 July 2020", "--revises", first.id, "--killed", "azerbaijan=3", "--wounded", "azerbaijan=5",
        "--source-title", AP_2020_07_13,
    )  # fmt: skip
    assert result.exit_code == 0 and "added claim c2 (azerbaijan)" in result.stdout, result.output
    claims = Store(root).load().get("2020-07-12-tovuz").incident.claims
    assert [(c.id, c.revises, str(c.reported)) for c in claims] == [
        ("c1", None, "2020-07-12"),
        ("c2", "c1", "2020-07-13"),
    ]
    rows = json.loads(cli("--records", str(root), "diff", "2020-07-12-tovuz", "--format", "json").stdout)["rows"]
    killed = next(r for r in rows if r["key"] == "casualties.azerbaijan.killed")
    assert killed["values"]["azerbaijan"] == 3  # as show and the record write it, not the text "3"
    assert killed["revisions"]["azerbaijan"] == [{"reported": "2020-07-12", "value": 2}]


def test_a_revision_must_name_a_claim_of_the_incident(cli, make_records):
    root = tovuz(make_records)
    before = (root / "2020" / "2020-07-12-tovuz.yaml").read_text()
    result = cli(
        "--records", str(root), "claim", "2020-07-12-tovuz", "--side", "az", "--revises", "c9", "--source-title", "h"
    )
    assert result.exit_code == 2 and "--revises" in result.stderr and "c9" in result.stderr
    assert (root / "2020" / "2020-07-12-tovuz.yaml").read_text() == before


def test_a_statement_keeps_its_time_of_day_and_statements_of_a_day_order_by_it(cli, make_records):
    # dating.md: "Azerbaijani Ministry of Defence, 9 March 2023, 12:59", "The Armenian side is
    # attempting to create fake tension in the region by shelling the Azerbaijan Army positions";
    # Anadolu / A News carried the same report on 9 March 2023, with no time.
    root = make_records(incident(id="2023-03-08-karabakh", date="2023-03-08", places=[], region=[], claims=[]))
    for reported, title in (("2023-03-09 12:59", "The Armenian side is attempting to create fake tension"),
                            ("9 March 2023", "Baku says Armenia artificially escalates tensions")):  # fmt: skip
        args = ("claim", "2023-03-08-karabakh", "--side", "az", "--reported", reported, "--source-title", title)
        assert cli("--records", str(root), *args).exit_code == 0
    claims = Store(root).load().get("2023-03-08-karabakh").incident.claims
    assert [str(c.reported) for c in claims] == ["2023-03-09T12:59", "2023-03-09"]
    assert "reported: 2023-03-09T12:59\n" in (root / "2023" / "2023-03-08-karabakh.yaml").read_text()
    from incidents.compare import chronological

    assert [c.id for c in chronological(claims)] == ["c2", "c1"]  # the untimed one first, then 12:59


def test_a_retraction_names_the_claim_and_what_of_it_is_withdrawn(cli, make_records):
    root = tovuz(make_records)
    added_claim(cli, root, "--side", "armenia", "--killed", "armenia=3", "--wounded", "armenia=2")
    one = added_claim(cli, root, "--side", "armenia", "--retracts", "c1:casualties.armenia.killed")
    whole = added_claim(cli, root, "--side", "armenia", "--retracts", "c2")
    assert (one.retracts.claim, one.retracts.aspects) == ("c1", ("casualties.armenia.killed",))
    assert (whole.retracts.claim, whole.retracts.aspects) == ("c2", ())
    text = (root / "2020" / "2020-07-12-tovuz.yaml").read_text()
    assert "  retracts:\n    claim: c1\n    aspects:\n    - casualties.armenia.killed\n" in text
    assert "  retracts: c2\n" in text


ANEWS = "Baku says Armenia artificially escalates tensions in region by shelling Azerbaijani positions"
ANEWS_URL = "https://www.anews.com.tr/asia/2023/03/09/baku-says-armenia-artificially-escalates-tensions-in-region-by-shelling-azerbaijani-positions"


def test_a_source_is_entered_once_and_cited_by_its_key(cli, make_records):
    # dating.md: "Anadolu / A News, 9 March 2023", the same report as seed 000, dated Thursday
    # 9 March 2023; seed 000: the statement was made "on Thursday".
    root = make_records(incident(id="2023-03-08-karabakh", date="2023-03-08", places=[], region=[], claims=[]))
    source = ["--source-title", ANEWS, "--source-publisher", "Anadolu / A News", "--source-date", "2023-03-09",
              "--source-url", ANEWS_URL, "--source", "anews-2023-03-09"]  # fmt: skip
    first = cli(
        "--records", str(root), "claim", "2023-03-08-karabakh", "--side", "az", "--reported", "Thursday", *source
    )
    assert first.exit_code == 0, first.output
    again = cli("--records", str(root), "claim", "2023-03-08-karabakh", "--side", "az", "--source", "anews-2023-03-09")
    assert again.exit_code == 0, again.output
    incident_ = Store(root).load().get("2023-03-08-karabakh").incident
    assert [s.key for s in incident_.sources] == ["anews-2023-03-09"]
    assert [(c.source.title, c.source.url) for c in incident_.claims] == [(ANEWS, ANEWS_URL)] * 2
    assert str(incident_.claims[0].reported) == "2023-03-09"
    assert "'Thursday' in a source of 2023-03-09, resolved to 2023-03-09" in incident_.claims[0].note
    text = (root / "2023" / "2023-03-08-karabakh.yaml").read_text()
    assert text.count(ANEWS) == 1 and text.count("  source: anews-2023-03-09\n") == 2
    unknown = cli("--records", str(root), "claim", "2023-03-08-karabakh", "--side", "az", "--source", "afp-1")
    assert unknown.exit_code == 2 and "afp-1" in unknown.stderr and "anews-2023-03-09" in unknown.stderr


def test_a_weekday_for_reported_needs_the_sources_date(cli, make_records):
    root = make_records(incident(id="2023-03-08-karabakh", date="2023-03-08", places=[], region=[], claims=[]))
    result = cli("--records", str(root), "claim", "2023-03-08-karabakh", "--side", "az", "--reported", "Thursday",
                 "--source-title", ANEWS)  # fmt: skip
    assert result.exit_code == 2 and "--source-date" in result.stderr


def test_add_takes_an_id_and_never_changes_it_silently(cli, tmp_path):
    args = [
        "--records",
        str(tmp_path),
        "add",
        "--id",
        "2023-03-08-karabakh-shelling",
        "--date",
        "2023-03-08",
        "--title",
        "t",
    ]
    assert cli(*args).exit_code == 0
    assert (tmp_path / "2023" / "2023-03-08-karabakh-shelling.yaml").is_file()
    taken = cli(*args)
    assert (
        taken.exit_code == 2
        and "--id" in taken.stderr
        and not (tmp_path / "2023" / "2023-03-08-karabakh-shelling-2.yaml").exists()
    )
    wrong = cli("--records", str(tmp_path), "add", "--id", "2023-03-09-x", "--date", "2023-03-08", "--title", "t")
    assert wrong.exit_code == 2 and "--id" in wrong.stderr


def test_an_admission_of_ones_own_fire_is_kept_as_such(cli, make_records):
    # 02-trend (13 July 2020): "Starting from noon on July 12, units of the armed forces of
    # Armenia, grossly violating the ceasefire in the direction of Azerbaijan's Tovuz district
    # ..., opened artillery fire at Azerbaijani positions. Azerbaijan's armed response forced the
    # Armenian army to retreat suffering losses."
    root = tovuz(make_records)
    stored = added_claim(
        cli, root, "--side", "azerbaijan", "--kind", "ceasefire-violated", "--initiator", "armenia",
        "--weapon", "artillery", "--admits", "own-fire", "--killed-or-wounded", "armenia=some",
    )  # fmt: skip
    assert (stored.kind, stored.initiator, stored.admits, stored.denies) == (
        "ceasefire-violated",
        "armenia",
        ("own-fire",),
        (),
    )
    text = (root / "2020" / "2020-07-12-tovuz.yaml").read_text()
    assert "  kind: ceasefire-violated\n" in text and "  admits:\n  - own-fire\n" in text


def test_a_partial_denial_and_a_claim_known_only_through_the_other_side(cli, make_records):
    # 03-trend (22 July 2020), Vagif Dargahli for Azerbaijan's MoD: "we haven't launched any
    # attacks, nor have any losses" ... "we haven't had any losses, despite what the Armenian side
    # is trying to claim". Azerbaijan denies starting it and its losses; Armenia's claim of
    # Azerbaijani losses is known here only through Azerbaijan's denial of it.
    root = tovuz(make_records)
    denial = added_claim(
        cli, root, "--side", "azerbaijan", "--by", "Ministry of Defence (Vagif Dargahli)", "--stance", "denies",
        "--denies", "initiator", "--denies", "casualties", "--killed-or-wounded", "azerbaijan=0",
    )  # fmt: skip
    assert denial.denies == ("initiator", "casualties")
    known = added_claim(cli, root, "--side", "armenia", "--via", "az", "--killed-or-wounded", "azerbaijan=some")
    assert (known.via.side, known.via.by) == ("azerbaijan", None)
    assert "  via: azerbaijan\n" in (root / "2020" / "2020-07-12-tovuz.yaml").read_text()


def test_people_are_named_with_what_happened_to_them(cli, make_records):
    # 25-reporteram: "The wounded person was identified as Aramayis Hovakimyan, a resident of the
    # Chinari village (Tavush region)". 23-ap: "two of its soldiers were killed in Armenian
    # shelling Sunday and another one later died in a hospital."
    root = tovuz(make_records)
    civilian = added_claim(
        cli, root, "--side", "armenia", "--initiator", "azerbaijan", "--weapon", "drone",
        "--person", "name=Aramayis Hovakimyan,side=armenia,status=wounded,civilian=yes",
    )  # fmt: skip
    (person,) = civilian.people
    assert (person.name, person.side, person.status, person.civilian) == (
        "Aramayis Hovakimyan",
        "armenia",
        "wounded",
        True,
    )
    root2 = make_records(incident(id="2020-07-13-tovuz", date="2020-07-12", places=["Tovuz district"], region=[], claims=[
        claim(side="azerbaijan", people=[{"side": "azerbaijan", "status": "wounded", "events": [{"event": "died-of-wounds"}]}]),
    ]))  # fmt: skip
    later = Store(root2).load().get("2020-07-13-tovuz").incident.claims[0].people[0]
    assert (later.name, later.status, [e.event for e in later.events]) == (None, "wounded", ["died-of-wounds"])


def test_material_destroyed_and_damaged_says_whose(cli, make_records):
    # 03-trend (22 July 2020): "the Azerbaijani armed forces destroyed a stronghold, army
    # vehicles" ... "As a result of the shelling, many houses in the Tovuz district's border
    # villages were damaged."
    root = tovuz(make_records)
    stored = added_claim(
        cli, root, "--side", "azerbaijan", "--initiator", "armenia",
        "--material", "outcome=destroyed,what=a stronghold,whose=armenia,count=1",
        "--material", "outcome=destroyed,what=army vehicles,whose=armenia,count=some",
        "--material", "outcome=damaged,what=houses in the Tovuz district's border villages,whose=az,count=some",
    )  # fmt: skip
    got = [(m.what, m.outcome, m.whose, m.count.to_data()) for m in stored.material]
    assert got == [
        ("a stronghold", "destroyed", "armenia", 1),
        ("army vehicles", "destroyed", "armenia", "some"),
        ("houses in the Tovuz district's border villages", "damaged", "azerbaijan", "some"),
    ]


def test_links_point_at_recorded_incidents(cli, make_records):
    # 03-trend (22 July 2020): "The fighting continued in the following several days as well."
    root = tovuz(make_records)
    args = [
        "--records",
        str(root),
        "add",
        "--date",
        "2020-07-16",
        "--title",
        "Fighting continues",
        "--place",
        "Tavush Province",
    ]
    assert cli(*args, "--link", "continues:2020-07-12-tovuz").exit_code == 0
    linked = Store(root).load().get("2020-07-16-tavush-province").incident.links
    assert [(link.type, link.id) for link in linked] == [("continues", "2020-07-12-tovuz")]
    assert cli("--records", str(root), "check").exit_code == 0
    bad = root / "2020" / "2020-07-16-tavush-province.yaml"
    bad.write_text(bad.read_text().replace("id: 2020-07-12-tovuz", "id: 2020-07-11-none"))
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1 and "links[0]: continues: no incident with id '2020-07-11-none'" in result.stdout


def test_a_side_beyond_the_preset_ones_is_added_with_its_type(cli, make_records):
    root = tovuz(make_records)
    refused = cli("--records", str(root), "claim", "2020-07-12-tovuz", "--side", "usa", "--source-title", "h")
    assert refused.exit_code == 2 and "unknown side 'usa'" in refused.stderr and "sides.yaml" in refused.stderr
    (root / "sides.yaml").write_text("sides:\n  usa: {name: United States, type: state, aliases: [us]}\n")
    stored = added_claim(cli, root, "--side", "us", "--kind", "mediation")
    assert (stored.side, stored.kind) == ("usa", "mediation")
    sides = Store(root).sides()[0]
    assert sides.get("usa").type == "state" and sides.get("armenia").voice == "Ministry of Defence"


def test_a_mission_confirms_that_it_happened_not_who_started_it(cli, make_records):
    # seed 004: "Last several days, EUMA eye-witnessed with concern the increased tensions and
    # crossfire at the [Armenian]-[Azerbaijani] border areas," the mission wrote on X.
    root = make_records(incident(id="2023-08-28-border-crossfire", date="2023-08-28", places=[], region=[], claims=[]))
    args = ["claim", "2023-08-28-border-crossfire", "--side", "eu-mission", "--stance", "observed", "--confirms", "happened",
            "--source-title", "Azerbaijan builds up military forces on border: Armenian MoD"]  # fmt: skip
    assert cli("--records", str(root), *args).exit_code == 0
    stored = Store(root).load().get("2023-08-28-border-crossfire").incident.claims[0]
    assert (stored.stance, stored.confirms, stored.initiator) == ("observed", ("happened",), None)


def test_a_third_party_stopping_a_clash_is_mediation_and_a_press_tally_a_statement_of_losses(cli, make_records):
    # dating.md, Russian MoD as reported 6 March 2023: "... peacekeepers stopped the clash".
    # 26-rferl: "A days-long flareup ... in mid-July killed at least 17 people, mostly soldiers on
    # both sides but including at least one civilian": a press tally, by a media side.
    root = tovuz(make_records)
    russia = added_claim(
        cli, root, "--side", "russia", "--kind", "mediation", "--statement", "peacekeepers stopped the clash"
    )
    assert russia.kind == "mediation"
    (root / "sides.yaml").write_text("sides:\n  rferl: {name: RFE/RL, type: media}\n")
    tally = added_claim(cli, root, "--side", "rferl", "--kind", "losses", "--statement", "killed at least 17 people")
    assert tally.kind == "losses" and Store(root).sides()[0].get("rferl").type == "media"


# --- found by a new user entering the July 2020 reports ----------------------------------------------


def test_another_bodys_figure_counts_where_the_official_voice_gave_none(cli, make_records):
    # 25-reporteram: "According to official reports, the past days' skirmishes left overall four
    # Armenian servicemen killed." 24-defensepost-afp: the MoD spokeswoman: "There were no
    # casualties among Armenian servicemen" (of 12 July).
    root = tovuz(make_records)
    added_claim(
        cli,
        root,
        "--side",
        "armenia",
        "--by",
        STEPANYAN,
        "--initiator",
        "azerbaijan",
        "--killed-or-wounded",
        "armenia=0",
    )
    added_claim(
        cli,
        root,
        "--side",
        "armenia",
        "--by",
        "official reports (per ReporterAM)",
        "--kind",
        "losses",
        "--killed",
        "armenia=4",
    )
    rows = json.loads(cli("--records", str(root), "diff", "2020-07-12-tovuz", "--format", "json").stdout)["rows"]
    killed = next(r for r in rows if r["key"] == "casualties.armenia.killed")
    assert killed["values"]["armenia"] == 4
    summary = json.loads(cli("--records", str(root), "summary", "--format", "json").stdout)
    assert {c["kind"]: c["admitted"] for c in summary["casualties"] if c["side"] == "armenia"} == {
        "killed": 4,
        "killed_or_wounded": 0,
    }


def test_a_denial_of_ones_own_losses_is_not_a_denial_of_the_others(cli, make_records):
    # 03-trend (22 July 2020), Dargahli: "we haven't had any losses, despite what the Armenian side
    # is trying to claim"; 23-ap: "two Armenian troops were wounded".
    root = tovuz(make_records)
    added_claim(
        cli,
        root,
        "--side",
        "armenia",
        "--by",
        STEPANYAN,
        "--wounded",
        "armenia=2",
        "--killed-or-wounded",
        "azerbaijan=some",
    )
    added_claim(cli, root, "--side", "azerbaijan", "--stance", "denies", "--denies", "casualties")
    rows = {
        r["key"]: r
        for r in json.loads(cli("--records", str(root), "diff", "2020-07-12-tovuz", "--format", "json").stdout)["rows"]
    }
    assert rows["casualties.armenia.wounded"]["values"]["azerbaijan"] is None
    assert rows["casualties.azerbaijan.killed_or_wounded"]["values"]["azerbaijan"] == "denies"


def test_a_revision_retires_the_toll_it_replaces(cli, make_records):
    # 24-defensepost-afp (12 July): "There were no casualties among Armenian servicemen";
    # 23-ap (13 July): "two Armenian troops were wounded".
    root = tovuz(make_records)
    first = added_claim(cli, root, "--side", "armenia", "--by", STEPANYAN, "--killed-or-wounded", "armenia=0")
    added_claim(cli, root, "--side", "armenia", "--by", STEPANYAN, "--revises", first.id, "--wounded", "armenia=2")
    summary = json.loads(cli("--records", str(root), "summary", "--format", "json").stdout)
    assert [(c["kind"], c["admitted"]) for c in summary["casualties"]] == [("wounded", 2)]


def test_a_claim_known_through_the_other_side_is_not_the_sides_official_word(cli, make_records):
    # 03-trend: "we haven't had any losses, despite what the Armenian side is trying to claim".
    root = tovuz(make_records)
    added_claim(cli, root, "--side", "armenia", "--by", STEPANYAN, "--initiator", "azerbaijan")
    added_claim(cli, root, "--side", "armenia", "--via", "azerbaijan", "--killed-or-wounded", "azerbaijan=some")
    data = json.loads(cli("--records", str(root), "diff", "2020-07-12-tovuz", "--format", "json").stdout)
    assert "armenia@via Azerbaijan" in data["sides"]
    by = next(r for r in data["rows"] if r["key"] == "by")
    assert by["values"]["armenia"] == STEPANYAN and by["values"]["armenia@via Azerbaijan"] is None


def test_a_weekday_resolves_against_the_date_of_a_source_cited_by_key(cli, make_records):
    root = make_records(incident(id="2023-03-08-karabakh", date="2023-03-08", places=[], region=[], claims=[]))
    listed = ["--source-title", ANEWS, "--source-date", "2023-03-09", "--source", "anews-2023-03-09"]
    assert cli("--records", str(root), "claim", "2023-03-08-karabakh", "--side", "az", *listed).exit_code == 0
    result = cli("--records", str(root), "claim", "2023-03-08-karabakh", "--side", "az", "--reported", "Thursday",
                 "--source", "anews-2023-03-09")  # fmt: skip
    assert result.exit_code == 0, result.output
    second = Store(root).load().get("2023-03-08-karabakh").incident.claims[1]
    assert str(second.reported) == "2023-03-09" and "resolved to 2023-03-09" in second.note


def test_a_persons_later_events_can_be_typed(cli, make_records):
    # 23-ap: "two of its soldiers were killed in Armenian shelling Sunday and another one later
    # died in a hospital."
    root = tovuz(make_records)
    stored = added_claim(cli, root, "--side", "az", "--person", "side=azerbaijan,status=wounded,events=died-of-wounds")
    assert [e.event for e in stored.people[0].events] == ["died-of-wounds"]


def test_the_questions_can_cite_a_source_the_incident_lists(cli, make_records):
    root = make_records(incident(id="2023-03-08-karabakh", date="2023-03-08", places=[], region=[], claims=[]))
    listed = ["--source-title", ANEWS, "--source-date", "2023-03-09", "--source", "anews-2023-03-09"]
    assert cli("--records", str(root), "claim", "2023-03-08-karabakh", "--side", "az", *listed).exit_code == 0
    answers = ["azerbaijan", *[""] * 15, "anews-2023-03-09"]  # side, every optional question skipped, the key
    result = cli(
        "--records", str(root), "claim", "2023-03-08-karabakh", "--interactive", input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert Store(root).load().get("2023-03-08-karabakh").incident.claims[1].source.title == ANEWS
