"""Verdict logic on hand-made cases: revisions, lower bounds, ranges, silence, third parties."""

import json

import pytest

from incidents.api import Records
from incidents.compare import (
    AGREE,
    COMPATIBLE,
    CONFLICT,
    MIRROR,
    ONE_SIDED,
    compare,
    comparison_data,
    initiator_verdict,
    official_view,
)
from incidents.model import Sides
from incidents.spec import incident_from_data
from incidents.store import Store

from .conftest import BUNDLED, claim, incident

SIDES = Store(BUNDLED).sides()[0]


def make(*claims):
    value, problems = incident_from_data(incident(claims=list(claims)), "t")
    assert not problems, problems
    return value


def verdicts(value, **kwargs):
    return {row.key: row.verdict for row in compare(value, SIDES, **kwargs).rows}


def test_each_side_blaming_the_other_is_a_conflict_and_a_mirror():
    value = make(claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="armenia"))
    assert verdicts(value)["initiator"] == CONFLICT
    assert compare(value, SIDES).reading.startswith("mirror accusations")


def test_silence_on_a_figure_is_one_sided_not_a_conflict():
    value = make(
        claim(side="armenia", casualties={"armenia": {"killed": 3}}),
        claim(side="azerbaijan", casualties={"azerbaijan": {"wounded": 2}}),
    )
    result = verdicts(value)
    assert result["casualties.armenia.killed"] == ONE_SIDED
    assert result["casualties.azerbaijan.wounded"] == ONE_SIDED


@pytest.mark.parametrize(
    ("a", "b", "expected"), [("2+", 3, AGREE), (2, 3, CONFLICT), ("2-4", 3, AGREE), ("2-4", 5, CONFLICT), (3, 3, AGREE)]
)
def test_counts_of_the_same_losses(a, b, expected):
    value = make(
        claim(side="armenia", casualties={"armenia": {"killed": a}}),
        claim(side="azerbaijan", casualties={"armenia": {"killed": b}}),
    )
    assert verdicts(value)["casualties.armenia.killed"] == expected


def test_civilians_are_a_row_of_their_own():
    value = make(
        claim(side="armenia", casualties={"armenia": {"killed": 1, "civilians": {"killed": 2}}}),
        claim(side="azerbaijan", casualties={"armenia": {"killed": 1}}),
    )
    result = verdicts(value)
    assert result["casualties.armenia.killed"] == AGREE
    assert result["casualties.armenia.civilians.killed"] == ONE_SIDED


def test_the_latest_statement_counts_and_earlier_ones_are_revisions():
    value = make(
        claim(side="armenia", reported="2023-09-02", casualties={"armenia": {"killed": 3}}),
        claim(side="armenia", reported="2023-09-01", casualties={"armenia": {"killed": 2}}),
        claim(side="azerbaijan", casualties={"armenia": {"killed": 3}}),
    )
    comparison = compare(value, SIDES)
    row = next(r for r in comparison.rows if r.key == "casualties.armenia.killed")
    assert row.verdict == AGREE  # the revised 3 agrees with Azerbaijan's 3; the first 2 would not
    assert row.cells["armenia"].text == "3"
    assert row.cells["armenia"].revisions == [("2023-09-01", "2")]
    data = comparison_data(comparison)
    assert data["rows"][[r["key"] for r in data["rows"]].index(row.key)]["revisions"] == {
        "armenia": [{"reported": "2023-09-01", "value": 2}]
    }


def test_all_shows_every_statement_as_a_column():
    value = make(
        claim(side="armenia", reported="2023-09-01", casualties={"armenia": {"killed": 2}}),
        claim(side="armenia", reported="2023-09-02", casualties={"armenia": {"killed": 3}}),
    )
    comparison = compare(value, SIDES, every=True)
    assert comparison.sides[:2] == ["armenia#1", "armenia#2"]
    row = next(r for r in comparison.rows if r.key == "casualties.armenia.killed")
    assert (row.cells["armenia#1"].text, row.cells["armenia#2"].text) == ("2", "3")


def test_an_aspect_no_one_states_has_no_row():
    assert "weapons" not in verdicts(make(claim(side="armenia"), claim(side="azerbaijan")))


KINDS = Records(BUNDLED).weapons()
GAZETTEER = Records(BUNDLED).gazetteer()


