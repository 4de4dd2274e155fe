"""What the index keeps of each record for the questions asked of many: its digest.

When a file is read (in whichever process reads it), its incident is judged once: the checks
of one record run, who started it is decided, its places are resolved through the gazetteer
to ids (with every place that contains them), its text is folded for search, and what a
summary adds up is taken from each side's official account. The index stores all of it in
columns and side tables (index.DIGEST_COLUMNS, index.SIDE_TABLES), so that `list`, `summary`
and `check` are answered by SQL without building a record again. Whatever changes a digest
(this code, the gazetteer, the sides) changes the index's fingerprint, which rebuilds it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .checks import evidence_rows, record_problems, references, spots, tag_rows
from .compare import CONFLICT, compare, default_columns, overview, started_by, verification
from .errors import Problem
from .formats import csv_line, item_json
from .index import Digest, Index, fingerprint, pack
from .model import Breakdown, Incident, Sides
from .places import Gazetteer
from .query import CHOSEN, LIST_COLUMNS, NAMES, Listed, all_places, haystack, list_row, prepare
from .store import PLACES_FILE, WEAPONS_FILE, Record, read_gazetteer, read_weapons
from .summary import Summary, both_principal, conflicting, facts, labels, summarise
from .weapons import WeaponKinds
from .yamlio import dump_yaml

_GAZETTEERS: dict[tuple[str, tuple[int, int] | None], Gazetteer] = {}


def gazetteer_of(root: Path) -> Gazetteer:
    """The directory's gazetteer, read once per process (worker processes read it too, since a
    gazetteer cannot be pickled) and again when places.yaml changes. Its problems are reported
    by the commands before any record is read."""
    key = (str(root), _version(root / PLACES_FILE))
    if key not in _GAZETTEERS:
        _GAZETTEERS[key] = read_gazetteer(root)[0]
    return _GAZETTEERS[key]


_WEAPONS: dict[tuple[str, tuple[int, int] | None], WeaponKinds] = {}


def weapons_of(root: Path) -> WeaponKinds:
    """The directory's weapon vocabulary, read once per process, again when weapons.yaml changes:
    a digest compares weapons as `diff ID` does (a Grad is a BM-21)."""
    key = (str(root), _version(root / WEAPONS_FILE))
    if key not in _WEAPONS:
        _WEAPONS[key] = read_weapons(root)[0]
    return _WEAPONS[key]


def _version(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def digest(
    incident: Incident | None, problems: list[Problem], path: Path, shown: str, root: Path, sides: Sides
) -> Digest:
    """A file's digest, given what reading it gave; its problems include the record checks'."""
    if incident is None:
        return Digest(problems)
    gazetteer = gazetteer_of(root)
    problems = problems + record_problems(Record(incident, path, shown), root, gazetteer)
    names = all_places(incident)
    ids: set[str] = set()
    unplaced = []
    for name in names:
        place = gazetteer.resolve_ref(name).place
        if place is None:
            unplaced.append(str(name))
        else:
            ids |= {place.id, *gazetteer.ancestors(place.id)}
    start, end = incident.span
    principal, spoke = list(sides.principal), default_columns(incident, sides)
    weapons = weapons_of(root)
    comparison = compare(incident, sides, spoke, gazetteer, weapons=weapons)  # as `diff ID`: Zod is Sotk
    conflict = any(r.verdict == CONFLICT for r in comparison.rows)
    row = list_row(Listed(incident, started_by(incident, sides), verification(incident, sides, conflict)))
    shown = comparison if spoke == principal else compare(incident, sides, principal, gazetteer, weapons=weapons)
    diffed = overview(incident, sides, principal, gazetteer, comparison=shown)
    columns = (
        incident.id,
        str(incident.status),
        incident.date.isoformat(),
        (incident.end_date or incident.date).isoformat(),
        start.isoformat(),
        end.isoformat(),
        "|" + "|".join(sorted(ids)) + "|",
        NAMES.join(str(n) for n in names),
        NAMES.join(unplaced) or None,
        both_principal(incident, sides),
        conflicting(incident, sides, comparison),
        *labels(incident),
        spots(incident),
    )
    regions = dict.fromkeys(gazetteer.display(name, "english") for name in incident.region)
    rows = {
        "refs": references(incident),
        "tags": tag_rows(incident),
        "regions": [(name,) for name in regions],
        "claimants": [(side,) for side in incident.claimants],
        "texts": [(haystack(incident),)],
        "evidence": evidence_rows(incident),
        "rendered": [
            (
                item_json(row),
                csv_line([row[column] for column in LIST_COLUMNS]),
                dump_yaml([row], fast=True),
                item_json(diffed),
                dump_yaml([diffed], fast=True),
            )
        ],
        **facts(incident, sides),
    }
    return Digest(problems, columns, rows)


def catalog(incidents: Iterable[Incident], sides: Sides, root: Path = Path("records")) -> Index:
    """An index in memory of typed incidents (no files): for the library's callers and tests
    that have incidents in hand and want what `list` or `summary` would say of them."""
    index = Index(root, fingerprint([]), use_file=False)
    for n, incident in enumerate(incidents):
        shown = f"{incident.id[:4]}/{incident.id}.yaml"
        found = digest(incident, [], root / shown, shown, root, sides)
        index.put(str(n), None, shown, pack((incident, found.problems)), found)
    index.save()
    return index


def summary_of(incidents: Iterable[Incident], sides: Sides, breakdown: Breakdown = Breakdown.MONTH) -> Summary:
    """What `summary` says of these incidents, all of them, whatever their checks say."""
    index = catalog(incidents, sides)
    prepare(index.db)
    index.db.execute(f"INSERT INTO {CHOSEN} SELECT num FROM files")
    return summarise(index.db, sides, breakdown)
