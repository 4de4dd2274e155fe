"""`incidents export`: whole records as JSON lines, tables as CSV, the incidents on a map."""

import csv
import io
import json
import os
import stat
import subprocess
import sys

import pytest

from incidents.spec import incident_to_data
from incidents.store import Store
from incidents.tables import TABLES

from .conftest import BUNDLED, incident


def export(cli, root, *args):
    result = cli("--records", str(root), "export", *args)
    assert result.exit_code == 0, result.output
    return result


def test_jsonl_is_every_record_whole_one_a_line(cli):
    lines = export(cli, BUNDLED).stdout.splitlines()
    records = {r.incident.id: r.incident for r in Store(BUNDLED).load().records}
    assert len(lines) == len(records) == 7
    for line in lines:
        data = json.loads(line)
        assert data == json.loads(json.dumps(incident_to_data(records[data["id"]])))


def test_csv_claims_carry_each_figure_as_the_statement_gives_it(cli):
    rows = list(csv.DictReader(io.StringIO(export(cli, BUNDLED, "-o", "csv").stdout)))
    claims = sum(len(r.incident.claims) for r in Store(BUNDLED).load().records)
    assert len(rows) == claims
    # The statement, as the source gives it: "the loss of three Armenian soldiers and the injury of two more"
    [armenian] = [r for r in rows if r["incident_id"] == "2023-09-01-kalbajar" and r["armenia.killed"]]
    assert (armenian["side"], armenian["armenia.killed"], armenian["armenia.wounded"]) == ("armenia", "3", "2")
    assert "three Armenian soldiers and the injury of two more" in armenian["statement"]
    assert armenian["source_title"] == "Azerbaijan builds up military forces on border: Armenian MoD"
    incidents = list(csv.DictReader(io.StringIO(export(cli, BUNDLED, "-o", "csv", "--table", "incidents").stdout)))
    assert len(incidents) == 7 and "claim_id" not in incidents[0]


def test_each_table_of_the_package_is_a_csv_table_of_its_own(cli, make_records):
    """`--table casualties|people|places|sources|links`: the rows as the statement gives them, joined by ids."""
    from .conftest import claim

    people = [{"side": "armenia", "status": "killed", "name": "Arman Petrosyan", "rank": "private", "age": 19}]
    claims = [
        claim(side="armenia", casualties={"armenia": {"killed": "2+", "civilians": {"wounded": 1}}}, people=people),
        claim(side="azerbaijan", stance="denies"),
    ]
    earlier = incident(id="2023-08-30-sotk", date="2023-08-30", claims=[claim(casualties={})])
    root = make_records(incident(claims=claims, links=[{"type": "continues", "id": earlier["id"]}]), earlier)

    def table(name):
        rows = csv.DictReader(io.StringIO(export(cli, root, "-o", "csv", "--table", name).stdout))
        return [r for r in rows if r.get("incident_id", "2023-09-01-sotk") == "2023-09-01-sotk"]

    figures = {(r["side"], r["civilian"], r["kind"]): (r["count"], r["low"], r["high"]) for r in table("casualties")}
    assert figures == {("armenia", "false", "killed"): ("2+", "2", ""), ("armenia", "true", "wounded"): ("1", "1", "1")}
    [person] = table("people")
    assert (person["claim_id"], person["name"], person["status"], person["age"]) == (
        "c1",
        "Arman Petrosyan",
        "killed",
        "19",
    )
    places = {r["place_id"]: r for r in table("places")}
    assert "Zod" in places["sotk"]["other_names"] and float(places["sotk"]["longitude"]) > 40
    assert {"sotk", "gegharkunik"} <= set(places) and places["sotk"]["within"] == "vardenis"  # the gazetteer's
    sources = table("sources")
    by_claim = {r["claim_id"]: r["source_id"] for r in table("claims")}
    assert set(by_claim.values()) == {r["source_id"] for r in sources} and len(sources) == 2
    assert [(r["type"], r["target_id"]) for r in table("links")] == [("continues", "2023-08-30-sotk")]


