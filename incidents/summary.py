"""`incidents summary`: the figures an analyst asks of a period or a region.

Casualty totals add each side's latest figure per incident. A lower bound ("at least 2") can only
add up to a lower bound, so a total with any such figure is itself "at least"; ranges add up as
ranges. Losses a side admits for itself are kept apart from losses another side attributes to it:
the two are different claims and are never netted against each other.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .compare import CONFLICT, Comparison, admitted, blamed, by_side, official_view
from .model import CASUALTY_KINDS, Breakdown, Count, Incident, Sides, Topic

NO_REGION = ""  # the bucket of incidents without a region: shown as "(no region)", null in JSON


BREAKDOWNS = Breakdown.words()


def add_counts(counts: Iterable[Count]) -> Count | None:
    """The sum of figures: lower bounds stay lower bounds, ranges stay ranges, and losses given
    without a number are carried as such ("4, and losses not numbered"), never as 0."""
    counts = list(counts)
    if not counts:
        return None
    high = None if any(c.high is None for c in counts) else sum(c.high or 0 for c in counts)
    all_up_to = all(c.up_to or (c.low == c.high == 0) for c in counts)
    return combined(
        sum(c.low for c in counts), high, all_up_to, any(c.up_to for c in counts), any(c.unnumbered for c in counts)
    )


def combined(low: int, high: int | None, all_up_to: bool, any_up_to: bool, unnumbered: bool) -> Count:
    """A sum from what add_counts and the index's SQL (CASUALTY_SUMS) both compute of the
    figures added: the sums of their bounds (high None when any has none), whether every one
    is "up to" or zero and any is "up to", and whether any is unnumbered. Only "up to"
    figures add up to an "up to"; one exact figure among them makes the sum a range."""
    return Count(low, high, up_to=all_up_to and any_up_to and low == 0, unnumbered=unnumbered)


@dataclass
class CasualtyLine:
    """One side's losses of one kind, as that side admits them and as others attribute them."""

    side: str
    civilian: bool
    kind: str
    by_claimant: dict[str, Count] = field(default_factory=dict)
    incidents: dict[str, int] = field(default_factory=dict)  # claimant -> incidents counted


@dataclass
class Summary:
    incidents: int
    with_both: int
    conflicting: int
    principal: tuple[str, ...]
    breakdown: Breakdown
    buckets: list[tuple[str, int]]
    spanning: Counter[str]
    regions: list[tuple[str, int]]
    blame: dict[str, Counter[str]]
    admissions: Counter[str]
    casualties: list[CasualtyLine]
    period: tuple[date, date] | None


CHOSEN = "temp.chosen"
"""The table of the files (`path`) a summary is of: query.choose() fills it."""


def summarise(db: sqlite3.Connection, sides: Sides, breakdown: Breakdown = Breakdown.MONTH) -> Summary:
    """The summary of the incidents in CHOSEN, from the index's columns and side tables: no
    record is built, so a summary of 100,000 costs what its few queries cost."""
    periods = _periods(db, "week" if breakdown == Breakdown.WEEK else "month")
    count = sum(p.count for p in periods)
    regions = _counted(db, "SELECT name, count(DISTINCT num) FROM regions JOIN {chosen} USING (num) GROUP BY name")
    first, last = (min(p.first for p in periods), max(p.last for p in periods)) if count else ("", "")
    admissions = db.execute(f"SELECT side, count(*) FROM admits JOIN {CHOSEN} USING (num) GROUP BY side")
    return Summary(
        incidents=count,
        with_both=sum(p.both for p in periods),
        conflicting=sum(p.conflicting for p in periods),
        principal=sides.principal,
        breakdown=breakdown,
        buckets=_buckets(db, breakdown, regions, periods),
        spanning=spanning(periods, breakdown),
        regions=regions,
        blame=_blame(db),
        admissions=Counter(dict(admissions)),
        casualties=_casualties(db, sides),
        period=(date.fromisoformat(first), date.fromisoformat(last)) if count else None,
    )


