"""The machinery of a record format: kinds of value, fields, record types, and what is made
from them: reading with validation, canonical writing, JSON Schema, docs tables, CLI options.

A `RecordType` is a declarative list of `Field`s; `spec` holds the record format of this tool
written in these terms. Reading takes the plain data of `yamlio` (mappings and lists that
remember their lines) and reports every problem where it stands, as `path:line: field`; it is
partial: a bad item of a list is reported and left out, the good ones stay (see ListOf).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

from .errors import Problem, Severity
from .model import NUMBER_WORDS, TENS, Count, Meta, Moment, clock_text, offset_text
from .text import UNSAFE_CLASS, unsafe_characters

YEARS = (1900, 2100)  # dates outside are typing slips (9999, 2203); they also break the timeline

# Every pattern is ASCII: Python's \d and \w also match Arabic-Indic digits and other scripts'
# letters, which would let `٢٠٢٣-٠٩-٠١-x` pass as an id that no one can type back.
SIDE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CLOCK_TEXT = re.compile(r"^(?:([0-9]{4}-[0-9]{2}-[0-9]{2})T)?([01][0-9]|2[0-3]):([0-5][0-9])$")  # day, hour, minute
_OFFSET_TEXT = re.compile(r"^([+-])(0[0-9]|1[0-4]):([0-5][0-9])$")  # sign, hours, minutes

MISSING: Any = object()  # a value that could not be read (its problem is already reported)


# --- where a value stands -----------------------------------------------------------------------


@dataclass
class Reading:
    """One read of one file: where the problems go, and what the file's values may refer to."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    sides: frozenset[str] | None = None  # side ids a record may name; None: not checked here
    side_hint: str = ""  # how to add a side, for the unknown-side message

    def at(self, line: int = 1, name: str = "") -> At:
        return At(self, name, line)


@dataclass(frozen=True)
class At:
    """A value's place: its file, its field name as people read it (`claims[0].side`), its line."""

    reading: Reading
    name: str
    line: int

    def problem(self, message: str, severity: Severity = Severity.ERROR) -> None:
        self.reading.problems.append(Problem(self.reading.path, self.line, self.name, message, severity))

    def key(self, key: str, line: int) -> At:
        return At(self.reading, f"{self.name}.{key}" if self.name else key, line or self.line)

    def item(self, index: int, line: int) -> At:
        return At(self.reading, f"{self.name}[{index}]", line or self.line)


def key_line(mapping: object, key: object) -> int:
    lines = getattr(mapping, "key_lines", None)
    return lines.get(key, getattr(mapping, "line", 0)) if lines else getattr(mapping, "line", 0)


def item_line(seq: object, index: int) -> int:
    lines = getattr(seq, "item_lines", None)
    return lines[index] if lines and index < len(lines) else getattr(seq, "line", 0)


def kind_of(value: object) -> str:
    """How a problem names what it found: 'a number', 'a list', 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def suggest(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- kinds of value ---------------------------------------------------------------------------


class Kind:
    """A kind of value: how it is read, written, named in the docs and described to JSON Schema."""

    doc = "value"

    def read(self, value: object, at: At) -> Any:
        raise NotImplementedError

    def write(self, value: Any) -> Any:
        return value

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def empty(self, value: Any) -> bool:
        return value is None or value == "" or value == () or value == {}

    def fields_record(self) -> RecordType | None:
        """The record type whose fields a value of this kind holds, for options to reach into."""
        return None


class Text(Kind):
    """Text on one or several lines. A bare number is text too (a title may be '1984')."""

    doc = "text"

    def read(self, value: object, at: At) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            at.problem(f"expected text, found {kind_of(value)}")
            return MISSING
        bad = unsafe_characters(value)
        if bad:
            at.problem(f"contains control characters ({', '.join(bad)})")
            return MISSING
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": ["string", "number"], "not": {"type": "string", "pattern": UNSAFE_CLASS}}


class Pattern(Text):
    """Text of a fixed shape (an id, a side, a URL scheme)."""

    def __init__(self, regex: re.Pattern[str], what: str, doc: str, max_length: int | None = None) -> None:
        self.regex, self.what, self.doc, self.max_length = regex, what, doc, max_length

    def read(self, value: object, at: At) -> Any:
        if not isinstance(value, str):
            at.problem(f"expected {self.what}, found {kind_of(value)}")
            return MISSING
        if self.max_length is not None and len(value) > self.max_length:
            at.problem(f"{len(value):,} characters: {self.doc}s are at most {self.max_length} (a file is named by one)")
            return MISSING
        if not self.regex.match(value):
            at.problem(f"expected {self.what}, found {value!r}")
            return MISSING
        return value

    def schema(self) -> dict[str, Any]:
        limit = {"maxLength": self.max_length} if self.max_length is not None else {}
        return {"type": "string", "pattern": self.regex.pattern, **limit}


class SideRef(Pattern):
    """The id of a side (armenia); checked against the directory's sides where they are known."""

    def __init__(self, what: str = "a side id such as armenia") -> None:
        super().__init__(SIDE_PATTERN, what, "side id")

    def read(self, value: object, at: At) -> Any:
        side = super().read(value, at)
        known = at.reading.sides
        if side is not MISSING and known is not None and side not in known:
            at.problem(f"unknown side {side!r} (known: {', '.join(sorted(known))}){at.reading.side_hint}")
        return side