def test_geojson_puts_longitude_first_and_counts_what_it_cannot_place(cli, make_records):
    nowhere = incident(id="2023-09-02-nowhere", date="2023-09-02", places=["Nowhereville"], region=[])
    root = make_records(incident(), nowhere)
    result = export(cli, root, "-o", "geojson")
    collection = json.loads(result.stdout)
    [feature] = collection["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert collection["type"] == "FeatureCollection" and feature["properties"]["id"] == "2023-09-01-sotk"
    assert 43 < lon < 48 and 38 < lat < 42  # Sotk: east of Greenwich by ~45°, north by ~40°
    properties = feature["properties"]  # what QGIS styles by: the verdicts and the tolls, whose they are
    listed = json.loads(cli("--records", str(root), "list", "-o", "json").stdout)
    standing = {row["id"]: row["verification"] for row in listed}
    assert properties["verification"] == standing["2023-09-01-sotk"] and properties["fatalities"] == 3
    assert properties["tolls"] == "Armenia killed: 3 per Armenia"
    assert "1 of 2 incidents have no place with coordinates" in result.stderr


def test_output_writes_the_file_whole(cli, tmp_path):
    target = tmp_path / "out.jsonl"
    export(cli, BUNDLED, "--output", str(target), "--region", "Kalbajar")
    assert target.read_text().count("\n") == 5 and not list(tmp_path.glob(".out.jsonl-*"))


def test_a_source_cited_by_key_is_exported_as_the_incident_lists_it(cli, make_records):
    from .conftest import claim

    listed = {
        "key": "civilnet",
        "title": "Armenia reports",
        "publisher": "CivilNet",
        "url": "https://www.civilnet.am/x",
    }
    root = make_records(incident(sources=[listed], claims=[claim(side="armenia", source={"key": "civilnet"})]))
    [row] = csv.DictReader(io.StringIO(export(cli, root, "-o", "csv").stdout))
    assert (row["source_title"], row["source_publisher"], row["source_url"]) == (
        "Armenia reports",
        "CivilNet",
        "https://www.civilnet.am/x",
    )


def test_export_then_import_into_an_empty_directory_gives_the_same_records_byte_for_byte(cli, make_records, tmp_path):
    from .conftest import claim, snapshot

    root = make_records(
        incident(claims=[claim(side="armenia"), claim(side="azerbaijan")]),
        incident(id="2022-09-13-jermuk", date="2022-09-13", places=["Jermuk"]),
    )
    dump = tmp_path / "all.jsonl"
    export(cli, root, "--output", str(dump))
    copy = tmp_path / "copy"
    dry = cli("--records", str(copy), "import", str(dump), "--dry-run", "--init")
    assert dry.exit_code == 0 and "would add 2" in dry.stdout and not copy.exists()
    assert cli("--records", str(copy), "import", str(dump), "--init").exit_code == 0
    originals = {k: v for k, v in snapshot(root).items() if k.endswith(".yaml")}
    assert {k: v for k, v in snapshot(copy).items() if k.endswith(".yaml")} == originals
    again = cli("--records", str(copy), "import", str(dump))
    assert again.exit_code == 0 and "added 0 records; 2 were recorded already" in again.stdout


def test_an_import_with_one_bad_line_writes_nothing_and_names_the_line(cli, make_records, tmp_path):
    from .conftest import snapshot

    root = make_records(incident())
    dump = tmp_path / "in.jsonl"
    good = json.dumps({"id": "2023-09-05-kut", "title": "t", "date": "2023-09-05"})
    dump.write_text(good + "\n" + json.dumps({"id": "2023-09-06-x", "title": "t", "date": "soon"}) + "\n{broken\n")
    before = snapshot(root)
    result = cli("--records", str(root), "import", str(dump))
    assert result.exit_code == 1 and snapshot(root) == before
    assert f"{dump}:2: date:" in result.stderr and f"{dump}:3: not JSON" in result.stderr
    assert "nothing was imported" in result.stderr


def test_acled_codes_the_most_conservative_figure_and_says_whose_it_is(cli, make_records):
    from .conftest import claim

    claims = [
        claim(side="armenia", initiator="azerbaijan", casualties={"armenia": {"killed": 3}}, weapons=["artillery"]),
        claim(side="azerbaijan", initiator="armenia", casualties={"armenia": {"killed": "10+"}}),
    ]
    root = make_records(incident(claims=claims, region=["Gegharkunik"]))
    [row] = csv.DictReader(io.StringIO(export(cli, root, "-o", "acled").stdout))
    assert row["fatalities"] == "3" and "Armenia killed: 3 per Armenia (Azerbaijan says 10+)" in row["notes"]
    assert (row["event_type"], row["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    )
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2023-09-01", "2023", "1")
    assert (
        row["location"] == "Sotk" and row["geo_precision"] == "1" and float(row["longitude"]) > float(row["latitude"])
    )


def test_acled_leaves_fatalities_empty_when_no_one_gives_a_figure(cli):
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(export(cli, BUNDLED, "-o", "acled").stdout))}
    assert rows["2023-08-28-border-crossfire"]["fatalities"] == ""  # never an invented 0
    assert rows["2023-09-01-kalbajar"]["fatalities"] == "3"  # the Armenian MoD's "three killed", the only figure
    assert list(rows["2023-09-01-kalbajar"])[:4] == ["event_id_cnty", "event_date", "year", "time_precision"]


def test_ucdp_gives_low_and_high_from_the_figures_and_best_only_where_all_agree(cli, make_records):
    from .conftest import claim

    two = [
        claim(side="armenia", casualties={"armenia": {"killed": 3}}),
        claim(side="azerbaijan", casualties={"armenia": {"killed": "5-8"}, "azerbaijan": {"killed": 1}}),
    ]
    agreed = [
        claim(side="armenia", casualties={"armenia": {"killed": 2}}),
        claim(side="azerbaijan", casualties={"armenia": {"killed": 2}}),
    ]
    unbounded = [claim(side="armenia", casualties={"armenia": {"killed": "4+"}})]
    root = make_records(
        incident(claims=two),
        incident(id="2023-09-02-kut", date="2023-09-02", claims=agreed),
        incident(id="2023-09-03-kut", date="2023-09-03", claims=unbounded),
    )
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export(cli, root, "-o", "ucdp").stdout))}
    first = rows["2023-09-01-sotk"]
    assert (first["deaths_a"], first["deaths_b"], first["low"], first["high"], first["best"]) == (
        "3",
        "1",
        "4",
        "9",
        "",
    )
    assert (
        rows["2023-09-02-kut"]["best"] == "2" and rows["2023-09-02-kut"]["low"] == rows["2023-09-02-kut"]["high"] == "2"
    )
    assert (rows["2023-09-03-kut"]["low"], rows["2023-09-03-kut"]["high"]) == ("4", "")  # "at least 4": no upper bound
    assert first["date_prec"] == "1" and first["type_of_violence"] == "1"


