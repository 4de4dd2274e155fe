"""The typed records: incidents, claims and their parts, with the vocabularies they use.

Nothing here reads or writes a file, and nothing here validates: `spec` holds the one
definition of the record format and builds these objects from plain data, so that a value that
reaches a dataclass below is already known to be good. Each record object carries its `Meta`
(file, line and the line of each field), as beancount's entries carry theirs, so that checks
across records report `path:line: field` from the typed record alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import Enum


class Vocabulary(str, Enum):
    """A closed set of words a record uses; each member is the word itself (`str(Stance.DENIES)`
    is 'denies'), so it compares, prints and serialises as the text people write."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def words(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)


class Stance(Vocabulary):
    ALLEGES = "alleges"
    DENIES = "denies"
    CONFIRMS = "confirms"
    OBSERVED = "observed"
    NO_COMMENT = "no comment"


class Precision(Vocabulary):
    DAY = "day"
    DAYS = "days"
    WEEK = "week"
    MONTH = "month"


class Status(Vocabulary):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


class CasualtyKind(Vocabulary):
    """What happened to people; `label` is how a sentence says it ("killed or wounded")."""

    KILLED = "killed"
    WOUNDED = "wounded"
    KILLED_OR_WOUNDED = "killed_or_wounded"  # "casualties", "losses": a statement that does not split them
    CAPTURED = "captured"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class SideKind(Vocabulary):
    PRINCIPAL = "principal"  # a party to the dispute
    THIRD_PARTY = "third-party"


class PlaceRole(Vocabulary):
    """What a statement says of a place: the fire came from it, it was hit (or aimed at), or
    it is only where things happened ("near Sotk", or a place given with no role)."""

    FROM = "from"
    AT = "at"
    NEAR = "near"


class Topic(Vocabulary):
    """What part of an account a statement denies, admits or confirms: that it happened at all,
    who started it, the casualties, the weapons, the places, someone's presence, or one's own fire
    (an admission: "we fired in retaliation" is not blaming oneself)."""

    HAPPENED = "happened"
    INITIATOR = "initiator"
    CASUALTIES = "casualties"
    WEAPONS = "weapons"
    PLACES = "places"
    PRESENCE = "presence"
    OWN_FIRE = "own-fire"


class StatementKind(Vocabulary):
    """What a statement is: an account of what happened, or one of the statements that are not
    allegations (a ceasefire announced or said to be violated, a mediator's word, a toll)."""

    ACCOUNT = "account"
    CEASEFIRE_ANNOUNCED = "ceasefire-announced"
    CEASEFIRE_VIOLATED = "ceasefire-violated"
    MEDIATION = "mediation"
    LOSSES = "losses"


class SideType(Vocabulary):
    """What kind of speaker a side is, apart from whether it is a party to the dispute."""

    PARTY = "party"
    STATE = "state"
    INTERNATIONAL_ORGANISATION = "international-organisation"
    MONITORING_MISSION = "monitoring-mission"
    MEDIA = "media"
    NGO = "ngo"
    DATASET = "dataset"  # a compiler of others' reports (ACLED): it restates, so it never bears an incident out


class LinkType(Vocabulary):
    RETALIATION_FOR = "retaliation-for"
    CONTINUES = "continues"
    SAME_ESCALATION = "same-escalation"
    DUPLICATE_OF = "duplicate-of"


class PersonEventType(Vocabulary):
    RETURNED = "returned"
    RELEASED = "released"
    DIED_OF_WOUNDS = "died-of-wounds"
    FOUND = "found"


class Outcome(Vocabulary):
    DESTROYED = "destroyed"
    DAMAGED = "damaged"
    TAKEN = "taken"
    LOST = "lost"
    DOWNED = "downed"
    LAID = "laid"  # mines


class Breakdown(Vocabulary):
    """How `summary` breaks a period down."""

    MONTH = "month"
    WEEK = "week"
    REGION = "region"
    SIDE = "side"


