"""`incidents export`: whole records as JSON lines, tables as CSV, the incidents on a map."""

import csv
import io
import json

from incidents.spec import incident_to_data
from incidents.store import Store

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


def test_geojson_puts_longitude_first_and_counts_what_it_cannot_place(cli, make_records):
    root = make_records(incident(), incident(id="2023-09-02-nowhere", date="2023-09-02", places=["Nowhereville"]))
    result = export(cli, root, "-o", "geojson")
    collection = json.loads(result.stdout)
    [feature] = collection["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert collection["type"] == "FeatureCollection" and feature["properties"]["id"] == "2023-09-01-sotk"
    assert 43 < lon < 48 and 38 < lat < 42  # Sotk: east of Greenwich by ~45°, north by ~40°
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
