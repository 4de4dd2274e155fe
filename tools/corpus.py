"""A corpus of malformed and malicious records, for the reliability runs (issue 16).

    python tools/corpus.py FOLDER     # write every case; prints how many

Each case is one thing a records directory may hold that is not a good record, or a good record
carrying something hostile to a terminal: a wrong type in every field, missing and unknown
fields, YAML 1.1 traps, tabs, a BOM, CRLF, invalid UTF-8, NUL, binary, empty files, folders and
FIFOs named `*.yaml`, links inside and outside, a 10 MB file, deep nesting, an alias bomb, tags,
markup, ANSI and OSC escapes, bidi and zero-width characters, non-ASCII digits, a newline in a
file name. `expect` says what a careful tool must make of it: `bad` (refused, named by path and
line), `good` (read, its hostile text shown as text), or `either` (refused or read, but never
a traceback, a hang or an escape on the terminal).

tests/test_reliability.py runs every case once in one directory (the quick run), and
tools/reliability.py runs each in a directory of its own over every command (the long run).
"""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOOD_ID = "2023-09-01-sotk"
GOOD: dict[str, Any] = {
    "id": GOOD_ID,
    "title": "Exchange of fire near Sotk",
    "date": "2023-09-01",
    "places": ["Sotk"],
    "region": ["Gegharkunik"],
    "claims": [
        {
            "side": "armenia",
            "by": "Ministry of Defence",
            "reported": "2023-09-01",
            "initiator": "azerbaijan",
            "places": ["Sotk"],
            "casualties": {"armenia": {"killed": 3, "wounded": 2}},
            "statement": "Azerbaijani forces opened fire on Armenian positions near Sotk.",
            "source": {"title": "A headline", "publisher": "An agency"},
        }
    ],
}
INCIDENT_FIELDS = ("id", "title", "date", "end_date", "date_precision", "places", "region", "tags", "status",
                   "merged_into", "reason", "notes", "sources", "links", "evidence", "claims")  # fmt: skip
CLAIM_FIELDS = ("id", "side", "by", "reported", "stance", "initiator", "target", "weapons", "places", "window",
                "violations", "casualties", "statement", "source", "note", "kind", "denies", "admits", "confirms",
                "via", "people", "material", "revises", "retracts")  # fmt: skip
SOURCE_FIELDS = ("title", "publisher", "date", "url", "archive_url", "retrieved", "ref", "key")
WRONG = {"number": 12345, "list": ["a", "b"], "mapping": {"a": 1}, "bool": True, "float": 1.5,
         "huge": int("9" * 30), "empty-list": []}  # fmt: skip
HOSTILE = {
    "markup": "[bold red]Sotk[/] [link=https://example.org]here[/link]",
    "ansi": "Sotk \x1b[31mred\x1b[0m \x1b[2J",
    "osc8": "\x1b]8;;https://example.org\x07link\x1b]8;;\x07",
    "osc52": "\x1b]52;c;ZXZpbA==\x07clipboard",
    "bidi": "Sotk \u202egnirts desrever\u202c",
    "zero-width": "So\u200btk\u200d\ufeff",
    "c1": "Sotk \x9b31m",
    "bell": "Sotk \x07\x08\x7f",
}
TEXT_FIELDS = (("title",), ("notes",), ("claims", 0, "statement"), ("claims", 0, "by"),
               ("claims", 0, "source", "title"), ("places", 0), ("claims", 0, "note"))  # fmt: skip


@dataclass(frozen=True)
class Case:
    name: str
    expect: str  # "bad", "good" or "either"
    data: bytes = b""
    kind: str = "file"  # file, folder, fifo, link-inside, link-outside, dangling, device
    file_name: str = ""  # where the case lives; by default <name>.yaml in the year folder
    spares_good: bool = True  # False: the case is about the good record itself (its id twice)


def _yaml(data: Any) -> bytes:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _with(
    path: tuple[Any, ...], value: Any, record: dict[str, Any] | None = None, drop: bool = False
) -> dict[str, Any]:
    data = copy.deepcopy(record or GOOD)
    here: Any = data
    for step in path[:-1]:
        here = here[step]
    if drop:
        here.pop(path[-1], None)
    else:
        here[path[-1]] = value
    return data


