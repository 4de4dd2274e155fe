import json
from datetime import date

from incidents.digest import summary_of as summarise
from incidents.model import Count
from incidents.spec import incident_from_data
from incidents.store import Store
from incidents.summary import add_counts, summary_data

from .conftest import BUNDLED, claim, incident

SIDES = Store(BUNDLED).sides()[0]


def make(incident_id, day, *claims, **extra):
    value, problems = incident_from_data(incident(id=incident_id, date=day, claims=list(claims), **extra), "t")
    assert not problems, problems
    return value


def test_adding_counts_keeps_bounds_and_ranges():
    assert add_counts([Count(3, 3), Count(2, 2)]) == Count(5, 5)
    assert add_counts([Count(3, 3), Count(2, None)]) == Count(5, None)  # at least 5
    assert add_counts([Count(1, 3), Count(2, 2)]) == Count(3, 5)
    assert add_counts([]) is None


def test_totals_timeline_blame_and_casualties():
    incidents = [
        make(
            "2023-01-10-a",
            "2023-01-10",
            claim(side="armenia", initiator="azerbaijan", casualties={"armenia": {"killed": 2}}),
            claim(side="azerbaijan", initiator="armenia", casualties={"armenia": {"killed": "5+"}}),
        ),
        make(
            "2023-03-05-b",
            "2023-03-05",
            claim(side="azerbaijan", initiator="armenia", casualties={"azerbaijan": {"killed": "2+"}}),
        ),
        make(
            "2023-03-20-c",
            "2023-03-20",
            claim(side="armenia", initiator="azerbaijan", casualties={"armenia": {"killed": 1}}),
            claim(side="azerbaijan", initiator="azerbaijan"),
            region=["Tavush"],
        ),
    ]
    result = summarise(incidents, SIDES)
    assert (result.incidents, result.with_both, result.conflicting) == (3, 2, 1)
    assert result.buckets == [("2023-01", 1), ("2023-02", 0), ("2023-03", 2)]  # the empty month is shown
    assert result.blame["armenia"] == {"azerbaijan": 2}
    assert result.blame["azerbaijan"] == {"armenia": 2}  # naming itself is an admission, not blame
    assert result.admissions == {"azerbaijan": 1}
    lines = {(line.side, line.kind): line.by_claimant for line in result.casualties}
    assert lines[("armenia", "killed")] == {"armenia": Count(3, 3), "azerbaijan": Count(5, None)}
    assert lines[("azerbaijan", "killed")] == {"azerbaijan": Count(2, None)}
    data = summary_data(result)
    assert data["totals"] == {
        "incidents": 3,
        "with_both_principal_accounts": 2,
        "conflicting": 1,
        "conflicting_share": 0.5,
    }
    assert data["casualties"][0] == {
        "side": "armenia",
        "civilian": False,
        "kind": "killed",
        "admitted": 3,
        "attributed": {"azerbaijan": "5+"},
    }
    assert data["period"] == [date(2023, 1, 10).isoformat(), "2023-03-20"]


def test_revised_figures_count_once_at_their_latest_value():
    value = make(
        "2023-01-10-a",
        "2023-01-10",
        claim(side="armenia", reported="2023-01-10", casualties={"armenia": {"killed": 2}}),
        claim(side="armenia", reported="2023-01-11", casualties={"armenia": {"killed": 4}}),
    )
    lines = summarise([value], SIDES).casualties
    assert lines[0].by_claimant == {"armenia": Count(4, 4)}


def test_breakdowns():
    incidents = [
        make("2023-01-02-a", "2023-01-02", claim()),
        make("2023-01-20-b", "2023-01-20", claim(side="azerbaijan"), region=["Tavush"]),
    ]
    assert summarise(incidents, SIDES, "week").buckets[0] == ("2023-W01", 1)
    assert len(summarise(incidents, SIDES, "week").buckets) == 3
    regions = dict(
        summarise(incidents, SIDES, "region").buckets
    )  # by English name; Tavush (town or province) as written
    assert regions == {"Gegharkunik Province": 1, "Tavush": 1}
    assert dict(summarise(incidents, SIDES, "side").buckets) == {"armenia": 1, "azerbaijan": 1}  # ids, as in blame


def test_filters_and_buckets_honour_the_dates_precision(cli, make_records):
    # issue 13: "week of 2023-08-28" runs to 3 September; a "May 2023" incident is all of May.
    from .conftest import incident

    root = str(make_records(
        incident(id="2023-05-01-may", date="2023-05-01", date_precision="month", claims=[]),
        incident(id="2023-08-28-week", date="2023-08-28", date_precision="week", claims=[]),
    ))  # fmt: skip

    def ids(*args):
        return [r["id"] for r in json.loads(cli("--records", root, "list", "--format", "json", *args).stdout)]

    assert ids("--since", "2023-09-01") == ["2023-08-28-week"]
    assert ids("--since", "2023-05-15", "--until", "2023-05-31") == ["2023-05-01-may"]
    weeks = json.loads(cli("--records", root, "summary", "--by", "week", "--format", "json").stdout)["breakdown"][
        "counts"
    ]
    may = next(w for w in weeks if w["label"] == "2023-W18")  # the week of 1 May 2023
    assert (may["incidents"], may["spanning"]) == (1, 1) and sum(w["incidents"] for w in weeks) == 2


def test_text_search_knows_places_as_region_does(cli):
    from .conftest import BUNDLED

    def ids(*args):
        return {r["id"] for r in json.loads(cli("--records", str(BUNDLED), "list", "--format", "json", *args).stdout)}

    assert ids("--text", "Karvachar") == ids("--region", "Karvachar") != set()
