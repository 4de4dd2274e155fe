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

from .dates import (
    DateError,
    NeedsReference,
    needs_reference,
    parse_date,
    parse_offset,
    parse_time,
    period_bound,
    window_bounds,
)
from .errors import Problem, UsageError
from .fields import option_for as spec_option_for
from .model import CASUALTY_KINDS, CasualtyKind, Claim, Count, Incident, Sides
from .places import ascii_fold
from .spec import CLAIM, INCIDENT, claim_from_data, incident_from_data, loss_option
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


@dataclass
class IncidentDraft:
    """An incident as typed: the options of `add` (or the answers to its questions), unread."""

    date: str | None = None
    title: str | None = None
    id: str | None = None  # default: made from the date and the first place
    end_date: str | None = None
    reported: str | None = None  # the statement's date, to resolve 'last Sunday'
    date_precision: str | None = None
    places: list[Any] = field(default_factory=list)  # as typed, or as settled: {'name', 'means'}
    region: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # 'retaliation-for:2023-09-01-sotk'
    notes: str | None = None


HINT_REPORTED = "or give the date of the statement with --reported"


def resolved_day(draft: IncidentDraft) -> tuple[date, str, str | None]:
    """The incident's day and precision, and the note that says how a relative date was resolved."""
    reference = read_date(draft.reported, "--reported")[0] if draft.reported else None
    day, precision = read_date(draft.date or "", "--date", reference, HINT_REPORTED)
    how = None
    if reference and needs_reference(draft.date or ""):
        how = f"Date given as {draft.date!r} in a statement of {reference.isoformat()}, resolved to {day.isoformat()}."
    return day, precision, how


def new_incident(draft: IncidentDraft) -> Incident:
    """The incident a draft describes, validated as a record file is; its id made from it."""
    if not draft.date:
        raise UsageError("missing --date")
    day, parsed_precision, how = resolved_day(draft)
    end = read_date(draft.end_date, "--end-date")[0] if draft.end_date else None
    precision = draft.date_precision or (parsed_precision if parsed_precision != "day" else None)
    notes = "\n".join(filter(None, [draft.notes, how])) or None
    if draft.id and not draft.id.startswith(f"{day.isoformat()}-"):
        raise UsageError(f"--id: {draft.id!r} does not start with the incident's date, {day.isoformat()}-")
    data = {
        "id": draft.id
        or make_id(day, [p["name"] if isinstance(p, dict) else p for p in draft.places], draft.title or ""),
        "title": draft.title,
        "date": day.isoformat(),
        "end_date": end.isoformat() if end else None,
        "date_precision": precision or ("days" if end and end != day else "day"),
        "places": draft.places,
        "region": draft.region,
        "tags": draft.tags,
        "notes": notes,
        "links": links_typed(draft.links),
        "claims": [],
    }
    return _checked(incident_from_data(data, COMMAND_LINE))


ClaimValues = dict[str, Any]
"""A claim as typed, keyed by the paths of spec.options(CLAIM): 'side', 'source.title',
'window.from', 'casualties.killed' (a list of 'armenia=3'), … Values are strings or lists."""


_ROLE_PREFIX = re.compile(r"^\s*(?P<role>from|at|near)\s*:\s*(?P<name>.+?)\s*$", re.IGNORECASE)


def place_typed(text: str) -> dict[str, str]:
    """'from:Digh of the Gorus region' -> {'name': 'Digh of the Gorus region', 'role': 'from'};
    a place typed without a role is only a name."""
    match = _ROLE_PREFIX.match(text)
    if not match:
        return {"name": text.strip()}
    return {"name": match["name"], "role": match["role"].lower()}


def _weapon_typed(text: str, sides: Sides) -> dict[str, str] | str:
    """'armenia=combat drones' -> {'name': 'combat drones', 'by': 'armenia'}; a plain name stays."""
    side, sep, name = text.partition("=")
    if not (sep and side.strip() and name.strip()):
        return text
    return {"name": name.strip(), "by": side_id(side, sides, "--weapon")}


