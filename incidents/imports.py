"""Records in from tables: a spreadsheet through a rules file (`incidents import FILE --format
csv --rules RULES`), and an extract of ACLED's data (`--format acled`).

A rules file says which column fills which field, as hledger's CSV rules do for a bank's
export: a spreadsheet kept by a team, an extract of another dataset. It is YAML:

    fields:                       # the incident's fields: a column, or "=a constant"
      id: ID
      date: Date
      title: Title
      places: Place               # a list field: the cell split on ";"
    claim:                        # optional: each row also gives one claim of its incident
      side: Side
      source.title: Source
      casualties.armenia.killed: Killed

Rows with the same id are one incident, its fields from the first of them and a claim from
each. An empty cell fills nothing. What the rows make is then read as any record file is, so
every problem names the file, the row's line and the field.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .dates import DateError, parse_date
from .entry import put
from .errors import Problem, UsageError
from .places import Gazetteer, Place, distance_km
from .yamlio import YamlSyntaxError, read_yaml

LIST_FIELDS = {"places", "region", "tags", "claim.places", "claim.weapons"}
Row = tuple[Any, Any]  # (line or Lines, record data) or (line, Problem)


@dataclass(frozen=True)
class Lines:
    """Where an incident made of spreadsheet rows stands: its first row, and each claim's row,
    so that a problem in claims[2] is named on the row that gave it. `columns` names, for each
    field path, the column that filled it, for the message."""

    first: int
    claims: tuple[int, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()

    def of(self, field: str) -> tuple[int, str]:
        """The line and the column (or "") of a problem in that field."""
        match = re.match(r"claims\[(\d+)\]\.?(.*)", field)
        if match and int(match[1]) < len(self.claims):
            line, path, part = self.claims[int(match[1])], match[2], "claim."
        else:
            line, path, part = self.first, field, ""
        column = dict(self.columns).get(part + re.sub(r"\[\d+\]$", "", path), "")
        return line, column


DATE_TARGETS = {"date", "end_date", "source.date", "claim.source.date"}  # read as people write them
TIME_TARGETS = {"claim.reported"}  # a day as people write it, or left for the reader (2023-03-09 12:59)


def read_rules(path: Path) -> dict[str, dict[str, str]]:
    """The rules file: `fields` and `claim`, each field path -> column (or "=constant"); a path
    that names no field of the record format is refused on its line of the rules file."""
    from .spec import CLAIM, INCIDENT

    try:
        data = read_yaml(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--rules: {path}: cannot read it: {exc}") from exc
    except YamlSyntaxError as exc:
        raise UsageError(f"--rules: {path}:{exc.line}: YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise UsageError(f"--rules: {path}: expected `fields:`, a mapping of record fields to columns")
    rules = {part: dict(data.get(part) or {}) for part in ("fields", "claim")}
    for part, record in (("fields", INCIDENT), ("claim", CLAIM)):
        lines = getattr(data.get(part), "key_lines", {})
        for target, column in rules[part].items():
            where = f"{path}:{lines.get(target, 0)}" if lines.get(target) else str(path)
            if not isinstance(column, str) or not column:
                raise UsageError(f"--rules: {where}: {part}.{target}: give a column name, or '=a constant'")
            known = [f.name for f in record.fields]
            if str(target).split(".")[0] not in known:
                close = difflib.get_close_matches(str(target), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise UsageError(
                    f"--rules: {where}: {part}.{target}: no such field of a{'' if part == 'claim' else 'n'} {record.name}{hint}"
                )
    return rules


def csv_records(path: Path, rules: dict[str, dict[str, str]]) -> Iterator[Row]:
    """Each incident the rows make, as record data with its Lines. A row with more or fewer
    cells than the header, or a quote left open, is a problem on its line, never a record."""
    text = _read(path)
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise UsageError(f"{path}:1: CSV: {exc}") from None
    wanted = {c for mapping in rules.values() for c in mapping.values() if not c.startswith("=")}
    missing = sorted(wanted - set(header))
    if missing:
        raise UsageError(f"--rules: {path}:1 has no column {', '.join(repr(c) for c in missing)}")
    columns = tuple(
        [(target, column) for target, column in rules["fields"].items()]
        + [(f"claim.{target}", column) for target, column in rules["claim"].items()]
    )
    incidents: dict[str, tuple[int, dict[str, Any], list[int]]] = {}
    order: list[str] = []
    end = reader.line_num
    while True:
        line = end + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            yield line, Problem(str(path), line, "", f"CSV: {exc}")
            return
        end = reader.line_num
        if cells is None:
            break
        if not any(c.strip() for c in cells):
            continue  # a blank row
        if len(cells) != len(header):
            yield line, Problem(str(path), line, "", f"{len(cells)} cells where the header has {len(header)}")
            continue
        row = dict(zip(header, cells, strict=True))
        record, problems = _filled(row, rules["fields"], str(path), line)
        claim, more = _filled(row, rules["claim"], str(path), line, "claim.") if rules["claim"] else ({}, [])
        yield from ((line, p) for p in problems + more)
        key = str(record.get("id") or f"line {line}")
        if key not in incidents:
            incidents[key] = (line, record, [])
            order.append(key)
        elif any(incidents[key][1].get(k) != v for k, v in record.items() if k != "claims"):
            field = next(k for k, v in record.items() if incidents[key][1].get(k) != v)
            yield line, Problem(str(path), line, field, f"another {field} for {key} than on line {incidents[key][0]}")
        if claim:
            incidents[key][1].setdefault("claims", []).append(claim)
            incidents[key][2].append(line)
    for key in order:
        first, record, claim_lines = incidents[key]
        yield Lines(first, tuple(claim_lines), columns), record


def _filled(
    row: dict[str, str], mapping: dict[str, str], shown: str, line: int, prefix: str = ""
) -> tuple[dict[str, Any], list[Problem]]:
    """The record data a row gives by the mapping, and the problems of its dates."""
    data: dict[str, Any] = {}
    problems = []
    for target, column in mapping.items():
        value = column[1:] if column.startswith("=") else (row.get(column) or "").strip()
        if not value:
            continue
        path = f"{prefix}{target}"
        if path in LIST_FIELDS:
            put(data, target, [part.strip() for part in value.split(";") if part.strip()])
            continue
        if path in DATE_TARGETS or (path in TIME_TARGETS and ":" not in value):
            try:
                value = parse_date(value).date.isoformat()
            except DateError as exc:
                if path in DATE_TARGETS:
                    problems.append(Problem(shown, line, path.removeprefix("claim."), f"{exc} (column {column})"))
                    continue
        put(data, target, value)
    return data, problems


# --- ACLED -------------------------------------------------------------------------------------

ACLED_SIDE = "acled"
ACLED_NEEDED = ("event_id_cnty", "event_date", "notes")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")  # ACLED's codebook: dd-mm-yyyy


ADMINISTRATIVE = ("province", "district", "region", "autonomous-republic")


def acled_records(path: Path, gazetteer: Gazetteer) -> Iterator[Row]:
    """Each row of an ACLED extract (ACLED's own column names, as its export tool and API give
    them) as one incident with one claim: ACLED's, since what a row says is ACLED's coding of
    what its sources reported (docs/output.md gives the rules). Nothing is judged or made up:
    `notes` is the statement, as ACLED wrote it; fatalities, actors, coordinates and ACLED's own
    sources go into the claim's note as ACLED gives them, since ACLED does not say whose the
    dead were, which a casualty figure here must."""
    text = _read(path)
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ACLED_NEEDED if c not in (reader.fieldnames or [])]
    if missing:
        raise UsageError(f"{path}: not an ACLED extract: no column {', '.join(missing)}")
    for row in reader:
        line = reader.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        refused = _acled_problems(cells, gazetteer)
        if refused:
            yield from ((line, Problem(str(path), line, column, message)) for column, message in refused)
            continue
        try:
            yield line, _acled_incident(cells, gazetteer)
        except DateError as exc:
            yield line, Problem(str(path), line, "event_date", str(exc))


NEAR_KM = 25  # ACLED's coordinates and the gazetteer's for one place lie closer than this


def _acled_problems(row: dict[str, str], gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """What in an ACLED row cannot be read as ACLED's codebook defines it, by column; and a
    location the gazetteer puts far from ACLED's own coordinates (Aghdam of Tovuz is not the
    Aghdam of Karabakh), which would otherwise be filed silently in the wrong place."""
    found = []
    if row.get("time_precision", "") not in ("", "1", "2", "3"):
        found.append(("time_precision", f"ACLED codes 1, 2 or 3, not {row['time_precision']!r}"))
    if row.get("fatalities") and not (row["fatalities"].isdigit() and len(row["fatalities"]) <= 6):
        found.append(("fatalities", f"expected ACLED's count, a whole number, not {row['fatalities']!r}"))
    if not row.get("event_id_cnty"):
        found.append(("event_id_cnty", "is empty: each ACLED event has its id"))
    point = _coordinates(row)
    if point is None and (row.get("latitude") or row.get("longitude")):
        found.append(("latitude", f"expected degrees, not {row.get('latitude')!r}, {row.get('longitude')!r}"))
    place = _nearest(row.get("location", ""), point, gazetteer)
    if point and place and place.lat is not None and place.lon is not None:
        away = distance_km(point, (place.lat, place.lon))
        if away > NEAR_KM:
            found.append(("location", f"{row['location']!r} is, in the gazetteer, {place.name} ({place.lat}, {place.lon}),"
                          f" {away:.0f} km from ACLED's ({point[0]}, {point[1]}): add the place ACLED means to"
                          " places.yaml in the records directory, with its coordinates"))  # fmt: skip
    return found


def _coordinates(row: dict[str, str]) -> tuple[float, float] | None:
    try:
        lat, lon = float(row.get("latitude", "")), float(row.get("longitude", ""))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _nearest(name: str, point: tuple[float, float] | None, gazetteer: Gazetteer) -> Place | None:
    """The place the location names: the one the gazetteer gives, or of several of that name
    the one nearest ACLED's coordinates."""
    if not name:
        return None
    candidates = [p for p in gazetteer.resolve(name).candidates if p.lat is not None and p.lon is not None]
    if point is None or len(candidates) < 2:
        return candidates[0] if len(candidates) == 1 else None
    return min(candidates, key=lambda p: distance_km(point, (p.lat or 0.0, p.lon or 0.0)))


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it: {exc}") from exc