@dataclass(frozen=True)
class _Period:
    """The chosen incidents whose span begins in one month (or week), running on past it or not."""

    label: str
    spanning: bool
    count: int
    both: int  # with accounts from both principal sides
    conflicting: int  # of those, with conflicting accounts
    first: str  # the first day of their spans, the last day, the latest first day
    last: str
    last_start: str


def _periods(db: sqlite3.Connection, column: str) -> list[_Period]:
    """Every figure the totals and the timeline need, in one pass over the chosen incidents."""
    query = (
        f"SELECT {column}, {column} != {column}_end, count(*), sum(both), sum(both AND conflict),"
        f" min(first), max(last), max(first) FROM files JOIN {CHOSEN} USING (num) GROUP BY 1, 2"
    )
    return [_Period(label, bool(flag), *figures) for label, flag, *figures in db.execute(query)]


def _counted(db: sqlite3.Connection, query: str) -> list[tuple[str, int]]:
    """(name, incidents) most first, then by name."""
    return sorted(db.execute(query.format(chosen=CHOSEN)), key=lambda kv: (-kv[1], kv[0]))


def _buckets(
    db: sqlite3.Connection, breakdown: Breakdown, regions: list[tuple[str, int]], periods: list[_Period]
) -> list[tuple[str, int]]:
    count = sum(p.count for p in periods)
    if breakdown == Breakdown.REGION:
        with_region = db.execute(f"SELECT count(DISTINCT num) FROM regions JOIN {CHOSEN} USING (num)").fetchone()[0]
        unplaced = [(NO_REGION, count - with_region)] if count > with_region else []
        return sorted([*regions, *unplaced], key=lambda kv: (-kv[1], kv[0]))
    if breakdown == Breakdown.SIDE:  # ids, as `blame` gives them
        return _counted(db, "SELECT side, count(*) FROM claimants JOIN {chosen} USING (num) GROUP BY side")
    if not count:
        return []
    step = _month if breakdown == Breakdown.MONTH else _week
    counts: Counter[str] = Counter()
    for period in periods:  # each incident counted where its span begins
        counts[period.label] += period.count
    current, last = date.fromisoformat(min(p.first for p in periods)), max(p.last_start for p in periods)
    buckets = []
    while True:  # every bucket from the first to the last, the empty ones too
        label, following = step(current)
        buckets.append((label, counts.get(label, 0)))
        if following > date.fromisoformat(last):
            return buckets
        current = following


def spanning(periods: list[_Period], breakdown: Breakdown) -> Counter[str]:
    """Per month or week: how many of the incidents counted there run on into a later one (a
    month-dated incident, a night across two months): shown as spanning, never counted twice."""
    if breakdown not in (Breakdown.MONTH, Breakdown.WEEK):
        return Counter()
    found: Counter[str] = Counter()
    for period in periods:
        if period.spanning:
            found[period.label] += period.count
    return found


def labels(incident: Incident) -> tuple[str, str, str, str]:
    """The month and the week its span begins in, and those it ends in (the index's columns)."""
    start, end = incident.span
    return _month(start)[0], _month(end)[0], _week(start)[0], _week(end)[0]


def _month(day: date) -> tuple[str, date]:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return f"{day.year}-{day.month:02d}", following


def _week(day: date) -> tuple[str, date]:
    year, week, weekday = day.isocalendar()
    return f"{year}-W{week:02d}", day + timedelta(days=8 - weekday)


def _blame(db: sqlite3.Connection) -> dict[str, Counter[str]]:
    """For each claimant: in how many incidents it says another side started it (latest word)."""
    table: dict[str, Counter[str]] = {}
    for claimant, named, count in db.execute(
        f"SELECT claimant, named, count(*) FROM blame JOIN {CHOSEN} USING (num) GROUP BY claimant, named"
    ):
        table.setdefault(claimant, Counter())[named] = count
    return table


CASUALTY_SUMS = (
    "SELECT side, civilian, kind, claimant, sum(low), CASE WHEN count(high) = count(*) THEN sum(high) END,"
    " min(up_to OR (low = 0 AND coalesce(high, -1) = 0)), max(up_to), max(unnumbered), count(*)"
    f" FROM casualties JOIN {CHOSEN} USING (num) GROUP BY side, civilian, kind, claimant"
)
"""What `combined` needs of each side's figures of one kind, per claimant (see add_counts)."""


