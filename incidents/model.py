"""The incident record: dataclasses, their validation, and their canonical plain-data form.

Nothing here touches a file. `incident_from_data` turns the plain data a YAML file holds into an
`Incident`, collecting every problem with the line it came from instead of stopping at the first;
`incident_to_data` gives the canonical, ordered form that the store writes and the machine
formats print. Keeping both directions beside the dataclasses means one place defines the format
that docs/records.md documents.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .errors import Problem

STANCES = ("alleges", "denies", "confirms", "observed", "no comment")
PRECISIONS = ("day", "days", "week", "month")
STATUSES = ("active", "withdrawn", "merged")
CASUALTY_KINDS = ("killed", "wounded", "captured", "missing")
YEARS = (1900, 2100)  # dates outside are typing slips (9999, 2203); they also break the timeline
ID_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
SIDE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
TIME_PATTERN = re.compile(r"^(?:\d{4}-\d{2}-\d{2}T)?(?:[01]\d|2[0-3]):[0-5]\d$")
OFFSET_PATTERN = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")
_COUNT_PATTERN = re.compile(
    r"^\s*(?:(?P<exact>\d+)|(?P<least>\d+)\s*\+|(?:at\s+least|>=)\s*(?P<least2>\d+)"
    r"|(?P<low>\d+)\s*[-–]\s*(?P<high>\d+))\s*$",
    re.IGNORECASE,
)
# Statements write small numbers as words ("at least two soldiers"); they are read as digits.
_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_NUMBER_WORDS = {word: str(n) for n, word in enumerate(_WORDS)}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A figure as a statement gives it: exact (3), a lower bound (at least 2) or a range (2-4).

    Statements say "at least two soldiers"; storing that as 2 would overstate the ministry's
    certainty, so the bound is kept and comparisons treat every count as an interval.
    """

    low: int
    high: int | None  # None: no upper bound ("at least low")

    @classmethod
    def parse(cls, value: object) -> Count:
        """Read `3`, `"2+"`, `"at least 2"` (or "at least two") or `"2-4"`; raise ValueError on anything else."""
        if isinstance(value, bool):
            raise ValueError("expected a number, '2+' or '2-4', not true/false")
        if isinstance(value, int):
            if value < 0:
                raise ValueError("a count cannot be negative")
            return cls(value, value)
        if isinstance(value, str):
            match = _COUNT_PATTERN.match(_NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group().lower()], value))
            if match:
                if match["exact"]:
                    return cls(int(match["exact"]), int(match["exact"]))
                if match["least"] or match["least2"]:
                    return cls(int(match["least"] or match["least2"]), None)
                low, high = int(match["low"]), int(match["high"])
                if low > high:
                    raise ValueError(f"range {value!r} runs backwards")
                return cls(low, high)
        raise ValueError(f"expected a number, 'N+' (at least N) or 'N-M' (a range), not {value!r}")

    @property
    def is_exact(self) -> bool:
        return self.high == self.low

    def to_data(self) -> int | str:
        if self.is_exact:
            return self.low
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    def overlaps(self, other: Count) -> bool:
        """Whether both figures can be true at once: "at least 2" and "3" can, "2" and "3" cannot."""
        inf = float("inf")
        return self.low <= (other.high if other.high is not None else inf) and other.low <= (
            self.high if self.high is not None else inf
        )

    def __str__(self) -> str:
        if self.is_exact:
            return str(self.low)
        return f"at least {self.low}" if self.high is None else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Figure:
    """One casualty figure in a claim: whose people, what happened to them, how many."""

    side: str
    kind: str  # one of CASUALTY_KINDS
    civilian: bool
    count: Count

    @property
    def key(self) -> tuple[str, bool, str]:
        return (self.side, self.civilian, self.kind)


@dataclass(frozen=True)
class Window:
    """The time span a statement gives, in the clock the statement used, with its UTC offset."""

    start: str | None = None  # 'YYYY-MM-DDTHH:MM' or 'HH:MM'
    end: str | None = None
    utc_offset: str | None = None  # '+04:00'

    def __bool__(self) -> bool:
        return bool(self.start or self.end)

    def __str__(self) -> str:
        span = f"{self.start or '?'} – {self.end or '?'}"
        return f"{span} (UTC{self.utc_offset})" if self.utc_offset else span


