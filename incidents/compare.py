"""Comparing the accounts of one incident: who says what, and where they disagree.

A side may speak several times (figures are revised within a day). For each aspect, the latest
statement that says anything about it is that side's current account; its earlier different
values are kept as revisions. Each aspect gets a verdict:
- `agree`: every side that states it can be right at once ("at least 2" and "3" can);
- `conflict`: two sides state it and cannot both be right ("2" and "3"; each blames the other);
- `one-sided`: only one side states it (Armenia's "3 killed" against Azerbaijan's silence);
rows that only describe (who spoke, the source) carry no verdict.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from .model import (
    CASUALTY_KINDS,
    CasualtyKind,
    Claim,
    Count,
    Incident,
    PlaceRef,
    PlaceRole,
    Sides,
    SideType,
    Source,
    Stance,
    Topic,
    Vocabulary,
    WeaponRef,
    Window,
    clock_text,
    offset_text,
)
from .places import Gazetteer, fold
from .weapons import WeaponKinds


class Verdict(Vocabulary):
    """agree: both can be right and say the same; mirror: each says it of the other (each side's
    weapons named by the other); compatible: different, but both can be true; conflict: both
    cannot be true; one-sided: only one side says it."""

    AGREE = "agree"
    MIRROR = "mirror"
    COMPATIBLE = "compatible"
    CONFLICT = "conflict"
    ONE_SIDED = "one-sided"


AGREE, CONFLICT, ONE_SIDED = Verdict.AGREE, Verdict.CONFLICT, Verdict.ONE_SIDED
MIRROR, COMPATIBLE = Verdict.MIRROR, Verdict.COMPATIBLE

UNKNOWN = "?"  # prefix of a place key the gazetteer could not resolve: compared as written


def chronological(claims: Iterable[Claim]) -> list[Claim]:
    """Claims oldest first, by day and then time of day; undated claims keep their place in the
    file, before dated ones."""
    indexed = list(enumerate(claims))
    undated = (date.min, time.min)
    return [c for _, c in sorted(indexed, key=lambda ic: (ic[1].reported.key if ic[1].reported else undated, ic[0]))]


# --- whose account: the official voice, and what was withdrawn -----------------------------------


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """A body's name as a set of words, so that 'Defense Ministry', 'Ministry of Defence' and
    'MoD' are one voice. Cached: an archive has a few dozen bodies and asks about each of them
    for every claim (at 1,000 records, uncached, this was two thirds of `summary`)."""
    words = {fold(w).replace("defense", "defence") for w in re.split(r"[\s,()/-]+", text) if w}
    words -= {"of", "the", "s"}
    return frozenset(words | ({"ministry", "defence"} if "mod" in words else set()))


def is_official(claim: Claim, sides: Sides) -> bool:
    """Whether a statement is its side's official account: its body is the side's voice (by
    default the Ministry of Defence; sides.yaml may name another), or it names no body."""
    if claim.via is not None:  # known through another side's statement: not the side's own word
        return False
    side = sides.get(claim.side)
    return claim.by is None or side is None or _words(side.voice) <= _words(claim.by)


def withdrawn(incident: Incident) -> Incident:
    """The incident without what was retracted: a claim withdrawn whole is left out, one
    withdrawn in some aspects loses those (a figure, the weapons, the places…)."""
    retracted: dict[str, set[str]] = {}
    for claim in incident.claims:
        if claim.retracts:
            retracted.setdefault(claim.retracts.claim, set()).update(claim.retracts.aspects or {"*"})
        if claim.revises:  # a revised toll replaces the earlier one whole, whichever kinds it gives
            retracted.setdefault(claim.revises, set()).add(_ALL_FIGURES)
    kept = []
    for claim_id, claim in zip(incident.claim_ids, incident.claims, strict=True):
        aspects = retracted.get(claim_id, set())
        if "*" not in aspects:
            kept.append(_without(claim, aspects) if aspects else claim)
    return replace(incident, claims=tuple(kept))


_ALL_FIGURES = "casualties"


def _without(claim: Claim, aspects: set[str]) -> Claim:
    cleared: dict[str, Any] = {}
    for key, empty in (("initiator", None), ("target", None), ("weapons", ()), ("places", ()), ("window", Window()),
                       ("violations", None)):  # fmt: skip
        if key in aspects:
            cleared[key] = empty
    figures = tuple(
        f
        for f in claim.casualties
        if _ALL_FIGURES not in aspects and _figure_key(f.side, f.civilian, str(f.kind)) not in aspects
    )
    return replace(claim, casualties=figures, **cleared)


def _figure_key(side: str, civilian: bool, kind: str) -> str:
    return f"casualties.{side}.{'civilians.' if civilian else ''}{kind}"


def official_view(incident: Incident, sides: Sides) -> Incident:
    """The incident as each side officially tells it: what was retracted left out, and for a
    side whose official voice spoke, only that voice's statements (the others are shown apart
    by `diff`, never replacing it)."""
    view = withdrawn(incident)
    official = [c for c in view.claims if is_official(c, sides)]
    said = {side: _stated(c for c in official if c.side == side) for side in {c.side for c in official}}
    claims = []
    for claim in view.claims:
        if claim.side not in said or is_official(claim, sides):
            claims.append(claim)
        else:  # another body of the side: only what the official voice leaves unsaid counts
            claims.append(_without(claim, said[claim.side]))
    return replace(view, claims=tuple(claims))


def _stated(claims: Iterable[Claim]) -> set[str]:
    """The aspects a side's statements address: where it names the start, weapons, places, a
    window, a target, a count, and each casualty figure."""
    keys: set[str] = set()
    for claim in claims:
        keys |= {k for k, v in (("initiator", claim.initiator), ("weapons", claim.weapons), ("places", claim.places),
                                ("window", claim.window), ("target", claim.target), ("violations", claim.violations)) if v}  # fmt: skip
        keys |= {_figure_key(f.side, f.civilian, str(f.kind)) for f in claim.casualties}
    return keys


def other_voices(incident: Incident, sides: Sides) -> dict[tuple[str, str], list[Claim]]:
    """(side, body) -> that body's statements, for the bodies of a side that are not its official
    voice while that voice has spoken (the Human Rights Defender beside the MoD)."""
    view = withdrawn(incident)
    speaking = {c.side for c in view.claims if is_official(c, sides)}
    voices: dict[tuple[str, str], list[Claim]] = {}
    for claim in chronological(view.claims):
        if claim.side in speaking and not is_official(claim, sides):
            body = claim.by or (f"via {sides.name(claim.via.side)}" if claim.via else "")
            voices.setdefault((claim.side, body), []).append(claim)
    return voices


class Verification(Vocabulary):
    """How far an incident is borne out by the accounts recorded, in the spirit of Airwars'
    grades; `verification` gives the rule, the first that holds, in this order."""

    CONFIRMED = "confirmed"  # a third party (the EU mission, the ICRC, Russia; not a dataset such as ACLED) gives an account that does not deny it
    DENIED = "denied"  # a principal side says it did not happen, and no third party bears it out
    CONTESTED = "contested"  # both principal sides give accounts, and they conflict on some aspect
    ACKNOWLEDGED = "acknowledged"  # both principal sides give accounts that agree it happened, with no conflict
    SINGLE_SOURCE = "single-source"  # one side's account alone
    NO_ACCOUNTS = "no-accounts"  # no claim recorded yet


def verification(incident: Incident, sides: Sides, conflicting: bool) -> Verification:
    """The incident's verification, from each side's official account (retractions honoured);
    `conflicting` is whether the comparison of every side that spoke found a conflict."""
    statements = by_side(official_view(incident, sides))
    principal = [s for s in sides.principal[:2] if s in statements]
    happened = Topic.HAPPENED.value
    witnesses = [s for s in statements if s not in sides.principal and not _compiler(s, sides)]
    if any(happened not in denied(statements[s]) for s in witnesses):
        return Verification.CONFIRMED
    if any(happened in denied(statements[s]) for s in principal):
        return Verification.DENIED
    if len(principal) == 2:
        return Verification.CONTESTED if conflicting else Verification.ACKNOWLEDGED
    return Verification.SINGLE_SOURCE if statements else Verification.NO_ACCOUNTS


def _compiler(side_id: str, sides: Sides) -> bool:
    """A side that compiles others' reports (type dataset: ACLED), whose rows restate what its
    sources said: its account is kept and shown, but it bears nothing out on its own."""
    side = sides.get(side_id)
    return side is not None and side.type == SideType.DATASET


def started_by(incident: Incident, sides: Sides) -> Verdict | None:
    """Who started it, as `list`, `show`, `diff` and `summary` all say it: initiator_verdict on
    each side's official account."""
    return initiator_verdict(official_view(incident, sides))


