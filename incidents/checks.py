"""`incidents check`: what is wrong across the records, beyond what one file can tell.

Reading already reports each file's own problems (syntax, types, required fields, sides the
directory does not know). These checks need the whole directory: unique ids, ids that match
their file names, merges into incidents that exist, places the gazetteer cannot settle. Each is
a function over typed records (beancount's validations are the model); every problem is a
value located by the record's own `Meta`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from urllib.parse import urlsplit

from .compare import chronological
from .errors import Problem, Severity
from .model import Count, Incident, Meta, PlaceRef
from .places import Gazetteer, did_you_mean, did_you_mean_id, fold, uncertain_note
from .store import Loaded, Record

Check = Callable[[Loaded, Gazetteer | None], Iterable[Problem]]


def check(loaded: Loaded, gazetteer: Gazetteer | None = None) -> list[Problem]:
    """Every problem in the directory, in file and line order; warnings included."""
    problems = list(loaded.problems)
    for validation in CHECKS:
        problems += validation(loaded, gazetteer)
    return sorted(set(problems))


def _problem(meta: Meta, key: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(meta.path, meta.line_of(key), meta.field(key), message, severity)


def unique_ids(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """Two files with one id: each names the other, and both are left out until one is renamed."""
    ids: dict[str, list[Record]] = defaultdict(list)
    for record in loaded.records:
        ids[record.incident.id].append(record)
    problems = []
    for incident_id, records in ids.items():
        if len(records) > 1:
            for record in records:
                others = [r.shown for r in records if r is not record]
                named = ", ".join(others[:NAMED_OTHERS])
                more = f" and {len(others) - NAMED_OTHERS} more" if len(others) > NAMED_OTHERS else ""
                message = f"{incident_id!r} is used by {len(records)} records; also by {named}{more}"
                problems.append(_problem(record.incident.meta, "id", message))
    return problems


NAMED_OTHERS = 3  # an id in 33 files would otherwise print 33 lines of 33 paths


def file_names(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """A record lives at `<year>/<id>.yaml`: the id gives the path, so `show ID` needs no search."""
    problems = []
    for record in loaded.records:
        incident = record.incident
        if record.path.stem != incident.id:
            message = f"{incident.id!r} does not match the file name {record.path.name!r}; ids never change, so rename the file"
            problems.append(_problem(incident.meta, "id", message))
        elif record.path != loaded.root / incident.id[:4] / f"{incident.id}.yaml":
            message = f"the record belongs at {incident.id[:4]}/{incident.id}.yaml in the records directory"
            problems.append(_problem(incident.meta, "id", message))
    return problems


def merges(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """A merged record names an incident that exists, and not itself."""
    problems = []
    for record in loaded.records:
        incident: Incident = record.incident
        target = incident.merged_into
        if target == incident.id:
            problems.append(_problem(incident.meta, "merged_into", "an incident cannot be merged into itself"))
        elif target and not loaded.recorded(target):
            problems.append(_problem(incident.meta, "merged_into", f"no incident with id {target!r}"))
    return problems


def links(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """A link names a recorded incident other than its own."""
    problems = []
    for record in loaded.records:
        incident = record.incident
        for index, link in enumerate(incident.links):
            key = f"links[{index}]"
            if link.id == incident.id:
                problems.append(_problem(incident.meta, key, "an incident cannot be linked to itself"))
            elif not loaded.recorded(link.id):
                problems.append(_problem(incident.meta, key, f"{link.type}: no incident with id {link.id!r}"))
    return problems


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


def places(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """Ambiguous names are errors (they must be qualified); unknown or uncertain ones are warnings."""
    if gazetteer is None:
        return []
    problems = []
    for record in loaded.records:
        for meta, key, ref in place_names(record.incident):
            name = str(ref)
            resolution = gazetteer.resolve_ref(ref)
            if isinstance(ref, PlaceRef) and ref.means and not resolution.candidates:
                message = f"means: no place with id {ref.means!r} in the gazetteer{did_you_mean_id(ref.means, gazetteer.places)}"
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


def plausible_dates(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """An incident after today is an error (nothing has been reported of it yet); a statement
    reported before the incident began, or a source dated before the statement it reports, is a
    warning: each is usually a slip of a digit, but a source may say so."""
    today, problems = date.today(), []
    for record in loaded.records:
        incident = record.incident
        if incident.date > today:
            problems.append(_problem(incident.meta, "date", f"{incident.date} is after today ({today}): a slip?"))
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


def urls(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """A source's url is a web address (http or https, with a host), or the source cannot be read."""
    problems = []
    for record in loaded.records:
        sources = [*record.incident.sources, *(c.source for c in record.incident.claims)]
        for source in sources:
            if source.url and not _is_url(source.url):
                problems.append(
                    _problem(source.meta, "url", f"{source.url!r} is not a web address (http:// or https://)")
                )
    return sorted(set(problems))


def _is_url(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and "." in parts.netloc and not any(c.isspace() for c in text.strip())


def tag_spellings(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """One tag in two spellings ('Shelling', 'shelling'; 'ceasefire violations',
    'ceasefire-violations') splits what should be counted together: a warning at each record
    that uses the rarer spelling, naming the commoner one."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for record in loaded.records:
        for tag in record.incident.tags:
            spellings[fold(tag)][tag] += 1
    problems = []
    for record in loaded.records:
        for index, tag in enumerate(record.incident.tags):
            usual = spellings[fold(tag)].most_common(1)[0][0]
            if tag != usual:
                message = f"tag {tag!r} is written {usual!r} elsewhere; use one spelling"
                problems.append(_problem(record.incident.meta, f"tags[{index}]", message, Severity.WARNING))
    return problems


def lower_than_at_least(loaded: Loaded, gazetteer: Gazetteer | None) -> list[Problem]:
    """A voice that said "at least N" and later gives fewer than N, with no revision named, has
    probably been misread: a warning at the later figure."""
    problems = []
    for record in loaded.records:
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


CHECKS: tuple[Check, ...] = (
    unique_ids, file_names, merges, links, places, plausible_dates, urls, tag_spellings, lower_than_at_least,
)  # fmt: skip
"""The validations `check` runs, in order; each takes the loaded directory and the gazetteer."""
