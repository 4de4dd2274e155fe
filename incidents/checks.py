"""`incidents check`: what is wrong across the records, beyond what one file can tell.

Loading already reports each file's own problems (syntax, types, required fields). These checks
need the whole directory or its settings: unique ids, ids that match their file names, sides the
directory knows, merges into incidents that exist. Every problem is a value with path and line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from .errors import Problem
from .model import Incident, Sides, line_at
from .places import Gazetteer, did_you_mean, uncertain_note
from .store import Loaded, Record


def check(loaded: Loaded, sides: Sides, gazetteer: Gazetteer | None = None) -> list[Problem]:
    """Every problem in the directory, in file and line order; warnings included."""
    problems = list(loaded.problems)
    ids: dict[str, list[Record]] = defaultdict(list)
    for record in loaded.records:
        ids[record.incident.id].append(record)
    for where, data in loaded.invalid:
        problems += side_problems(data, sides, where)
    for record in loaded.records:
        problems += _file_name(record, loaded)
        problems += _sides(record, sides)
        problems += _merge(record, ids)
        if gazetteer:
            problems += place_problems(record, gazetteer)
    for incident_id, records in ids.items():
        if len(records) > 1:
            others = ", ".join(_where(r) for r in records)
            problems += [
                Problem(
                    _where(r),
                    line_at(r.data, "id"),
                    "id",
                    f"{incident_id!r} is used by {len(records)} records: {others}",
                )
                for r in records
            ]
    return sorted(set(problems))


def _where(record: Record) -> str:
    return record.shown or str(record.path)


def _file_name(record: Record, loaded: Loaded) -> list[Problem]:
    incident = record.incident
    where, line = _where(record), line_at(record.data, "id")
    if record.path.stem != incident.id:
        return [
            Problem(
                where,
                line,
                "id",
                f"{incident.id!r} does not match the file name {record.path.name!r}; ids never change, so rename the file",
            )
        ]
    expected = loaded.root / incident.id[:4] / f"{incident.id}.yaml"
    if record.path != expected:
        return [
            Problem(
                where,
                line,
                "id",
                f"the record belongs at {incident.id[:4]}/{incident.id}.yaml in the records directory",
            )
        ]
    return []


def _sides(record: Record, sides: Sides) -> list[Problem]:
    return side_problems(record.data, sides, _where(record))


def side_problems(data: object, sides: Sides, where: str) -> list[Problem]:
    """Claims by, blaming or counting losses of sides the records directory does not know.

    Read from the record's plain data, so that it also runs on a record with other problems."""
    claims = data.get("claims") if isinstance(data, Mapping) else None
    if not isinstance(claims, list):
        return []
    known, hint = set(sides.ids), ", ".join(sides.ids)
    problems = []
    for index, claim in enumerate(claims):
        if not isinstance(claim, Mapping):
            continue
        named = [("side", claim.get("side")), ("initiator", claim.get("initiator"))]
        losses = claim.get("casualties")
        named += [(f"casualties.{side}", side) for side in losses] if isinstance(losses, Mapping) else []
        for field, value in named:
            if isinstance(value, str) and value and value not in known:
                line = line_at(data, "claims", index, *field.split("."))
                problems.append(
                    Problem(where, line, f"claims[{index}].{field}", f"unknown side {value!r} (known: {hint})")
                )
    return problems


def _merge(record: Record, ids: dict[str, list[Record]]) -> list[Problem]:
    incident: Incident = record.incident
    target = incident.merged_into
    if not target:
        return []
    line = line_at(record.data, "merged_into")
    if target == incident.id:
        return [Problem(_where(record), line, "merged_into", "an incident cannot be merged into itself")]
    if target not in ids:
        return [Problem(_where(record), line, "merged_into", f"no incident with id {target!r}")]
    return []


def place_names(incident: Incident) -> list[tuple[tuple[object, ...], str]]:
    """Every place name in a record with the key path to it (for its line)."""
    found: list[tuple[tuple[object, ...], str]] = []
    for key in ("places", "region"):
        found += [((key, n), name) for n, name in enumerate(getattr(incident, key))]
    for index, claim in enumerate(incident.claims):
        found += [(("claims", index, "places", n), name) for n, name in enumerate(claim.places)]
    return found


def _field(keys: tuple[object, ...]) -> str:
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else f".{key}"
    return text.lstrip(".")


def place_problems(record: Record, gazetteer: Gazetteer) -> list[Problem]:
    """Ambiguous names are errors (they must be qualified); unknown or uncertain ones are warnings."""
    problems = []
    for keys, name in place_names(record.incident):
        resolution = gazetteer.resolve(name)
        line = line_at(record.data, *keys)
        if resolution.ambiguous:
            forms = " or ".join(repr(f) for f in gazetteer.qualified_forms(resolution))
            problems.append(Problem(_where(record), line, _field(keys), f"{name!r} is ambiguous: write {forms}"))
        elif not resolution.candidates:
            hint = did_you_mean(gazetteer, name)
            message = f"unknown place {name!r}{hint}; add it to places.yaml in the records directory"
            problems.append(Problem(_where(record), line, _field(keys), message, "warning"))
        elif resolution.uncertain:
            problems.append(Problem(_where(record), line, _field(keys), uncertain_note(resolution), "warning"))
    return problems