def by_side(incident: Incident) -> dict[str, list[Claim]]:
    """Each claimant's statements, oldest first."""
    sides: dict[str, list[Claim]] = {}
    for claim in chronological(incident.claims):
        sides.setdefault(claim.side, []).append(claim)
    return sides


def blamed(claims: list[Claim]) -> str | None:
    """The side a claimant's latest statement naming another side as initiator says started it.

    A side that names itself is admitting, not blaming ("Azerbaijan announced its own fire"):
    that is read by `admitted`, and no table ever shows a side blaming itself."""
    for claim in reversed(claims):
        if claim.initiator and claim.initiator != claim.side:
            return claim.initiator
    return None


def says_started(side: str, claims: list[Claim]) -> str | None:
    """Who a side's statements say started it: the side it blames, or itself where it admits it
    (an admission agrees with another side's blame of it)."""
    return blamed(claims) or (side if Topic.INITIATOR.value in admitted(claims) else None)


def admitted(claims: list[Claim]) -> set[str]:
    """What a side's statements admit of its own side: the topics of `admits`, and the start
    of the fighting where a statement names its own side as the initiator."""
    topics = {str(t) for c in claims for t in c.admits}
    return topics | ({Topic.INITIATOR.value} if any(c.initiator == c.side for c in claims) else set())