def test_sqlite_export_has_keys_facets_and_full_text_search_for_datasette(cli, tmp_path):
    import sqlite3

    target = tmp_path / "incidents.sqlite"
    export(cli, BUNDLED, "-o", "sqlite", "--output", str(target))
    db = sqlite3.connect(target)
    assert db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 7
    claims = sum(len(r.incident.claims) for r in Store(BUNDLED).load().records)
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == claims
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    figures = db.execute(
        "SELECT count, low FROM casualties WHERE incident_id = '2023-09-01-kalbajar' AND side = 'armenia' AND kind = 'killed'"
    ).fetchall()
    assert figures == [("3", 3)]  # "the loss of three Armenian soldiers"
    found = db.execute(
        "SELECT i.incident_id FROM incidents_fts f JOIN incidents i ON i.rowid = f.rowid WHERE incidents_fts MATCH 'drones'"
    ).fetchall()
    assert found == [("2023-09-01-kalbajar",)]
    metadata = json.loads((tmp_path / "incidents.metadata.json").read_text())
    assert "verification" in metadata["databases"]["incidents"]["tables"]["incidents"]["facets"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_sqlite_export_needs_a_file(cli):
    result = cli("--records", str(BUNDLED), "export", "-o", "sqlite")
    assert result.exit_code == 2 and "--output" in result.stderr


def test_datapackage_has_a_table_schema_for_each_csv_that_its_rows_fit(cli, tmp_path):
    folder = tmp_path / "package"
    export(cli, BUNDLED, "-o", "datapackage", "--output", str(folder))
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    tables = {}
    for resource in package["resources"]:
        text = (folder / resource["path"]).read_text()
        fields = [f["name"] for f in resource["schema"]["fields"]]
        assert text.splitlines()[0].split(",") == fields  # the header is the schema's fields, in order
        rows = tables[resource["name"]] = list(csv.DictReader(io.StringIO(text)))
        keys = [tuple(r[k] for k in resource["schema"]["primaryKey"]) for r in rows]
        assert len(keys) == len(set(keys))  # the primary key is one
        for row in rows:  # dates are dates
            for field in resource["schema"]["fields"]:
                if field["type"] == "date" and row[field["name"]]:
                    assert len(row[field["name"]]) == 10 and row[field["name"]][4] == "-"
    assert {"incidents", "claims", "casualties", "people", "places", "sources", "links"} <= set(tables)
    for resource in package["resources"]:  # every foreign key finds its row
        for foreign in resource["schema"].get("foreignKeys", []):
            other = foreign["reference"]
            there = {tuple(r[k] for k in other["fields"]) for r in tables[other["resource"]]}
            here = {tuple(r[k] for k in foreign["fields"]) for r in tables[resource["name"]]}
            assert here <= there, (resource["name"], other["resource"])


def test_datasette_serves_the_sqlite_export_with_facets_and_filters(cli, tmp_path):
    """Publishing as the README says: `export --format sqlite`, then `datasette` (the optional
    `publish` extra). Skipped where Datasette is not installed."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from collections import Counter

    pytest.importorskip("datasette")
    target = tmp_path / "incidents.sqlite"
    export(cli, BUNDLED, "-o", "sqlite", "--output", str(target))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "datasette", str(target), "--metadata", str(tmp_path / "incidents.metadata.json"),
               "-h", "127.0.0.1", "-p", str(port)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/incidents"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(f"{base}/incidents.json?_shape=objects", timeout=5) as answer:
            facets = json.load(answer)["facet_results"]
        facets = facets.get("results", facets)  # Datasette 0.65 and 1.0 nest them differently
        counts = {f["value"]: f["count"] for f in facets["verification"]["results"]}
        listed = json.loads(cli("--records", str(BUNDLED), "list", "-o", "json").stdout)
        assert counts == Counter(row["verification"] for row in listed)  # the facet counts what `list` says
        with urllib.request.urlopen(f"{base}/claims.json?_shape=objects&side=eu-mission", timeout=5) as answer:
            rows = json.load(answer)["rows"]
        assert rows and {r["side"] for r in rows} == {"eu-mission"}
    finally:
        server.terminate()
        server.wait(10)


RULES = """\
fields:
  id: ID
  date: Date
  title: Title
  places: Place
  region: =Gegharkunik
claim:
  side: Side
  statement: Quote
  source.title: Source
  casualties.armenia.killed: Armenians killed
"""


SHEET_HEAD = "ID,Date,Title,Place,Side,Quote,Source,Armenians killed\n"


def import_sheet(cli, folder, *rows, rules=RULES):
    """`import` of folder/sheet.csv by folder/rules.yaml into folder/records; with rows, the
    sheet (under SHEET_HEAD) and the rules are written first."""
    if rows:
        (folder / "rules.yaml").write_text(rules)
        (folder / "sheet.csv").write_text(SHEET_HEAD + "".join(rows))
    return cli("--records", str(folder / "records"), "import", str(folder / "sheet.csv"), "-o", "csv",
               "--rules", str(folder / "rules.yaml"), "--init")  # fmt: skip


def test_a_spreadsheet_comes_in_through_rules_rows_of_one_id_being_its_claims(cli, make_records, tmp_path):
    rows = (
        '2023-09-01-sotk,2023-09-01,Fire near Sotk,Sotk; Kut,armenia,"""three soldiers""",A,3\n',
        "2023-09-01-sotk,2023-09-01,Fire near Sotk,Sotk; Kut,azerbaijan,,B,\n",
    )
    root = tmp_path / "records"
    assert import_sheet(cli, tmp_path, *rows).exit_code == 0
    record = Store(root).load().get("2023-09-01-sotk").incident
    assert (record.place_names, record.region) == (("Sotk", "Kut"), ("Gegharkunik",))
    assert [(c.side, c.source.title) for c in record.claims] == [("armenia", "A"), ("azerbaijan", "B")]
    assert record.claims[0].statement == '"three soldiers"' and str(record.claims[0].casualties[0].count) == "3"
    assert "added 0 records; 1 were recorded already" in import_sheet(cli, tmp_path).stdout  # twice: nothing added


def test_a_bad_row_is_named_by_its_line_and_nothing_is_written(cli, tmp_path):
    root = tmp_path / "records"
    result = import_sheet(
        cli,
        tmp_path,
        "2023-09-01-sotk,2023-09-01,Fire,Sotk,armenia,,A,3\n",
        "2023-09-02-kut,2023-09-02,Fire,Kut,armenia,,A,lots\n",
    )
    assert (
        result.exit_code == 1 and f"{tmp_path / 'sheet.csv'}:3: claims[0].casualties.armenia.killed:" in result.stderr
    )
    assert not root.exists()
    missing = cli("--records", str(root), "import", str(tmp_path / "sheet.csv"), "-o", "csv", "--init")
    assert missing.exit_code == 2 and "--rules" in missing.stderr


def test_frictionless_finds_the_data_package_valid(cli, tmp_path):
    """The outside tool's own validator: `frictionless validate`, as the issue asks."""
    frictionless = pytest.importorskip("frictionless")
    folder = tmp_path / "package"
    export(cli, BUNDLED, "-o", "datapackage", "--output", str(folder))
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert [task.name for task in report.tasks] == list(TABLES)


def test_one_id_twice_in_an_import_is_refused_before_anything_is_written(cli, tmp_path):
    line = json.dumps({"id": "2023-09-05-kut", "title": "t", "date": "2023-09-05"})
    (tmp_path / "in.jsonl").write_text(line + "\n" + line.replace('"t"', '"another"') + "\n")
    root = tmp_path / "records"
    result = cli("--records", str(root), "import", str(tmp_path / "in.jsonl"), "--init")
    assert result.exit_code == 1 and "in.jsonl:2: id: 2023-09-05-kut is given on line 1 too" in result.stderr
    assert not root.exists()


def test_a_long_import_tells_its_progress(make_records, tmp_path):
    from incidents.api import Records

    lines = [json.dumps({"id": f"2023-09-05-k{n}", "title": "t", "date": "2023-09-05"}) for n in range(450)]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    told = []
    result = Records(tmp_path / "records").import_jsonl(
        tmp_path / "in.jsonl", init=True, progress=lambda d, t: told.append((d, t))
    )
    assert len(result.added) == 450 and told[-1] == (900, 900) and told == sorted(told) and len(told) > 2


def test_output_is_a_file_or_a_folder_as_the_format_writes(cli, tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("")
    to_folder = cli("--records", str(BUNDLED), "export", "--output", str(tmp_path / "folder"))
    assert to_folder.exit_code == 2 and "is not a file" in to_folder.stderr
    to_file = cli("--records", str(BUNDLED), "export", "-o", "datapackage", "--output", str(tmp_path / "file"))
    assert to_file.exit_code == 2 and "is not a folder" in to_file.stderr
    export(cli, BUNDLED, "-o", "datapackage", "--output", str(tmp_path / "folder"))  # an existing folder is fine
    assert (tmp_path / "folder" / "datapackage.json").is_file()


# A made-up extract in ACLED's columns (not ACLED's data): what matters is how each column is read.
ACLED_EXTRACT = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,actor2,"
    "admin1,admin2,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp\n"
    "TST1,12 July 2020,2020,1,Political violence,Battles,Armed clash,Military Forces of A,Military Forces of B,"
    'Tavush,,Chinari,40.9,45.3,1,Agency One; Agency Two,National,"Test row: an exchange of fire, said.",3,1595000000\n'
    "TST2,15-07-2020,2020,2,Political violence,Battles,Armed clash,Military Forces of A,,Tavush,,Chinari,,,2,"
    "Agency One,National,Second test row.,,\n"
)


def import_acled(cli, tmp_path, *args):
    (tmp_path / "acled.csv").write_text(ACLED_EXTRACT)
    return cli("--records", str(tmp_path / "records"), "import", str(tmp_path / "acled.csv"), "-o", "acled", *args)


def test_an_acled_extract_comes_in_as_acleds_own_claims_with_nothing_made_up(cli, tmp_path):
    assert import_acled(cli, tmp_path, "--init").exit_code == 0
    store = Store(tmp_path / "records")
    first = store.load().get("2020-07-12-acled-tst1").incident
    assert (first.title, first.place_names, first.region) == (
        "Armed clash in Chinari",
        ("Chinari",),
        ("Tavush (province)",),
    )
    [said] = first.claims
    assert (said.side, said.statement, said.casualties) == ("acled", "Test row: an exchange of fire, said.", ())
    assert "fatalities: 3 (ACLED's total" in said.note and "sources: Agency One; Agency Two" in said.note
    assert said.source.ref == "ACLED TST1" and said.source.date.isoformat() == "2020-07-17"  # its timestamp
    week = store.load().get("2020-07-15-acled-tst2").incident  # within a week, 15 July its middle day
    assert (str(week.date_precision), week.date.isoformat(), week.end_date.isoformat()) == (
        "days",
        "2020-07-12",
        "2020-07-18",
    )
    shown = cli("--records", str(tmp_path / "records"), "list", "-o", "json")
    assert {row["verification"] for row in json.loads(shown.stdout)} == {"single-source"}  # a dataset confirms nothing
    assert "added 0 records; 2 were recorded already" in import_acled(cli, tmp_path).stdout


def test_a_bad_acled_row_is_named_and_nothing_is_written(cli, tmp_path):
    (tmp_path / "records").mkdir()
    extract = ACLED_EXTRACT.replace("15-07-2020", "31-02-2020")
    (tmp_path / "acled.csv").write_text(extract)
    result = cli("--records", str(tmp_path / "records"), "import", str(tmp_path / "acled.csv"), "-o", "acled")
    assert result.exit_code == 1 and f"{tmp_path / 'acled.csv'}:3: event_date:" in result.stderr
    assert list((tmp_path / "records").rglob("*.yaml")) == []


def test_acled_import_needs_the_acled_side_and_takes_no_rules(cli, tmp_path):
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "sides.yaml").write_text(
        "replace_defaults: true\nsides:\n  armenia: {name: Armenia, kind: principal}\n"
    )
    result = import_acled(cli, tmp_path)
    assert result.exit_code == 2 and "acled" in result.stderr and "sides.yaml" in result.stderr
    result = import_acled(cli, tmp_path, "--rules", str(tmp_path / "acled.csv"))
    assert result.exit_code == 2 and "--rules" in result.stderr


