"""Comparing the accounts of one incident: who says what, and where they disagree.

A side may speak several times (figures are revised within a day); for each aspect the latest
statement that says anything about it is that side's current account, and the earlier ones are
its revisions.
"""

from __future__ import annotations

from datetime import date

from .model import Claim, Incident

AGREE, CONFLICT, ONE_SIDED, UNSTATED = "agree", "conflict", "one-sided", ""


def chronological(claims: tuple[Claim, ...]) -> list[Claim]:
    """Claims oldest first; undated claims keep their place in the file, before dated ones."""
    indexed = list(enumerate(claims))
    return [c for _, c in sorted(indexed, key=lambda ic: (ic[1].reported or date.min, ic[0]))]


def by_side(incident: Incident) -> dict[str, list[Claim]]:
    """Each claimant's statements, oldest first."""
    sides: dict[str, list[Claim]] = {}
    for claim in chronological(incident.claims):
        sides.setdefault(claim.side, []).append(claim)
    return sides


def blamed(claims: list[Claim]) -> str | None:
    """The side a claimant's latest statement naming an initiator says started it."""
    for claim in reversed(claims):
        if claim.initiator:
            return claim.initiator
    return None


def initiator_verdict(incident: Incident) -> str:
    """Whether the claimants agree on who started it: agree, conflict, one-sided or unstated.

    A denial counts against any allegation by another side, since it contests the account.
    """
    sides = by_side(incident)
    named = {side: who for side, claims in sides.items() if (who := blamed(claims))}
    denies = {side for side, claims in sides.items() if claims[-1].stance == "denies"}
    if len(set(named.values())) > 1 or (named and denies - set(named)):
        return CONFLICT
    if len(named) > 1:
        return AGREE
    return ONE_SIDED if named else UNSTATED