class OutputFormat(Vocabulary):
    """`--format`: a table for people, or a format for programs (docs/output.md)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    YAML = "yaml"


# Kept as plain tuples of words for click's choices and messages.
STANCES = Stance.words()
PRECISIONS = Precision.words()
STATUSES = Status.words()
CASUALTY_KINDS = CasualtyKind.words()


@dataclass(frozen=True)
class Meta:
    """Where a record object stands in its file: the line of the object and of each field.

    `lines` maps a field name (and `name[i]` for list items) to its line; `prefix` is the
    object's own place in the file ('claims[1].'), so a problem found later names the field as
    the reader would have."""

    path: str = ""
    line: int = 0
    prefix: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def field(self, key: str) -> str:
        return self.prefix + key


NO_META = Meta()


# --- values ---------------------------------------------------------------------------------

# Digits are ASCII only: Python's \d also takes ٣ and ३, which no one can type back.
_COUNT_PATTERN = re.compile(
    r"^\s*(?:(?P<exact>[0-9]+)|(?P<least>[0-9]+)\s*\+|(?:at\s+least|>=|≥)\s*(?P<least2>[0-9]+)"
    r"|(?P<low>[0-9]+)\s*[-–]\s*(?P<high>[0-9]+)|(?:up\s+to|<=|≤)\s*(?P<most>[0-9]+)"
    r"|(?P<some>some|unknown|unnumbered|not\s+numbered))\s*$",
    re.IGNORECASE,
)
# Statements write small numbers as words ("at least two soldiers"); they are read as digits.
NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS = {word: n for n, word in enumerate(NUMBER_WORDS)}
# "twenty-one" is one number, 21, not the range 20-1: tens (with a unit) are read before single words
_TENS_WORD = re.compile(r"\b(" + "|".join(TENS) + r")(?:[- ](" + "|".join(NUMBER_WORDS[1:10]) + r"))?\b", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _in_digits(text: str) -> str:
    """Number words written as digits: 'twenty-one' -> '21', 'at least two' -> 'at least 2'."""
    tens = _TENS_WORD.sub(
        lambda m: str(20 + 10 * TENS.index(m[1].lower()) + (_NUMBER_WORDS[m[2].lower()] if m[2] else 0)), text
    )
    return _NUMBER_WORD.sub(lambda m: str(_NUMBER_WORDS[m.group().lower()]), tens)


MAX_COUNT_DIGITS = 9  # a casualty or violation count of a billion is a typing slip
SOME = "some"  # how a record writes losses a statement gives without a number


@dataclass(frozen=True)
class Count:
    """A figure as a statement gives it: exact (3), a lower bound (at least 2), a range (2-4), an
    upper bound (up to 70), or losses without a number ("suffering losses": `some`).

    Statements say "at least two soldiers"; storing that as 2 would overstate the ministry's
    certainty, so the bound is kept and comparisons treat every count as an interval. Losses
    without a number are never 0 and never a number the tool made up: they are `unnumbered`,
    and a sum that includes them says so ("3, and losses not numbered").
    """

    low: int
    high: int | None  # None: no upper bound ("at least low")
    up_to: bool = False  # "up to high": the statement gives no lower figure (low is 0)
    unnumbered: bool = False  # losses stated without a number (alone: low = high = 0)

    @classmethod
    def parse(cls, value: object) -> Count:
        """Read `3`, `"2+"`, `"at least 2"` (or "at least two"), `"2-4"`, `"up to 70"` or `"some"`;
        raise ValueError on anything else."""
        if isinstance(value, bool):
            raise ValueError("expected a number, '2+' or '2-4', not true/false")
        if isinstance(value, int):
            if value < 0:
                raise ValueError("a count cannot be negative")
            _check_size(str(value))
            return cls(value, value)
        if isinstance(value, str):
            match = _COUNT_PATTERN.match(_in_digits(value))
            if match:
                return cls._from_match(match, value)
        raise ValueError(
            f"expected a number, 'N+' (at least N), 'N-M' (a range), 'up to N' or 'some' (losses with no number),"
            f" not {value!r}"
        )

    @classmethod
    def _from_match(cls, match: re.Match[str], value: str) -> Count:
        for digits in filter(None, (match[g] for g in ("exact", "least", "least2", "low", "high", "most"))):
            _check_size(digits)
        if match["some"]:
            return cls(0, 0, unnumbered=True)
        if match["exact"]:
            return cls(int(match["exact"]), int(match["exact"]))
        if match["least"] or match["least2"]:
            return cls(int(match["least"] or match["least2"]), None)
        if match["most"]:
            return cls(0, int(match["most"]), up_to=True)
        low, high = int(match["low"]), int(match["high"])
        if low > high:
            raise ValueError(f"the range {value!r} runs backwards: write the lower figure first")
        return cls(low, high)

    @property
    def is_exact(self) -> bool:
        return self.high == self.low and not self.unnumbered and not self.up_to

    @property
    def numbered(self) -> bool:
        """Whether the figure has a number at all (`some` alone has none)."""
        return not (self.unnumbered and self.low == 0 and self.high == 0)

    def to_data(self) -> int | str:
        if not self.numbered:
            return SOME
        if self.unnumbered:  # a sum that includes losses without a number
            return f"{self._numbered_data()} and {SOME}"
        return self._numbered_data()

    def _numbered_data(self) -> int | str:
        if self.up_to:
            return f"up to {self.high}"
        if self.high == self.low:
            return self.low
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    def overlaps(self, other: Count) -> bool:
        """Whether both figures can be true at once: "at least 2" and "3" can, "2" and "3" cannot,
        "some" and "3" can, "some" and "0" cannot (losses were stated)."""
        inf = float("inf")
        a_low, a_high = self.interval()
        b_low, b_high = other.interval()
        return a_low <= (b_high if b_high is not None else inf) and b_low <= (a_high if a_high is not None else inf)

    def interval(self) -> tuple[int, int | None]:
        """What the figure allows, for comparison only: losses without a number are at least one
        more than the numbered part, and without bound."""
        if self.unnumbered:
            return self.low + 1, None
        return self.low, self.high

    def __str__(self) -> str:
        if not self.numbered:
            return "some (no number given)"
        text = self._numbered_text()
        return f"{text}, and losses not numbered" if self.unnumbered else text

    def _numbered_text(self) -> str:
        if self.up_to:
            return f"up to {self.high}"
        if self.high == self.low:
            return str(self.low)
        return f"at least {self.low}" if self.high is None else f"{self.low}–{self.high}"


def _check_size(digits: str) -> None:
    if len(digits.lstrip("0")) > MAX_COUNT_DIGITS:
        raise ValueError(f"a count of {len(digits):,} digits is not a count of people or events")


@dataclass(frozen=True)
class PlaceRef:
    """A place as a statement names it: the side's own word, kept as written ("Digh of the
    Gorus region"), its role, and, where the gazetteer cannot tell which place the word means
    (Istisu), the place the analyst chose: a gazetteer id beside the word, never a rewrite."""

    name: str
    role: PlaceRole = PlaceRole.NEAR
    means: str | None = None  # a gazetteer place id
    meta: Meta = field(default=NO_META, compare=False, repr=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class WeaponRef:
    """A weapon a statement names, and who it says used it (None: the side the claim blames)."""

    name: str
    by: str | None = None
    meta: Meta = field(default=NO_META, compare=False, repr=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Figure:
    """One casualty figure in a claim: whose people, what happened to them, how many."""

    side: str
    kind: CasualtyKind
    civilian: bool
    count: Count

    @property
    def key(self) -> tuple[str, bool, str]:
        return (self.side, self.civilian, str(self.kind))


Clock = time | datetime
"""A time a statement gives: a time of day (21:30), or a moment on a named day."""


def clock_text(value: Clock | None) -> str | None:
    """'21:30' or '2023-03-08T21:30': the form records hold."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return f"{value.date().isoformat()}T{value.hour:02d}:{value.minute:02d}"
    return f"{value.hour:02d}:{value.minute:02d}"