def weapons_of(*claims):
    return verdicts(make(*claims), weapons=KINDS)["weapons"]


def test_each_side_naming_the_others_weapons_is_a_mirror_not_agreement():
    # seed 004: Azerbaijan alleged "combat drones employed by Armenia"; Armenia accused Baku of
    # "launching artillery attacks".
    armenia = claim(side="armenia", initiator="azerbaijan", weapons=["artillery"])
    azerbaijan = claim(side="azerbaijan", initiator="armenia", weapons=["combat drones"])
    assert weapons_of(armenia, azerbaijan) == MIRROR


@pytest.mark.parametrize(
    ("a", "b"),
    [("drones", "drone"), ("Artillery", "artillery fire"), ("UAV", "combat drones"), ("howitzers", "artillery")],
)
def test_one_weapon_under_two_names_agrees(a, b):
    # issue 12: "drones" against "drone" and "Artillery" against "artillery fire" were conflicts.
    assert (
        weapons_of(
            claim(side="armenia", initiator="azerbaijan", weapons=[a]),
            claim(side="eu-mission", initiator="azerbaijan", weapons=[b]),
        )
        == AGREE
    )


def test_different_weapons_of_one_side_can_both_be_true_and_a_denial_conflicts():
    one = claim(side="armenia", initiator="azerbaijan", weapons=["artillery"])
    other = claim(side="eu-mission", initiator="azerbaijan", weapons=["mortars"])
    assert weapons_of(one, other) == COMPATIBLE
    assert weapons_of(one, claim(side="azerbaijan", stance="denies", denies=["weapons"])) == CONFLICT


def test_two_allegations_are_not_an_agreement():
    # Mirror accusations both "allege": calling that row "agree" would read as consensus.
    value = make(claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="armenia"))
    assert verdicts(value)["stance"] is None


def test_a_denial_conflicts_with_an_allegation():
    value = make(claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", stance="denies"))
    assert verdicts(value)["stance"] == CONFLICT
    assert initiator_verdict(value) == CONFLICT
    assert "Azerbaijan denies Armenia's account" in compare(value, SIDES).reading


def test_third_party_corroborates_or_contradicts():
    value = make(
        claim(side="armenia", initiator="azerbaijan"),
        claim(side="azerbaijan", initiator="armenia"),
        claim(side="eu-mission", stance="observed", initiator="azerbaijan"),
    )
    text = compare(value, SIDES).reading
    assert "EU Mission in Armenia corroborates Armenia" in text and "contradicts Azerbaijan" in text


def test_one_account_only_is_uncontested():
    assert compare(make(claim(side="azerbaijan", initiator="armenia")), SIDES).reading.startswith("uncontested")


def test_time_windows_compare_in_utc():
    a = claim(side="armenia", window={"from": "2023-03-08T22:30", "to": "2023-03-09T01:00", "utc_offset": "+04:00"})
    b = claim(side="azerbaijan", window={"from": "2023-03-08T21:45", "to": "2023-03-08T23:00", "utc_offset": "+03:00"})
    c = claim(side="azerbaijan", window={"from": "2023-03-09T02:00", "to": "2023-03-09T03:00", "utc_offset": "+04:00"})
    assert verdicts(make(a, b))["window"] == AGREE
    assert verdicts(make(a, c))["window"] == CONFLICT


def test_chosen_columns():
    value = make(claim(side="armenia"), claim(side="azerbaijan"), claim(side="russia"))
    assert compare(value, SIDES).sides == ["armenia", "azerbaijan", "russia"]
    assert compare(value, SIDES, ["azerbaijan"]).sides == ["azerbaijan"]


def test_other_borders_use_their_own_principal_sides():
    sides = Sides(())
    value = make(claim(side="armenia"))
    assert compare(value, sides).sides == ["armenia"]


# One rule per verdict: every command that shows who started it asks the same function.
AGREEMENT_CASES = {
    # Armenia blames Azerbaijan, Azerbaijan denies: list and show said conflict, diff ID one-sided.
    "2023-09-01-denied": (
        [claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", stance="denies")],
        "conflict",
    ),
    # Both principal sides blame Azerbaijan; the EU mission blames Armenia.
    "2023-09-02-third": (
        [
            claim(side="armenia", initiator="azerbaijan"),
            claim(side="azerbaijan", initiator="azerbaijan"),
            claim(side="eu-mission", initiator="armenia"),
        ],
        "conflict",
    ),
    "2023-09-03-agreed": (
        [claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="azerbaijan")],
        "agree",
    ),
    "2023-09-04-alone": ([claim(side="armenia", initiator="azerbaijan")], "one-sided"),
}


@pytest.mark.parametrize("incident_id", list(AGREEMENT_CASES))
def test_every_command_says_the_same_about_who_started_it(cli, make_records, incident_id):
    import json

    claims, expected = AGREEMENT_CASES[incident_id]
    root = str(make_records(incident(id=incident_id, date=incident_id[:10], claims=claims)))

    def run(*args):
        result = cli("--records", root, *args)
        assert result.exit_code == 0, result.output
        return result.stdout

    assert json.loads(run("list", "--format", "json"))[0]["initiator"] == expected
    assert "Started by" in run("list") and expected in run("list").split(incident_id, 1)[1]
    assert f"Who started it  {expected}" in run("show", incident_id)
    rows = json.loads(run("diff", incident_id, "--format", "json"))["rows"]
    assert next(r for r in rows if r["key"] == "initiator")["verdict"] == expected
    assert (
        "Started by" in run("diff", incident_id)
        and expected in run("diff", incident_id).split("Started by", 1)[1].splitlines()[0]
    )
    assert json.loads(run("diff", "--format", "json"))[0]["initiator_verdict"] == expected
    summary = json.loads(run("summary", "--format", "json"))["totals"]
    assert summary["conflicting"] == (1 if expected == "conflict" and summary["with_both_principal_accounts"] else 0)


# --- issue 12: readings an analyst would sign -----------------------------------------------------


def test_an_admission_of_own_fire_is_read_as_such_never_as_self_blame():
    # 02-trend (13 July 2020): "... units of the armed forces of Armenia ... opened artillery fire at
    # Azerbaijani positions. Azerbaijan's armed response forced the Armenian army to retreat".
    value = make(
        claim(side="armenia", initiator="azerbaijan"),
        claim(side="azerbaijan", initiator="armenia", admits=["own-fire"]),
    )
    result = compare(value, SIDES)
    assert "Azerbaijan admits its own fire (blaming Armenia)" in result.reading
    assert result.reading.startswith("mirror accusations")


def test_a_side_naming_itself_as_initiator_admits_it_and_agrees_with_the_blame():
    value = make(claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="azerbaijan"))
    assert initiator_verdict(value) == AGREE
    assert "Azerbaijan says it started it" in compare(value, SIDES).reading