def test_an_import_is_checked_as_the_files_would_be(cli, tmp_path):
    """What `check` would refuse in the file (a region two places have) is refused at the import."""
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps(incident(region=["Tavush"])) + "\n")
    result = cli("--records", str(tmp_path / "records"), "import", str(dump), "--init")
    assert result.exit_code == 1 and f"{dump}:1: region[0]:" in result.stderr and "ambiguous" in result.stderr
    assert not list(tmp_path.rglob("*.yaml"))


def test_acled_fatalities_keep_a_sides_soldiers_and_civilians_apart(cli, make_records):
    from .conftest import claim

    both = claim(side="armenia", casualties={"armenia": {"killed": 2, "civilians": {"killed": 1}}})
    [row] = csv.DictReader(io.StringIO(export(cli, make_records(incident(claims=[both])), "-o", "acled").stdout))
    assert row["fatalities"] == "3" and "Armenia civilians killed: 1 per Armenia" in row["notes"]


def test_losses_without_a_number_are_never_exported_as_zero(cli, make_records):
    from .conftest import claim

    unnumbered = claim(
        side="armenia",
        casualties={"armenia": {"killed": "some"}},
        places=[{"name": "Digh", "role": "from"}, {"name": "Sotk", "role": "at"}],
    )
    root = make_records(incident(claims=[unnumbered], places=[], region=[]))
    [acled] = csv.DictReader(io.StringIO(export(cli, root, "-o", "acled").stdout))
    assert (
        acled["fatalities"] == ""
        and "Armenia killed: no figure with a lower bound (Armenia says some)" in acled["notes"]
    )
    assert acled["location"] == "Sotk"  # where it was hit, not Digh, where the fire came from
    [ucdp] = csv.DictReader(io.StringIO(export(cli, root, "-o", "ucdp").stdout))
    assert (ucdp["deaths_a"], ucdp["low"], ucdp["high"], ucdp["best"]) == ("", "", "", "")
    [feature] = json.loads(export(cli, root, "-o", "geojson").stdout)["features"]
    assert feature["properties"]["fatalities"] is None
    [row] = csv.DictReader(io.StringIO(export(cli, root, "-o", "csv", "--table", "casualties").stdout))
    assert (row["count"], row["low"], row["high"]) == ("some", "1", "")  # losses were stated: at least one


