"""`incidents summary`: the figures an analyst asks of a period or a region.

Casualty totals add each side's latest figure per incident. A lower bound ("at least 2") can only
add up to a lower bound, so a total with any such figure is itself "at least"; ranges add up as
ranges. Losses a side admits for itself are kept apart from losses another side attributes to it:
the two are different claims and are never netted against each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .compare import CONFLICT, admitted, blamed, by_side, compare, official_view
from .model import CASUALTY_KINDS, Breakdown, Count, Incident, Sides, Topic

NO_REGION = ""  # the bucket of incidents without a region: shown as "(no region)", null in JSON


BREAKDOWNS = Breakdown.words()


def add_counts(counts: Iterable[Count]) -> Count | None:
    """The sum of figures: lower bounds stay lower bounds, ranges stay ranges, and losses given
    without a number are carried as such ("4, and losses not numbered"), never as 0."""
    counts = list(counts)
    if not counts:
        return None
    low = sum(c.low for c in counts)
    high = None if any(c.high is None for c in counts) else sum(c.high or 0 for c in counts)
    only_up_to = all(c.up_to or (c.low == c.high == 0) for c in counts) and any(c.up_to for c in counts)
    return Count(low, high, up_to=only_up_to and low == 0, unnumbered=any(c.unnumbered for c in counts))


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


def summarise(
    incidents: list[Incident],
    sides: Sides,
    breakdown: Breakdown = Breakdown.MONTH,
    region_names: Callable[[Incident], list[str]] | None = None,
) -> Summary:
    principal = sides.principal
    regions_of = region_names or (lambda i: list(i.region))
    told = [official_view(i, sides) for i in incidents]  # each side's official voice, retractions honoured
    both = [i for i in incidents if set(principal[:2]) <= set(i.claimants)]
    conflicting = sum(1 for i in both if any(r.verdict == CONFLICT for r in compare(i, sides).rows))
    region_counts = Counter(name for i in incidents for name in dict.fromkeys(regions_of(i)))
    return Summary(
        incidents=len(incidents),
        with_both=len(both),
        conflicting=conflicting,
        principal=principal,
        breakdown=breakdown,
        buckets=_buckets(incidents, breakdown, regions_of, sides),
        spanning=spanning(incidents, breakdown),
        regions=sorted(region_counts.items(), key=lambda kv: (-kv[1], kv[0])),
        blame=_blame(told),
        admissions=_admissions(told),
        casualties=_casualties(told, sides),
        period=(min(i.span[0] for i in incidents), max(i.span[1] for i in incidents)) if incidents else None,
    )


def _buckets(
    incidents: list[Incident], breakdown: Breakdown, regions_of: Callable[[Incident], list[str]], sides: Sides
) -> list[tuple[str, int]]:
    if breakdown == Breakdown.REGION:
        counts = Counter(name for i in incidents for name in dict.fromkeys(regions_of(i)) or [NO_REGION])
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if breakdown == Breakdown.SIDE:
        counts = Counter(s for i in incidents for s in i.claimants)  # ids, as `blame` gives them
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if not incidents:
        return []
    step = _month if breakdown == Breakdown.MONTH else _week
    counts = Counter(step(i.span[0])[0] for i in incidents)  # counted once, where its span begins
    first, last = min(i.span[0] for i in incidents), max(i.span[0] for i in incidents)
    buckets, current = [], first
    while True:  # every bucket from the first to the last, the empty ones too
        label, following = step(current)
        buckets.append((label, counts.get(label, 0)))
        if following > last:
            return buckets
        current = following


def spanning(incidents: list[Incident], breakdown: Breakdown) -> Counter[str]:
    """Per month or week: how many of the incidents counted there run on into a later one (a
    month-dated incident, a night across two months): shown as spanning, never counted twice."""
    if breakdown not in (Breakdown.MONTH, Breakdown.WEEK):
        return Counter()
    step = _month if breakdown == Breakdown.MONTH else _week
    return Counter(step(i.span[0])[0] for i in incidents if step(i.span[0])[0] != step(i.span[1])[0])


def _month(day: date) -> tuple[str, date]:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return f"{day.year}-{day.month:02d}", following


def _week(day: date) -> tuple[str, date]:
    year, week, weekday = day.isocalendar()
    return f"{year}-W{week:02d}", day + timedelta(days=8 - weekday)


def _blame(incidents: list[Incident]) -> dict[str, Counter[str]]:
    """For each claimant: in how many incidents it says another side started it (latest word).
    A side never blames itself here: what it admits is counted by `_admissions`."""
    table: dict[str, Counter[str]] = {}
    for incident in incidents:
        for side, claims in by_side(incident).items():
            if named := blamed(claims):
                table.setdefault(side, Counter())[named] += 1
    return table


def _admissions(incidents: list[Incident]) -> Counter[str]:
    """In how many incidents each side admits its own fire or says it started it."""
    return Counter(
        side
        for incident in incidents
        for side, claims in by_side(incident).items()
        if admitted(claims) & {Topic.OWN_FIRE.value, Topic.INITIATOR.value}
    )


def _casualties(incidents: list[Incident], sides: Sides) -> list[CasualtyLine]:
    lines: dict[tuple[str, bool, str], CasualtyLine] = {}
    collected: dict[tuple[str, bool, str, str], list[Count]] = {}
    for incident in incidents:
        for claimant, claims in by_side(incident).items():
            latest = {}
            for claim in claims:  # oldest first: later figures replace earlier ones
                for figure in claim.casualties:
                    latest[figure.key] = figure.count
            for (side, civilian, kind), count in latest.items():
                lines.setdefault((side, civilian, kind), CasualtyLine(side, civilian, kind))
                collected.setdefault((side, civilian, kind, claimant), []).append(count)
    for (side, civilian, kind, claimant), counts in collected.items():
        line = lines[(side, civilian, kind)]
        total = add_counts(counts)
        if total is not None:
            line.by_claimant[claimant] = total
            line.incidents[claimant] = len(counts)
    order = {s: n for n, s in enumerate(sides.ids)}
    return sorted(
        lines.values(), key=lambda x: (order.get(x.side, 99), x.side, x.civilian, CASUALTY_KINDS.index(x.kind))
    )


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
