"""Records out, for the tools analysts use (`incidents export`): whole records as JSON lines,
tables of claims and incidents as CSV, and the incidents on a map as GeoJSON.

Each function takes incidents one at a time (an export of 100,000 never holds them all) and
gives text, line by line. Everything here is data already in the records or the gazetteer:
nothing is judged that `list` and `diff` do not judge, and no figure is made up (a count is
written as the statement gives it: 3, 2+, 2-4, up to 70, some).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .compare import started_by
from .formats import csv_line
from .model import CASUALTY_KINDS, Claim, Incident, PlaceRef, Sides
from .places import Gazetteer
from .spec import incident_to_data

EXPORT_FORMATS = ("jsonl", "csv", "geojson")
TABLES = ("claims", "incidents")


def jsonl(incidents: Iterable[Incident]) -> Iterator[str]:
    """One line per incident: the whole record, as `show --format json` gives it, compact."""
    for incident in incidents:
        yield json.dumps(incident_to_data(incident), ensure_ascii=False, separators=(",", ":")) + "\n"


INCIDENT_COLUMNS = ("incident_id", "date", "end_date", "date_precision", "title", "status", "region", "places",
                    "place_ids", "tags", "sides", "initiator")  # fmt: skip
CLAIM_COLUMNS = ("claim_id", "side", "by", "stance", "reported", "claim_initiator", "claim_places", "claim_place_ids",
                 "statement", "source_title", "source_publisher", "source_date", "source_url")  # fmt: skip


def casualty_columns(sides: Sides) -> list[str]:
    """A column per side, people (soldiers or civilians) and kind: `armenia.killed`,
    `armenia.civilian.wounded`; every side of the directory, so the columns never depend on
    which incidents are exported."""
    return [
        f"{side}.{'civilian.' if civilian else ''}{kind}"
        for side in sides.ids
        for civilian in (False, True)
        for kind in CASUALTY_KINDS
    ]


def csv_table(incidents: Iterable[Incident], table: str, sides: Sides, gazetteer: Gazetteer) -> Iterator[str]:
    """`claims`: a row per claim, the incident's columns repeated, a column per casualty figure;
    `incidents`: a row per incident."""
    tolls = casualty_columns(sides)
    columns = [*INCIDENT_COLUMNS, *((*CLAIM_COLUMNS, *tolls) if table == "claims" else ())]
    yield csv_line(columns)
    for incident in incidents:
        head = _incident_cells(incident, sides, gazetteer)
        if table == "incidents":
            yield csv_line(head)
            continue
        for number, claim in enumerate(incident.claims):
            cells = _claim_cells(incident, number, gazetteer)
            yield csv_line([*head, *cells, *_tolls(claim, tolls)])


def _place_ids(names: Iterable[PlaceRef | str], gazetteer: Gazetteer) -> list[str]:
    """The gazetteer ids of the places named (a name it cannot settle is left out)."""
    found = (gazetteer.resolve_ref(name).place for name in names)
    return list(dict.fromkeys(place.id for place in found if place))


def _incident_cells(incident: Incident, sides: Sides, gazetteer: Gazetteer) -> list[Any]:
    verdict = started_by(incident, sides)
    return [
        incident.id, incident.date.isoformat(), incident.end_date.isoformat() if incident.end_date else None,
        str(incident.date_precision), incident.title, str(incident.status), list(incident.region),
        list(incident.place_names), _place_ids([*incident.places, *incident.region], gazetteer), list(incident.tags),
        list(incident.claimants), str(verdict) if verdict else None,
    ]  # fmt: skip


def _claim_cells(incident: Incident, number: int, gazetteer: Gazetteer) -> list[Any]:
    """A claim's columns; a source cited by key, as the incident lists it."""
    claim = incident.claims[number]
    source = next((s for s in incident.sources if claim.source.key and s.key == claim.source.key), claim.source)
    return [
        incident.claim_id(number), claim.side, claim.by, str(claim.stance) if claim.stance else None,
        claim.reported.isoformat() if claim.reported else None, claim.initiator,
        [str(p) for p in claim.places], _place_ids(claim.places, gazetteer), claim.statement,
        source.title, source.publisher, source.date.isoformat() if source.date else None, source.url,
    ]  # fmt: skip


