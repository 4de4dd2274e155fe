"""The machine formats (`--format json|csv|yaml`): stable, documented (docs/output.md), no colour.

Kept apart from render (rich) because the index stores each incident's row already written
(digest.py): `list` and `diff` of 100,000 incidents then print stored text, a few microseconds
a row, instead of building and encoding every row again. `rows_json` joined with `json_rows`
gives byte for byte what `to_json` gives of the whole list, and `csv_line` what `to_csv` writes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .text import strip_unsafe

_JSON_UNSAFE = re.compile("[\u0080-\u009f\u202a-\u202e\u2066-\u2069]")


def to_json(data: Any) -> str:
    """JSON with letters kept readable, but C1 controls and bidi overrides escaped."""
    text = _indented(data, "\n")
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _indented(value: Any, newline: str) -> str:
    """What json.dumps(value, ensure_ascii=False, indent=2) writes, byte for byte.

    json's indenting encoder is written in Python and builds closures that refer to each
    other: every call leaves cyclic garbage, which the index's reading (with the collector
    paused, see store.collector_paused) must not, and it costs several times this."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = newline + "  "
        items = (inner + _string(_key(k)) + ": " + _indented(v, inner) for k, v in value.items())
        return "{" + ",".join(items) + newline + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = newline + "  "
        return "[" + ",".join(inner + _indented(v, inner) for v in value) + newline + "]"
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_string = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C, as json.dumps uses it


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def item_json(row: Any) -> str:
    """One item of a JSON list as to_json writes it inside the list (indented one level)."""
    return "  " + to_json(row).replace("\n", "\n  ")


def json_rows(items: Iterable[str]) -> Iterator[str]:
    """A JSON list from items written by item_json: what to_json writes of the list, in pieces."""
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + item
        first = False
    yield "[]\n" if first else "\n]\n"


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV with one header row; lists are joined with '; ', control characters removed."""
    return "".join([csv_line(columns), *(csv_line([row.get(column) for column in columns]) for row in rows)])


def flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested row as one CSV row: inner mappings become dotted columns (sides.armenia.initiator),
    lists stay lists (to_csv joins them with '; ')."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flat(value, f"{name}.") if value else {name: None})
        else:
            out[name] = value
    return out


def flat_table(rows: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows flattened, and every column any of them has, in the order first seen."""
    flattened = [flat(row) for row in rows]
    return flattened, list(dict.fromkeys(key for row in flattened for key in row))


def csv_line(values: Sequence[Any]) -> str:
    """One CSV line, as to_csv writes each row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_csv_cell(value) for value in values])
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_csv_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return strip_unsafe(str(value))