def side_id(name: str, sides: Sides, option: str) -> str:
    side = sides.get(name)
    if side is None:
        raise UsageError(
            f"{option}: unknown side {name!r}; known: {', '.join(sides.ids)}. To record its statements, add it to"
            f" sides.yaml in the records directory, e.g. `{slug(name) or 'side'}: {{name: {name}, type: state}}`"
        )
    return side.id


def casualties(figures: dict[str, list[str]], sides: Sides) -> dict[str, Any]:
    """`--killed armenia=3 --wounded 'azerbaijan:civilian=2+'` as record data."""
    data: dict[str, Any] = {}
    for kind in CasualtyKind:
        option = loss_option(kind)
        for text in figures.get(kind.value, []):
            match = _FIGURE.match(text)
            if not match:
                raise UsageError(f"{option} {text!r}: write SIDE=N, e.g. armenia=3, armenia=2+ or armenia:civilian=1-4")
            try:
                count = Count.parse(match["count"])
            except ValueError as exc:
                raise UsageError(f"{option} {text!r}: {exc}") from None
            losses = data.setdefault(side_id(match["side"], sides, option), {})
            civilian = (match["who"] or "").lower().startswith("civilian")
            target = losses.setdefault("civilians", {}) if civilian else losses
            if kind.value in target:
                raise UsageError(f"{option} {text!r}: this side's figure was already given")
            target[kind.value] = count.to_data()
    return data


def casualty_answer(text: str) -> dict[str, list[str]]:
    """'killed armenia=3, wounded azerbaijan=2+' (an answer to a question) as --killed/--wounded values."""
    figures: dict[str, list[str]] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        kind, _, figure = item.partition(" ")
        kind = kind.replace("-", "_")
        if kind.lower() not in CASUALTY_KINDS or not figure.strip():
            raise UsageError(f"{item!r}: write a kind ({', '.join(CASUALTY_KINDS)}) and SIDE=N, e.g. killed armenia=3")
        figures.setdefault(kind.lower(), []).append(figure.strip())
    return figures


def new_claim(values: ClaimValues, sides: Sides, published: date | None = None) -> Claim:
    """Validate a typed claim with the rules a claim in a file obeys. `published` is the date of
    the source it cites by key, against which a weekday in --reported is resolved."""
    data: dict[str, Any] = {}
    if values.get("source.date"):
        published = read_date(values["source.date"], "--source-date")[0]
    for path, value in values.items():
        if value in (None, "", (), []) or path.startswith(("window.", "casualties.")):
            continue
        if path == "reported":
            value = reported_typed(value, published)
            if needs_reference(values["reported"]):
                how = f"Reported date given as {values['reported']!r} in a source of {published}, resolved to {value}."
                data["note"] = "\n".join(filter(None, [values.get("note"), how]))
        elif path == "source.date":
            value = read_date(value, "--source-date")[0].isoformat()
        elif path == "retracts":
            claim_id, _, aspects = value.partition(":")
            value = {"claim": claim_id.strip(), "aspects": [a.strip() for a in aspects.split(",") if a.strip()]}
        elif path in ("side", "initiator"):
            value = side_id(value, sides, f"--{path}")
        elif path == "weapons":
            value = [_weapon_typed(w, sides) for w in value]
        elif path == "via":
            value = side_id(value, sides, "--via")
        elif path in ("people", "material"):
            option = "--person" if path == "people" else "--material"
            value = [_fields_typed(text, option, sides) for text in value]
        put(data, path, list(value) if isinstance(value, tuple) else value)
    data["window"] = _window(values)
    data["casualties"] = casualties({k: list(values.get(f"casualties.{k}") or []) for k in CASUALTY_KINDS}, sides)
    return _checked(claim_from_data(data, COMMAND_LINE, sides.ids))