def offset_text(offset: timedelta | None) -> str | None:
    """'+04:00' for four hours east of UTC."""
    if offset is None:
        return None
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class Window:
    """The time span a statement gives, in the clock the statement used, with its UTC offset."""

    start: Clock | None = None
    end: Clock | None = None
    utc_offset: timedelta | None = None
    meta: Meta = field(default=NO_META, compare=False, repr=False)  # not part of what a record says

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None

    def __str__(self) -> str:
        span = f"{clock_text(self.start) or '?'} – {clock_text(self.end) or '?'}"
        return f"{span} (UTC{offset_text(self.utc_offset)})" if self.utc_offset is not None else span

    def utc_span(self) -> tuple[datetime, datetime] | None:
        """The window in UTC, when both ends name their day (a bare 21:30 is on no known day)."""
        if not (isinstance(self.start, datetime) and isinstance(self.end, datetime)):
            return None
        shift = self.utc_offset or timedelta(0)
        return self.start - shift, self.end - shift


@dataclass(frozen=True)
class Moment:
    """When a statement was made: its day, and its time of day and UTC offset where the source
    gives them, so that statements of one day can be put in order."""

    day: date
    time: time | None = None
    offset: timedelta | None = None

    def isoformat(self) -> str:
        """'2023-09-01', '2023-03-09T12:59', '2023-03-09T12:59+04:00': the form records hold."""
        if self.time is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()}T{clock_text(self.time)}{offset_text(self.offset) or ''}"

    def __str__(self) -> str:
        return self.isoformat()

    @property
    def key(self) -> tuple[date, time]:
        """For ordering statements: by day, then by time (a statement without one comes first)."""
        return (self.day, self.time or time.min)