def _tolls(claim: Claim, columns: list[str]) -> list[Any]:
    figures = {f"{f.side}.{'civilian.' if f.civilian else ''}{f.kind}": f.count.to_data() for f in claim.casualties}
    return [figures.get(column) for column in columns]


def geojson(incidents: Iterable[Incident], sides: Sides, gazetteer: Gazetteer, unplaced: list[str]) -> Iterator[str]:
    """A FeatureCollection (RFC 7946: longitude first), a feature per incident at the places the
    gazetteer has coordinates for (a Point, or a MultiPoint for several); the ids of incidents
    with none are added to `unplaced`, for the caller to count."""
    yield '{"type":"FeatureCollection","features":[\n'
    first = True
    for incident in incidents:
        points = _points(incident, gazetteer)
        if not points:
            unplaced.append(incident.id)
            continue
        geometry = (
            {"type": "Point", "coordinates": points[0]}
            if len(points) == 1
            else {"type": "MultiPoint", "coordinates": points}
        )
        verdict = started_by(incident, sides)
        properties = {
            "id": incident.id, "date": incident.date.isoformat(),
            "end_date": incident.end_date.isoformat() if incident.end_date else None,
            "date_precision": str(incident.date_precision), "title": incident.title,
            "sides": list(incident.claimants), "initiator": str(verdict) if verdict else None,
        }  # fmt: skip
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def _points(incident: Incident, gazetteer: Gazetteer) -> list[list[float]]:
    names = [*incident.places, *(p for c in incident.claims for p in c.places)] or list(incident.region)
    points = []
    for name in names:
        place = gazetteer.resolve_ref(name).place
        if place and place.lat is not None and place.lon is not None and [place.lon, place.lat] not in points:
            points.append([place.lon, place.lat])  # longitude first
    return points


# --- ACLED -------------------------------------------------------------------------------------

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "actor2", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities",
)  # fmt: skip
"""ACLED's column names, with their meanings in ACLED's codebook, for the columns a record can fill."""

_TIME_PRECISION = {"day": 1, "days": 2, "week": 2, "month": 3}  # 1: the day; 2: within a week; 3: the month
_SETTLEMENTS = {"village", "town", "city", "capital"}
_DRONES = ("drone", "uav", "bayraktar", "loitering")
_SHELLING = ("artillery", "mortar", "missile", "rocket", "grad", "howitzer", "shell", "smerch", "tank")


def acled(incidents: Iterable[Incident], sides: Sides, gazetteer: Gazetteer) -> Iterator[str]:
    """A row per incident in ACLED's columns, by the rules of docs/output.md: the event type from
    the weapons named, the actors from the principal sides, the place from the gazetteer, and
    the fatalities as ACLED codes them, the most conservative figure, with whose it is and what
    the others say in the notes."""
    yield csv_line(ACLED_COLUMNS)
    for incident in incidents:
        yield csv_line([_acled_row(incident, sides, gazetteer)[c] for c in ACLED_COLUMNS])


def _acled_row(incident: Incident, sides: Sides, gazetteer: Gazetteer) -> dict[str, Any]:
    event_type, sub_event = _acled_type(incident)
    principal = [s for s in sides.principal if s in incident.claimants] or list(sides.principal[:1])
    others = [s for s in sides.principal if s not in principal[:1]]
    place, precision = _acled_place(incident, gazetteer)
    fatalities, notes = _fatalities(incident, sides)
    publishers = dict.fromkeys(
        s.publisher for s in [*incident.sources, *(c.source for c in incident.claims)] if s.publisher
    )
    return {
        "event_id_cnty": incident.id,
        "event_date": incident.date.isoformat(),
        "year": incident.date.year,
        "time_precision": _TIME_PRECISION.get(str(incident.date_precision), 3),
        "disorder_type": "Political violence",
        "event_type": event_type,
        "sub_event_type": sub_event,
        "actor1": f"Military Forces of {sides.name(principal[0])}" if principal else None,
        "actor2": f"Military Forces of {sides.name(others[0])}" if others else None,
        "admin1": next((gazetteer.display(r, "english") for r in incident.region), None),
        "admin2": None,
        "location": place.name if place else None,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "geo_precision": precision,
        "source": "; ".join(publishers) or None,
        "source_scale": None,
        "notes": notes,
        "fatalities": fatalities,
    }


