"""Building new incidents and claims from what a person typed.

The CLI collects strings (flags or answers to prompts); this module turns them into plain record
data and validates it with the same code that validates files, so a record added from the
terminal obeys exactly the rules of one written by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from .dates import DateError, NeedsReference, parse_date, parse_offset, parse_time, period_bound, window_bounds
from .errors import Problem, UsageError
from .model import CASUALTY_KINDS, Claim, Count, Incident, Sides
from .places import ascii_fold
from .spec import CLAIM, INCIDENT, claim_from_data, incident_from_data
from .spec import option_for as spec_option_for
from .text import slug

COMMAND_LINE = "command line"
T = TypeVar("T")
_FIGURE = re.compile(
    r"^\s*(?P<side>[^=:]+?)\s*(?::\s*(?P<who>civilians?|military|soldiers?))?\s*=\s*(?P<count>.+?)\s*$", re.I
)


def make_id(day: date, places: list[str], title: str) -> str:
    """A readable id: the date, then the first place (or the title's first words)."""
    words = [w for w in slug(places[0], ascii_fold).split("-") if w] if places else []
    words = words or [w for w in slug(title, ascii_fold).split("-") if w]  # a place in Armenian script
    kept: list[str] = []
    for word in words:  # whole words, at most about 24 characters: ids are typed by hand
        if kept and len("-".join([*kept, word])) > 24:
            break
        kept.append(word[:24])
    return f"{day.isoformat()}-{'-'.join(kept) or 'incident'}"


def read_bound(text: str, option: str, end: bool) -> date:
    """--since or --until as a usage error if it cannot be read (see dates.period_bound)."""
    try:
        return period_bound(text, end)
    except DateError as exc:
        raise UsageError(f"{option}: {exc}") from None


def read_date(text: str, option: str, reference: date | None = None, hint: str = "") -> tuple[date, str]:
    """A date typed for `option`; `hint` says how to give the day of the statement where the
    command has a way to (add: --reported), for a date that needs it."""
    try:
        parsed = parse_date(text, reference)
    except NeedsReference as exc:
        raise UsageError(f"{option}: {exc}{', ' + hint if hint else ''}") from None
    except DateError as exc:
        raise UsageError(f"{option}: {exc}") from None
    return parsed.date, parsed.precision


def option_for(field: str) -> str:
    """The option a person typed for the field a problem names ('window.to' -> '--to'), so that
    a refused value is reported against what was typed, not the field it fills."""
    for record in (CLAIM, INCIDENT):
        option = spec_option_for(record, field)
        if option.startswith("--"):
            return option
    return "--date/--place/--title" if field == "id" else field or COMMAND_LINE


def _checked(found: tuple[Any, list[Problem]]) -> Any:
    """The value built from what was typed, or a usage error naming the options at fault."""
    value, problems = found
    if problems or value is None:
        messages = [f"{option_for(p.field)}: {p.message}" for p in problems] or ["invalid values"]
        raise UsageError("; ".join(messages))
    return value


def new_incident(
    *,
    day: date,
    title: str,
    end: date | None = None,
    precision: str | None = None,
    places: list[str] | None = None,
    regions: list[str] | None = None,
    tags: list[str] | None = None,
    notes: str | None = None,
) -> Incident:
    places, regions, tags = places or [], regions or [], tags or []
    data = {
        "id": make_id(day, places, title),
        "title": title,
        "date": day.isoformat(),
        "end_date": end.isoformat() if end else None,
        "date_precision": precision or ("days" if end and end != day else "day"),
        "places": places,
        "region": regions,
        "tags": tags,
        "notes": notes,
        "claims": [],
    }
    return _checked(incident_from_data(data, COMMAND_LINE))


@dataclass
class ClaimInput:
    """A claim as typed: every value a string (or list of strings) straight from flags or prompts."""

    side: str
    source_title: str | None = None
    source_ref: str | None = None
    source_publisher: str | None = None
    source_url: str | None = None
    source_date: str | None = None
    by: str | None = None
    reported: str | None = None
    stance: str = "alleges"
    initiator: str | None = None
    target: str | None = None
    weapons: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    time_from: str | None = None
    time_to: str | None = None
    utc_offset: str | None = None
    count: str | None = None
    figures: dict[str, list[str]] = field(default_factory=dict)  # kind -> ['armenia=3', ...]
    statement: str | None = None
    note: str | None = None


def side_id(name: str, sides: Sides, option: str) -> str:
    side = sides.get(name)
    if side is None:
        raise UsageError(f"{option}: unknown side {name!r}; known: {', '.join(sides.ids)}")
    return side.id


def casualties(figures: dict[str, list[str]], sides: Sides) -> dict[str, Any]:
    """`--killed armenia=3 --wounded 'azerbaijan:civilian=2+'` as record data."""
    data: dict[str, Any] = {}
    for kind in CASUALTY_KINDS:
        for text in figures.get(kind, []):
            match = _FIGURE.match(text)
            if not match:
                raise UsageError(f"--{kind} {text!r}: write SIDE=N, e.g. armenia=3, armenia=2+ or armenia:civilian=1-4")
            try:
                count = Count.parse(match["count"])
            except ValueError as exc:
                raise UsageError(f"--{kind} {text!r}: {exc}") from None
            losses = data.setdefault(side_id(match["side"], sides, f"--{kind}"), {})
            civilian = (match["who"] or "").lower().startswith("civilian")
            target = losses.setdefault("civilians", {}) if civilian else losses
            if kind in target:
                raise UsageError(f"--{kind} {text!r}: this side's figure was already given")
            target[kind] = count.to_data()
    return data


def casualty_answer(text: str) -> dict[str, list[str]]:
    """'killed armenia=3, wounded azerbaijan=2+' (an answer to a question) as --killed/--wounded values."""
    figures: dict[str, list[str]] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        kind, _, figure = item.partition(" ")
        if kind.lower() not in CASUALTY_KINDS or not figure.strip():
            raise UsageError(f"{item!r}: write a kind ({', '.join(CASUALTY_KINDS)}) and SIDE=N, e.g. killed armenia=3")
        figures.setdefault(kind.lower(), []).append(figure.strip())
    return figures


def new_claim(typed: ClaimInput, sides: Sides) -> Claim:
    """Validate a typed claim with the rules a claim in a file obeys."""
    reported = read_date(typed.reported, "--reported")[0] if typed.reported else None
    source_date = read_date(typed.source_date, "--source-date")[0] if typed.source_date else None
    window = _window(typed)
    data = {
        "side": side_id(typed.side, sides, "--side"),
        "by": typed.by,
        "reported": reported.isoformat() if reported else None,
        "stance": typed.stance,
        "initiator": side_id(typed.initiator, sides, "--initiator") if typed.initiator else None,
        "target": typed.target,
        "weapons": typed.weapons,
        "places": typed.places,
        "window": window,
        "violations": typed.count,
        "casualties": casualties(typed.figures, sides) or None,
        "statement": typed.statement,
        "source": {
            "title": typed.source_title,
            "publisher": typed.source_publisher,
            "date": source_date.isoformat() if source_date else None,
            "url": typed.source_url,
            "ref": typed.source_ref,
        },
        "note": typed.note,
    }
    return _checked(claim_from_data(data, COMMAND_LINE, sides.ids))


def _typed(option: str, text: str | None, parse: Callable[[str], T]) -> T | None:
    """A typed time or offset, or a usage error naming the option it was typed for."""
    if not text:
        return None
    try:
        return parse(text)
    except DateError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _window(typed: ClaimInput) -> dict[str, Any] | None:
    if not (typed.time_from or typed.time_to):
        if typed.utc_offset:
            raise UsageError("--utc-offset needs --from or --to")
        return None
    start = _typed("--from", typed.time_from, parse_time)
    end = _typed("--to", typed.time_to, parse_time)
    offsets = {t.utc_offset for t in (start, end) if t and t.utc_offset}
    if typed.utc_offset:
        offsets.add(_typed("--utc-offset", typed.utc_offset, parse_offset))
    if len(offsets) > 1:
        raise UsageError(f"--from/--to: the times give different UTC offsets ({', '.join(sorted(offsets))})")
    start_text, end_text = window_bounds(start, end)
    return {"from": start_text, "to": end_text, "utc_offset": offsets.pop() if offsets else None}
