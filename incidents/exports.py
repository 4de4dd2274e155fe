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