class IsoDate(Kind):
    doc = "date (YYYY-MM-DD)"

    def read(self, value: object, at: At) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if not (isinstance(value, str) and _DATE_TEXT.match(value)):
            at.problem(f"expected a date as YYYY-MM-DD, found {value!r}")
            return MISSING
        try:
            day = date.fromisoformat(value)
        except ValueError:
            month = int(value[5:7])
            why = f"there is no month {month}" if not 1 <= month <= 12 else "no such day in that month"
            at.problem(f"{value!r} is not a real date ({why})")
            return MISSING
        if not YEARS[0] <= day.year <= YEARS[1]:  # 2203 for 2023: a slip, not a record
            at.problem(f"{value!r}: the year is outside {YEARS[0]}-{YEARS[1]}")
            return MISSING
        return day

    def write(self, value: Any) -> Any:
        return value.isoformat() if value else None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _DATE_TEXT.pattern, "format": "date"}


_MOMENT_TEXT = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]([01][0-9]|2[0-3]):([0-5][0-9])([+-](?:0[0-9]|1[0-4]):[0-5][0-9])?)?$"
)  # day, hour, minute, offset


class MomentKind(Kind):
    doc = "date (YYYY-MM-DD), or date and time: `2023-03-09T12:59`, `2023-03-09T12:59+04:00`"

    def read(self, value: object, at: At) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return Moment(value)
        match = _MOMENT_TEXT.match(value) if isinstance(value, str) else None
        if not match:
            at.problem(
                f"expected a date as YYYY-MM-DD (or YYYY-MM-DDTHH:MM, with an offset such as +04:00), found {value!r}"
            )
            return MISSING
        day_text, hour, minute, offset_text_ = match.groups()
        day = IsoDate().read(day_text, at)
        if day is MISSING:
            return MISSING
        if hour is None:
            return Moment(day)
        offset = OffsetKind().read(offset_text_, at) if offset_text_ else None
        return MISSING if offset is MISSING else Moment(day, time(int(hour), int(minute)), offset)

    def write(self, value: Any) -> Any:
        return value.isoformat() if value else None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _MOMENT_TEXT.pattern}


class Choice(Kind):
    """One word of a vocabulary (an Enum)."""

    def __init__(self, vocabulary: type[Enum]) -> None:
        self.vocabulary = vocabulary
        self.doc = " \\| ".join(f"`{m.value}`" for m in vocabulary)

    def read(self, value: object, at: At) -> Any:
        words = [m.value for m in self.vocabulary]
        if isinstance(value, str) and value in words:
            return self.vocabulary(value)
        shown = value if isinstance(value, str) else kind_of(value)
        at.problem(f"{shown!r} is not one of: {', '.join(words)}{suggest(str(value), words)}")
        return MISSING

    def write(self, value: Any) -> Any:
        return value.value if isinstance(value, Enum) else value

    def schema(self) -> dict[str, Any]:
        return {"enum": [m.value for m in self.vocabulary]}


