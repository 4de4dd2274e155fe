"""Write what derives from the one definitions to their files: the field tables of
docs/records.md and the JSON Schema the package ships (from incidents/spec.py), and the export
tables of docs/output.md (from incidents/tables.py).

    python tools/format_docs.py          # rewrite both
    python tools/format_docs.py --check  # exit 1 if either is out of date (tests do this too)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from incidents.spec import docs_tables, json_schema  # noqa: E402
from incidents.tables import TABLES  # noqa: E402

DOCS = REPO / "docs" / "records.md"
OUTPUT_DOCS = REPO / "docs" / "output.md"
SCHEMA = REPO / "incidents" / "data" / "record.schema.json"
BEGIN = "<!-- fields: generated from incidents/spec.py by `python tools/format_docs.py`; edit it there -->"
END = "<!-- end of generated fields -->"
TABLES_BEGIN = "<!-- tables: generated from incidents/tables.py by `python tools/format_docs.py`; edit it there -->"
TABLES_END = "<!-- end of generated tables -->"


def between(path: Path, begin: str, end: str, generated: str) -> str:
    """The file's text with what stands between the two markers replaced by `generated`."""
    head, _, rest = path.read_text("utf-8").partition(begin)
    _, _, tail = rest.partition(end)
    if not rest:
        raise SystemExit(f"{path}: the marker {begin!r} is missing")
    return f"{head}{begin}\n\n{generated}\n{end}{tail}"


def tables_text() -> str:
    """A section per export table: what a row is, its key, its columns with types and meanings."""
    parts = []
    for table in TABLES.values():
        key = ", ".join(f"`{k}`" for k in table.key)
        links = "".join(f"; `{', '.join(mine)}` refers to `{other}`" for mine, other, _ in table.references)
        rows = "\n".join(f"| `{c.name}` | {c.type} | {c.description} |" for c in table.columns)
        parts.append(
            f"#### `{table.name}`\n\n{table.description} Key: {key}{links}.\n\n"
            f"| column | type | meaning |\n|---|---|---|\n{rows}\n"
        )
    return "\n".join(parts)


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    wanted = {
        DOCS: between(DOCS, BEGIN, END, docs_tables()),
        OUTPUT_DOCS: between(OUTPUT_DOCS, TABLES_BEGIN, TABLES_END, tables_text()),
        SCHEMA: schema_text(),
    }
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text("utf-8") != text]
    if "--check" in sys.argv[1:]:
        for path in stale:
            print(f"{path.relative_to(REPO)} is out of date: run python tools/format_docs.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