def test_at_least_stays_at_least_in_whose_figure_it_is(cli):
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(export(cli, BUNDLED, "-o", "acled").stdout))}
    # The statement: "At least two Azerbaijani soldiers were killed"
    assert "Azerbaijan killed: 2+ per Azerbaijan" in rows["2023-03-05-khalfali-road"]["notes"]
    assert rows["2023-03-05-khalfali-road"]["fatalities"] == "2"  # ACLED codes the lower figure


def test_acled_actors_are_the_sides_a_record_involves_and_none_when_it_names_none(cli):
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(export(cli, BUNDLED, "-o", "acled").stdout))}
    assert (rows["2023-08-28-border-crossfire"]["actor1"], rows["2023-08-28-border-crossfire"]["actor2"]) == ("", "")
    assert {rows["2023-09-01-kalbajar"]["actor1"], rows["2023-09-01-kalbajar"]["actor2"]} == {
        "Military Forces of Armenia",
        "Military Forces of Azerbaijan",
    }


@pytest.mark.parametrize("fmt", ["csv", "sqlite", "datapackage"])
def test_an_output_in_a_folder_that_is_not_there_is_named_and_not_made(cli, tmp_path, fmt):
    target = tmp_path / "no-such-folder" / "out"
    result = cli("--records", str(BUNDLED), "export", "-o", fmt, "--output", str(target))
    assert result.exit_code == 2 and f"{tmp_path / 'no-such-folder'} does not exist" in result.stderr
    assert not (tmp_path / "no-such-folder").exists()