def _ided(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The case under an id of its own (and so a file name of its own), where it has an id."""
    if isinstance(data.get("id"), str) and data["id"] == GOOD_ID:
        data["id"] = f"2023-09-01-case-{name}"
    return data


def cases() -> Iterator[Case]:
    """Every case, each with a name that is a file name of its own."""
    yield from _wrong_types()
    yield from _missing_and_unknown()
    yield from _yaml_traps()
    yield from _bytes()
    yield from _hostile_text()
    yield from _files()


# Text fields and lists of text: YAML writes every plain scalar as text, and a record is text, so
# `title: 1915` is the title "1915" and `tags: artillery` the one tag; a structure is wrong there.
TEXTUAL = {"title", "reason", "notes", "places", "region", "tags", "claim.by", "claim.target", "claim.statement",
           "claim.note", "claim.source", "claim.via", "claim.weapons", "claim.places", "source.title",
           "source.publisher", "source.url", "source.archive_url", "source.ref"}  # fmt: skip
SCALARS = {"number", "float", "huge", "bool"}
LISTS = {"places", "region", "tags", "sources", "links", "evidence", "claims", "claim.weapons", "claim.places",
         "claim.denies", "claim.admits", "claim.confirms", "claim.people", "claim.material"}  # fmt: skip


def _expect(path: str, label: str) -> str:
    if path in TEXTUAL and label in SCALARS:
        return "either"  # as text: valid, or refused where the text must be a name the tool knows
    if path in LISTS and label == "empty-list":
        return "either"
    return "bad"


def _wrong_types() -> Iterator[Case]:
    for prefix, fields, where in (("", INCIDENT_FIELDS, ()), ("claim.", CLAIM_FIELDS, ("claims", 0)),
                                  ("source.", SOURCE_FIELDS, ("claims", 0, "source"))):  # fmt: skip
        for field in fields:
            for label, value in WRONG.items():
                path = f"{prefix}{field}"
                if (path in LISTS and label == "list") or (path == "claim.violations" and label == "number"):
                    continue  # the right type there
                name = f"type-{path.replace('.', '-')}-{label}"
                yield Case(name, _expect(path, label), _yaml(_ided(_with((*where, field), value), name)))


def _missing_and_unknown() -> Iterator[Case]:
    for field in ("title", "date", "id"):
        name = f"missing-{field}"
        yield Case(name, "bad", _yaml(_ided(_with((field,), None, drop=True), name)))
    for field in ("side", "source"):
        name = f"missing-claim-{field}"
        yield Case(name, "bad", _yaml(_ided(_with(("claims", 0, field), None, drop=True), name)))
    for where, label in (((), "top"), (("claims", 0), "claim"), (("claims", 0, "source"), "source")):
        name = f"unknown-field-{label}"
        yield Case(name, "bad", _yaml(_ided(_with((*where, "colour"), "red"), name)))
    many = _ided(copy.deepcopy(GOOD), "unknown-5000")
    many.update({f"unknown{n}": n for n in range(5000)})
    yield Case("unknown-5000", "bad", _yaml(many))
    yield Case("claims-2000", "either", _yaml(_ided(_with(("claims",), [GOOD["claims"][0]] * 2000), "claims-2000")))


SRC = "  source: {title: A headline}\n"
YAML_TRAPS = {  # name: (text, expect); "good" where YAML 1.2 and the format read it as text
    "time-as-sexagesimal": (
        "claims:\n- side: armenia\n  reported: 2023-09-01\n  window: {from: 21:30}\n" + SRC,
        "good",
    ),
    "no-as-false": ("tags: [no]\nclaims: []\n", "good"),
    "title-no": ("title: no\n", "good"),
    "title-yes": ("title: yes\n", "good"),
    "title-on": ("title: on\n", "good"),
    "octal": ("title: 0o17\n", "good"),
    "title-null": ("title: null\n", "bad"),
    "title-tilde": ("title: ~\n", "bad"),
    "underscore-int": ("claims:\n- side: armenia\n  violations: 1_000\n" + SRC, "bad"),
    "infinity": ("claims:\n- side: armenia\n  violations: .inf\n" + SRC, "bad"),
    "nan": ("claims:\n- side: armenia\n  violations: .nan\n" + SRC, "bad"),
    "hex": ("claims:\n- side: armenia\n  violations: 0x1F\n" + SRC, "bad"),
    "timestamp-date": ("date: 2023-09-01 12:00:00\n", "bad"),
    "date-slashes": ("date: 12/07/2022\n", "bad"),
    "date-dots-ambiguous": ("date: 12.07.2022\n", "bad"),
    "date-year-0": ("date: 0000-01-01\n", "bad"),
    "date-not-real": ("date: 2023-02-30\n", "bad"),
    "duplicate-key": ("title: one\ntitle: two\n", "bad"),
    "tab-indent": ("claims:\n-\tside: armenia\n", "bad"),
    "merge-key": ("base: &b {side: armenia}\nclaims:\n- <<: *b\n" + SRC, "bad"),
    "python-tag": ("title: !!python/object/apply:os.system ['true']\n", "bad"),
    "custom-tag": ("title: !secret text\n", "bad"),
    "binary-tag": ("title: !!binary aGVsbG8=\n", "bad"),
    "set-tag": ("tags: !!set {a, b}\n", "bad"),
    "two-documents": ("title: one\n---\ntitle: two\n", "bad"),
    "flow-unclosed": ("places: [Sotk, Digh\n", "bad"),
    "key-is-list": ("? [a, b]\n: value\n", "bad"),
    "anchor-alias": ("title: &t Sotk\nnotes: *t\n", "either"),
    "huge-count": ("claims:\n- side: armenia\n  violations: " + "9" * 5000 + "\n" + SRC, "bad"),
    "long-line": ("title: " + "a" * 200_000 + "\n", "either"),
    "non-ascii-digits-date": ("date: ٢٠٢٣-٠٩-٠١\n", "bad"),
    "non-ascii-digits-count": ("claims:\n- side: armenia\n  violations: '٢٣'\n" + SRC, "bad"),
    "fullwidth-digits": ("date: ２０２３-０９-０１\n", "bad"),
}


def _yaml_traps() -> Iterator[Case]:
    base = {k: v for k, v in GOOD.items() if k not in ("title", "date", "claims", "tags")}
    yield Case("record-is-list", "bad", b"- id: 2023-09-01-x\n- title: y\n")
    yield Case("record-is-scalar", "bad", b"just a line of text\n")
    for name, (text, expect) in YAML_TRAPS.items():
        head = dict(base, id=f"2023-09-01-case-{name}")
        defaults = {"title": "T", "date": "2023-09-01", "claims": []}
        given = {line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()}
        head.update({k: v for k, v in defaults.items() if k not in given})
        yield Case(name, expect, _yaml(head) + text.encode("utf-8"))
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)},"
        f" *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(8)
    )
    yield Case("alias-bomb", "bad", bomb.encode())
    yield Case("deep-nesting-flow", "bad", b"id: 2023-09-01-deep\ntitle: " + b"[" * 100_000 + b"]" * 100_000 + b"\n")
    yield Case("deep-nesting-block", "bad", b"".join(b"  " * n + b"k:\n" for n in range(3000)))


def _bytes() -> Iterator[Case]:
    good = _yaml(_ided(copy.deepcopy(GOOD), "bytes"))
    variants = {
        "bom": b"\xef\xbb\xbf" + good,
        "crlf": good.replace(b"\n", b"\r\n"),
        "cr-only": good.replace(b"\n", b"\r"),
        "utf16": good.decode().encode("utf-16"),
        "invalid-utf8": good.replace(b"Sotk", b"So\xff\xfetk", 1),
        "nul": good.replace(b"Sotk", b"So\x00tk", 1),
        "binary": bytes(range(256)) * 40,
        "empty": b"",
        "whitespace-only": b"   \n\t\n  ",
        "comment-only": b"# nothing but a comment\n",
        "ten-megabytes": b"title: " + b"a" * (10 * 1024 * 1024) + b"\n",
        "truncated": good[: len(good) // 2],
        "tab-in-value": good.replace(b"Ministry of Defence", b"Ministry\tof Defence"),
        "surrogate-escape": _yaml(_ided(copy.deepcopy(GOOD), "surrogate")).replace(b"A headline", b'"\\ud800"'),
    }
    for name, data in variants.items():
        expect = "either" if name in ("bom", "crlf", "tab-in-value") else "bad"
        yield Case(f"bytes-{name}", expect, data)


def _hostile_text() -> Iterator[Case]:
    for label, text in HOSTILE.items():
        for path in TEXT_FIELDS:
            name = f"text-{label}-{'-'.join(str(p) for p in path)}"
            expect = "good" if label == "markup" and path != ("places", 0) else "either"
            yield Case(name, expect, _yaml(_ided(_with(path, text), name)))
    for label, text in HOSTILE.items():
        name = f"key-{label}"
        yield Case(name, "bad", _yaml(_ided(_with((text,), "value"), name)))


def _files() -> Iterator[Case]:
    good = _yaml(copy.deepcopy(GOOD))
    yield Case("folder-named-yaml", "bad", kind="folder")
    yield Case("fifo-named-yaml", "bad", kind="fifo")
    yield Case("link-inside", "either", kind="link-inside", spares_good=False)
    yield Case("link-outside", "bad", kind="link-outside")
    yield Case("link-dangling", "bad", kind="dangling")
    yield Case("link-dev-zero", "bad", kind="device")

    def own(name: str) -> bytes:
        return _yaml(_ided(copy.deepcopy(GOOD), name))

    yield Case("newline-in-name", "bad", own("newline"), file_name="2023/2023-09-01-new\nline.yaml")
    yield Case("escape-in-name", "bad", own("escape"), file_name="2023/2023-09-01-\x1b[31mred.yaml")
    yield Case("yml-ending", "bad", own("yml"), file_name="2023/2023-09-01-other.yml")
    yield Case(
        "wrong-folder",
        "bad",
        _yaml(_ided(copy.deepcopy(GOOD), "wrong-folder")),
        file_name="2022/2023-09-01-case-wrong-folder.yaml",
    )
    yield Case(
        "name-not-id", "bad", _yaml(_ided(copy.deepcopy(GOOD), "name")), file_name="2023/2023-09-01-other-name.yaml"
    )
    yield Case("same-id-twice", "bad", good, file_name="2023/2023-09-01-sotk-copy.yaml", spares_good=False)


def place(case: Case, root: Path) -> Path:
    """Write a case into a records directory; returns the path it is at."""
    path = root / (case.file_name or f"2023/2023-09-01-case-{case.name}.yaml")
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.kind == "file":
        path.write_bytes(case.data)
    elif case.kind == "folder":
        path.mkdir()
    elif case.kind == "fifo":
        os.mkfifo(path)
    elif case.kind == "link-inside":
        path.symlink_to(root / "2023" / f"{GOOD_ID}.yaml")
    elif case.kind == "link-outside":
        outside = root.parent / f"outside-{case.name}.yaml"
        outside.write_bytes(_yaml(_ided(copy.deepcopy(GOOD), case.name)))
        path.symlink_to(outside)
    elif case.kind == "dangling":
        path.symlink_to(root / "no-such-file.yaml")
    elif case.kind == "device":
        path.symlink_to("/dev/zero")
    return path


def good_directory(root: Path) -> Path:
    """A records directory holding the good record alone, written by the tool's own writer."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from incidents.spec import incident_from_data
    from incidents.store import render_record

    incident, problems = incident_from_data(GOOD, "corpus")
    assert not problems, problems
    (root / "2023").mkdir(parents=True, exist_ok=True)
    (root / "2023" / f"{GOOD_ID}.yaml").write_text(render_record(incident), encoding="utf-8")
    return root


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    folder = Path(sys.argv[1])
    every = list(cases())
    for number, case in enumerate(every):
        root = good_directory(folder / f"{number:03d}-{case.name}" / "records")
        place(case, root)
    (folder / "cases.json").write_text(json.dumps([{"name": c.name, "expect": c.expect} for c in every], indent=1))
    print(f"{len(every)} cases in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
