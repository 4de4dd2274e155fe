"""The tables an export is made of, each defined once: its columns (with their Table Schema
types and meanings), its primary key, its foreign keys, and the rows one incident gives it.

`export --format csv --table T`, the SQLite database for Datasette and the frictionless data
package are all written from these definitions, so the three never disagree on a column, a
key or a value. Nothing here judges anything `list` and `diff` do not judge: the only verdicts
are the incident's `initiator` (as `list` gives it) and `verification` (as `show` gives it).
A figure is written as the statement gives it (`count`: 3, 2+, 2-4, up to 70, some), with
the interval it stands for (`low`, `high`; no `high`: no upper bound).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .model import Claim, Incident, PlaceRef, Sides, Source
from .places import Gazetteer

Row = list[Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"  # a Table Schema type: string, integer, number, date, boolean
    description: str = ""


@dataclass
class Context:
    """What rows need beyond the incident: the directory's sides and gazetteer, the standing
    `show` gives an incident, and the gazetteer places already written (each place is one row,
    however many incidents name it)."""

    sides: Sides
    gazetteer: Gazetteer
    standing: Callable[[Incident], Any]
    places_seen: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rows: Callable[[Incident, Context], Iterator[Row]]
    references: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()  # (columns, table, its columns)
    facets: tuple[str, ...] = ()  # the columns Datasette offers to facet by
    search: tuple[str, ...] = ()  # the columns of its full-text index

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def place_ids(names: Iterable[PlaceRef | str], gazetteer: Gazetteer) -> list[str]:
    """The gazetteer ids of the places named (a name it cannot settle is left out)."""
    found = (gazetteer.resolve_ref(name).place for name in names)
    return list(dict.fromkeys(place.id for place in found if place))


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def _text(value: Any) -> str | None:
    return str(value) if value is not None and value != "" else None


def cited_source(incident: Incident, claim: Claim) -> Source:
    """The claim's source: the incident's source of that key, where the claim cites one by key."""
    key = claim.source.key
    return next((s for s in incident.sources if key and s.key == key), claim.source)


def source_id(incident: Incident, number: int) -> str:
    """How the sources table names a claim's source: its key, or `c2.source` for a source given
    in the claim itself (a dot, which keys may not hold, so the two never collide)."""
    claim = incident.claims[number]
    return claim.source.key or f"{incident.claim_id(number)}.source"


# --- incidents ---------------------------------------------------------------------------------


def _incident_rows(incident: Incident, context: Context) -> Iterator[Row]:
    from .compare import started_by  # here, so that `--help` does not load the comparison

    verdict = started_by(incident, context.sides)
    yield [
        incident.id, incident.date.isoformat(), _day(incident.end_date), str(incident.date_precision),
        incident.title, str(incident.status), incident.merged_into, incident.reason, list(incident.region),
        list(incident.place_names), place_ids([*incident.places, *incident.region], context.gazetteer),
        list(incident.tags), list(incident.claimants), _text(verdict), _text(context.standing(incident)),
        len(incident.claims), incident.notes,
    ]  # fmt: skip


INCIDENTS = Table(
    "incidents",
    "One row per incident; its accounts are in claims.",
    (
        Column("incident_id", description="The record's id (its file name without .yaml)."),
        Column("date", "date", "When it happened (the first day of a span)."),
        Column("end_date", "date", "The last day of a span of days."),
        Column("date_precision", description="day, days (date to end_date), week (beginning on date) or month."),
        Column("title", description="A short neutral title."),
        Column("status", description="active, withdrawn or merged."),
        Column("merged_into", description="With status merged: the incident it was merged into."),
        Column("reason", description="With status withdrawn or merged: why."),
        Column("region", description="Administrative units, '; ' between them."),
        Column("places", description="Places as the record names them, '; ' between them."),
        Column("place_ids", description="The gazetteer ids of the places and regions, '; ' between them."),
        Column("tags", description="Tags, '; ' between them."),
        Column("sides", description="Every side with a claim, '; ' between them."),
        Column("initiator", description="Who started it, as `list` judges it from the claims."),
        Column("verification", description="The standing `show` gives: how far the accounts agree."),
        Column("claims", "integer", "How many claims the incident has."),
        Column("notes", description="The record's notes."),
    ),
    ("incident_id",),
    _incident_rows,
    facets=("status", "date_precision", "initiator", "verification"),
    search=("title", "notes"),
)


# --- claims ------------------------------------------------------------------------------------


def claim_cells(incident: Incident, number: int, gazetteer: Gazetteer) -> Row:
    """A claim's cells in the order of CLAIMS' columns after incident_id."""
    claim = incident.claims[number]
    source = cited_source(incident, claim)
    retracts = claim.retracts
    return [
        incident.claim_id(number), claim.side, claim.by, _text(claim.stance), _text(claim.kind),
        _text(claim.reported.isoformat() if claim.reported else None), claim.initiator,
        [str(p) for p in claim.places], place_ids(claim.places, gazetteer), claim.target,
        [str(w) for w in claim.weapons], _text(claim.violations.to_data() if claim.violations else None),
        claim.statement, source_id(incident, number), source.title, source.publisher, _day(source.date), source.url,
        claim.revises, retracts.claim if retracts else None, claim.via.side if claim.via else None, claim.note,
    ]  # fmt: skip


def _claim_rows(incident: Incident, context: Context) -> Iterator[Row]:
    for number in range(len(incident.claims)):
        yield [incident.id, *claim_cells(incident, number, context.gazetteer)]


CLAIMS = Table(
    "claims",
    "Every statement of every side, as said, with its source.",
    (
        Column("incident_id", description="The incident the claim belongs to."),
        Column("claim_id", description="The claim's id in its incident (c1, c2, …)."),
        Column("side", description="Who spoke: a side id."),
        Column("by", description="The body that spoke (Ministry of Defence, …)."),
        Column("stance", description="alleges, denies, confirms, observed or no comment."),
        Column("kind", description="account, ceasefire, mediation or losses."),
        Column("reported", description="When the statement was made: a day, or a day and time with its offset."),
        Column("claim_initiator", description="The side the statement says started it."),
        Column("claim_places", description="Places as this side names them, '; ' between them."),
        Column("claim_place_ids", description="Their gazetteer ids, '; ' between them."),
        Column("target", description="What was hit or aimed at, as said."),
        Column("weapons", description="Weapons named, '; ' between them."),
        Column("violations", description="Violations the statement counts, as it counts them (23, 23+, 20-25)."),
        Column("statement", description="The statement, quoted from the source."),
        Column("source_id", description="The source in the sources table: its key, or c2.source for a claim's own."),
        Column("source_title", description="The source's headline."),
        Column("source_publisher", description="Who published it."),
        Column("source_date", "date", "When it was published."),
        Column("source_url", description="Where it can be read."),
        Column("revises", description="The earlier claim this one revises."),
        Column("retracts", description="The claim this one withdraws, whole or in part."),
        Column("via", description="The side a claim is known through, when not from its speaker."),
        Column("note", description="A note on the claim."),
    ),
    ("incident_id", "claim_id"),
    _claim_rows,
    references=((("incident_id",), "incidents", ("incident_id",)),),
    facets=("side", "stance", "source_publisher"),
    search=("statement", "source_title"),
)


# --- casualties and people ---------------------------------------------------------------------


def _casualty_rows(incident: Incident, context: Context) -> Iterator[Row]:
    for number, claim in enumerate(incident.claims):
        for figure in claim.casualties:
            low, high = figure.count.interval()  # `some`: at least one, no upper bound
            yield [incident.id, incident.claim_id(number), figure.side, figure.civilian, str(figure.kind),
                   str(figure.count.to_data()), low, high]  # fmt: skip


CASUALTIES = Table(
    "casualties",
    "Each figure a claim gives, as given (count), with the interval it stands for.",
    (
        Column("incident_id", description="The incident."),
        Column("claim_id", description="The claim that gives the figure."),
        Column("side", description="Whose people were hit."),
        Column("civilian", "boolean", "Civilians (true) or soldiers (false)."),
        Column(
            "kind",
            description="killed, wounded, killed_or_wounded (a statement that does not split them), captured or missing.",
        ),
        Column("count", description="As the statement gives it: 3, 2+ (at least), 2-4, up to 70, some."),
        Column("low", "integer", "The least the figure can mean (some: 1, losses were stated; up to 70: 0)."),
        Column("high", "integer", "The most it can mean; empty: no upper bound."),
    ),
    ("incident_id", "claim_id", "side", "civilian", "kind"),
    _casualty_rows,
    references=((("incident_id", "claim_id"), "claims", ("incident_id", "claim_id")),),
    facets=("side", "kind", "civilian"),
)


def _people_rows(incident: Incident, context: Context) -> Iterator[Row]:
    for number, claim in enumerate(incident.claims):
        for position, person in enumerate(claim.people, 1):
            events = [f"{e.event} {e.date.isoformat()}" if e.date else str(e.event) for e in person.events]
            yield [incident.id, incident.claim_id(number), position, person.name, person.side, str(person.status),
                   person.civilian, person.rank, person.age, events]  # fmt: skip


PEOPLE = Table(
    "people",
    "The people a claim names among the dead, wounded, captured or missing, as it names them.",
    (
        Column("incident_id", description="The incident."),
        Column("claim_id", description="The claim that names the person."),
        Column("position", "integer", "The person's place in the claim's list (1, 2, …)."),
        Column("name", description="As the statement gives it."),
        Column("side", description="Whose the person is."),
        Column("status", description="killed, wounded, killed_or_wounded, captured or missing."),
        Column("civilian", "boolean", "A civilian (true) or a soldier (false)."),
        Column("rank", description="Rank, as given."),
        Column("age", "integer", "Age, as given."),
        Column("events", description="Later events (returned, released, died-of-wounds, found) with their dates."),
    ),
    ("incident_id", "claim_id", "position"),
    _people_rows,
    references=((("incident_id", "claim_id"), "claims", ("incident_id", "claim_id")),),
    facets=("side", "status", "civilian"),
)


# --- sources, places, links --------------------------------------------------------------------


def _source_row(incident: Incident, name: str, source: Source) -> Row:
    return [incident.id, name, source.title, source.publisher, _day(source.date), source.url,
            source.archive_url, _day(source.retrieved), source.ref]  # fmt: skip


def _source_rows(incident: Incident, context: Context) -> Iterator[Row]:
    keyed = {s.key for s in incident.sources}
    for source in incident.sources:
        yield _source_row(incident, str(source.key), source)
    for number, claim in enumerate(incident.claims):
        if not (claim.source.key and claim.source.key in keyed):
            yield _source_row(incident, source_id(incident, number), claim.source)


SOURCES = Table(
    "sources",
    "Where each claim was read: the incident's sources, and each claim's own.",
    (
        Column("incident_id", description="The incident."),
        Column("source_id", description="Its key in the incident, or c2.source for the source claim c2 gives itself."),
        Column("title", description="Headline."),
        Column("publisher", description="Who published it."),
        Column("date", "date", "When it was published."),
        Column("url", description="Where it can be read."),
        Column("archive_url", description="A copy kept by an archive."),
        Column("retrieved", "date", "When it was read."),
        Column("ref", description="A reference for a source without a headline."),
    ),
    ("incident_id", "source_id"),
    _source_rows,
    references=((("incident_id",), "incidents", ("incident_id",)),),
    facets=("publisher",),
    search=("title",),
)


def _incident_place_ids(incident: Incident, gazetteer: Gazetteer) -> list[str]:
    return place_ids([*incident.places, *incident.region, *(p for c in incident.claims for p in c.places)], gazetteer)


def _place_rows(incident: Incident, context: Context) -> Iterator[Row]:
    for place_id in _incident_place_ids(incident, context.gazetteer):
        if place_id in context.places_seen:
            continue
        context.places_seen.add(place_id)
        place = context.gazetteer.places[place_id]
        names = dict.fromkeys(n for side_names in place.names.values() for n in side_names if n != place.name)
        yield [place.id, place.name, list(names), place.type, place.country, list(place.within), place.lat, place.lon]


PLACES = Table(
    "places",
    "The gazetteer's places the exported incidents name, with every name each side uses.",
    (
        Column("place_id", description="The gazetteer id."),
        Column("name", description="The name tables show."),
        Column("other_names", description="Every other name a side uses for it, '; ' between them."),
        Column("type", description="village, town, city, region, …"),
        Column("country", description="The country it lies in."),
        Column("within", description="The gazetteer ids of the places it lies in, '; ' between them."),
        Column("latitude", "number", "WGS 84 degrees north."),
        Column("longitude", "number", "WGS 84 degrees east."),
    ),
    ("place_id",),
    _place_rows,
    facets=("type", "country"),
)


def _incident_place_rows(incident: Incident, context: Context) -> Iterator[Row]:
    for place_id in _incident_place_ids(incident, context.gazetteer):
        yield [incident.id, place_id]


INCIDENT_PLACES = Table(
    "incident_places",
    "Which places each incident names, by gazetteer id (the record's, its regions' and its claims').",
    (Column("incident_id", description="The incident."), Column("place_id", description="A gazetteer place.")),
    ("incident_id", "place_id"),
    _incident_place_rows,
    references=((("incident_id",), "incidents", ("incident_id",)), (("place_id",), "places", ("place_id",))),
)


def _link_rows(incident: Incident, context: Context) -> Iterator[Row]:
    for kind, target in dict.fromkeys((str(link.type), link.id) for link in incident.links):
        yield [incident.id, kind, target]


LINKS = Table(
    "links",
    "How incidents relate: retaliation-for, continues, same-escalation, duplicate-of.",
    (
        Column("incident_id", description="The incident that names the link."),
        Column("type", description="retaliation-for, continues, same-escalation or duplicate-of."),
        Column("target_id", description="The incident it links to (which the export may leave out)."),
    ),
    ("incident_id", "type", "target_id"),
    _link_rows,
    references=((("incident_id",), "incidents", ("incident_id",)),),
    facets=("type",),
)

TABLES = {t.name: t for t in (INCIDENTS, CLAIMS, CASUALTIES, PEOPLE, SOURCES, PLACES, INCIDENT_PLACES, LINKS)}
SHEET = "sheet"  # for a spreadsheet: a row per claim, the incident's columns repeated, the figures in columns
CSV_TABLES = (SHEET, *TABLES)


def table_rows(incidents: Iterable[Incident], context: Context) -> Iterator[tuple[Table, Row]]:
    """Every table's rows, incident by incident, each beside its table: one pass over the
    incidents fills every table."""
    for incident in incidents:
        for table in TABLES.values():
            for row in table.rows(incident, context):
                yield table, row