def denied(claims: list[Claim]) -> set[str]:
    """What a side's latest statement denies: its `denies` topics, or all of another side's
    account (`happened`) where it denies without naming what."""
    latest = claims[-1]
    if latest.stance != Stance.DENIES and not latest.denies:
        return set()
    return {str(t) for t in latest.denies} or {Topic.HAPPENED.value}


def initiator_verdict(incident: Incident, only: list[str] | None = None) -> Verdict | None:
    """Whether the claimants (or `only` these) agree on who started it: agree, conflict,
    one-sided, or None when no one says. A denial counts against any allegation by another
    side, since it contests the account.

    The one rule for this verdict: `list`, `show`, `diff` (with an id or without) and `summary`
    all ask this function, so they cannot disagree about an incident.
    """
    sides = {side: claims for side, claims in by_side(incident).items() if only is None or side in only}
    named = {side: who for side, claims in sides.items() if (who := says_started(side, claims))}
    denies = {side for side, claims in sides.items() if denied(claims) & {Topic.HAPPENED.value, Topic.INITIATOR.value}}
    if len(set(named.values())) > 1 or (named and denies - set(named)):
        return CONFLICT
    if len(named) > 1:
        return AGREE
    return ONE_SIDED if named else None


# --- aspects ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aspect:
    """One row of a comparison: how to read it from a claim and how to judge the values."""

    key: str
    label: str
    read: Callable[[Claim], object]  # None when the claim says nothing about it
    judge: Callable[[list[object]], Verdict | None] | None  # None: a descriptive row, no verdict
    show: Callable[[object], str] = str
    # A verdict on the whole incident rather than on the values (who started it): (incident,
    # the sides judged) -> verdict. It replaces `judge` so the row says what `list` says.
    judge_incident: Callable[[Incident, list[str]], Verdict | None] | None = None


def _text_key(value: object) -> str:
    return fold(str(value))


def _same(values: list[object], key: Callable[[object], object] = _text_key) -> Verdict:
    return AGREE if len({key(v) for v in values}) == 1 else CONFLICT


def _same_words(values: list[object]) -> Verdict | None:
    """Free text (a target) agrees when it is the same words; otherwise it is shown without a
    verdict: "Armenian positions" against "Azerbaijani positions" is no contradiction."""
    return AGREE if len({_text_key(v) for v in values}) == 1 else None


def _counts(values: list[object]) -> Verdict:
    counts = [v for v in values if isinstance(v, Count)]
    return AGREE if all(a.overlaps(b) for a in counts for b in counts) else CONFLICT


def _shared(values: list[object]) -> Verdict:
    """Lists of names agree when they share at least one member (after the key is applied)."""
    sets = [set(v) for v in values if isinstance(v, frozenset)]
    return AGREE if all(a & b for a in sets for b in sets) else CONFLICT


def _stances(values: list[object]) -> Verdict | None:
    """A denial against an allegation or confirmation conflicts. Two sides that both allege do
    not agree on anything by that (they may accuse each other), so that row gets no verdict."""
    stances = {str(v) for v in values}
    if "denies" in stances and stances & {"alleges", "confirms"}:
        return CONFLICT
    return AGREE if stances <= {"confirms", "observed"} and len(stances) == 1 else None


TIME_TOLERANCE = timedelta(minutes=30)
"""How far apart two statements' times may be and still agree ("around 16:00", "around 16:20")."""


def windows_verdict(tolerance: timedelta = TIME_TOLERANCE) -> Callable[[list[object]], Verdict | None]:
    return lambda values: _windows(values, tolerance)


def _windows(values: list[object], tolerance: timedelta = TIME_TOLERANCE) -> Verdict | None:
    """Windows agree when they overlap once widened by `tolerance`, in UTC where both give an
    offset. Times of day without a day are compared on the clock; a window with neither end
    comparable to the other's gets no verdict rather than a conflict."""
    windows = [v for v in values if isinstance(v, Window)]
    spans = [_span(w) for w in windows]
    if any(s is None for s in spans) or len({type(s[0]) for s in spans if s}) > 1:
        return None
    known = [s for s in spans if s]
    apart = [_gap(a, b) for a in known for b in known]
    return AGREE if all(g <= tolerance for g in apart) else CONFLICT


