"""Selecting incidents: the filters `list`, `diff` and `summary` share.

The filters combine (all must hold). A region or place filter is answered by a `PlaceMatcher`,
so that the gazetteer, which knows that Basarkechar is Vardenis and that Sotk lies in it, can
stand in for plain name comparison without this module knowing about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .compare import Verdict, started_by
from .model import Incident, PlaceRef, Sides
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


def _haystack(incident: Incident) -> str:
    parts = [incident.id, incident.title, incident.notes or "", *incident.tags, *all_places(incident)]
    for claim in incident.claims:
        parts += [claim.by or "", claim.target or "", claim.statement or "", claim.note or ""]
        parts += [w.name for w in claim.weapons]
        parts += [claim.source.title or "", claim.source.publisher or ""]
    return " ".join(loose(fold(word)) for part in parts for word in str(part).split())


def matches(incident: Incident, filters: Filters, place_matcher: PlaceMatcher = words_match) -> bool:
    start, end = incident.span  # "week of 2023-08-28" runs to 3 September; "May 2023" is all of May
    checks = (
        filters.status == "all" or incident.status == filters.status,
        filters.since is None or end >= filters.since,
        filters.until is None or start <= filters.until,
        filters.side is None or any(c.side == filters.side for c in incident.claims),
        filters.tag is None or fold(filters.tag) in {fold(t) for t in incident.tags},
        filters.region is None or place_matcher(filters.region, all_places(incident)),
    )
    if not all(checks):
        return False
    if filters.text:
        haystack, places = _haystack(incident), all_places(incident)
        return all(
            loose(fold(word)) in haystack or (place_matcher is not words_match and place_matcher(word, places))
            for word in filters.text.split()
        )  # a word that is a place matches it under any of its names, as --region does
    return True


def newest_first(incidents: Iterable[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (i.date, i.end_date or i.date, i.id), reverse=True)


def select(
    incidents: Iterable[Incident], filters: Filters, place_matcher: PlaceMatcher = words_match
) -> list[Incident]:
    """The incidents that pass every filter, newest first."""
    return newest_first(i for i in incidents if matches(i, filters, place_matcher))


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


def listed(incidents: Iterable[Incident], sides: Sides) -> list[Listed]:
    return [Listed(i, started_by(i, sides)) for i in incidents]


LIST_COLUMNS = (
    "id", "date", "end_date", "date_precision", "title", "places", "region", "tags", "status",
    "sides", "initiator",
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
    }
