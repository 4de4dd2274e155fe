"""Selecting incidents: the filters `list`, `diff` and `summary` share.

The filters combine (all must hold). A region or place filter is answered by a `PlaceMatcher`,
so that the gazetteer, which knows that Basarkechar is Vardenis and that Sotk lies in it, can
stand in for plain name comparison without this module knowing about it.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .compare import Verdict, Verification
from .model import Incident, PlaceRef
from .places import Gazetteer, fold, loose

PlaceMatcher = Callable[[PlaceRef | str, Iterable[PlaceRef | str]], bool]
"""(what the user asked for, names in a record) -> whether any of those names is that place."""


def words_match(query: PlaceRef | str, names: Iterable[PlaceRef | str]) -> bool:
    """Plain matching: every word of the query is a word of one name (Kalbajar ~ Kalbajar District)."""
    wanted = {fold(w) for w in str(query).split()} - {""}
    return bool(wanted) and any(wanted <= {fold(w) for w in str(name).split()} for name in names)


def gazetteer_matcher(gazetteer: Gazetteer) -> PlaceMatcher:
    """Match by what places are: the query's place, or any place inside it, under any of its names.

    A record name the gazetteer does not know, or cannot tell apart (İstisu), is compared as
    written, so an ambiguous name is never silently taken for one of its places.
    """

    def match(query: PlaceRef | str, names: Iterable[PlaceRef | str]) -> bool:
        wanted = gazetteer.resolve_ref(query).place
        if wanted is None:
            return words_match(query, names)
        for name in names:
            place = gazetteer.resolve_ref(name).place
            if place is None:
                if words_match(query, [name]):
                    return True
            elif place.id == wanted.id or wanted.id in gazetteer.ancestors(place.id):
                return True
        return False

    return match


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    since: date | None = None
    until: date | None = None
    side: str | None = None
    tag: str | None = None
    text: str | None = None
    status: str = "active"  # 'active', 'withdrawn', 'merged' or 'all'


def all_places(incident: Incident) -> list[PlaceRef | str]:
    """Every place an incident mentions: its region, its places and each side's places."""
    names: list[PlaceRef | str] = [*incident.region, *incident.places]
    for claim in incident.claims:
        names.extend(claim.places)
    return names


def haystack(incident: Incident) -> str:
    """Every word of a record that `--text` looks in, folded as names are (case, diacritics, ə/a)."""
    parts = [incident.id, incident.title, incident.notes or "", *incident.tags, *all_places(incident)]
    for claim in incident.claims:
        parts += [claim.by or "", claim.target or "", claim.statement or "", claim.note or ""]
        parts += [w.name for w in claim.weapons]
        parts += [claim.source.title or "", claim.source.publisher or ""]
    return " ".join(searchable(word) for part in parts for word in str(part).split())


@functools.lru_cache(maxsize=1 << 16)
def searchable(word: str) -> str:
    """A word as `--text` compares it. Cached: statements repeat the same words, record after record."""
    return loose(fold(word))


NAMES = "\x1f"  # between the place names of one record in the index's placenames column

CHOSEN = "temp.chosen"  # what choose() picked, for the queries that follow (summary.CHOSEN)
BAD = "temp.bad"  # the files that problems found across the records keep out


def prepare(db: sqlite3.Connection) -> None:
    """The temporary tables and the function the queries below use, on a connection."""
    db.create_function("words_match", 2, _words_in, deterministic=True)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (num INTEGER PRIMARY KEY)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS bad (shown TEXT PRIMARY KEY)")


def keep_out(db: sqlite3.Connection, shown: set[str]) -> None:
    """Mark the files (as shown) that problems across the records keep out of every answer."""
    db.execute(f"DELETE FROM {BAD}")
    db.executemany(f"INSERT INTO {BAD} VALUES (?)", [(path,) for path in sorted(shown)])


def _words_in(query: str, names: str | None) -> bool:
    return bool(names) and words_match(query, names.split(NAMES))