@dataclass(frozen=True)
class Source:
    """Where a claim was read. A title or a reference is required: every claim must be traceable."""

    title: str | None = None
    publisher: str | None = None
    date: date | None = None
    url: str | None = None
    ref: str | None = None  # a local reference, for a source that has no headline or URL

    def __str__(self) -> str:
        parts = [f"“{self.title}”" if self.title else (self.ref or "")]
        parts += [p for p in (self.publisher, self.date.isoformat() if self.date else None) if p]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Claim:
    """One statement by one claimant about one incident. A revised figure is a new claim."""

    side: str
    source: Source
    by: str | None = None
    reported: date | None = None
    stance: str = "alleges"
    initiator: str | None = None
    target: str | None = None
    weapons: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    window: Window = field(default_factory=Window)
    violations: Count | None = None
    casualties: tuple[Figure, ...] = ()
    statement: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Incident:
    """One incident: what happened where and when, and every account of it."""

    id: str
    title: str
    date: date
    end_date: date | None = None
    date_precision: str = "day"
    places: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "active"
    merged_into: str | None = None
    notes: str | None = None
    claims: tuple[Claim, ...] = ()

    @property
    def claimants(self) -> tuple[str, ...]:
        """The sides that have spoken, in the order they first appear."""
        return tuple(dict.fromkeys(c.side for c in self.claims))

    def with_claim(self, claim: Claim) -> Incident:
        return replace(self, claims=(*self.claims, claim))


# --- sides ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    id: str
    name: str
    kind: str  # 'principal' (a party to the dispute) or 'third-party'
    aliases: tuple[str, ...] = ()
    short: str = ""  # a code for narrow tables (AM, AZ, EUMA)


@dataclass(frozen=True)
class Sides:
    """The claimants a records directory knows. Data, not code: a records directory may replace it."""

    sides: tuple[Side, ...]

    def get(self, name: str) -> Side | None:
        key = name.strip().casefold()
        for side in self.sides:
            if key == side.id or key == side.name.casefold() or key in side.aliases:
                return side
        return None

    def name(self, side_id: str) -> str:
        side = self.get(side_id)
        return side.name if side else side_id

    def short(self, side_id: str) -> str:
        side = self.get(side_id)
        return (side.short or side.id) if side else side_id

    @property
    def principal(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sides if s.kind == "principal")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sides)


def sides_from_data(data: object, path: str) -> tuple[Sides, list[Problem]]:
    """Read a sides file: a mapping `sides:` of id -> {name, kind, aliases}."""
    problems: list[Problem] = []
    fields = _Fields(data, "", path, problems)
    entries = fields.raw("sides")
    result: list[Side] = []
    if not isinstance(entries, Mapping) or not entries:
        problems.append(Problem(path, fields.line("sides"), "sides", "expected a mapping of side ids"))
        return Sides(()), problems
    for side_id, value in entries.items():
        line = _key_line(entries, side_id)
        if not isinstance(side_id, str) or not SIDE_PATTERN.match(side_id):
            problems.append(
                Problem(path, line, f"sides.{side_id}", "a side id is lower-case letters, digits and hyphens")
            )
            continue
        item = _Fields(value, f"sides.{side_id}.", path, problems, line)
        name = item.text("name", required=True) or side_id
        kind = item.choice("kind", ("principal", "third-party"), default="third-party")
        aliases = tuple(a.casefold() for a in item.text_list("aliases"))
        short = item.text("short") or side_id
        item.no_unknown(("name", "kind", "aliases", "short"))
        result.append(Side(side_id, name, kind or "third-party", aliases, short))
    return Sides(tuple(result)), problems


# --- text hygiene ---------------------------------------------------------------------------

_UNSAFE = {
    code
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    if code not in (0x09, 0x0A)
}


_UNSAFE_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_UNSAFE)) + "]")


def unsafe_characters(text: str) -> list[str]:
    """Control, escape and bidi-override characters: they can rewrite a terminal or a line's order."""
    if text.isprintable():  # the usual case, decided in C; a newline or tab still goes the long way
        return []
    return sorted({f"U+{ord(ch):04X}" for ch in _UNSAFE_RE.findall(text)})


def strip_unsafe(text: str) -> str:
    """The text with every character `unsafe_characters` names removed."""
    return _UNSAFE_RE.sub("", text)


def slug(text: str, fold: Callable[[str], str] | None = None) -> str:
    """A lower-case ASCII slug for ids; `fold` transliterates letters NFKD cannot (Azerbaijani ə)."""
    text = fold(text) if fold else text
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def line_at(data: object, *keys: object) -> int:
    """The line of the deepest of `keys` found in data read by the store (0 if none)."""
    line = getattr(data, "line", 0)
    for key in keys:
        if isinstance(data, Mapping) and key in data:
            line, data = _key_line(data, key), data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            line, data = _item_line(data, key), data[key]
        else:
            break
    return line