class Flag(Kind):
    doc = "true \\| false"

    def read(self, value: object, at: At) -> Any:
        if isinstance(value, bool):
            return value
        at.problem(f"expected true or false, found {kind_of(value)}")
        return MISSING

    def empty(self, value: Any) -> bool:
        return value is None or value is False

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Number(Kind):
    """A decimal number within bounds (a latitude)."""

    def __init__(self, low: float, high: float, doc: str) -> None:
        self.low, self.high, self.doc = low, high, doc

    def read(self, value: object, at: At) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            at.problem(f"expected a number from {self.low:g} to {self.high:g}, found {kind_of(value)}")
            return MISSING
        if not self.low <= value <= self.high:
            at.problem(f"{value} is outside {self.low:g} to {self.high:g}")
            return MISSING
        return float(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": self.low, "maximum": self.high}


class Integer(Kind):
    """A whole number within bounds (an age)."""

    def __init__(self, low: int, high: int, doc: str) -> None:
        self.low, self.high, self.doc = low, high, doc

    def read(self, value: object, at: At) -> Any:
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 6:
            value = int(value.strip())  # typed on the command line
        if isinstance(value, bool) or not isinstance(value, int):
            at.problem(f"expected a whole number from {self.low} to {self.high}, found {kind_of(value)}")
            return MISSING
        if not self.low <= value <= self.high:
            at.problem(f"{value} is outside {self.low} to {self.high}")
            return MISSING
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


_WORDS = "|".join([f"(?:{'|'.join(TENS)})(?:[- ](?:{'|'.join(NUMBER_WORDS[1:10])}))?", *NUMBER_WORDS])
_NUMBER = rf"(?:[0-9]+|{_WORDS})"
_COUNT_SCHEMA = (
    rf"^\s*(?:[0-9]+|[0-9]+\s*\+|(?:[Aa][Tt]\s+[Ll][Ee][Aa][Ss][Tt]|>=|≥)\s*{_NUMBER}"
    rf"|[0-9]+\s*[-–]\s*[0-9]+|(?:[Uu][Pp]\s+[Tt][Oo]|<=|≤)\s*{_NUMBER}|{_WORDS}"
    r"|[Ss][Oo][Mm][Ee]|[Uu][Nn][Kk][Nn][Oo][Ww][Nn]|[Uu][Nn][Nn][Uu][Mm][Bb][Ee][Rr][Ee][Dd]|[Nn][Oo][Tt]\s+[Nn][Uu][Mm][Bb][Ee][Rr][Ee][Dd])\s*$"
)


class CountKind(Kind):
    doc = "count: `3`, `2+` (at least 2), `2-4`, `up to 70`, `some` (losses with no number)"

    def read(self, value: object, at: At) -> Any:
        try:
            return Count.parse(value)
        except ValueError as exc:
            at.problem(str(exc))
            return MISSING

    def write(self, value: Any) -> Any:
        return value.to_data() if value is not None else None

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": _COUNT_SCHEMA}]}


class ClockKind(Kind):
    doc = "time: `HH:MM`, or `YYYY-MM-DDTHH:MM` when the statement names the day"

    def read(self, value: object, at: At) -> Any:
        match = _CLOCK_TEXT.match(value) if isinstance(value, str) else None
        if not match:
            shown = repr(value) if isinstance(value, str) else kind_of(value)
            at.problem(
                f"expected a time as HH:MM or YYYY-MM-DDTHH:MM, found {shown}"
                + (" (quote it: an unquoted 21:30 is a number in YAML 1.1)" if isinstance(value, int) else "")
            )
            return MISSING
        day_text, hour, minute = match.groups()
        clock = time(int(hour), int(minute))
        if not day_text:
            return clock
        day = IsoDate().read(day_text, at)
        return MISSING if day is MISSING else datetime.combine(day, clock)

    def write(self, value: Any) -> Any:
        return clock_text(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _CLOCK_TEXT.pattern}


class OffsetKind(Kind):
    doc = "UTC offset: `+04:00`"

    def read(self, value: object, at: At) -> Any:
        match = _OFFSET_TEXT.match(value) if isinstance(value, str) else None
        if not match:
            at.problem(f"expected an offset such as '+04:00', found {value!r}")
            return MISSING
        sign, hours, minutes = match.groups()
        total = int(hours) * 60 + int(minutes)
        return timedelta(minutes=-total if sign == "-" else total)

    def write(self, value: Any) -> Any:
        return offset_text(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _OFFSET_TEXT.pattern}


class ListOf(Kind):
    """A list; a single value is taken as a list of one (`places: Sotk`). Partial: a bad item is
    a problem and is left out, the good items stay."""

    def __init__(self, item: Kind) -> None:
        self.item = item

    @property
    def doc(self) -> str:  # type: ignore[override]
        return f"list of {self.item.doc}"  # asked late: record types refer to each other

    def read(self, value: object, at: At) -> Any:
        if not isinstance(value, list):
            if isinstance(value, (Mapping, bool)) or not _takes_text(self.item):
                what = f"{self.item.record.name} mappings" if isinstance(self.item, Nested) else self.item.doc
                at.problem(f"expected a list of {what}, found {kind_of(value)}")
                return MISSING
            one = self.item.read(value, at.item(0, at.line))
            return () if one is MISSING else (one,)
        items = []
        for index, raw in enumerate(value):
            where = at.item(index, item_line(value, index))
            if _blank(raw) and _takes_text(self.item):
                where.problem(f"expected {self.item.doc}, found {kind_of(raw) if raw is None else 'empty text'}")
                continue
            item = self.item.read(raw, where)
            if item is not MISSING:
                items.append(item)
        return tuple(items)

    def write(self, value: Any) -> Any:
        return [self.item.write(v) for v in value]

    def schema(self) -> dict[str, Any]:
        if not _takes_text(self.item):
            return {"type": "array", "items": self.item.schema()}
        return {"oneOf": [self.item.schema(), {"type": "array", "items": self.item.schema()}]}


def _takes_text(kind: Kind) -> bool:
    """Whether a value of this kind may be written as plain text (so a list of it may be one text)."""
    return not isinstance(kind, Nested) or isinstance(kind, TextOr)


class MapOf(Kind):
    """A mapping from keys of one kind to values of another (sides to their losses). Partial."""

    def __init__(self, key: Kind, value: Kind, doc: str) -> None:
        self.key, self.value, self.doc = key, value, doc

    def read(self, value: object, at: At) -> Any:
        if not isinstance(value, Mapping):
            at.problem(f"expected a mapping, found {kind_of(value)}")
            return MISSING
        result = {}
        for raw_key, raw in value.items():
            where = at.key(str(raw_key), key_line(value, raw_key))
            key = self.key.read(raw_key, where)
            item = self.value.read(raw, where) if key is not MISSING else MISSING
            if item is not MISSING:
                result[key] = item
        return result

    def write(self, value: Any) -> Any:
        return {self.key.write(k): self.value.write(v) for k, v in value.items()}

    def fields_record(self) -> RecordType | None:
        return self.value.fields_record()

    def schema(self) -> dict[str, Any]:
        key = self.key.schema()
        return {"type": "object", "propertyNames": {k: v for k, v in key.items() if k == "pattern"} or {},
                "additionalProperties": self.value.schema()}  # fmt: skip


class Nested(Kind):
    """A mapping of fields of its own record type."""

    def __init__(self, record: Callable[[], RecordType]) -> None:
        self._record = record  # a function: record types refer to each other

    @property
    def record(self) -> RecordType:
        return self._record()

    def fields_record(self) -> RecordType | None:
        return self.record

    @property
    def doc(self) -> str:  # type: ignore[override]
        return f"mapping: {self.record.name}"

    def read(self, value: object, at: At) -> Any:
        return self.record.read(value, at)

    def write(self, value: Any) -> Any:
        return self.record.write(value)

    def schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.record.name}"}

    def empty(self, value: Any) -> bool:
        return value is None or not bool(value) or self.record.write(value) == {}


