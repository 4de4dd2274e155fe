"""`incidents check`: what is wrong across the records, beyond what one file can tell.

Reading already reports each file's own problems (syntax, types, required fields, sides the
directory does not know). Two lists of checks add to them, each a function (beancount's
validations are the model) whose problems are values located by the record's own `Meta`:

- RECORD_CHECKS judge one record: ids that match their file names, places the gazetteer
  cannot settle, implausible dates, addresses, figures lower than an earlier "at least". They
  run when a file is read, and what they find is kept in the index with the file's problems.
- DIRECTORY_CHECKS need every record: unique ids, merges and links to incidents that exist,
  dates after today, tags in two spellings. They run over the index's tables, which hold the
  whole directory, so that `check` at 100,000 records is a few queries.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from .compare import chronological
from .errors import Problem, Severity
from .model import Count, Incident, Meta, PlaceRef
from .places import Gazetteer, did_you_mean, did_you_mean_id, fold, uncertain_note
from .store import Record

RecordCheck = Callable[[Record, Path, Gazetteer], Iterable[Problem]]
"""A validation of one record file (the record, the records directory, the gazetteer)."""


def record_problems(record: Record, root: Path, gazetteer: Gazetteer) -> list[Problem]:
    """What the checks of one file find; run when the file is read, and kept in the index."""
    return [problem for validation in RECORD_CHECKS for problem in validation(record, root, gazetteer)]


def check(db: sqlite3.Connection, today: date | None = None, warnings: bool = True) -> list[Problem]:
    """What the checks across the records find in the index's tables, which hold the whole
    directory: ids used twice, links and merges to no recorded incident, dates after today
    (today changes, the files do not), one tag in two spellings. Without `warnings`, only the
    checks that can find an error run (what keeps records out of `list`)."""
    problems: list[Problem] = []
    for validation in DIRECTORY_CHECKS if warnings else ERROR_CHECKS:
        problems += validation(db, today or date.today())
    return problems


def _problem(meta: Meta, key: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(meta.path, meta.line_of(key), meta.field(key), message, severity)


def spots(incident: Incident) -> str:
    """Where a record's id and date stand (line, field), for the problems found across records."""
    meta = incident.meta
    return json.dumps({key: [meta.line_of(key), meta.field(key)] for key in ("id", "date")})