def _acled_type(incident: Incident) -> tuple[str, str]:
    """Explosions/Remote violence when a claim names drones (Air/drone strike) or artillery,
    mortars, rockets, missiles (Shelling/artillery/missile attack); else Battles, Armed clash."""
    named = " ".join(w.name.casefold() for c in incident.claims for w in c.weapons)
    if any(word in named for word in _DRONES):
        return "Explosions/Remote violence", "Air/drone strike"
    if any(word in named for word in _SHELLING):
        return "Explosions/Remote violence", "Shelling/artillery/missile attack"
    return "Battles", "Armed clash"


def _acled_place(incident: Incident, gazetteer: Gazetteer) -> tuple[Any, int | None]:
    """The first place with coordinates: 1 when it is a settlement named, 2 for another place
    (a road, a height, a district), 3 when only the region has them; None without any."""
    named = [*incident.places, *(p for c in incident.claims for p in c.places)]
    for names, settled in ((named, True), (list(incident.region), False)):
        for name in names:
            place = gazetteer.resolve_ref(name).place
            if place and place.lat is not None and place.lon is not None:
                return place, (1 if place.type in _SETTLEMENTS else 2) if settled else 3
    return None, None


def _fatalities(incident: Incident, sides: Sides) -> tuple[int | None, str]:
    """ACLED's rule: the most conservative figure. Per side whose people were killed, the lowest
    of the claimants' latest figures (the low end of a range or of "at least"); summed over the
    sides. The notes say whose each figure is and what the other claimants say."""
    from .compare import by_side, official_view

    latest: dict[str, dict[str, Any]] = {}  # victim side -> claimant -> count
    for claimant, claims in by_side(official_view(incident, sides)).items():
        for claim in claims:
            for figure in claim.casualties:
                if str(figure.kind) == "killed":
                    latest.setdefault(figure.side, {})[claimant] = figure.count
    total, notes = 0, []
    for victim, said in latest.items():
        lowest = min(said.items(), key=lambda kv: kv[1].low)
        total += lowest[1].low
        others = [f"{sides.name(c)} says {count.to_data()}" for c, count in said.items() if c != lowest[0]]
        note = f"{sides.name(victim)} killed: {lowest[1].low} per {sides.name(lowest[0])}"
        notes.append(note + (f" ({'; '.join(others)})" if others else ""))
    title = incident.title
    return (total if latest else None), "; ".join([title, *notes])


# --- UCDP GED ----------------------------------------------------------------------------------

UCDP_COLUMNS = (
    "id", "year", "type_of_violence", "side_a", "side_b", "adm_1", "where_coordinates", "latitude", "longitude",
    "where_prec", "date_start", "date_end", "date_prec", "deaths_a", "deaths_b", "deaths_civilians", "best", "low",
    "high", "source_article",
)  # fmt: skip
"""UCDP GED's column names, with their meanings in UCDP's codebook, for the columns a record can fill."""

_DATE_PREC = {"day": 1, "days": 2, "week": 3, "month": 4}  # 1: the day; 2: 2-6 days; 3: a week; 4: a month


def ucdp(incidents: Iterable[Incident], sides: Sides, gazetteer: Gazetteer) -> Iterator[str]:
    """A row per incident in UCDP GED's columns (docs/output.md gives the rules): deaths per side
    by the lowest figure given for each, `low` and `high` from the lowest and highest figures,
    and `best` only where every claimant gives the same figure (an estimate is UCDP's own
    judgment, never made up here)."""
    yield csv_line(UCDP_COLUMNS)
    for incident in incidents:
        row = _ucdp_row(incident, sides, gazetteer)
        yield csv_line([row[c] for c in UCDP_COLUMNS])