class TextOr(Nested):
    """A name, or a mapping that says more about it: `Sotk`, or `{name: Digh, role: from}`.
    Written back as the plain name whenever nothing more was said, so files that gave names
    keep the shape their authors wrote. `key` is the field the plain text fills."""

    def __init__(self, record: Callable[[], RecordType], key: str = "name") -> None:
        super().__init__(record)
        self.key = key

    @property
    def doc(self) -> str:  # type: ignore[override]
        return f"text, or mapping: {self.record.name}"

    def read(self, value: object, at: At) -> Any:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            record = self.record
            name = record.field(self.key).kind.read(value, at)
            if name is MISSING:
                return MISSING
            if record.rules or any(f.required and f.name != self.key for f in record.fields):
                return record.read({self.key: name}, at)
            # The plain form, built directly: most places and weapons are written so (a hot path).
            values = {f.attribute: name if f.name == self.key else f.default for f in record.fields}
            return record.build(**values, meta=Meta(at.reading.path, at.line, f"{at.name}.", {}))
        return self.record.read(value, at)

    def write(self, value: Any) -> Any:
        data = self.record.write(value)
        said = {k: v for k, v in data.items() if k == self.key or v != self._default(k)}
        return said[self.key] if list(said) == [self.key] else said

    def _default(self, key: str) -> Any:
        spec = self.record.field(key)
        return spec.kind.write(spec.default)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [Text().schema(), {"$ref": f"#/$defs/{self.record.name}"}]}


