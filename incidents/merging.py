"""Merging two clones' changes to one record, for git (`incidents merge-driver`).

Two analysts who each add a claim to the same incident in their own clones change the same
lines of one YAML file, and git's line merge calls that a conflict. A record is not lines but
fields, and most of its lists only grow: this merges the three versions (the common ancestor,
ours, theirs) field by field, as data.

- claims: the ancestor's claims, each as whichever side changed it; then the claims ours added,
  then those theirs added, with ids of their own (a claim theirs numbered c3 as ours did becomes
  c4, and what revises or retracts it follows); a claim both added alike is kept once;
- sources (by key), links, evidence (by hash) and tags: the union, in order;
- every other field: the side that changed it; both alike: that.

A field both sides changed differently (a title, a date, one claim edited two ways, one source
key with two sources) gets git's conflict markers around the two versions, and nothing else
does; the file then fails `check` until a person chooses. A version that cannot be read at all
is left to git's line merge (the caller reports it as a conflict).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .spec import incident_from_data, incident_to_data
from .store import render_record
from .yamlio import YamlSyntaxError, dump_yaml, read_yaml

OURS, THEIRS = "<<<<<<< ours", ">>>>>>> theirs"


@dataclass
class Merged:
    """The merged text, and the fields both sides changed differently (marked in the text)."""

    text: str
    conflicts: list[str] = field(default_factory=list)


class Unreadable(Exception):
    """One of the three versions is not a readable record: merge it as lines instead."""


class Unmergeable(Unreadable):
    """The three versions read, but what merging them as data gives is not a valid record."""


def merge_texts(base: str, ours: str, theirs: str) -> Merged:
    """The three versions of one record file merged as data (see the module's docstring)."""
    old, mine, other = (_data(text) for text in (base, ours, theirs))
    merged: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for key in dict.fromkeys([*old, *mine, *other]):
        rule = UNIONS.get(key, _three_way)
        value, clash = rule(old.get(key), mine.get(key), other.get(key))
        if clash:
            conflicts[key] = (mine.get(key), other.get(key))
            value = mine.get(key)
        if value is not None and value != [] and value != {}:
            merged[key] = value
    if not conflicts:
        incident, problems = incident_from_data(merged, "merged")
        if incident is None or problems:
            raise Unmergeable("; ".join(str(p) for p in problems) or "the merge is not a record")
        return Merged(render_record(incident))
    return Merged(_marked(merged, conflicts), list(conflicts))


def _data(text: str) -> dict[str, Any]:
    """A version as the canonical plain data of its record (so that layout never conflicts)."""
    try:
        incident, problems = incident_from_data(read_yaml(text), "version")
    except YamlSyntaxError as exc:
        raise Unreadable(str(exc)) from exc
    if incident is None or problems:
        raise Unreadable("; ".join(str(p) for p in problems) or "not a record")
    data = incident_to_data(incident)
    data["claims"] = [{**claim, "id": incident.claim_id(n)} for n, claim in enumerate(data.get("claims") or [])]
    return _plain(data)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


Rule = Callable[[Any, Any, Any], tuple[Any, bool]]


def _three_way(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The side that changed the field; both alike: that; both differently: a conflict."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    return ours, True


def _union_by(key: Callable[[Any], Any]) -> Rule:
    """A list that only grows: the ancestor's items as either side changed them, then the items
    ours added, then those theirs added (an item both added alike, once)."""

    def merge(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
        old, mine, other = ({key(i): i for i in items or []} for items in (base, ours, theirs))
        result, clash = [], False
        for k, item in old.items():
            value, conflict = _three_way(item, mine.get(k), other.get(k))
            clash |= conflict
            if value is not None:
                result.append(value)
        for k, item in [*mine.items(), *other.items()]:
            if k in old:
                continue
            if any(key(r) == k for r in result):
                clash |= next(r for r in result if key(r) == k) != item  # one key, two things
                continue
            result.append(item)
        return result, clash

    return merge


def _claims(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """Claims by id for the ancestor's; the added ones by what they say, theirs renumbered past
    ours, with their revises and retracts following."""
    old = {c["id"]: c for c in base or []}
    result, clash = [], False
    mine, other = ({c["id"]: c for c in claims or []} for claims in (ours, theirs))
    for claim_id, claim in old.items():
        value, conflict = _three_way(claim, mine.get(claim_id), other.get(claim_id))
        clash |= conflict
        if value is not None:
            result.append(value)
    result += [c for c in ours or [] if c["id"] not in old]
    taken = {c["id"] for c in result}
    renamed: dict[str, str] = {}
    said = [_without_id(c) for c in result]
    added_theirs = []
    for claim in [c for c in theirs or [] if c["id"] not in old]:
        if _without_id(claim) in said:
            continue  # both added it alike
        new_id, number = claim["id"], len(taken) + 1
        while new_id in taken:
            new_id, number = f"c{number}", number + 1
        renamed[claim["id"]] = new_id
        taken.add(new_id)
        added_theirs.append({**claim, "id": new_id})
    # Only theirs' new claims can name theirs' renumbered ids: ours' claims name ours' own.
    return [*result, *(_renumbered(c, renamed) for c in added_theirs)], clash


def _without_id(claim: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in claim.items() if k != "id"}


def _renumbered(claim: dict[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    """A claim whose revises or retracts names a claim of theirs that took another id."""
    if not renamed:
        return claim
    claim = dict(claim)
    if claim.get("revises") in renamed:
        claim["revises"] = renamed[claim["revises"]]
    retracts = claim.get("retracts")
    if isinstance(retracts, str) and retracts in renamed:
        claim["retracts"] = renamed[retracts]
    elif isinstance(retracts, dict) and retracts.get("claim") in renamed:
        claim["retracts"] = {**retracts, "claim": renamed[retracts["claim"]]}
    return claim


UNIONS: dict[str, Rule] = {
    "claims": _claims,
    "sources": _union_by(lambda s: s.get("key") or repr(s)),
    "links": _union_by(lambda link: (link.get("type"), link.get("id"))),
    "evidence": _union_by(lambda e: e.get("sha256")),
    "tags": _union_by(lambda tag: tag),
}
"""The fields that only grow, and how their items are told apart."""


def _marked(merged: dict[str, Any], conflicts: dict[str, tuple[Any, Any]]) -> str:
    """The merged record with git's markers around each field both sides changed differently."""
    text = dump_yaml(merged)
    for key, (ours, theirs) in conflicts.items():
        mine = dump_yaml({key: ours}) if ours is not None else ""
        other = dump_yaml({key: theirs}) if theirs is not None else ""
        block = f"{OURS}\n{mine}=======\n{other}{THEIRS}\n"
        if mine and ("\n" + mine) in "\n" + text:
            start = ("\n" + text).index("\n" + mine)
            text = text[:start] + block + text[start + len(mine) :]
        else:
            text += block
    return text