def _ucdp_row(incident: Incident, sides: Sides, gazetteer: Gazetteer) -> dict[str, Any]:
    principal = list(sides.principal[:2])
    place, precision = _acled_place(incident, gazetteer)
    killed = _killed(incident, sides)  # (victim side, civilian) -> claimant -> count
    start, end = incident.span

    def lowest(keys: Iterable[tuple[str, bool]]) -> int | None:
        found = [min(c.low for c in killed[k].values()) for k in keys if k in killed]
        return sum(found) if found else None

    lows = [min(c.low for c in said.values()) for said in killed.values()]
    highs = [_highest(said.values()) for said in killed.values()]  # None: some figure has no upper bound
    agreed = [next(iter(said.values())) for said in killed.values() if len({str(c) for c in said.values()}) == 1]
    exact = len(agreed) == len(killed) and all(c.low == c.high for c in agreed)
    return {
        "id": incident.id,
        "year": incident.date.year,
        "type_of_violence": 1,  # state-based: the armed forces of two states
        "side_a": f"Government of {sides.name(principal[0])}" if principal else None,
        "side_b": f"Government of {sides.name(principal[1])}" if len(principal) > 1 else None,
        "adm_1": next((gazetteer.display(r, "english") for r in incident.region), None),
        "where_coordinates": place.name if place else None,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "where_prec": {1: 1, 2: 2, 3: 4}.get(precision or 0),
        "date_start": start.isoformat(),
        "date_end": end.isoformat(),
        "date_prec": _DATE_PREC.get(str(incident.date_precision), 4),
        "deaths_a": lowest([(principal[0], False)]) if principal else None,
        "deaths_b": lowest([(principal[1], False)]) if len(principal) > 1 else None,
        "deaths_civilians": lowest([k for k in killed if k[1]]),
        "best": sum(c.low for c in agreed) if killed and exact else None,
        "low": sum(lows) if killed else None,
        "high": sum(h for h in highs if h is not None) if killed and None not in highs else None,
        "source_article": "; ".join(str(s) for s in incident.sources) or None,
    }


def _highest(counts: Iterable[Any]) -> int | None:
    highs = [c.high for c in counts]
    return None if any(h is None for h in highs) else max(highs)


def _killed(incident: Incident, sides: Sides) -> dict[tuple[str, bool], dict[str, Any]]:
    """Each claimant's latest figure of each side's killed, soldiers and civilians apart."""
    from .compare import by_side, official_view

    found: dict[tuple[str, bool], dict[str, Any]] = {}
    for claimant, claims in by_side(official_view(incident, sides)).items():
        for claim in claims:
            for figure in claim.casualties:
                if str(figure.kind) == "killed":
                    found.setdefault((figure.side, figure.civilian), {})[claimant] = figure.count
    return found


# --- SQLite, for Datasette ---------------------------------------------------------------------