def where(filters: Filters, gazetteer: Gazetteer) -> tuple[str, list[object]]:
    """The filters as SQL over the index's `files` (all must hold), with its parameters.

    A region, or a word of `--text` that is a place, is matched as gazetteer_matcher matches
    it: by the place and every place inside it, under any of their names (each record's
    places are stored resolved, with what contains them); a record's name the gazetteer
    cannot settle is compared as written. Dates compare the incident's whole span."""
    clauses, parameters = [f"errors = 0 AND id IS NOT NULL AND shown NOT IN (SELECT shown FROM {BAD})"], []
    if filters.status != "all":
        clauses.append("status = ?")
        parameters.append(filters.status)
    if filters.since is not None:  # "week of 2023-08-28" runs to 3 September; "May 2023" is all of May
        clauses.append("last >= ?")
        parameters.append(filters.since.isoformat())
    if filters.until is not None:
        clauses.append("first <= ?")
        parameters.append(filters.until.isoformat())
    if filters.side is not None:
        clauses.append("num IN (SELECT num FROM claimants WHERE side = ?)")
        parameters.append(filters.side)
    if filters.tag is not None:
        clauses.append("num IN (SELECT num FROM tags WHERE fold = ?)")
        parameters.append(fold(filters.tag))
    if filters.region is not None:
        clause, more = _place(filters.region, gazetteer)
        clauses.append(clause)
        parameters += more
    for word in (filters.text or "").split():  # a word that is a place matches it under any of its names
        clause, more = _place(word, gazetteer)
        clauses.append(f"(num IN (SELECT num FROM texts WHERE instr(haystack, ?) > 0) OR {clause})")
        parameters += [searchable(word), *more]
    return " AND ".join(clauses), parameters


def _place(query: str, gazetteer: Gazetteer) -> tuple[str, list[object]]:
    wanted = gazetteer.resolve_ref(query).place
    if wanted is None:
        return "words_match(?, placenames)", [query]
    return "(instr(placeids, ?) > 0 OR (unplaced IS NOT NULL AND words_match(?, unplaced)))", [f"|{wanted.id}|", query]


def choose(db: sqlite3.Connection, filters: Filters, gazetteer: Gazetteer) -> int:
    """Fill CHOSEN with the files of the valid incidents that pass the filters; how many."""
    clause, parameters = where(filters, gazetteer)
    db.execute(f"DELETE FROM {CHOSEN}")
    return db.execute(f"INSERT INTO {CHOSEN} SELECT num FROM files WHERE {clause}", parameters).rowcount


NEWEST_FIRST = "ORDER BY day DESC, until DESC, id DESC"
"""The order of every listing: by date, then end date, then id, newest first."""


def same_event(
    new: Incident, incidents: Iterable[Incident], place_matcher: PlaceMatcher = words_match
) -> list[Incident]:
    """Incidents that may be the one being added: their days overlap and they share a place
    (by identity: Zod is Sotk). A second account of one event belongs in a claim, not a record."""
    new_end = new.end_date or new.date
    names = all_places(new)
    return [
        other
        for other in incidents
        if other.date <= new_end
        and new.date <= (other.end_date or other.date)
        and any(place_matcher(name, all_places(other)) for name in names)
    ]


# --- the listing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """An incident as `list` shows it: with the verdict on who started it, judged once here."""

    incident: Incident
    started_by: Verdict | None
    verification: Verification | None = None


LIST_COLUMNS = (
    "id", "date", "end_date", "date_precision", "title", "places", "region", "tags", "status",
    "sides", "initiator", "verification",
)  # fmt: skip


def list_row(entry: Listed) -> dict[str, Any]:
    """One incident as `list --format json|csv` prints it (documented in docs/output.md)."""
    incident = entry.incident
    return {
        "id": incident.id,
        "date": incident.date.isoformat(),
        "end_date": incident.end_date.isoformat() if incident.end_date else None,
        "date_precision": str(incident.date_precision),
        "title": incident.title,
        "places": list(incident.place_names),
        "region": list(incident.region),
        "tags": list(incident.tags),
        "status": str(incident.status),
        "sides": list(incident.claimants),
        "initiator": str(entry.started_by) if entry.started_by else None,
        "verification": str(entry.verification) if entry.verification else None,
    }