def test_a_partial_denial_names_what_is_denied_and_is_not_a_denial_of_the_whole():
    # 03-trend (22 July 2020), Dargahli: "we haven't launched any attacks, nor have any losses".
    value = make(
        claim(side="armenia", initiator="azerbaijan", weapons=["drone"]),
        claim(side="azerbaijan", stance="denies", denies=["initiator", "casualties"]),
    )
    reading = compare(value, SIDES).reading
    assert "Azerbaijan denies the casualties and who started it in Armenia's account" in reading
    only_weapons = make(
        claim(side="armenia", initiator="azerbaijan", weapons=["drone"]), claim(side="azerbaijan", denies=["weapons"])
    )
    assert "Azerbaijan denies the weapons in Armenia's account" in compare(only_weapons, SIDES).reading
    assert initiator_verdict(only_weapons) == ONE_SIDED  # denying the drones is not denying the attack


def test_with_one_side_shown_there_are_no_verdicts_and_no_mirror():
    value = make(claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="armenia"))
    result = compare(value, SIDES, columns=["armenia"])
    assert all(row.verdict is None for row in result.rows)
    assert "mirror" not in result.reading


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # dating.md, A News 9 March 2023: "9.30 p.m. (1730GMT)": one moment in two clocks
        (
            {"from": "2023-03-08T21:30", "utc_offset": "+04:00"},
            {"from": "2023-03-08T17:30", "utc_offset": "+00:00"},
            AGREE,
        ),
        ({"from": "16:00"}, {"from": "16:20"}, AGREE),  # within 30 minutes
        ({"from": "16:00"}, {"from": "17:00"}, CONFLICT),
        ({"from": "23:50"}, {"from": "00:10"}, AGREE),  # across midnight
        ({"from": "2023-03-08T21:30"}, {"from": "21:30"}, None),  # a day against none: not comparable
    ],
)
def test_times_agree_within_a_tolerance_and_offsets_are_applied(a, b, expected):
    value = make(claim(side="armenia", window=a), claim(side="azerbaijan", window=b))
    assert verdicts(value).get("window") == expected