SQLITE_SCHEMA = (
    "CREATE TABLE incidents (id TEXT PRIMARY KEY, date TEXT NOT NULL, end_date TEXT, date_precision TEXT,"
    " title TEXT NOT NULL, status TEXT, merged_into TEXT, region TEXT, places TEXT, tags TEXT, sides TEXT,"
    " initiator TEXT, verification TEXT, notes TEXT)",
    "CREATE TABLE claims (incident_id TEXT NOT NULL REFERENCES incidents(id), claim_id TEXT NOT NULL, side TEXT,"
    " by TEXT, stance TEXT, reported TEXT, initiator TEXT, statement TEXT, source_title TEXT, source_publisher TEXT,"
    " source_date TEXT, source_url TEXT, PRIMARY KEY (incident_id, claim_id))",
    "CREATE TABLE casualties (incident_id TEXT NOT NULL, claim_id TEXT NOT NULL, side TEXT NOT NULL,"
    " civilian INTEGER NOT NULL, kind TEXT NOT NULL, count TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER,"
    " FOREIGN KEY (incident_id, claim_id) REFERENCES claims(incident_id, claim_id))",
    "CREATE TABLE sources (incident_id TEXT NOT NULL REFERENCES incidents(id), key TEXT, title TEXT,"
    " publisher TEXT, date TEXT, url TEXT)",
    "CREATE TABLE places (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT, country TEXT, latitude REAL,"
    " longitude REAL)",
    "CREATE TABLE incident_places (incident_id TEXT NOT NULL REFERENCES incidents(id),"
    " place_id TEXT NOT NULL REFERENCES places(id), PRIMARY KEY (incident_id, place_id))",
    "CREATE TABLE links (incident_id TEXT NOT NULL REFERENCES incidents(id), type TEXT NOT NULL, target_id TEXT NOT NULL)",
)  # fmt: skip
FACETS = {
    "incidents": ["status", "date_precision", "initiator", "verification"],
    "claims": ["side", "stance", "source_publisher"],
    "casualties": ["side", "kind", "civilian"],
    "places": ["type", "country"],
}


def sqlite_export(
    incidents: Iterable[Incident], sides: Sides, gazetteer: Gazetteer, target: Any, standing: Any, name: str
) -> dict[str, Any]:
    """A database of the incidents, one table per kind, with keys, foreign keys and full-text
    search (when SQLite has FTS5), written to `target` (a path); returns Datasette's metadata
    for it (titles, descriptions, facets), under the database's `name` (the final file's name
    without its ending, as Datasette names it). `standing(incident)` gives its verification."""
    import sqlite3

    db = sqlite3.connect(target)
    try:
        for statement in SQLITE_SCHEMA:
            db.execute(statement)
        seen_places: set[str] = set()
        for incident in incidents:
            _sqlite_rows(db, incident, sides, gazetteer, seen_places, standing(incident))
        searchable = _full_text(db)
        db.commit()
    finally:
        db.close()
    return _metadata(searchable, name)


def _sqlite_rows(
    db: Any, incident: Incident, sides: Sides, gazetteer: Gazetteer, seen: set[str], standing: Any
) -> None:
    verdict = started_by(incident, sides)
    db.execute(
        "INSERT INTO incidents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (incident.id, incident.date.isoformat(), incident.end_date.isoformat() if incident.end_date else None,
         str(incident.date_precision), incident.title, str(incident.status), incident.merged_into,
         "; ".join(incident.region), "; ".join(incident.place_names), "; ".join(incident.tags),
         "; ".join(incident.claimants), str(verdict) if verdict else None, str(standing), incident.notes),
    )  # fmt: skip
    for source in incident.sources:
        db.execute("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)", (incident.id, source.key, source.title,
                   source.publisher, source.date.isoformat() if source.date else None, source.url))  # fmt: skip
    for number, claim in enumerate(incident.claims):
        cells = _claim_cells(incident, number, gazetteer)
        claim_id, side, by, stance, reported, initiator = cells[:6]
        db.execute("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (incident.id, claim_id, side, by, stance, reported, initiator, *cells[8:]))  # fmt: skip
        for figure in claim.casualties:
            db.execute("INSERT INTO casualties VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (incident.id, claim_id, figure.side, figure.civilian, str(figure.kind),
                        str(figure.count.to_data()), figure.count.low, figure.count.high))  # fmt: skip
    for place_id in _place_ids(
        [*incident.places, *incident.region, *(p for c in incident.claims for p in c.places)], gazetteer
    ):
        if place_id not in seen:
            place = gazetteer.places[place_id]
            db.execute("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)",
                       (place.id, place.name, place.type, place.country, place.lat, place.lon))  # fmt: skip
            seen.add(place_id)
        db.execute("INSERT OR IGNORE INTO incident_places VALUES (?, ?)", (incident.id, place_id))
    for link in incident.links:
        db.execute("INSERT INTO links VALUES (?, ?, ?)", (incident.id, str(link.type), link.id))


