"""Records in from tables (`incidents import FILE --format csv --rules RULES`).

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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .entry import put
from .errors import Problem, UsageError
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
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it: {exc}") from exc
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