def _spot(shown: str, spots_text: str, key: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    line, name = json.loads(spots_text)[key]
    return Problem(shown, line, name, message, severity)


def unique_ids(db: sqlite3.Connection, today: date) -> list[Problem]:
    """Two files with one id: each names the others, and all are left out until one is renamed."""
    ids: dict[str, list[tuple[str, str]]] = defaultdict(list)
    query = (
        "SELECT id, shown, spots FROM files WHERE id IN"
        " (SELECT id FROM files WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1) ORDER BY path"
    )
    for incident_id, shown, spots_text in db.execute(query):
        ids[incident_id].append((shown, spots_text))
    problems = []
    for incident_id, records in ids.items():
        for shown, spots_text in records:
            others = [other for other, _ in records if other != shown]
            named = ", ".join(others[:NAMED_OTHERS])
            more = f" and {len(others) - NAMED_OTHERS} more" if len(others) > NAMED_OTHERS else ""
            message = f"{incident_id!r} is used by {len(records)} records; also by {named}{more}"
            problems.append(_spot(shown, spots_text, "id", message))
    return problems


NAMED_OTHERS = 3  # an id in 33 files would otherwise print 33 lines of 33 paths


def references(incident: Incident) -> list[tuple[str, str, int, str]]:
    """The incidents a record names (target, what names it, line, field): its merge, its links."""
    meta = incident.meta
    found = [(incident.merged_into, MERGED, meta.line_of("merged_into"), meta.field("merged_into"))]
    found = found if incident.merged_into else []
    for index, link in enumerate(incident.links):
        key = f"links[{index}]"
        found.append((link.id, str(link.type), meta.line_of(key), meta.field(key)))
    return found


MERGED = "merged_into"


def reference_problem(
    shown: str, own: str, target: str, kind: str, line: int, name: str, exists: bool
) -> Problem | None:
    """A merge or link to itself, or to no recorded incident."""
    if target == own:
        what = "merged into" if kind == MERGED else "linked to"
        return Problem(shown, line, name, f"an incident cannot be {what} itself")
    if not exists:
        prefix = "" if kind == MERGED else f"{kind}: "
        return Problem(shown, line, name, f"{prefix}no incident with id {target!r}")
    return None


def dangling(db: sqlite3.Connection, today: date) -> list[Problem]:
    """A merge or a link names a recorded incident other than its own."""
    query = (
        "SELECT f.shown, f.id, r.target, r.kind, r.line, r.field,"
        " EXISTS (SELECT 1 FROM files g WHERE g.id = r.target) FROM refs r JOIN files f USING (num)"
    )
    found = (reference_problem(*row[:6], bool(row[6])) for row in db.execute(query))
    return [problem for problem in found if problem]


def future(shown: str, day: date, spots_text: str, today: date) -> Problem | None:
    """An incident after today is an error: nothing has been reported of it yet."""
    if day <= today:
        return None
    return _spot(shown, spots_text, "date", f"{day} is after today ({today}): a slip?")


def future_dates(db: sqlite3.Connection, today: date) -> list[Problem]:
    query = "SELECT shown, day, spots FROM files WHERE day > ?"
    found = (
        future(shown, date.fromisoformat(day), s, today) for shown, day, s in db.execute(query, (today.isoformat(),))
    )
    return [problem for problem in found if problem]


def tag_spellings(db: sqlite3.Connection, today: date) -> list[Problem]:
    """One tag in two spellings ('Shelling', 'shelling'; 'ceasefire violations',
    'ceasefire-violations') splits what should be counted together: a warning at each record
    that uses the rarer spelling, naming the commoner one (of two as common, the one in the
    first file)."""
    counts = db.execute(
        "SELECT fold, tag, count(*), min(num) FROM tags WHERE fold IN"
        " (SELECT fold FROM tags GROUP BY fold HAVING count(DISTINCT tag) > 1) GROUP BY fold, tag"
    ).fetchall()
    usual: dict[str, str] = {}
    for fold_key, tag, _, _ in sorted(counts, key=lambda row: (-row[2], row[3])):
        usual.setdefault(fold_key, tag)
    problems = []
    query = (
        "SELECT f.shown, t.tag, t.line, t.field FROM tags t JOIN files f USING (num) WHERE t.fold = ? AND t.tag != ?"
    )
    for fold_key, tag in usual.items():
        for shown, rare, line, name in db.execute(query, (fold_key, tag)):
            message = f"tag {rare!r} is written {tag!r} elsewhere; use one spelling"
            problems.append(Problem(shown, line, name, message, Severity.WARNING))
    return problems


def tag_rows(incident: Incident) -> list[tuple[str, str, int, str]]:
    """(tag, its folded key, line, field) for each of a record's tags."""
    meta = incident.meta
    return [
        (tag, fold(tag), meta.line_of(f"tags[{n}]"), meta.field(f"tags[{n}]")) for n, tag in enumerate(incident.tags)
    ]


def file_names(record: Record, root: Path, gazetteer: Gazetteer) -> list[Problem]:
    """A record lives at `<year>/<id>.yaml`: the id gives the path, so `show ID` needs no search."""
    incident = record.incident
    if record.path.stem != incident.id:
        message = (
            f"{incident.id!r} does not match the file name {record.path.name!r}; ids never change, so rename the file"
        )
        return [_problem(incident.meta, "id", message)]
    if record.path != root / incident.id[:4] / f"{incident.id}.yaml":
        message = f"the record belongs at {incident.id[:4]}/{incident.id}.yaml in the records directory"
        return [_problem(incident.meta, "id", message)]
    return []


def place_names(incident: Incident) -> list[tuple[Meta, str, PlaceRef | str]]:
    """Every place in a record: the object that holds it, its field, the place."""
    found = [
        (incident.meta, f"{key}[{n}]", name)
        for key in ("places", "region")
        for n, name in enumerate(getattr(incident, key))
    ]
    for claim in incident.claims:
        found += [(claim.meta, f"places[{n}]", name) for n, name in enumerate(claim.places)]
    return found


def places(record: Record, root: Path, gazetteer: Gazetteer) -> list[Problem]:
    """Ambiguous names are errors (they must be qualified); unknown or uncertain ones are warnings."""
    problems = []
    for meta, key, ref in place_names(record.incident):
        name = str(ref)
        resolution = gazetteer.resolve_ref(ref)
        if isinstance(ref, PlaceRef) and ref.means and not resolution.candidates:
            message = (
                f"means: no place with id {ref.means!r} in the gazetteer{did_you_mean_id(ref.means, gazetteer.places)}"
            )
            problems.append(_problem(meta, key, message))
        elif resolution.ambiguous:
            forms = " or ".join(repr(f) for f in gazetteer.qualified_forms(resolution))
            problems.append(_problem(meta, key, f"{name!r} is ambiguous: write {forms}"))
        elif not resolution.candidates:
            hint = did_you_mean(gazetteer, name)
            message = f"unknown place {name!r}{hint}; add it to places.yaml in the records directory"
            problems.append(_problem(meta, key, message, Severity.WARNING))
        elif resolution.uncertain:
            problems.append(_problem(meta, key, uncertain_note(resolution), Severity.WARNING))
    return problems


def plausible_dates(record: Record, root: Path, gazetteer: Gazetteer) -> list[Problem]:
    """A statement reported before the incident began, or a source dated before the statement
    it reports, is a warning: each is usually a slip of a digit, but a source may say so. (An
    incident after today is an error, found by `future_dates`: today changes, the file not.)"""
    incident, problems = record.incident, []
    for claim in incident.claims:
        said = claim.reported.day if claim.reported else None
        if said and said < incident.date:
            message = f"the statement ({said}) is dated before the incident began ({incident.date})"
            problems.append(_problem(claim.meta, "reported", message, Severity.WARNING))
        published = claim.source.date
        if said and published and published < said:
            message = f"the source ({published}) is dated before the statement it reports ({said})"
            problems.append(_problem(claim.source.meta, "date", message, Severity.WARNING))
    return problems


def urls(record: Record, root: Path, gazetteer: Gazetteer) -> list[Problem]:
    """A source's url is a web address (http or https, with a host), or the source cannot be read."""
    problems = []
    for source in [*record.incident.sources, *(c.source for c in record.incident.claims)]:
        if source.url and not _is_url(source.url):
            problems.append(_problem(source.meta, "url", f"{source.url!r} is not a web address (http:// or https://)"))
    return sorted(set(problems))


def _is_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and "." in parts.netloc and not any(c.isspace() for c in text.strip())


def lower_than_at_least(record: Record, root: Path, gazetteer: Gazetteer) -> list[Problem]:
    """A voice that said "at least N" and later gives fewer than N, with no revision named, has
    probably been misread: a warning at the later figure."""
    problems = []
    floors: dict[tuple[str, str, tuple[str, bool, str]], Count] = {}
    for claim in chronological(record.incident.claims):
        voice = (claim.side, (claim.by or "").casefold())
        for figure in claim.casualties:
            key = (*voice, figure.key)
            floor = floors.get(key)
            if floor and figure.count.high is not None and figure.count.high < floor.low and not claim.revises:
                message = f"{figure.count} is fewer than the same voice's earlier 'at least {floor.low}'"
                problems.append(_problem(claim.meta, f"casualties.{figure.side}", message, Severity.WARNING))
            if figure.count.high is None and figure.count.numbered:
                floors[key] = figure.count
    return problems


RECORD_CHECKS: tuple[RecordCheck, ...] = (file_names, places, plausible_dates, urls, lower_than_at_least)
"""The validations of one record file, run when it is read."""

DIRECTORY_CHECKS: tuple[Callable[[sqlite3.Connection, date], list[Problem]], ...] = (
    unique_ids, dangling, future_dates, tag_spellings,
)  # fmt: skip
"""The validations across the records, run over the index on every `check` (and every read)."""

ERROR_CHECKS = tuple(c for c in DIRECTORY_CHECKS if c is not tag_spellings)  # it only ever warns


def evidence_rows(incident: Incident) -> list[tuple[str, str, int, int, str]]:
    """(file, sha256, size, line, field) of each copy a record keeps: the index's evidence table."""
    rows = []
    for n, kept in enumerate(incident.evidence):
        meta = incident.meta
        rows.append((kept.file, kept.sha256, kept.size, meta.line_of(f"evidence[{n}]"), meta.field(f"evidence[{n}]")))
    return rows


def evidence(db: sqlite3.Connection, root: Path, hashes: bool = True) -> list[Problem]:
    """Every kept copy is there, of its size, and (with `hashes`, as `check` asks) of its
    SHA-256: a copy that changed is no longer what was read. Listings check sizes only."""
    from .store import EVIDENCE_FOLDER, sha256_of

    problems = []
    query = "SELECT f.shown, e.file, e.sha256, e.size, e.line, e.field FROM evidence e JOIN files f USING (num)"
    for shown, file, sha256, size, line, name in db.execute(query):
        path = root / EVIDENCE_FOLDER / file
        if ".." in Path(file).parts or not path.is_file():
            problems.append(Problem(shown, line, name, f"the copy {EVIDENCE_FOLDER}/{file} is missing"))
        elif path.stat().st_size != size:
            problems.append(
                Problem(
                    shown,
                    line,
                    name,
                    f"the copy {EVIDENCE_FOLDER}/{file} is {path.stat().st_size:,} bytes, not {size:,}: it changed",
                )
            )
        elif hashes and sha256_of(path) != sha256:
            problems.append(
                Problem(shown, line, name, f"the copy {EVIDENCE_FOLDER}/{file} no longer has its SHA-256: it changed")
            )
    return problems