# --- reading plain data ---------------------------------------------------------------------


def _key_line(mapping: object, key: object) -> int:
    lines = getattr(mapping, "key_lines", None)
    return lines.get(key, getattr(mapping, "line", 0)) if lines else getattr(mapping, "line", 0)


def _item_line(seq: object, index: int) -> int:
    lines = getattr(seq, "item_lines", None)
    return lines[index] if lines and index < len(lines) else getattr(seq, "line", 0)


class _Fields:
    """Typed access to one mapping that records problems instead of raising."""

    def __init__(self, data: object, prefix: str, path: str, problems: list[Problem], line: int = 0) -> None:
        self.prefix, self.path, self.problems = prefix, path, problems
        self.line0 = getattr(data, "line", line) or line
        if isinstance(data, Mapping):
            self.data: Mapping[Any, Any] = data
        else:
            self.data = {}
            self.problem("", f"expected a mapping of fields, found {_kind(data)}", self.line0)

    def line(self, key: str) -> int:
        return _key_line(self.data, key) if key in self.data else self.line0

    def problem(self, key: str, message: str, line: int | None = None) -> None:
        name = (self.prefix + key).rstrip(".")
        self.problems.append(Problem(self.path, self.line(key) if line is None else line, name, message))

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):  # "   " says nothing either
            if required:
                self.problem(key, "is required")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # a bare number as a title or name is still text
        if not isinstance(value, str):
            self.problem(key, f"expected text, found {_kind(value)}")
            return None
        return self._clean(key, value)

    def _clean(self, key: str, value: str, line: int | None = None) -> str:
        bad = unsafe_characters(value)
        if bad:
            self.problem(key, f"contains control characters ({', '.join(bad)})", line)
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (self._clean(key, value),) if value else ()
        if not isinstance(value, list):
            self.problem(key, f"expected a list of text, found {_kind(value)}")
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                items.append(self._clean(f"{key}[{index}]", item, _item_line(value, index)))
            else:
                self.problem(f"{key}[{index}]", f"expected text, found {_kind(item)}", _item_line(value, index))
        return tuple(items)

    def choice(self, key: str, allowed: Iterable[str], default: str | None = None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        allowed = tuple(allowed)
        if value not in allowed:
            self.problem(key, f"{value!r} is not one of: {', '.join(allowed)}{_suggest(value, allowed)}")
            return default
        return value

    def iso_date(self, key: str, required: bool = False) -> date | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem(key, "is required")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                day = date.fromisoformat(value)
            except ValueError as exc:
                self.problem(key, f"{value!r} is not a real date ({exc})")
                return None
            if not YEARS[0] <= day.year <= YEARS[1]:  # 2203 for 2023: a slip, not a record
                self.problem(key, f"{value!r}: the year is outside {YEARS[0]}-{YEARS[1]}")
                return None
            return day
        self.problem(key, f"expected a date as YYYY-MM-DD, found {value!r}")
        return None

    def pattern(self, key: str, regex: re.Pattern[str], what: str) -> str | None:
        value = self.text(key)
        if value is not None and not regex.match(value):
            self.problem(key, f"expected {what}, found {value!r}")
            return None
        return value

    def count(self, key: str) -> Count | None:
        value = self.data.get(key)
        if value is None:
            return None
        try:
            return Count.parse(value)
        except ValueError as exc:
            self.problem(key, str(exc))
            return None

    def no_unknown(self, known: Iterable[str]) -> None:
        known = tuple(known)
        for key in self.data:
            if key not in known:
                self.problem(str(key), f"unknown field{_suggest(str(key), known)}", _key_line(self.data, key))


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list"}.get(
        type(value),
        "a mapping" if isinstance(value, Mapping) else "a list" if isinstance(value, list) else type(value).__name__,
    )