def _acled_date(text: str) -> date:
    """ACLED's event_date: 2020-07-12, 12 July 2020, or its codebook's day-first 12-07-2020."""
    if day_first := _DAY_FIRST.match(text):
        day, month, year = map(int, day_first.groups())
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise DateError(f"{text!r} is not a real date ({exc})") from None
    return parse_date(text).date


def _unit(name: str, gazetteer: Gazetteer) -> str:
    """ACLED's admin1 or admin2, as it writes it; where the gazetteer has that name for an
    administrative unit and for other places too (Tavush: a province and a village), with the
    unit's type beside it ('Tavush (province)'), the form a record uses to say which it means."""
    found = gazetteer.resolve(name)
    units = [p for p in found.candidates if p.type in ADMINISTRATIVE]
    return f"{name} ({units[0].type})" if found.ambiguous and len(units) == 1 else name


def _acled_incident(row: dict[str, str], gazetteer: Gazetteer) -> dict[str, Any]:
    event = row["event_id_cnty"]
    day = _acled_date(row["event_date"])
    place = row.get("location", "")
    kind = row.get("sub_event_type") or row.get("event_type")
    data: dict[str, Any] = {
        "id": f"{day.isoformat()}-acled-{re.sub(r'[^a-z0-9]+', '-', event.casefold()).strip('-')}",
        "title": f"{kind} in {place}" if kind and place else f"ACLED event {event}",
        "date": day.isoformat(),
    }
    precision = row.get("time_precision", "1")
    if precision == "2":  # within a week, ACLED giving its middle day: the 7 days around it
        data.update(date=(day - timedelta(days=3)).isoformat(), end_date=(day + timedelta(days=3)).isoformat(),
                    date_precision="days")  # fmt: skip
    elif precision == "3":
        data["date_precision"] = "month"
    if place:
        chosen = _nearest(place, _coordinates(row), gazetteer)
        several = len(gazetteer.resolve(place).candidates) > 1
        data["places"] = [{"name": place, "means": chosen.id} if several and chosen else place]
    regions = list(dict.fromkeys(_unit(r, gazetteer) for r in (row.get("admin1"), row.get("admin2")) if r))
    if regions:
        data["region"] = regions
    claim: dict[str, Any] = {"side": ACLED_SIDE, "by": "ACLED", "statement": row["notes"] or None}
    claim["source"] = {"ref": f"ACLED {event}", "publisher": "ACLED"}
    stamp = row.get("timestamp", "")
    if stamp.isdigit() and len(stamp) <= 12:
        claim["source"]["date"] = datetime.fromtimestamp(int(stamp), timezone.utc).date().isoformat()
    claim["note"] = _acled_note(row, precision)
    data["claims"] = [{k: v for k, v in claim.items() if v}]
    return data


def _acled_note(row: dict[str, str], precision: str) -> str:
    """ACLED's codes, as it gives them, for what a claim here has no field for."""
    given = [
        ("event type", " / ".join(v for v in (row.get("event_type"), row.get("sub_event_type")) if v)),
        ("actors", " / ".join(v for v in (row.get("actor1"), row.get("actor2")) if v)),
        ("fatalities", f"{row['fatalities']} (ACLED's total for the event; it does not say whose)"
         if row.get("fatalities") else ""),
        ("coordinates", f"{row['latitude']}, {row['longitude']} (geo_precision {row.get('geo_precision') or '?'})"
         if row.get("latitude") and row.get("longitude") else ""),
        ("time_precision", {"2": "2 (a week: ACLED gives its middle day, " + row["event_date"] + ")",
                            "3": "3 (a month: ACLED gives its middle day, " + row["event_date"] + ")"}.get(precision, "")),
        ("sources", row.get("source", "")),
    ]  # fmt: skip
    return "ACLED " + "; ".join(f"{label}: {value}" for label, value in given if value)
