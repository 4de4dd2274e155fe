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
from .model import CASUALTY_KINDS, Claim, Count, Incident, PlaceRole, Sides
from .places import Gazetteer, Place
from .spec import incident_to_data
from .tables import CLAIMS, INCIDENTS, SHEET, TABLES, Context, Table, cited_source, claim_cells, table_rows


def jsonl(incidents: Iterable[Incident]) -> Iterator[str]:
    """One line per incident: the whole record, as `show --format json` gives it, compact."""
    for incident in incidents:
        yield json.dumps(incident_to_data(incident), ensure_ascii=False, separators=(",", ":")) + "\n"


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


def csv_table(incidents: Iterable[Incident], table: str, context: Context) -> Iterator[str]:
    """`sheet`: a row per claim, the incident's columns repeated, a column per casualty figure
    (for a spreadsheet); any other name: that table of tables.py, as the data package holds it."""
    if table != SHEET:
        chosen = TABLES[table]
        yield csv_line(chosen.names)
        for incident in incidents:
            for row in chosen.rows(incident, context):
                yield csv_line(row)
        return
    tolls = casualty_columns(context.sides)
    yield csv_line([*INCIDENTS.names, *CLAIMS.names[1:], *tolls])
    for incident in incidents:
        head = next(INCIDENTS.rows(incident, context))
        for number, claim in enumerate(incident.claims):
            yield csv_line([*head, *claim_cells(incident, number, context.gazetteer), *_tolls(claim, tolls)])


def _tolls(claim: Claim, columns: list[str]) -> list[Any]:
    figures = {f"{f.side}.{'civilian.' if f.civilian else ''}{f.kind}": f.count.to_data() for f in claim.casualties}
    return [figures.get(column) for column in columns]


def geojson(incidents: Iterable[Incident], context: Context, unplaced: list[str]) -> Iterator[str]:
    """A FeatureCollection (RFC 7946: longitude first), a feature per incident at the places the
    gazetteer has coordinates for (a Point, or a MultiPoint for several), with what a map styles
    by: the verdicts `list` gives, and the fatalities by ACLED's most conservative rule with
    whose figures they are (`tolls`). The ids of incidents with no coordinates are added to
    `unplaced`, for the caller to count."""
    sides, gazetteer = context.sides, context.gazetteer
    yield '{"type":"FeatureCollection","features":[\n'
    first = True
    for incident in incidents:
        located, precision = _located(incident, gazetteer)
        points = list(dict.fromkeys((p.lon, p.lat) for p in located))  # longitude first
        if not points:
            unplaced.append(incident.id)
            continue
        geometry = (
            {"type": "Point", "coordinates": list(points[0])}
            if len(points) == 1
            else {"type": "MultiPoint", "coordinates": [list(point) for point in points]}
        )
        verdict = started_by(incident, sides)
        fatalities, tolls = _fatalities(incident, sides)
        properties = {
            "id": incident.id, "date": incident.date.isoformat(),
            "end_date": incident.end_date.isoformat() if incident.end_date else None,
            "date_precision": str(incident.date_precision), "title": incident.title,
            "sides": list(incident.claimants), "initiator": str(verdict) if verdict else None,
            "verification": str(context.standing(incident)), "geo_precision": precision, "fatalities": fatalities,
            "tolls": "; ".join(tolls) or None,
        }  # fmt: skip
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def _located(incident: Incident, gazetteer: Gazetteer) -> tuple[list[Place], int | None]:
    """The gazetteer places with coordinates where the incident happened, from the first of
    these that has any: the record's places and those its claims say were hit or are near; else
    its regions; else, last, the places fire is said to have come from (a village across the
    border is not where the event was). With how precise that is, as ACLED's geo_precision: 1
    when the first is a settlement named, 2 another place (a road, a height, a district), 3 a
    region; None when nothing has coordinates."""
    said = [p for c in incident.claims for p in c.places]
    choices = (
        ([*incident.places, *(p for p in said if p.role != PlaceRole.FROM)], True),
        (list(incident.region), False),
        ([p for p in said if p.role == PlaceRole.FROM], True),
    )
    for names, settled in choices:
        found = [gazetteer.resolve_ref(name).place for name in names]
        located = [p for p in found if p is not None and p.lat is not None and p.lon is not None]
        if located:
            return located, (1 if located[0].type in _SETTLEMENTS else 2) if settled else 3
    return [], None


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
    actors = _actors(incident, sides)
    place, precision = _acled_place(incident, gazetteer)
    fatalities, tolls = _fatalities(incident, sides)
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
        "actor1": f"Military Forces of {sides.name(actors[0])}" if actors else None,
        "actor2": f"Military Forces of {sides.name(actors[1])}" if len(actors) > 1 else None,
        "admin1": next((gazetteer.display(r, "english") for r in incident.region), None),
        "admin2": None,
        "location": place.name if place else None,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "geo_precision": precision,
        "source": "; ".join(publishers) or None,
        "source_scale": None,
        "notes": "; ".join([incident.title, *tolls]),
        "fatalities": fatalities,
    }