def test_a_records_directory_adds_weapon_names(make_records):
    root = make_records(incident(claims=[
        claim(side="armenia", initiator="azerbaijan", weapons=["Bayraktar"]),
        claim(side="eu-mission", initiator="azerbaijan", weapons=["drones"]),
    ]))  # fmt: skip
    assert {r.key: r.verdict for r in Records(root).compare("2023-09-01-sotk").rows}["weapons"] == COMPATIBLE
    (root / "weapons.yaml").write_text("weapons:\n  drone: [Bayraktar, TB2]\n")
    assert {r.key: r.verdict for r in Records(root).compare("2023-09-01-sotk").rows}["weapons"] == AGREE
    assert Records(root).check() == []  # weapons.yaml is a settings file, not a record


def places_of(*claims):
    return compare(make(*claims), SIDES, gazetteer=GAZETTEER, weapons=KINDS)


def test_fire_from_where_the_other_says_it_was_hit_is_a_mirror():
    # dating.md, 13 September 2022. Trend, citing Azerbaijan's MoD: fire "including mortars" from
    # the direction of Basarkechar, Istisu, Garakilsa and Gorus. Mediamax, Armenia's MoD:
    # Azerbaijani units "opened fire with artillery, mortars and UAVs at positions towards Sotk,
    # Vardenis, Goris, Kapan, Artanish and Ishkhanasar".
    azerbaijan = claim(side="azerbaijan", initiator="armenia", weapons=["mortars"],
                       places=[{"name": n, "role": "from"} for n in ("Basarkechar", "Garakilsa", "Gorus")])  # fmt: skip
    armenia = claim(side="armenia", initiator="azerbaijan", weapons=["artillery", "mortars", "UAVs"],
                    places=[{"name": n, "role": "at"} for n in ("Sotk", "Vardenis", "Goris", "Kapan", "Artanish")])  # fmt: skip
    rows = {r.key: r.verdict for r in places_of(azerbaijan, armenia).rows}
    assert rows["places"] == MIRROR and rows["weapons"] == MIRROR


def test_each_sides_own_places_hit_can_both_be_true():
    # 02-trend: Armenian units "opened artillery fire at Azerbaijani positions" in the direction of
    # Azerbaijan's Tovuz district; 25-reporteram: a resident of "the Chinari village (Tavush
    # region)" was hit in an Azerbaijani drone strike.
    azerbaijan = claim(side="azerbaijan", initiator="armenia", places=[{"name": "Tovuz district", "role": "at"}])
    armenia = claim(side="armenia", initiator="azerbaijan", places=[{"name": "Chinari", "role": "at"}])
    assert {r.key: r.verdict for r in places_of(azerbaijan, armenia).rows}["places"] == COMPATIBLE


def test_two_places_for_where_it_happened_conflict_and_one_place_under_two_names_agrees():
    apart = places_of(claim(side="armenia", places=["Sotk"]), claim(side="azerbaijan", places=["Kalbajar"]))
    assert {r.key: r.verdict for r in apart.rows}["places"] == CONFLICT
    same = places_of(claim(side="armenia", places=["Sotk"]), claim(side="azerbaijan", places=["Zod"]))
    assert {r.key: r.verdict for r in same.rows}["places"] == AGREE


STEPANYAN = "Ministry of Defence (spokeswoman Shushan Stepanyan)"