_CLOCK_AFTER = re.compile(
    r"^(?P<day>.+?)[ T](?P<clock>[0-9]{1,2}(?::[0-9]{2})?\s*(?:[ap]\.?m\.?)?\s*(?:(?:UTC|GMT)?\s*[+-][0-9:]+|Z)?)$",
    re.I,
)


HINT_SOURCE_DATE = "or give the date of the source with --source-date"


def reported_typed(text: str, published: date | None = None) -> str:
    """'1 Sep 2023' -> '2023-09-01'; '2023-03-09 12:59+04:00' -> '2023-03-09T12:59+04:00': when a
    statement was made, with its time of day and offset where they were typed. A weekday or
    'yesterday' is resolved against the day the source was published."""
    match = _CLOCK_AFTER.match(text.strip())
    if match and (":" in match["clock"] or re.search(r"[ap]\.?m", match["clock"], re.I)):
        day = read_date(match["day"], "--reported", published, HINT_SOURCE_DATE)[0]
        clock = _typed("--reported", match["clock"], parse_time)
        assert clock is not None
        return f"{day.isoformat()}T{clock.time}{clock.utc_offset or ''}"
    return read_date(text, "--reported", published, HINT_SOURCE_DATE)[0].isoformat()


_SIDE_KEYS = {"side", "whose"}
_YES = {"yes": True, "true": True, "y": True, "no": False, "false": False, "n": False}


def _fields_typed(text: str, option: str, sides: Sides) -> dict[str, Any]:
    """'side=armenia,status=killed,name=Asif Aliyev' as a mapping of fields; sides by any of
    their names, yes/no as true/false. Which fields exist is for the record format to say."""
    fields: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not key or not value:
            raise UsageError(
                f"{option} {text!r}: write KEY=VALUE pairs separated by commas, e.g. side=armenia,status=killed"
            )
        if key in _SIDE_KEYS:
            value = side_id(value, sides, option)
        if key == "events":  # events=died-of-wounds, or returned:2021-09-07|released:2021-10-01
            fields[key] = [
                dict(zip(("event", "date"), e.strip().split(":", 1), strict=False)) for e in value.split("|")
            ]
            continue
        fields[key] = _YES.get(value.lower(), value) if key == "civilian" else value
    return fields


def links_typed(texts: list[str]) -> list[dict[str, str]]:
    """'retaliation-for:2023-09-01-sotk' as a link; the record format checks both parts."""
    links = []
    for text in texts:
        kind, sep, target = text.partition(":")
        if not sep:
            raise UsageError(f"--link {text!r}: write TYPE:ID, e.g. retaliation-for:2023-09-01-sotk")
        links.append({"type": kind.strip(), "id": target.strip()})
    return links


def put(data: dict[str, Any], path: str, value: Any) -> None:
    """data['source']['title'] = value for the path 'source.title'."""
    *parents, last = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


def _typed(option: str, text: str | None, parse: Callable[[str], T]) -> T | None:
    """A typed time or offset, or a usage error naming the option it was typed for."""
    if not text:
        return None
    try:
        return parse(text)
    except DateError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _window(values: ClaimValues) -> dict[str, Any] | None:
    time_from, time_to, utc_offset = (values.get(f"window.{key}") for key in ("from", "to", "utc_offset"))
    if not (time_from or time_to):
        if utc_offset:
            raise UsageError("--utc-offset needs --from or --to")
        return None
    start = _typed("--from", time_from, parse_time)
    end = _typed("--to", time_to, parse_time)
    offsets = {t.utc_offset for t in (start, end) if t and t.utc_offset}
    if utc_offset:
        offsets.add(_typed("--utc-offset", utc_offset, parse_offset))
    if len(offsets) > 1:
        raise UsageError(f"--from/--to: the times give different UTC offsets ({', '.join(sorted(offsets))})")
    start_text, end_text = window_bounds(start, end)
    return {"from": start_text, "to": end_text, "utc_offset": offsets.pop() if offsets else None}
