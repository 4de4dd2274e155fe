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
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .dates import DateError, parse_date
from .entry import put
from .errors import Problem, UsageError
from .places import Gazetteer
from .yamlio import YamlSyntaxError, read_yaml

LIST_FIELDS = {"places", "region", "tags", "claim.places", "claim.weapons"}
Row = tuple[int, Any]  # (line, record data) or (line, Problem)


def read_rules(path: Path) -> dict[str, dict[str, str]]:
    """The rules file: `fields` and `claim`, each field path -> column (or "=constant")."""
    try:
        data = read_yaml(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--rules: {path}: cannot read it: {exc}") from exc
    except YamlSyntaxError as exc:
        raise UsageError(f"--rules: {path}:{exc.line}: YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise UsageError(f"--rules: {path}: expected `fields:`, a mapping of record fields to columns")
    rules = {part: dict(data.get(part) or {}) for part in ("fields", "claim")}
    for part, mapping in rules.items():
        for target, column in mapping.items():
            if not isinstance(column, str) or not column:
                raise UsageError(f"--rules: {path}: {part}.{target}: give a column name, or '=a constant'")
    return rules


def csv_records(path: Path, rules: dict[str, dict[str, str]]) -> Iterator[Row]:
    """Each incident the rows make, as record data with the line of its first row."""
    text = _read(path)
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or [])
    wanted = {c for mapping in rules.values() for c in mapping.values() if not c.startswith("=")}
    missing = sorted(wanted - columns)
    if missing:
        raise UsageError(f"--rules: {path} has no column {', '.join(repr(c) for c in missing)}")
    incidents: dict[str, tuple[int, dict[str, Any]]] = {}
    order: list[str] = []
    for row in reader:
        line = reader.line_num
        record = _filled(row, rules["fields"])
        key = str(record.get("id") or f"line {line}")
        if key not in incidents:
            incidents[key] = (line, record)
            order.append(key)
        elif any(incidents[key][1].get(k) != v for k, v in record.items()):
            field = next(k for k, v in record.items() if incidents[key][1].get(k) != v)
            yield line, Problem(str(path), line, field, f"another {field} for {key} than on line {incidents[key][0]}")
        if rules["claim"]:
            claim = _filled(row, rules["claim"], "claim.")
            if claim:
                incidents[key][1].setdefault("claims", []).append(claim)
    for key in order:
        yield incidents[key]


def _filled(row: dict[str, str], mapping: dict[str, str], prefix: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {}
    for target, column in mapping.items():
        value = column[1:] if column.startswith("=") else (row.get(column) or "").strip()
        if not value:
            continue
        if f"{prefix}{target}" in LIST_FIELDS:
            put(data, target, [part.strip() for part in value.split(";") if part.strip()])
        else:
            put(data, target, value)
    return data


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
        try:
            yield line, _acled_incident({k: (v or "").strip() for k, v in row.items() if k}, gazetteer)
        except DateError as exc:
            yield line, Problem(str(path), line, "event_date", str(exc))


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
        data["places"] = [place]
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