def _span(window: Window) -> tuple[Any, Any] | None:
    """(start, end) as datetimes in UTC, or as minutes of the day for bare times; a missing end
    is the other end (a statement that gives one time gives a moment)."""
    start, end = window.start or window.end, window.end or window.start
    if isinstance(start, datetime) and isinstance(end, datetime):
        shift = window.utc_offset or timedelta(0)
        return start - shift, end - shift
    if isinstance(start, datetime) or isinstance(end, datetime):
        return None
    offset = int((window.utc_offset or timedelta(0)).total_seconds() // 60)
    return (start.hour * 60 + start.minute - offset) % 1440, (end.hour * 60 + end.minute - offset) % 1440


def _gap(a: tuple[Any, Any], b: tuple[Any, Any]) -> timedelta:
    """How far apart two spans are (zero when they overlap)."""
    if isinstance(a[0], datetime):
        return max(timedelta(0), max(a[0], b[0]) - min(a[1], b[1]))
    a_end = a[1] if a[1] >= a[0] else a[1] + 1440  # a night from 21:30 to 04:15
    b_end = b[1] if b[1] >= b[0] else b[1] + 1440
    gaps = [max(0, max(a[0], b[0] + k) - min(a_end, b_end + k)) for k in (-1440, 0, 1440)]
    return timedelta(minutes=min(gaps))


def _place_key(gazetteer: Gazetteer | None, ref: PlaceRef) -> str:
    place = gazetteer.resolve_ref(ref).place if gazetteer else None
    return place.id if place else UNKNOWN + fold(ref.name)


_ROLE_WORDS = {PlaceRole.FROM: "fire came from", PlaceRole.AT: "hit or aimed at"}


def place_text(ref: PlaceRef, name: str | None = None) -> str:
    """'Digh of the Gorus region (fire came from)', 'Istisu (= jermuk)': the word as written, its
    role and the analyst's choice of place."""
    notes = [_ROLE_WORDS[ref.role]] if ref.role in _ROLE_WORDS else []
    notes += [f"= {ref.means}"] if ref.means else []
    return (name or ref.name) + (f" ({'; '.join(notes)})" if notes else "")


def weapon_text(weapon: WeaponRef, claim: Claim) -> str:
    """'combat drones', or 'combat drones (used by armenia)' when the statement names the user."""
    return f"{weapon.name} (used by {weapon.by})" if weapon.by else weapon.name


def places_verdict(gazetteer: Gazetteer | None) -> Callable[[Incident, list[str]], Verdict | None]:
    """Places compared by role, through the gazetteer (one place under any name, or one inside
    the other: Zod = Sotk, Sotk lies in Vardenis), between each side's latest statement naming
    places:
    - mirror: the place one side says the fire came from is where the other says it was hit
      (Azerbaijan: fire from Gorus; Armenia: Goris hit);
    - agree: both name a place in the same role, or one names where it happened at all;
    - compatible: different places with roles that can all be true (each side's own positions hit);
    - conflict: each says where it happened (no roles), and the places are known and apart;
    - one-sided: only one side names places; none: unknown names, so nothing can be said."""

    def related(a: str, b: str) -> bool:
        if a == b:
            return True
        return bool(gazetteer) and UNKNOWN not in (a[0], b[0]) and gazetteer.related(a, b)  # type: ignore[union-attr]

    def meets(xs: set[str], ys: set[str]) -> bool:
        return any(related(x, y) for x in xs for y in ys)

    def pair(a: dict[PlaceRole, set[str]], b: dict[PlaceRole, set[str]]) -> Verdict | None:
        if meets(a[PlaceRole.FROM], b[PlaceRole.AT]) or meets(b[PlaceRole.FROM], a[PlaceRole.AT]):
            return MIRROR
        everywhere_a, everywhere_b = set().union(*a.values()), set().union(*b.values())
        if (
            any(meets(a[role], b[role]) for role in PlaceRole)
            or meets(a[PlaceRole.NEAR], everywhere_b)
            or meets(b[PlaceRole.NEAR], everywhere_a)
        ):
            return AGREE
        if any(key.startswith(UNKNOWN) for key in everywhere_a | everywhere_b):
            return None
        only_near = not (a[PlaceRole.FROM] | a[PlaceRole.AT] | b[PlaceRole.FROM] | b[PlaceRole.AT])
        return CONFLICT if only_near else COMPATIBLE

    def judge(incident: Incident, chosen: list[str]) -> Verdict | None:
        statements = by_side(incident)
        said = {}
        for side in chosen:
            latest = next((c for c in reversed(statements.get(side, [])) if c.places), None)
            if latest:
                said[side] = {
                    role: {_place_key(gazetteer, p) for p in latest.places if p.role == role} for role in PlaceRole
                }
        if len(said) < 2:
            return ONE_SIDED if said else None
        named = list(said.values())
        found = {pair(x, y) for n, x in enumerate(named) for y in named[n + 1 :]}
        return next((v for v in (CONFLICT, MIRROR, COMPATIBLE, AGREE) if v in found), None)

    return judge


def _figure(side: str, civilian: bool, kind: str) -> Callable[[Claim], object]:
    def read(claim: Claim) -> object:
        for figure in claim.casualties:
            if figure.key == (side, civilian, kind):
                return figure.count
        return None

    return read


def weapons_verdict(kinds: WeaponKinds) -> Callable[[Incident, list[str]], Verdict | None]:
    """Weapons compared by kind and by who used them (a claim's weapons are the blamed side's
    unless it says otherwise): the same weapon of the same side named by both agrees; each side
    naming only the other's weapons is a mirror; a denial of the weapons against another side's
    weapons is a conflict; anything else can all be true: compatible."""

    def judge(incident: Incident, chosen: list[str]) -> Verdict | None:
        statements = by_side(incident)
        said: dict[str, set[tuple[str | None, str]]] = {}
        deniers = set()
        for side in chosen:
            claims = statements.get(side, [])
            if claims and Topic.WEAPONS.value in denied(claims):
                deniers.add(side)
            latest = next((c for c in reversed(claims) if c.weapons), None)
            if latest:
                said[side] = {(latest.weapon_user(w), kinds.kind(w.name)) for w in latest.weapons}
        if deniers and set(said) - deniers:
            return CONFLICT
        if len(said) < 2:
            return ONE_SIDED if said else None
        named = list(said.values())
        if all(a & b for a in named for b in named):
            return AGREE
        users = {side: {user for user, _ in pairs} for side, pairs in said.items()}
        others = {side: set(said) - {side} for side in said}
        if all(users[side] <= others[side] for side in said) and len({frozenset(u) for u in users.values()}) == len(
            users
        ):
            return MIRROR  # each names only the weapons of the others that speak, and no two the same side's
        return COMPATIBLE

    return judge


def aspects(
    incident: Incident,
    sides: Sides,
    gazetteer: Gazetteer | None = None,
    weapons: WeaponKinds | None = None,
    tolerance: timedelta = TIME_TOLERANCE,
) -> list[Aspect]:
    """The rows for one incident: fixed aspects, then one row per casualty figure anyone gives."""
    kinds = weapons or WeaponKinds({})
    rows = [
        Aspect("window", "Time window", lambda c: c.window or None, windows_verdict(tolerance)),
        Aspect(
            "places",
            "Places",
            lambda c: frozenset(_place_key(gazetteer, p) for p in c.places) or None,
            None,
            judge_incident=places_verdict(gazetteer),
        ),
        Aspect("initiator", "Started by", lambda c: c.initiator, None, judge_incident=initiator_verdict),
        Aspect("target", "Target", lambda c: c.target, _same_words),
        Aspect(
            "weapons",
            "Weapons",
            lambda c: frozenset(fold(w.name) for w in c.weapons) or None,
            None,
            judge_incident=weapons_verdict(kinds),
        ),
    ]
    figures = sorted(
        {f.key for c in incident.claims for f in c.casualties},
        key=lambda k: (k[0], k[1], CASUALTY_KINDS.index(k[2])),
    )
    for side, civilian, kind in figures:
        who = sides.name(side) + (" civilians" if civilian else "")
        rows.append(
            Aspect(
                _figure_key(side, civilian, kind),
                f"{who} {CasualtyKind(kind).label}",
                _figure(side, civilian, kind),
                _counts,
            )
        )
    rows += [
        Aspect("violations", "Violations counted", lambda c: c.violations, _counts),
        Aspect("stance", "Stance", lambda c: c.stance, _stances),
        Aspect("by", "Who spoke", lambda c: c.by, None),
        Aspect("reported", "Statement date", lambda c: c.reported.isoformat() if c.reported else None, None),
        Aspect("source", "Source", lambda c: str(c.source), None),
    ]
    return rows


# --- the comparison -------------------------------------------------------------------------


@dataclass
class Cell:
    """What one side says about one aspect: the latest value, its statement, earlier values."""

    text: str | None
    revisions: list[tuple[str, str]] = field(default_factory=list)  # (date or '', earlier value)
    value: Any = None  # the machine encoding of the latest value (docs/output.md), for --format
    earlier: list[tuple[str, Any]] = field(default_factory=list)  # (date or '', encoded value)


@dataclass
class Row:
    key: str
    label: str
    cells: dict[str, Cell]
    verdict: Verdict | None  # None for a descriptive row


@dataclass
class Comparison:
    incident: Incident
    sides: list[str]
    rows: list[Row]
    reading: str
    notes: list[str] = field(default_factory=list)  # e.g. one place under two names


def encoded(aspect: Aspect, claim: Claim, value: object) -> Any:
    """One machine encoding of every value, the one records use: counts as `3`, `"2+"`, `"2-4"`,
    `"up to 70"` or `"some"`; dates ISO; places and weapons as lists of mappings; a source as
    its fields. No display wording, no typographic quotes."""
    if isinstance(value, Count):
        return value.to_data()
    if aspect.key == "places":
        return [{"name": p.name, "role": str(p.role), "means": p.means} for p in claim.places]
    if aspect.key == "weapons":
        return [{"name": w.name, "used_by": claim.weapon_user(w)} for w in claim.weapons]
    if aspect.key == "window" and isinstance(value, Window):
        return {
            "from": clock_text(value.start),
            "to": clock_text(value.end),
            "utc_offset": offset_text(value.utc_offset),
        }
    if aspect.key == "source":
        return source_fields(claim.source)
    return str(value)


def source_fields(source: Source) -> dict[str, Any]:
    return {k: v for k, v in (("title", source.title), ("publisher", source.publisher),
            ("date", source.date.isoformat() if source.date else None), ("url", source.url), ("ref", source.ref),
            ("key", source.key)) if v is not None}  # fmt: skip


def _display(aspect: Aspect, claim: Claim, value: object) -> str:
    if aspect.key == "places":
        return ", ".join(place_text(p) for p in claim.places)
    if aspect.key == "weapons":
        return ", ".join(weapon_text(w, claim) for w in claim.weapons)
    return aspect.show(value)


def compare(
    incident: Incident,
    sides: Sides,
    columns: list[str] | None = None,
    gazetteer: Gazetteer | None = None,
    every: bool = False,
    weapons: WeaponKinds | None = None,
    tolerance: timedelta = TIME_TOLERANCE,
) -> Comparison:
    """Compare the claimants' accounts of one incident, aspect by aspect.

    Verdicts always weigh each side's latest account. With `every`, the columns are the single
    statements (`armenia#1`, `armenia#2`, …) instead of the sides, to show every revision.
    """
    view = official_view(incident, sides)  # each side's official voice; retractions honoured
    statements, history = by_side(view), by_side(incident)
    chosen = columns or default_columns(incident, sides)
    shown = (
        [(f"{side}#{n}", [claim]) for side in chosen for n, claim in enumerate(by_side(incident).get(side, []), 1)]
        if every
        else [(side, statements.get(side, [])) for side in chosen]
    )
    if not every:  # the side's other bodies, each its own column, judged with nothing
        shown += [
            (f"{side}@{body}", claims)
            for (side, body), claims in other_voices(incident, sides).items()
            if side in chosen
        ]
    rows = []
    judging = len(chosen) > 1  # with one side shown there is nothing to judge it against
    for aspect in aspects(incident, sides, gazetteer, weapons, tolerance):  # rows for every figure anyone gives
        latest = [v for side in chosen if (v := _latest(aspect, statements.get(side, []))) is not None]
        cells = {
            column: _cell(aspect, _voiced(aspect, claims, sides) if column in chosen else claims,
                          history.get(column, claims), sides, column in chosen)
            for column, claims in shown
        }  # fmt: skip
        if not any(cell.text for cell in cells.values()):
            continue
        verdict = _verdict(aspect, latest, view, chosen) if judging and latest else None
        if not every and _mark_denials(aspect, cells, statements, chosen) and judging and latest:
            verdict = CONFLICT  # one side's figure or places against the other's denial of them
        rows.append(Row(aspect.key, aspect.label, cells, verdict))
    notes = same_place_notes(statements, chosen, sides, gazetteer) if gazetteer else []
    said = reading(view, sides) if judging else f"the account of {sides.name(chosen[0])} alone: no verdicts"
    if judging and (tolls := toll_reading(rows, chosen, sides)):
        said = f"{said}; {tolls}"
    return Comparison(incident, [column for column, _ in shown], rows, said, notes)


def _topic_of(key: str, side: str) -> str | None:
    """The topic a side's denial must name to deny a row: casualties for a figure of its own
    losses ("we haven't had any losses"), places for places."""
    if key.startswith(f"casualties.{side}."):
        return Topic.CASUALTIES.value
    return Topic.PLACES.value if key == "places" else None


def _mark_denials(
    aspect: Aspect, cells: dict[str, Cell], statements: dict[str, list[Claim]], chosen: list[str]
) -> bool:
    """Show 'denies' in the cell of a side whose latest statement denies this row's topic (or the
    whole account) without giving a value of its own; whether any cell was so marked."""
    marked = False
    for side in chosen:
        claims, topic = statements.get(side, []), _topic_of(aspect.key, side)
        if topic and claims and cells[side].text is None and denied(claims) & {topic, Topic.HAPPENED.value}:
            cells[side] = Cell("denies", value="denies")
            marked = True
    return marked


def toll_reading(rows: list[Row], chosen: list[str], sides: Sides) -> str:
    """How the tolls differ, as an analyst would put it: 'Armenia killed: 3 per Armenia against
    at least 5 per Azerbaijan'; figures only one side gives are left to the table."""
    parts = []
    for row in rows:
        if row.key.startswith("casualties.") and row.verdict == CONFLICT:
            said = [
                f"{row.cells[s].text} per {sides.name(s)}" for s in chosen if row.cells.get(s) and row.cells[s].text
            ]
            parts.append(f"{row.label}: {' against '.join(said)}")
    return "; ".join(parts)


def _verdict(aspect: Aspect, latest: list[object], incident: Incident, chosen: list[str]) -> Verdict | None:
    if aspect.judge_incident is not None:
        return aspect.judge_incident(incident, chosen)
    if aspect.judge is None:
        return None
    return ONE_SIDED if len(latest) == 1 else aspect.judge(latest)


def same_place_notes(
    statements: dict[str, list[Claim]], columns: list[str], sides: Sides, gazetteer: Gazetteer
) -> list[str]:
    """'Zod (Azerbaijan) and Sotk (Armenia) are one place: Sotk' for each place named differently."""
    spellings: dict[str, dict[str, str]] = {}  # place id -> side -> name as that side wrote it
    for side in columns:
        for claim in statements.get(side, []):
            for ref in claim.places:
                place = gazetteer.resolve_ref(ref).place
                if place:
                    spellings.setdefault(place.id, {}).setdefault(side, ref.name)
    notes = []
    for place_id, by_side_name in spellings.items():
        if len({fold(n) for n in by_side_name.values()}) > 1:
            named = " and ".join(f"{name} ({sides.name(side)})" for side, name in by_side_name.items())
            notes.append(f"{named} are one place: {gazetteer.places[place_id].name}")
    return notes


def _latest(aspect: Aspect, claims: list[Claim]) -> object:
    values = [v for c in claims if (v := aspect.read(c)) is not None]
    return values[-1] if values else None


_STATEMENT_ROWS = {"by", "reported", "source", "stance"}  # about the statement, not the event


def _voiced(aspect: Aspect, claims: list[Claim], sides: Sides) -> list[Claim]:
    """A side column's statements for a row: for the rows about the statement itself (who spoke,
    when, where read, its stance), its official voice's alone whenever that voice spoke."""
    if aspect.key not in _STATEMENT_ROWS:
        return claims
    official = [c for c in claims if is_official(c, sides)]
    return official or claims


def _cell(aspect: Aspect, claims: list[Claim], history: list[Claim], sides: Sides, side_column: bool) -> Cell:
    """A column's latest value of an aspect, from its account as it now stands, with the
    different values its statements gave before (all of them, revised or withdrawn ones too).
    In a side's column, a value another body of the side gave (where the official voice said
    nothing of it) says whose it is."""
    stated = [(c, v) for c in claims if (v := aspect.read(c)) is not None]
    if not stated:
        return Cell(None)
    claim, value = stated[-1]
    current = _display(aspect, claim, value)
    whose = f" (per {claim.by})" if side_column and claim.by and not is_official(claim, sides) else ""
    cell = Cell(current + whose, value=encoded(aspect, claim, value))
    until = claim.reported.key if claim.reported else None
    for earlier in history:
        old = aspect.read(earlier)
        if old is None or (until and earlier.reported and earlier.reported.key > until):
            continue
        text = _display(aspect, earlier, old)
        when = earlier.reported.isoformat() if earlier.reported else ""
        if text != current and (when, text) not in cell.revisions:
            cell.revisions.append((when, text))
            cell.earlier.append((when, encoded(aspect, earlier, old)))
    return cell


def default_columns(incident: Incident, sides: Sides) -> list[str]:
    """The principal sides always, then every other side that spoke, in the order they spoke."""
    return list(dict.fromkeys([*sides.principal, *incident.claimants]))


def reading(incident: Incident, sides: Sides) -> str:
    """One line on the whole incident: mirror accusations, uncontested, denial, third parties."""
    statements = by_side(incident)
    if not statements:
        return "no accounts recorded"
    principal = [s for s in sides.principal if s in statements]
    blame = {side: blamed(claims) for side, claims in statements.items()}
    parts = []
    if len(statements) == 1:
        (only,) = statements
        parts.append(
            f"uncontested: only {sides.name(only)} has spoken"
            + (f", blaming {sides.name(blame[only])}" if blame[only] else "")
        )
    elif len(principal) >= 2:
        a, b = principal[:2]
        if blame.get(a) == b and blame.get(b) == a:
            parts.append("mirror accusations: each side blames the other")
        elif blame.get(a) and blame.get(a) == blame.get(b):
            parts.append(f"both principal sides say {sides.name(blame[a])} started it")
    elif principal:
        parts.append(f"only {sides.name(principal[0])} of the principal sides has spoken")
    for side, claims in statements.items():
        parts += _denials_and_admissions(side, claims, blame, sides)
    for side in statements:
        if side in sides.principal:
            continue
        name, who = sides.name(side), blame.get(side)
        if who is None:
            if len(statements) > 1:
                parts.append(f"{name} spoke without naming who started it")
            continue
        agreeing = [sides.name(s) for s in principal if blame.get(s) == who]
        disagreeing = [sides.name(s) for s in principal if blame.get(s) and blame.get(s) != who]
        if agreeing:
            parts.append(f"{name} corroborates {', '.join(agreeing)} (blames {sides.name(who)})")
        if disagreeing:
            parts.append(f"{name} contradicts {', '.join(disagreeing)} (blames {sides.name(who)})")
    return "; ".join(parts) or "accounts do not address who started it"


_TOPIC_WORDS = {
    "initiator": "who started it", "casualties": "the casualties", "weapons": "the weapons", "places": "the places",
    "presence": "the presence", "own-fire": "its own fire", "happened": "that it happened",
}  # fmt: skip


def _denials_and_admissions(side: str, claims: list[Claim], blame: dict[str, str | None], sides: Sides) -> list[str]:
    """'Azerbaijan denies Armenia's account' only for a denial of the whole; 'Azerbaijan denies
    the weapons of Armenia's account'; 'Azerbaijan admits its own fire (blaming Armenia)'."""
    name = sides.name(side)
    accusers = ", ".join(sides.name(s) for s, who in blame.items() if who == side and s != side)
    parts = []
    denials = denied(claims)
    if Topic.HAPPENED.value in denials:
        parts.append(f"{name} denies" + (f" {accusers}'s account" if accusers else ""))
    elif denials:
        what = " and ".join(_TOPIC_WORDS.get(t, t) for t in sorted(denials))
        parts.append(f"{name} denies {what}" + (f" in {accusers}'s account" if accusers else ""))
    admits = admitted(claims)
    if Topic.OWN_FIRE.value in admits:
        parts.append(
            f"{name} admits its own fire" + (f" (blaming {sides.name(blame[side])})" if blame.get(side) else "")
        )
    if Topic.INITIATOR.value in admits:
        parts.append(f"{name} says it started it")
    return parts


def comparison_data(comparison: Comparison) -> dict[str, object]:
    """`diff --format json` (docs/output.md): stable keys."""
    return {
        "id": comparison.incident.id,
        "date": comparison.incident.date.isoformat(),
        "sides": comparison.sides,
        "reading": comparison.reading,
        "notes": comparison.notes,
        "rows": [
            {
                "aspect": row.label,
                "key": row.key,
                "values": {side: cell.value for side, cell in row.cells.items()},
                "verdict": str(row.verdict) if row.verdict else None,
                "revisions": {
                    side: [{"reported": d or None, "value": v} for d, v in cell.earlier]
                    for side, cell in row.cells.items()
                    if cell.earlier
                },
            }
            for row in comparison.rows
        ],
    }


# --- many incidents at once -------------------------------------------------------------------


def overview(
    incident: Incident,
    sides: Sides,
    columns: list[str],
    gazetteer: Gazetteer | None = None,
    chosen: bool = False,
    comparison: Comparison | None = None,
) -> dict[str, object]:
    """`diff` without an id: each side's blame and casualty claims, and the two verdicts.

    Who started it weighs every side that spoke, as `list` and `show` do, unless the sides were
    chosen (`--sides`); the casualty verdict weighs the figures of the columns shown, so that a
    conflict is always one a reader can see in the row. `comparison` is the incident's
    comparison over `columns`, when it was made already."""
    judged = columns if chosen else default_columns(incident, sides)
    comparison = comparison or compare(incident, sides, columns, gazetteer)
    per_side: dict[str, dict[str, object]] = {}
    for side in columns:
        initiator = next((r.cells[side].value for r in comparison.rows if r.key == "initiator"), None)
        losses = {
            r.key.removeprefix("casualties."): r.cells[side].value
            for r in comparison.rows
            if r.key.startswith("casualties.") and r.cells[side].text and r.cells[side].value != "denies"
        }
        per_side[side] = {"initiator": initiator, "casualties": losses}
    casualty_verdicts = [r.verdict for r in comparison.rows if r.key.startswith("casualties.")]
    return {
        "id": incident.id,
        "date": incident.date.isoformat(),
        "end_date": incident.end_date.isoformat() if incident.end_date else None,
        "date_precision": str(incident.date_precision),
        "sides": per_side,
        "initiator_verdict": initiator_verdict(official_view(incident, sides), judged),
        "casualties_verdict": _worst(casualty_verdicts),
    }


def _worst(verdicts: list[Verdict | None]) -> Verdict | None:
    for verdict in (CONFLICT, ONE_SIDED, AGREE):
        if verdict in verdicts:
            return verdict
    return None