def test_an_export_file_gets_the_mode_a_new_file_gets(cli, tmp_path):
    old = os.umask(0o022)
    try:
        export(cli, BUNDLED, "-o", "csv", "--output", str(tmp_path / "out.csv"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o644  # others in the team can read it


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_an_error_in_one_line(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "incidents", "--records", str(BUNDLED), "export", "-o", "csv"],
                                stdout=full, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert (
        result.returncode == 1
        and result.stderr.strip() == "incidents: error: cannot write the output: no space left on device"
    )


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (("TST1,12 July 2020,2020,1,", "TST1,12 July 2020,2020,7,"), "time_precision"),
        ((',"Test row: an exchange of fire, said.",3,', ',"Test row: an exchange of fire, said.",-2,'), "fatalities"),
        (("Tavush,,Chinari,40.9,45.3,", "Tovuz,,Aghdam,41.05,45.60,"), "location"),  # not the Aghdam of Karabakh
    ],
)
def test_an_acled_value_its_codebook_does_not_allow_is_refused_on_its_line(cli, tmp_path, change, column):
    (tmp_path / "records").mkdir()
    extract = ACLED_EXTRACT.replace(*change)
    assert extract != ACLED_EXTRACT
    (tmp_path / "acled.csv").write_text(extract)
    result = cli("--records", str(tmp_path / "records"), "import", str(tmp_path / "acled.csv"), "-o", "acled")
    assert result.exit_code == 1 and f"acled.csv:2: {column}:" in result.stderr
    assert list((tmp_path / "records").rglob("*.yaml")) == []