def _suggest(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


INCIDENT_FIELDS = (
    "id", "title", "date", "end_date", "date_precision", "places", "region", "tags",
    "status", "merged_into", "notes", "claims",
)  # fmt: skip
CLAIM_FIELDS = (
    "side", "by", "reported", "stance", "initiator", "target", "weapons", "places", "window",
    "violations", "casualties", "statement", "source", "note",
)  # fmt: skip
SOURCE_FIELDS = ("title", "publisher", "date", "url", "ref")
WINDOW_FIELDS = ("from", "to", "utc_offset")


def incident_from_data(data: object, path: str = "") -> tuple[Incident | None, list[Problem]]:
    """Validate plain data (as read from YAML) into an Incident; problems carry path and line."""
    problems: list[Problem] = []
    f = _Fields(data, "", path, problems, 1)
    if not f.data:
        if not problems:
            problems.append(Problem(path, 1, "", "the record is empty"))
        return None, problems
    f.no_unknown(INCIDENT_FIELDS)
    incident_id = f.pattern("id", ID_PATTERN, "an id like 2023-09-01-sotk (date, then lower-case words)")
    if "id" not in f.data:
        f.problem("id", "is required")
    title = f.text("title", required=True)
    start = f.iso_date("date", required=True)
    end = f.iso_date("end_date")
    if start and end and end < start:
        f.problem("end_date", f"{end} is before the start date {start}")
    precision = f.choice("date_precision", PRECISIONS, default="day") or "day"
    if precision == "day" and start and end and end != start:
        f.problem("date_precision", "a one-day incident has no later end date: write days (a span), or drop end_date")
    status = f.choice("status", STATUSES, default="active") or "active"
    merged_into = f.pattern("merged_into", ID_PATTERN, "the id of the incident this one was merged into")
    if status == "merged" and not merged_into:
        f.problem("merged_into", "a merged incident must name the id it was merged into", f.line("status"))
    if merged_into and status != "merged":
        f.problem("merged_into", "only a record with status 'merged' names merged_into")
    claims = _claims(f, path, problems)
    lists = {name: f.text_list(name) for name in ("places", "region", "tags")}
    notes = f.text("notes")
    if problems or incident_id is None or title is None or start is None:
        return None, problems
    incident = Incident(
        id=incident_id, title=title, date=start, end_date=end, date_precision=precision,
        status=status, merged_into=merged_into, notes=notes, claims=claims, **lists,
    )  # fmt: skip
    return incident, problems


def _claims(f: _Fields, path: str, problems: list[Problem]) -> tuple[Claim, ...]:
    raw = f.raw("claims")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        f.problem("claims", f"expected a list of claims, found {_kind(raw)}")
        return ()
    claims = []
    for index, item in enumerate(raw):
        claim = claim_from_data(item, path, f"claims[{index}].", problems, _item_line(raw, index))
        if claim:
            claims.append(claim)
    return tuple(claims)


def claim_from_data(data: object, path: str, prefix: str, problems: list[Problem], line: int = 0) -> Claim | None:
    """Validate one claim; used for records read from files and for claims built by `claim`."""
    before = len(problems)
    c = _Fields(data, prefix, path, problems, line)
    if not c.data:
        return None
    c.no_unknown(CLAIM_FIELDS)
    side = c.pattern("side", SIDE_PATTERN, "a side id such as armenia")
    if "side" not in c.data:
        c.problem("side", "is required")
    initiator = c.pattern("initiator", SIDE_PATTERN, "a side id such as azerbaijan")
    source = _source(c.raw("source"), path, prefix + "source.", problems, c.line("source"))
    if "source" not in c.data:
        c.problem("source", "every claim must cite a source (title or ref)")
    claim_parts = dict(
        by=c.text("by"), reported=c.iso_date("reported"), stance=c.choice("stance", STANCES, default="alleges"),
        target=c.text("target"), weapons=c.text_list("weapons"), places=c.text_list("places"),
        window=_window(c.raw("window"), path, prefix + "window.", problems, c.line("window")),
        violations=c.count("violations"),
        casualties=_casualties(c.raw("casualties"), path, prefix + "casualties.", problems, c.line("casualties")),
        statement=c.text("statement"), note=c.text("note"),
    )  # fmt: skip
    if len(problems) > before or side is None or source is None:
        return None
    return Claim(side=side, source=source, initiator=initiator, **claim_parts)


def _source(data: object, path: str, prefix: str, problems: list[Problem], line: int) -> Source | None:
    if data is None:
        return None
    s = _Fields(data, prefix, path, problems, line)
    s.no_unknown(SOURCE_FIELDS)
    source = Source(s.text("title"), s.text("publisher"), s.iso_date("date"), s.text("url"), s.text("ref"))
    if s.data and not (source.title or source.ref):
        s.problem("title", "a source needs a title (the headline) or, if it has none, a ref", line)
    return source


def _window(data: object, path: str, prefix: str, problems: list[Problem], line: int) -> Window:
    if data is None:
        return Window()
    w = _Fields(data, prefix, path, problems, line)
    w.no_unknown(WINDOW_FIELDS)
    time_what = "a time as HH:MM or YYYY-MM-DDTHH:MM (quote it: unquoted 21:30 is a number in YAML 1.1)"
    start = w.pattern("from", TIME_PATTERN, time_what)
    end = w.pattern("to", TIME_PATTERN, time_what)
    offset = w.pattern("utc_offset", OFFSET_PATTERN, "an offset such as '+04:00'")
    if start and end and len(start) == len(end) == 16 and end < start:
        w.problem("to", f"{end} is before {start}")
    return Window(start, end, offset)


def _casualties(data: object, path: str, prefix: str, problems: list[Problem], line: int) -> tuple[Figure, ...]:
    if data is None:
        return ()
    if not isinstance(data, Mapping):
        problems.append(Problem(path, line, prefix.rstrip("."), f"expected a mapping of sides, found {_kind(data)}"))
        return ()
    figures: list[Figure] = []
    for side, losses in data.items():
        side_line = _key_line(data, side)
        if not isinstance(side, str) or not SIDE_PATTERN.match(side):
            problems.append(Problem(path, side_line, f"{prefix}{side}", "expected a side id such as armenia"))
            continue
        figures += _losses(losses, side, False, path, f"{prefix}{side}.", problems, side_line)
    return tuple(sorted(figures, key=_figure_order))


def _losses(
    data: object, side: str, civilian: bool, path: str, prefix: str, problems: list[Problem], line: int
) -> list[Figure]:
    f = _Fields(data, prefix, path, problems, line)
    f.no_unknown(CASUALTY_KINDS if civilian else (*CASUALTY_KINDS, "civilians"))
    figures = [Figure(side, kind, civilian, count) for kind in CASUALTY_KINDS if (count := f.count(kind))]
    if not civilian and f.raw("civilians") is not None:
        figures += _losses(f.raw("civilians"), side, True, path, prefix + "civilians.", problems, f.line("civilians"))
    return figures


def _figure_order(figure: Figure) -> tuple[str, bool, int]:
    return (figure.side, figure.civilian, CASUALTY_KINDS.index(figure.kind))


# --- canonical plain data -------------------------------------------------------------------


def _prune(data: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """Drop empty optional fields so that files hold what was said and nothing more."""
    keep = set(keep)
    return {k: v for k, v in data.items() if k in keep or v not in (None, "", [], {})}


def incident_to_data(incident: Incident) -> dict[str, Any]:
    """The canonical ordered form of an incident: what the store writes and `--format json` prints."""
    return _prune(
        {
            "id": incident.id,
            "title": incident.title,
            "date": incident.date.isoformat(),
            "end_date": incident.end_date.isoformat() if incident.end_date else None,
            "date_precision": incident.date_precision,
            "places": list(incident.places),
            "region": list(incident.region),
            "tags": list(incident.tags),
            "status": incident.status,
            "merged_into": incident.merged_into,
            "notes": incident.notes,
            "claims": [claim_to_data(c) for c in incident.claims],
        },
        keep=("id", "title", "date", "date_precision", "status", "claims"),
    )


def claim_to_data(claim: Claim) -> dict[str, Any]:
    window = _prune({"from": claim.window.start, "to": claim.window.end, "utc_offset": claim.window.utc_offset})
    return _prune(
        {
            "side": claim.side,
            "by": claim.by,
            "reported": claim.reported.isoformat() if claim.reported else None,
            "stance": claim.stance,
            "initiator": claim.initiator,
            "target": claim.target,
            "weapons": list(claim.weapons),
            "places": list(claim.places),
            "window": window,
            "violations": claim.violations.to_data() if claim.violations else None,
            "casualties": casualties_to_data(claim.casualties),
            "statement": claim.statement,
            "source": source_to_data(claim.source),
            "note": claim.note,
        }
    )


def source_to_data(source: Source) -> dict[str, Any]:
    return _prune(
        {
            "title": source.title,
            "publisher": source.publisher,
            "date": source.date.isoformat() if source.date else None,
            "url": source.url,
            "ref": source.ref,
        }
    )


def casualties_to_data(figures: Iterable[Figure]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for figure in sorted(figures, key=_figure_order):
        losses = data.setdefault(figure.side, {})
        target = losses.setdefault("civilians", {}) if figure.civilian else losses
        target[figure.kind] = figure.count.to_data()
    return data