def _actors(incident: Incident, sides: Sides) -> list[str]:
    """The principal sides the record involves: those that speak in it (the first to speak
    first), then those a claim blames or whose people a claim counts. None named: none given."""
    spoke = [c.side for c in sorted(incident.claims, key=lambda c: str(c.reported or ""))]
    named = [*spoke, *(c.initiator for c in incident.claims), *(f.side for c in incident.claims for f in c.casualties)]
    return [side for side in dict.fromkeys(named) if side in sides.principal]


def _acled_type(incident: Incident) -> tuple[str, str]:
    """Explosions/Remote violence when a claim names drones (Air/drone strike) or artillery,
    mortars, rockets, missiles (Shelling/artillery/missile attack); else Battles, Armed clash."""
    named = " ".join(w.name.casefold() for c in incident.claims for w in c.weapons)
    if any(word in named for word in _DRONES):
        return "Explosions/Remote violence", "Air/drone strike"
    if any(word in named for word in _SHELLING):
        return "Explosions/Remote violence", "Shelling/artillery/missile attack"
    return "Battles", "Armed clash"


def _acled_place(incident: Incident, gazetteer: Gazetteer) -> tuple[Place | None, int | None]:
    """The one place ACLED's and UCDP's columns give: the first where it happened (_located)."""
    located, precision = _located(incident, gazetteer)
    return (located[0] if located else None), precision


def _fatalities(incident: Incident, sides: Sides) -> tuple[int | None, list[str]]:
    """ACLED's rule: the most conservative figure. Per side whose people were killed (soldiers
    and civilians apart), the lowest of the claimants' latest figures that have a lower figure
    (the low end of a range or of "at least"); summed. None when no figure has one: `some` and
    `up to 70` are never written as 0. With it, per side, whose figure it is (as given: 2+) and
    what the other claimants say ("Armenia killed: 3 per Armenia (Azerbaijan says 10+)")."""
    total: int | None = None
    notes = []
    for (victim, civilian), said in _killed(incident, sides).items():
        who = f"{sides.name(victim)}{' civilians' if civilian else ''} killed"
        numbered = _numbered(said)
        if numbered:
            claimant, lowest = min(numbered.items(), key=lambda kv: kv[1].low)
            total = (total or 0) + lowest.low
            note, rest = f"{who}: {lowest.to_data()} per {sides.name(claimant)}", [c for c in said if c != claimant]
            others = [f"{sides.name(c)} says {said[c].to_data()}" for c in rest]
            notes.append(note + (f" ({'; '.join(others)})" if others else ""))
        else:
            notes.append(
                f"{who}: no figure with a lower bound ({'; '.join(f'{sides.name(c)} says {n.to_data()}' for c, n in said.items())})"
            )
    return total, notes


def _numbered(said: dict[str, Count]) -> dict[str, Count]:
    """The figures that give a lower figure: not `some`, not `up to N`."""
    return {
        claimant: count
        for claimant, count in said.items()
        if count.numbered and not count.unnumbered and not count.up_to
    }


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
        found = [min(c.low for c in _numbered(killed[k]).values()) for k in keys if _numbered(killed.get(k, {}))]
        return sum(found) if found else None

    highs = [_highest(said.values()) for said in killed.values()]  # None: some figure has no upper bound
    agreed = [next(iter(said.values())) for said in killed.values() if len({str(c) for c in said.values()}) == 1]
    exact = len(agreed) == len(killed) and all(c.is_exact for c in agreed)
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
        "low": lowest(killed),
        "high": sum(h for h in highs if h is not None) if killed and None not in highs else None,
        "source_article": "; ".join(dict.fromkeys(str(cited_source(incident, c)) for c in incident.claims)) or None,
    }


def _highest(counts: Iterable[Count]) -> int | None:
    """The most the figures allow; None when one has no upper bound (2+, some)."""
    highs = [c.interval()[1] for c in counts]
    return None if any(h is None for h in highs) else max(h for h in highs if h is not None)


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

_SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "number": "REAL"}


def _create(table: Table) -> str:
    """The table's CREATE TABLE, from its definition: types, primary key, foreign keys."""
    parts = [f"{c.name} {_SQL_TYPES[c.type]}{' NOT NULL' if c.name in table.key else ''}" for c in table.columns]
    parts.append(f"PRIMARY KEY ({', '.join(table.key)})")
    parts += [f"FOREIGN KEY ({', '.join(mine)}) REFERENCES {other}({', '.join(theirs)})"
              for mine, other, theirs in table.references]  # fmt: skip
    return f"CREATE TABLE {table.name} ({', '.join(parts)})"


def _sql_cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return int(value) if isinstance(value, bool) else value


def sqlite_export(incidents: Iterable[Incident], context: Context, target: Any, name: str) -> dict[str, Any]:
    """A database of the incidents, one table per kind of tables.py, with keys, foreign keys
    and full-text search (when SQLite has FTS5), written to `target` (a path); returns
    Datasette's metadata for it (descriptions, facets), under the database's `name` (the final
    file's name without its ending, as Datasette names it)."""
    import sqlite3

    db = sqlite3.connect(target)
    try:
        for table in TABLES.values():
            db.execute(_create(table))
        inserts = {t.name: f"INSERT INTO {t.name} VALUES ({', '.join('?' * len(t.columns))})" for t in TABLES.values()}
        for table, row in table_rows(incidents, context):
            db.execute(inserts[table.name], [_sql_cell(v) for v in row])
        searchable = [t for t in TABLES.values() if t.search and _full_text(db, t)]
        db.commit()
    finally:
        db.close()
    return _metadata(searchable, name)


def _full_text(db: Any, table: Table) -> bool:
    """Full-text search over the table's text columns, as Datasette finds it (`<table>_fts`);
    False with an SQLite built without FTS5 (the tables, without search)."""
    import sqlite3

    columns = ", ".join(table.search)
    try:
        db.execute(f"CREATE VIRTUAL TABLE {table.name}_fts USING fts5({columns}, content='{table.name}')")
    except sqlite3.OperationalError:
        return False
    db.execute(f"INSERT INTO {table.name}_fts (rowid, {columns}) SELECT rowid, {columns} FROM {table.name}")
    return True


def _metadata(searchable: Iterable[Table], database: str) -> dict[str, Any]:
    """Datasette's metadata, for the database of that name (its file name without `.sqlite`)."""
    tables: dict[str, Any] = {
        t.name: {
            "description": t.description,
            **({"facets": list(t.facets)} if t.facets else {}),
            "columns": {c.name: c.description for c in t.columns},
        }
        for t in TABLES.values()
    }
    for table in searchable:
        tables[table.name]["fts_table"] = f"{table.name}_fts"
    return {
        "title": "Border incidents",
        "description": "Exported by `incidents export --format sqlite`: every account kept as said.",
        "databases": {database: {"tables": tables}},
    }


# --- a frictionless data package ---------------------------------------------------------------


def datapackage(incidents: Iterable[Incident], context: Context) -> dict[str, str]:
    """A Frictionless Data Package: a CSV per table of tables.py (as `--table` gives each) and
    `datapackage.json` with a Table Schema for each (field types and descriptions, primary
    keys, foreign keys). Returns file name -> text."""
    lines = {name: [csv_line(table.names)] for name, table in TABLES.items()}
    for table, row in table_rows(incidents, context):
        lines[table.name].append(csv_line(row))
    package = {
        "name": "border-incidents",
        "title": "Border incidents, every account as said",
        "profile": "tabular-data-package",
        "resources": [_resource(table) for table in TABLES.values()],
    }
    files = {f"{name}.csv": "".join(rows) for name, rows in lines.items()}
    files["datapackage.json"] = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    return files


def _resource(table: Table) -> dict[str, Any]:
    fields = [{"name": c.name, "type": c.type, "description": c.description} for c in table.columns]
    schema: dict[str, Any] = {"fields": fields, "primaryKey": list(table.key)}
    if table.references:
        schema["foreignKeys"] = [
            {"fields": list(mine), "reference": {"resource": other, "fields": list(theirs)}}
            for mine, other, theirs in table.references
        ]
    return {
        "name": table.name, "path": f"{table.name}.csv", "profile": "tabular-data-resource", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8", "description": table.description, "schema": schema,
    }  # fmt: skip