def test_a_problem_in_a_rows_claim_is_named_on_that_row_and_its_column(cli, tmp_path):
    result = import_sheet(
        cli,
        tmp_path,
        "2023-09-01-sotk,1 Sep 2023,Fire near Sotk,Sotk,armenia,,A,3\n",  # a date as people write it
        "2023-09-01-sotk,1 Sep 2023,Fire near Sotk,Sotk,atlantis,,B,\n",
        "2023-09-01-sotk,1 Sep 2023,Fire near Sotk,Sotk,azerbaijan,,C,many\n",
    )
    sheet = tmp_path / "sheet.csv"
    assert result.exit_code == 1
    assert f"{sheet}:3: claims[1].side:" in result.stderr and "(column Side)" in result.stderr
    assert (
        f"{sheet}:4: claims[2].casualties.armenia.killed:" in result.stderr
        and "(column Armenians killed)" in result.stderr
    )
    assert f"{sheet}:2:" not in result.stderr  # the first row is right


def test_a_rules_file_naming_no_field_is_refused_on_its_line(cli, tmp_path):
    misspelt = RULES.replace("  date: Date", "  dat: Date")
    result = import_sheet(cli, tmp_path, "2023-09-01-sotk,2023-09-01,Fire,Sotk,armenia,,A,3\n", rules=misspelt)
    assert result.exit_code == 2 and f"{tmp_path / 'rules.yaml'}:3: fields.dat: no such field" in result.stderr
    assert "did you mean 'date'" in result.stderr


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ('2023-09-01-sotk,2023-09-01,"Fire near Sotk,Sotk,armenia,,A,3\n', "CSV"),  # a quote left open
        ("2023-09-01-sotk,2023-09-01,Fire near Sotk,Sotk,armenia\n", "5 cells where the header has 8"),
        ("2023-09-01-sotk,2023-09-01,Fire near Sotk,Sotk,armenia,,A,3,extra\n", "9 cells where the header has 8"),
    ],
)
def test_a_malformed_row_is_a_problem_on_its_line_never_a_record(cli, tmp_path, row, said):
    result = import_sheet(cli, tmp_path, row)
    assert result.exit_code == 1 and f"{tmp_path / 'sheet.csv'}:2: {said}" in result.stderr
    assert not list(tmp_path.rglob("*.yaml"))[1:]  # the rules file alone: no record