@dataclass(frozen=True)
class Retraction:
    """A statement withdrawn: the claim, and the aspects of it withdrawn (none: all of it)."""

    claim: str
    aspects: tuple[str, ...] = ()
    meta: Meta = field(default=NO_META, compare=False, repr=False)


@dataclass(frozen=True)
class Via:
    """How a claim is known when not from its speaker: through another side's statement or a report."""

    side: str
    by: str | None = None
    meta: Meta = field(default=NO_META, compare=False, repr=False)


@dataclass(frozen=True)
class PersonEvent:
    """Something that happened to a person later, as a cited claim says: returned, died of wounds."""

    event: PersonEventType
    date: date | None = None
    meta: Meta = field(default=NO_META, compare=False, repr=False)


@dataclass(frozen=True)
class Person:
    """A person a statement names among the dead, wounded, captured or missing."""

    side: str
    status: CasualtyKind
    name: str | None = None
    civilian: bool = False
    rank: str | None = None
    age: int | None = None
    events: tuple[PersonEvent, ...] = ()
    meta: Meta = field(default=NO_META, compare=False, repr=False)


@dataclass(frozen=True)
class Material:
    """Equipment, buildings or positions a statement says were destroyed, damaged, taken, downed."""

    what: str
    outcome: Outcome
    whose: str | None = None
    count: Count | None = None
    meta: Meta = field(default=NO_META, compare=False, repr=False)


@dataclass(frozen=True)
class Evidence:
    """A copy of what was read (an article saved as HTML or PDF, a screenshot), kept beside the
    records with what proves it is the same file: its SHA-256 and size, and when it was got."""

    file: str  # below the records directory's evidence/ folder
    sha256: str
    size: int
    retrieved: date
    source: str | None = None  # the key of the incident's source it is a copy of
    meta: Meta = field(default=NO_META, compare=False, repr=False)


@dataclass(frozen=True)
class Link:
    """How an incident relates to another: in retaliation for it, continuing it, one escalation."""

    type: LinkType
    id: str
    meta: Meta = field(default=NO_META, compare=False, repr=False)


@dataclass(frozen=True)
class Source:
    """Where a claim was read. A title or a reference is required: every claim must be traceable."""

    title: str | None = None
    publisher: str | None = None
    date: date | None = None
    url: str | None = None
    archive_url: str | None = None  # a copy kept by an archive (the Wayback Machine, archive.today)
    retrieved: date | None = None  # when it was read
    ref: str | None = None  # a local reference, for a source that has no headline or URL
    key: str | None = None  # its key in the incident's sources, where claims cite it by key
    meta: Meta = field(default=NO_META, compare=False, repr=False)  # not part of what a record says

    def __str__(self) -> str:
        parts = [f"“{self.title}”" if self.title else (self.ref or "")]
        parts += [p for p in (self.publisher, self.date.isoformat() if self.date else None) if p]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Claim:
    """One statement by one claimant about one incident. A revised figure is a new claim, which
    says which earlier one it `revises`; a withdrawn statement is a claim that `retracts` it."""

    side: str
    source: Source
    id: str | None = None  # short, stable within the incident; None: implied by position (c1, c2…)
    by: str | None = None
    reported: Moment | None = None
    stance: Stance = Stance.ALLEGES
    initiator: str | None = None
    target: str | None = None
    weapons: tuple[WeaponRef, ...] = ()
    places: tuple[PlaceRef, ...] = ()
    window: Window = field(default_factory=Window)
    violations: Count | None = None
    casualties: tuple[Figure, ...] = ()
    statement: str | None = None
    note: str | None = None
    revises: str | None = None  # the id of the claim whose figures this one replaces
    retracts: Retraction | None = None
    kind: StatementKind = StatementKind.ACCOUNT
    denies: tuple[Topic, ...] = ()
    admits: tuple[Topic, ...] = ()
    confirms: tuple[Topic, ...] = ()
    via: Via | None = None
    people: tuple[Person, ...] = ()
    material: tuple[Material, ...] = ()
    meta: Meta = field(default=NO_META, compare=False, repr=False)  # not part of what a record says

    def weapon_user(self, weapon: WeaponRef) -> str | None:
        """Who used a weapon, by this statement: as given, else the side it blames."""
        return weapon.by or self.initiator