# --- fields and record types ------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of a record type: its key, kind, whether required, its default, its help text,
    and the command-line option that fills it (None: only by hand)."""

    name: str
    kind: Kind
    help: str
    required: bool = False
    default: Any = None
    option: str | None = None
    attr: str = ""  # the attribute of the typed object, when it differs from the key
    always: bool = False  # written even when empty (claims: [] says "no claims yet")
    to_model: Callable[[Any], Any] | None = None  # read value -> attribute (figures from a map)
    from_model: Callable[[Any], Any] | None = None
    typed: str = ""  # how the option's value is typed, where it differs from the file's form
    metavar: str | None = None
    question: str = ""  # what `add` or `claim` asks on a terminal when the option is not given
    omit_default: bool = False  # not written when it holds its default (fields added since 0.1)
    missing: str = "is required"  # what a problem says when a required field is not there

    @property
    def attribute(self) -> str:
        return self.attr or self.name


Rule = Callable[[dict[str, Any], Callable[..., At]], None]
"""A check across the fields of one object: (values read, field name -> its place) -> None."""


@dataclass(frozen=True)
class RecordType:
    """A mapping of fields, read into one typed object."""

    name: str
    summary: str
    fields: tuple[Field, ...]
    build: Callable[..., Any]
    rules: tuple[Rule, ...] = ()
    open_keys: bool = False  # may hold keys this definition does not name (none do today)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @functools.cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def read(self, data: object, at: At) -> Any:
        """The typed object, or MISSING when a field it needs could not be read. Every problem
        is reported where it stands; a nested list keeps its good items (see ListOf)."""
        if not isinstance(data, Mapping):
            at.problem(f"expected a mapping of fields ({self.name}), found {kind_of(data)}")
            return MISSING
        lines: Mapping[Any, int] = getattr(data, "key_lines", None) or {}
        if not self.open_keys:
            for key in data:
                if key not in self._names:
                    where = at.key(str(key), lines.get(key, at.line))
                    where.problem(f"unknown field{suggest(str(key), self._names)}")
        values: dict[str, Any] = {}
        failed = False
        for spec in self.fields:  # the loader's hot path: an At is made only for a present field
            raw = data.get(spec.name)
            if raw is None or (type(raw) is str and not raw.strip()):  # _blank, inlined: run per field
                if spec.required:
                    at.key(spec.name, lines.get(spec.name, at.line)).problem(spec.missing)
                    failed = True
                values[spec.attribute] = spec.default
                continue
            value = spec.kind.read(raw, at.key(spec.name, lines.get(spec.name, at.line)))
            if value is MISSING:  # the default stands in, already in the model's form
                failed = True
                values[spec.attribute] = spec.default
                continue
            values[spec.attribute] = spec.to_model(value) if spec.to_model else value
        before = len(at.reading.problems)

        def field_at(name: str, near: str = "") -> At:
            """A field's place; a missing field is reported at the line of `near`, the field that needs it."""
            line = next((key_line(data, key) for key in (name, near) if key and key in data), at.line)
            return at.key(name, line)

        for rule in self.rules:
            rule(values, field_at)
        if failed or len(at.reading.problems) > before:
            return MISSING
        prefix = f"{at.name}." if at.name else ""
        return self.build(**values, meta=Meta(at.reading.path, at.line, prefix, _lines(data)))

    def write(self, value: Any) -> dict[str, Any]:
        """The canonical plain data of a typed object: fields in definition order, empty optional
        ones left out so that files hold what was said and nothing more."""
        out: dict[str, Any] = {}
        for spec in self.fields:
            item = getattr(value, spec.attribute)
            item = spec.from_model(item) if spec.from_model else item
            if spec.omit_default and item == spec.default:
                continue
            if spec.always or not spec.kind.empty(item):
                out[spec.name] = spec.kind.write(item)
        return out


def _lines(data: Mapping[Any, Any]) -> dict[str, int]:
    """Lines of a mapping's keys, and of the items of its lists as `key[i]`."""
    lines: dict[str, int] = dict(getattr(data, "key_lines", None) or {})
    for key, value in data.items():
        items = getattr(value, "item_lines", None)
        if items:
            lines.update((f"{key}[{index}]", line) for index, line in enumerate(items))
    return lines