def test_an_import_says_what_check_will_warn_of_naming_the_line(cli, tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        json.dumps(incident()) + "\n" + json.dumps(incident(id="2023-09-02-x", places=["Nowhereville"])) + "\n"
    )
    result = cli("--records", str(tmp_path / "records"), "import", str(dump), "--init")
    assert result.exit_code == 0 and "added 2 records" in result.stdout
    [warned] = [line for line in result.stderr.splitlines() if "warning" in line]
    assert f"{dump}:2: places[0]: warning: unknown place 'Nowhereville'" in warned


def test_a_csv_file_needs_its_kind_said_and_table_goes_with_csv_only(cli, tmp_path):
    (tmp_path / "acled.csv").write_text(ACLED_EXTRACT)
    result = cli("--records", str(tmp_path / "records"), "import", str(tmp_path / "acled.csv"), "--init")
    assert result.exit_code == 2 and "--format csv --rules RULES" in result.stderr and "--format acled" in result.stderr
    result = cli("--records", str(BUNDLED), "export", "-o", "jsonl", "--table", "claims")
    assert result.exit_code == 2 and "--table" in result.stderr


def test_one_record_added_is_said_as_one(cli, tmp_path):
    dump = tmp_path / "one.jsonl"
    dump.write_text(json.dumps(incident()) + "\n")
    result = cli("--records", str(tmp_path / "records"), "import", str(dump), "--init")
    assert result.exit_code == 0 and "added 1 record;" in result.stdout
