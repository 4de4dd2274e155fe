"""Write what derives from the record format's one definition (incidents/spec.py) to its files:
the field tables of docs/records.md and the JSON Schema the package ships.

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

DOCS = REPO / "docs" / "records.md"
SCHEMA = REPO / "incidents" / "data" / "record.schema.json"
BEGIN = "<!-- fields: generated from incidents/spec.py by `python tools/format_docs.py`; edit it there -->"
END = "<!-- end of generated fields -->"


def docs_text(current: str) -> str:
    head, _, rest = current.partition(BEGIN)
    _, _, tail = rest.partition(END)
    if not rest:
        raise SystemExit(f"{DOCS}: the marker {BEGIN!r} is missing")
    return f"{head}{BEGIN}\n\n{docs_tables()}\n{END}{tail}"


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    wanted = {DOCS: docs_text(DOCS.read_text("utf-8")), SCHEMA: schema_text()}
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