# --- reading and writing records --------------------------------------------------------------


def read(
    record: RecordType, data: object, path: str, sides: Iterable[str] | None = None, hint: str = ""
) -> tuple[Any, list[Problem]]:
    """Plain data (from `yamlio.read_yaml`) as a typed object, or None; and every problem.

    `sides`, where given, are the side ids the data may name; others are reported."""
    reading = Reading(path, sides=frozenset(sides) if sides is not None else None, side_hint=hint)
    if data is None:
        reading.at(1).problem("the file is empty")
        return None, reading.problems
    if isinstance(data, Mapping) and not data:
        reading.at(getattr(data, "line", 1) or 1).problem("the file holds no fields")
        return None, reading.problems
    value = record.read(data, reading.at(getattr(data, "line", 1) or 1))
    return (None if value is MISSING else value), reading.problems


def write(record: RecordType, value: Any) -> dict[str, Any]:
    return record.write(value)


# --- derived: JSON Schema, docs, options --------------------------------------------------------


def _record_schema(record: RecordType) -> dict[str, Any]:
    properties = {}
    for spec in record.fields:
        schema = dict(spec.kind.schema())
        schema["description"] = spec.help
        if not spec.kind.empty(spec.default):
            schema["default"] = spec.kind.write(spec.default)
        properties[spec.name] = schema
    result: dict[str, Any] = {"type": "object", "description": record.summary, "properties": properties}
    required = [f.name for f in record.fields if f.required]
    if required:
        result["required"] = required
    if not record.open_keys:
        result["additionalProperties"] = False
    return result


def field_table(record: RecordType) -> str:
    """The markdown table of a record type's fields, as docs/records.md shows it."""
    rows = ["| field | value | required (default) | meaning |", "|---|---|---|---|"]
    for spec in record.fields:
        if spec.required:
            need = "yes"
        elif not spec.kind.empty(spec.default):
            need = f"no (`{spec.kind.write(spec.default)}`)"
        else:
            need = "no"
        option = f" Option: `{spec.option}`." if spec.option else ""
        rows.append(f"| `{spec.name}` | {spec.kind.doc} | {need} | {spec.help}{option} |")
    return "\n".join(rows)


@dataclass(frozen=True)
class Option:
    """A command-line option derived from a field: the flag, the field's path, its help."""

    flag: str
    path: str  # 'source.title', 'window.from', 'casualties.killed'
    help: str
    multiple: bool
    choices: Sequence[str] | None
    metavar: str | None = None
    question: str = ""
    default: str | None = None

    @property
    def dest(self) -> str:
        """The Python name click gives the option's value: 'source.title' -> 'source__title'."""
        return self.path.replace(".", "__")


def options(record: RecordType, prefix: str = "") -> list[Option]:
    """The options that fill a record type's fields, nested records included."""
    found = []
    for spec in record.fields:
        path = prefix + spec.name
        kind = spec.kind
        inner = kind.fields_record()
        if inner is not None and not (isinstance(kind, TextOr) and spec.option):
            found += options(inner, path + ".")
            continue
        if spec.option:
            inner = kind.item if isinstance(kind, ListOf) else kind
            choices = [m.value for m in inner.vocabulary] if isinstance(inner, Choice) else None
            multiple = isinstance(kind, ListOf) or path.startswith("casualties.")
            text = f"{spec.help} {spec.typed}".strip() + (" Repeatable." if multiple else "")
            if choices and not kind.empty(spec.default) and "Default:" not in text:
                text += f" Default: {kind.write(spec.default)}."
            default = None if kind.empty(spec.default) else str(kind.write(spec.default))
            question = spec.question or spec.help.rstrip(".")
            found.append(Option(spec.option, path, text, multiple, choices, spec.metavar, question, default))
    return found


def option_for(record: RecordType, field_name: str) -> str:
    """The option a person typed for a field a problem names: 'window.to' -> '--to',
    'places[1]' -> '--place', 'casualties.armenia.killed' -> '--killed'."""
    plain = re.sub(r"\[\d+\]", "", field_name)
    if plain.startswith("casualties."):
        return "--" + plain.rsplit(".", 1)[-1].replace("_", "-")
    by_path = {o.path: o.flag for o in options(record)}
    return by_path.get(plain, plain or "command line")