def test_a_sides_account_is_its_official_voice_and_other_bodies_stand_apart():
    # 24-defensepost-afp (12 July 2020): "There were no casualties among Armenian servicemen,"
    # Armenia's defense ministry spokeswoman, Shushan Stepanyan, said. 23-ap (13 July):
    # "Armenian Defense Ministry spokeswoman Shushan Stepanyan said Monday that two Armenian troops
    # were wounded. Armenian Prime Minister Nikol Pashinyan accused Azerbaijan of provoking the
    # clashes". The Prime Minister, entered last, must not stand in for the Ministry.
    value = make(
        claim(side="azerbaijan", by="Defense Ministry", reported="2020-07-12", initiator="armenia"),
        claim(side="armenia", by=STEPANYAN, reported="2020-07-12", casualties={"armenia": {"killed_or_wounded": 0}}),
        claim(side="armenia", by=STEPANYAN, reported="2020-07-13", casualties={"armenia": {"wounded": 2}}),
        claim(side="armenia", by="Prime Minister Nikol Pashinyan", reported="2020-07-13", initiator="azerbaijan"),
    )
    result = compare(value, SIDES)
    assert result.sides == ["armenia", "azerbaijan", "armenia@Prime Minister Nikol Pashinyan"]
    started = next(r for r in result.rows if r.key == "initiator")
    # The MoD named no one, so the Prime Minister's word is Armenia's on this, and says whose it is.
    assert started.cells["armenia"].text == "azerbaijan (per Prime Minister Nikol Pashinyan)"
    assert started.cells["armenia@Prime Minister Nikol Pashinyan"].text == "azerbaijan"
    assert started.verdict == CONFLICT
    by = next(r for r in result.rows if r.key == "by")
    assert by.cells["armenia"].text == STEPANYAN  # the Ministry's statement is the Armenian account
    wounded = next(r for r in result.rows if r.key == "casualties.armenia.wounded")
    assert wounded.cells["armenia"].text == "2"


def test_a_retracted_figure_or_statement_no_longer_counts():
    value = make(
        claim(id="c1", side="armenia", casualties={"armenia": {"killed": 3, "wounded": 2}}, initiator="azerbaijan"),
        claim(id="c2", side="armenia", retracts={"claim": "c1", "aspects": ["casualties.armenia.killed"]}),
    )
    keys = {r.key for r in compare(value, SIDES).rows}
    assert "casualties.armenia.wounded" in keys and "casualties.armenia.killed" not in keys
    whole = make(claim(id="c1", side="armenia", initiator="azerbaijan"), claim(id="c2", side="armenia", retracts="c1"))
    assert initiator_verdict(official_view(whole, SIDES)) is None


def test_the_reading_says_how_the_tolls_differ():
    # 24-defensepost-afp: Armenia's MoD: "There were no casualties among Armenian servicemen";
    # 02-trend: "Azerbaijan's armed response forced the Armenian army to retreat suffering losses."
    value = make(
        claim(side="armenia", initiator="azerbaijan", casualties={"armenia": {"killed_or_wounded": 0}}),
        claim(side="azerbaijan", initiator="armenia", casualties={"armenia": {"killed_or_wounded": "some"}}),
    )
    reading = compare(value, SIDES).reading
    assert "Armenia killed or wounded: 0 per Armenia against some (no number given) per Azerbaijan" in reading


def test_a_denial_of_the_losses_stands_against_the_other_sides_figure():
    # 03-trend (22 July 2020), Dargahli: "we haven't had any losses, despite what the Armenian side
    # is trying to claim": Azerbaijan denies the losses Armenia attributes to it.
    value = make(
        claim(side="armenia", initiator="azerbaijan", casualties={"azerbaijan": {"killed_or_wounded": "some"}}),
        claim(side="azerbaijan", stance="denies", denies=["casualties"]),
    )
    row = next(r for r in compare(value, SIDES).rows if r.key == "casualties.azerbaijan.killed_or_wounded")
    assert (row.cells["azerbaijan"].text, row.verdict) == ("denies", CONFLICT)


def test_one_village_written_two_ways_agrees():
    # issue 12: "Sotk village" against "the village of Sotk" was a conflict.
    same = places_of(
        claim(side="armenia", places=["Sotk village"]), claim(side="eu-mission", places=["the village of Sotk"])
    )
    assert {r.key: r.verdict for r in same.rows}["places"] == AGREE


def test_the_time_tolerance_can_be_set(cli, make_records):
    root = str(
        make_records(
            incident(
                claims=[
                    claim(side="armenia", window={"from": "16:00"}),
                    claim(side="azerbaijan", window={"from": "16:50"}),
                ]
            )
        )
    )

    def window_verdict(*args):
        rows = json.loads(cli("--records", root, "diff", "2023-09-01-sotk", "--format", "json", *args).stdout)["rows"]
        return next(r for r in rows if r["key"] == "window")["verdict"]

    assert (window_verdict(), window_verdict("--tolerance", "60")) == ("conflict", "agree")