def _casualties(db: sqlite3.Connection, sides: Sides) -> list[CasualtyLine]:
    lines: dict[tuple[str, bool, str], CasualtyLine] = {}
    for side, civilian, kind, claimant, low, high, all_up, any_up, unnumbered, incidents in db.execute(CASUALTY_SUMS):
        line = lines.setdefault((side, bool(civilian), kind), CasualtyLine(side, bool(civilian), kind))
        line.by_claimant[claimant] = combined(low, high, bool(all_up), bool(any_up), bool(unnumbered))
        line.incidents[claimant] = incidents
    order = {s: n for n, s in enumerate(sides.ids)}
    return sorted(
        lines.values(), key=lambda x: (order.get(x.side, 99), x.side, x.civilian, CASUALTY_KINDS.index(x.kind))
    )


# --- what the index keeps of each incident for a summary -----------------------------------


def facts(incident: Incident, sides: Sides) -> dict[str, list[tuple[object, ...]]]:
    """The rows of the side tables `summarise` adds up, from each side's official account
    (retractions honoured).

    blame: (claimant, the side it says started it), its latest such word, never itself (what a
    side says of itself is an admission); admits: sides that admit their own fire or say they
    started it; casualties: each claimant's latest figure of each side's losses of each kind."""
    told = official_view(incident, sides)
    rows: dict[str, list[tuple[object, ...]]] = {"blame": [], "admits": [], "casualties": []}
    for claimant, claims in by_side(told).items():
        if named := blamed(claims):
            rows["blame"].append((claimant, named))
        if admitted(claims) & {Topic.OWN_FIRE.value, Topic.INITIATOR.value}:
            rows["admits"].append((claimant,))
        latest = {}
        for claim in claims:  # oldest first: later figures replace earlier ones
            for figure in claim.casualties:
                latest[figure.key] = figure.count
        for (side, civilian, kind), count in latest.items():
            rows["casualties"].append(
                (claimant, side, civilian, kind, count.low, count.high, count.up_to, count.unnumbered)
            )
    return rows


def both_principal(incident: Incident, sides: Sides) -> bool:
    """Whether both principal sides (Armenia and Azerbaijan) gave an account."""
    return set(sides.principal[:2]) <= set(incident.claimants)


def conflicting(incident: Incident, sides: Sides, comparison: Comparison) -> bool:
    """Whether the principal sides both spoke and the comparison of every side that spoke (as
    `diff ID` makes it) finds a conflict on any aspect, as `list` and `show` would say."""
    return both_principal(incident, sides) and any(r.verdict == CONFLICT for r in comparison.rows)


def summary_data(summary: Summary) -> dict[str, object]:
    """`summary --format json` (docs/output.md)."""
    return {
        "period": [d.isoformat() for d in summary.period] if summary.period else None,
        "totals": {
            "incidents": summary.incidents,
            "with_both_principal_accounts": summary.with_both,
            "conflicting": summary.conflicting,
            "conflicting_share": round(summary.conflicting / summary.with_both, 3) if summary.with_both else None,
        },
        "breakdown": {
            "by": str(summary.breakdown),
            "counts": [
                {"label": k or None, "incidents": v, "spanning": summary.spanning.get(k, 0)} for k, v in summary.buckets
            ],
        },
        "regions": [{"region": k, "incidents": v} for k, v in summary.regions],
        "blame": {claimant: dict(counts) for claimant, counts in summary.blame.items()},
        "admissions": dict(summary.admissions),
        "casualties": [
            {
                "side": line.side,
                "civilian": line.civilian,
                "kind": line.kind,
                "admitted": line.by_claimant[line.side].to_data() if line.side in line.by_claimant else None,
                "attributed": {c: n.to_data() for c, n in line.by_claimant.items() if c != line.side},
            }
            for line in summary.casualties
        ],
    }