@dataclass(frozen=True)
class Incident:
    """One incident: what happened where and when, and every account of it."""

    id: str
    title: str
    date: date
    end_date: date | None = None
    date_precision: Precision = Precision.DAY
    places: tuple[PlaceRef, ...] = ()
    region: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: Status = Status.ACTIVE
    merged_into: str | None = None
    reason: str | None = None  # why it was withdrawn or merged
    notes: str | None = None
    sources: tuple[Source, ...] = ()  # entered once, cited by key by any number of claims
    links: tuple[Link, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    claims: tuple[Claim, ...] = ()
    meta: Meta = field(default=NO_META, compare=False, repr=False)  # not part of what a record says

    @property
    def claimants(self) -> tuple[str, ...]:
        """The sides that have spoken, in the order they first appear."""
        return tuple(dict.fromkeys(c.side for c in self.claims))

    @property
    def span(self) -> tuple[date, date]:
        """The days the incident may cover, by its precision: its day, its span of days, the week
        beginning on its date, or its month; an end_date, where given, ends it."""
        start, end = self.date, self.end_date or self.date
        if self.date_precision == Precision.WEEK and not self.end_date:
            end = self.date + timedelta(days=6)
        elif self.date_precision == Precision.MONTH:
            start = self.date.replace(day=1)
            following = date(self.date.year + self.date.month // 12, self.date.month % 12 + 1, 1)
            end = self.end_date or following - timedelta(days=1)
        return start, end

    def claim_id(self, index: int) -> str:
        """The id of the claim at `index`: its own, or c1, c2… by position for claims that have none."""
        return self.claims[index].id or f"c{index + 1}"

    @property
    def claim_ids(self) -> tuple[str, ...]:
        return tuple(self.claim_id(n) for n in range(len(self.claims)))

    def next_claim_id(self) -> str:
        taken, number = set(self.claim_ids), len(self.claims) + 1
        while f"c{number}" in taken:
            number += 1
        return f"c{number}"

    @property
    def place_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.places)

    @property
    def tombstone(self) -> str | None:
        """What every command says of a record that is no longer an incident of its own: where a
        merged one went, why a withdrawn one was withdrawn. None for an active record."""
        why = f" ({self.reason})" if self.reason else ""
        if self.status == Status.MERGED:
            return f"{self.id} was merged into {self.merged_into}{why}: its accounts belong there"
        if self.status == Status.WITHDRAWN:
            return f"{self.id} was withdrawn{why}: kept for the record, left out of listings"
        return None

    def with_claim(self, claim: Claim) -> Incident:
        return replace(self, claims=(*self.claims, claim))


# --- sides ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    id: str
    name: str
    kind: SideKind = SideKind.THIRD_PARTY
    aliases: tuple[str, ...] = ()
    short: str = ""  # a code for narrow tables (AM, AZ, EUMA)
    voice: str = "Ministry of Defence"  # whose statements are the side's official account
    type: SideType | None = None
    meta: Meta = field(default=NO_META, compare=False, repr=False)  # not part of what a record says


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
        return tuple(s.id for s in self.sides if s.kind == SideKind.PRINCIPAL)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sides)