def _full_text(db: Any) -> bool:
    """Full-text search over titles, notes and statements, as Datasette finds it (`<table>_fts`)."""
    import sqlite3

    try:
        db.execute(
            "CREATE VIRTUAL TABLE incidents_fts USING fts5(title, notes, content='incidents', content_rowid='rowid')"
        )
        db.execute("INSERT INTO incidents_fts (rowid, title, notes) SELECT rowid, title, notes FROM incidents")
        db.execute(
            "CREATE VIRTUAL TABLE claims_fts USING fts5(statement, source_title, content='claims', content_rowid='rowid')"
        )
        db.execute(
            "INSERT INTO claims_fts (rowid, statement, source_title) SELECT rowid, statement, source_title FROM claims"
        )
    except sqlite3.OperationalError:  # an SQLite built without FTS5: the tables, without search
        return False
    return True


def _metadata(searchable: bool, database: str) -> dict[str, Any]:
    """Datasette's metadata, for the database of that name (its file name without `.sqlite`)."""
    tables: dict[str, Any] = {name: {"facets": facets} for name, facets in FACETS.items()}
    tables["incidents"]["description"] = "One row per incident; its accounts are in claims."
    tables["claims"]["description"] = "Every statement of every side, as said, with its source."
    tables["casualties"]["description"] = "Each figure a claim gives, as given (count), with its bounds."
    if searchable:
        tables["incidents"]["fts_table"] = "incidents_fts"
        tables["claims"]["fts_table"] = "claims_fts"
    return {
        "title": "Border incidents",
        "description": "Exported by `incidents export --format sqlite`: every account kept as said.",
        "databases": {database: {"tables": tables}},
    }


# --- a frictionless data package ---------------------------------------------------------------

_DATES = {"date", "end_date", "source_date"}  # `reported` may hold a time too: a string


def datapackage(incidents: Iterable[Incident], sides: Sides, gazetteer: Gazetteer) -> dict[str, str]:
    """A Frictionless Data Package: `incidents.csv` and `claims.csv` (as `--table incidents` and
    `--table claims` give them) and `datapackage.json` with a Table Schema for each (field
    types, primary keys, the claims' foreign key to their incident). Returns file name -> text."""
    tolls = casualty_columns(sides)
    incident_rows, claim_rows = [csv_line(INCIDENT_COLUMNS)], [csv_line([*INCIDENT_COLUMNS, *CLAIM_COLUMNS, *tolls])]
    for incident in incidents:
        head = _incident_cells(incident, sides, gazetteer)
        incident_rows.append(csv_line(head))
        for number, claim in enumerate(incident.claims):
            claim_rows.append(csv_line([*head, *_claim_cells(incident, number, gazetteer), *_tolls(claim, tolls)]))
    claims_fields = [*INCIDENT_COLUMNS, *CLAIM_COLUMNS, *tolls]
    package = {
        "name": "border-incidents",
        "title": "Border incidents, every account as said",
        "profile": "tabular-data-package",
        "resources": [
            _resource("incidents", INCIDENT_COLUMNS, ["incident_id"], []),
            _resource(
                "claims",
                claims_fields,
                ["incident_id", "claim_id"],
                [{"fields": "incident_id", "reference": {"resource": "incidents", "fields": "incident_id"}}],
            ),
        ],
    }
    return {
        "incidents.csv": "".join(incident_rows),
        "claims.csv": "".join(claim_rows),
        "datapackage.json": json.dumps(package, indent=2) + "\n",
    }


def _resource(name: str, columns: Iterable[str], key: list[str], foreign: list[dict[str, Any]]) -> dict[str, Any]:
    fields = [{"name": c, "type": "date" if c in _DATES else "string"} for c in columns]
    schema: dict[str, Any] = {"fields": fields, "primaryKey": key}
    if foreign:
        schema["foreignKeys"] = foreign
    return {
        "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
    }  # fmt: skip
