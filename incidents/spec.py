"""The one definition of the record format, and everything derived from it.

Each record type (incident, claim, source, window, losses, a gazetteer place, a side) is a
`RecordType`: a list of `Field`s, each with its name, kind of value, vocabulary, whether it is
required, its help text and the command-line option that fills it (the machinery of kinds,
fields and record types is in `fields`). From these definitions, and only from them, come:
- reading with validation (`read`): plain data as `yamlio` gives it, with every problem as
  `path:line: field: message`; partial, so one bad claim never hides the good ones;
- canonical writing (`write`): the ordered plain data the store saves and `--format` prints;
- the JSON Schema (`json_schema`) that `incidents schema` prints and editors use;
- the field tables of docs/records.md (`field_table`), which a test keeps in step;
- the options `add` and `claim` offer (`options`), and the option a problem is reported against.

Why in-house and not pydantic or msgspec: measured in the commit that introduced this module.
The short of it: the loader keeps YAML line numbers, which neither library sees, and reports
every problem of a file at once; msgspec stops at the first error, and pydantic costs more to
import than the whole of this tool's validation of a typical directory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from .errors import Problem
from .fields import (
    At,
    Choice,
    ClockKind,
    CountKind,
    Field,
    Flag,
    Integer,
    IsoDate,
    Kind,
    ListOf,
    MapOf,
    MomentKind,
    Nested,
    Number,
    OffsetKind,
    Pattern,
    RecordType,
    SideRef,
    Text,
    TextOr,
    _record_schema,
    field_table,
    read,
)
from .model import (
    CasualtyKind,
    Claim,
    Evidence,
    Figure,
    Incident,
    Link,
    LinkType,
    Material,
    Meta,
    Outcome,
    Person,
    PersonEvent,
    PersonEventType,
    PlaceRef,
    PlaceRole,
    Precision,
    Retraction,
    Side,
    SideKind,
    SideType,
    Source,
    Stance,
    StatementKind,
    Status,
    Topic,
    Via,
    WeaponRef,
    Window,
    clock_text,
)
from .places import LANGUAGES, Place

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
SOURCE_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
CLAIM_ID_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,15}$")
ID_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID = 200  # the file's name is the id and .yaml, and a name may be 255 bytes
PLACE_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


# --- rules across fields ------------------------------------------------------------------------


def _dates_in_order(values: dict[str, Any], at: Callable[..., At]) -> None:
    start, end, precision = values["date"], values["end_date"], values["date_precision"]
    if start and end and end < start:
        at("end_date").problem(f"{end} is before the start date {start}")
    elif precision == Precision.DAY and start and end and end != start:
        at("date_precision").problem("a one-day incident has no later end date: write days (a span), or drop end_date")


def _merge_named(values: dict[str, Any], at: Callable[..., At]) -> None:
    status, target = values["status"], values["merged_into"]
    if status == Status.MERGED and not target:
        at("merged_into", near="status").problem("a merged incident must name the id it was merged into")
    if target and status != Status.MERGED:
        at("merged_into").problem("only a record with status 'merged' names merged_into")
    if values["reason"] and status == Status.ACTIVE:
        at("reason").problem("only a withdrawn or merged record gives a reason")


def _claims_refer_to_claims(values: dict[str, Any], at: Callable[..., At]) -> None:
    """Claim ids are unique in the incident; `revises` and `retracts` name an earlier claim."""
    reading = at("claims").reading
    seen: list[str] = []
    for index, claim in enumerate(values["claims"]):
        own, name = claim.id or f"c{index + 1}", claim.meta.prefix.rstrip(".")
        if own in seen:
            At(reading, f"{name}.id", claim.meta.line_of("id")).problem(
                f"claim id {own!r} is used twice in this incident"
            )
        for key, target in (("revises", claim.revises), ("retracts", claim.retracts.claim if claim.retracts else None)):
            if target and target not in seen:
                known = f"the earlier claims are {', '.join(seen)}" if seen else "there is no earlier claim"
                At(reading, f"{name}.{key}", claim.meta.line_of(key)).problem(
                    f"{target!r} is not an earlier claim; {known}"
                )
        seen.append(own)


def _window_in_order(values: dict[str, Any], at: Callable[..., At]) -> None:
    start, end = values["start"], values["end"]
    if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        at("to").problem(f"{clock_text(end)} is before {clock_text(start)}")


def _source_traceable(values: dict[str, Any], at: Callable[..., At]) -> None:
    """A source has a headline or a reference; one cited by key is checked where it is listed."""
    cited_by_key = values["key"] and not any(values[k] for k in ("title", "publisher", "date", "url", "ref"))
    if not (values["title"] or values["ref"] or cited_by_key):
        at("title").problem("a source needs a title (the headline) or, if it has none, a ref")


def _sources_cited_by_key(values: dict[str, Any], at: Callable[..., At]) -> None:
    """The incident's sources have unique keys; a claim that cites a key gets that source."""
    listed: dict[str, Source] = {}
    for index, source in enumerate(values["sources"]):
        where = At(at("sources").reading, f"sources[{index}].key", source.meta.line_of("key"))
        if not source.key:
            where.problem("a source listed for the incident needs a key, by which claims cite it")
        elif source.key in listed:
            where.problem(f"source key {source.key!r} is used twice")
        else:
            listed[source.key] = source
    claims = []
    for claim in values["claims"]:
        cited = claim.source
        if cited.key and not (cited.title or cited.ref):
            if cited.key not in listed:
                known = ", ".join(listed) or "none are listed"
                At(at("claims").reading, claim.meta.field("source"), claim.meta.line_of("source")).problem(
                    f"no source with key {cited.key!r} in this incident's sources ({known})"
                )
            else:
                claim = replace(claim, source=listed[cited.key])
        claims.append(claim)
    values["claims"] = tuple(claims)


def _cited(source: Source) -> Source:
    """How a claim writes its source: by key where the incident lists it, else in full."""
    return Source(key=source.key) if source.key else source


# --- casualties: a map in files, figures in the model ------------------------------------------


def _figures(losses: Mapping[str, dict[str, Any]]) -> tuple[Figure, ...]:
    figures = []
    for side, kinds in losses.items():
        for civilian, counts in ((False, kinds), (True, kinds.get("civilians") or {})):
            figures += [Figure(side, k, civilian, counts[k.value]) for k in CasualtyKind if counts.get(k.value)]
    return tuple(sorted(figures, key=figure_order))


def figure_order(figure: Figure) -> tuple[str, bool, int]:
    return (figure.side, figure.civilian, list(CasualtyKind).index(figure.kind))


def _losses_map(figures: Iterable[Figure]) -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = {}
    for figure in sorted(figures, key=figure_order):
        losses = data.setdefault(figure.side, {})
        target = losses.setdefault("civilians", {}) if figure.civilian else losses
        target[figure.kind.value] = figure.count
    return data


def _plain(**values: Any) -> dict[str, Any]:
    values.pop("meta", None)
    return {k: v for k, v in values.items() if v is not None}


class _Losses(Kind):
    """Losses of one side: a mapping of kinds to counts, civilians apart. Read as a plain dict
    and turned into Figures by the claim's field, so files keep the shape people write."""

    doc = "mapping: losses"

    def __init__(self, civilian: bool) -> None:
        self.civilian = civilian

    def record(self) -> RecordType:
        return CIVILIAN_LOSSES if self.civilian else LOSSES

    def read(self, value: object, at: At) -> Any:
        return self.record().read(value, at)

    def fields_record(self) -> RecordType | None:
        return self.record()

    def write(self, value: Any) -> Any:
        out = {k: v.to_data() for k, v in value.items() if k != "civilians"}
        if value.get("civilians"):
            out["civilians"] = self.record().field("civilians").kind.write(value["civilians"])
        return out

    def schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.record().name}"}


# --- the definitions --------------------------------------------------------------------------


_LOSS_WORDS = {CasualtyKind.KILLED_OR_WOUNDED: "Killed or wounded, not told apart ('losses', 'casualties'):"}


def loss_option(kind: CasualtyKind) -> str:
    """--killed, --killed-or-wounded: the option that gives figures of one kind."""
    return "--" + kind.value.replace("_", "-")


def _loss_fields(civilian: bool) -> tuple[Field, ...]:
    whose = "civilians" if civilian else "soldiers (service members)"
    fields = tuple(
        Field(
            kind.value,
            CountKind(),
            f"{_LOSS_WORDS.get(kind, kind.value.capitalize())} {whose}.",
            option=None if civilian else loss_option(kind),
            metavar="SIDE=N",
            typed="" if civilian else "Typed as armenia=3, armenia=2+, armenia:civilian=1-4.",
        )
        for kind in CasualtyKind
    )
    if civilian:
        return fields
    return (*fields, Field("civilians", _Losses(True), "Civilian losses, apart from soldiers: the same kinds."))


CIVILIAN_LOSSES = RecordType("civilian-losses", "Civilian losses of one side.", _loss_fields(True), _plain)
LOSSES = RecordType(
    "losses", "The losses of one side, by kind; soldiers unless under civilians.", _loss_fields(False), _plain
)

SOURCE = RecordType(
    "source",
    "Where a claim was read: required, so that every claim can be traced.",
    (
        Field("title", Text(), "Headline of the source.", option="--source-title", question="Source headline",
              typed="A source without a headline needs --source-ref instead."),
        Field("publisher", Text(), "Who published it.", option="--source-publisher"),
        Field("date", IsoDate(), "When it was published.", option="--source-date", metavar="DATE"),
        Field("url", Text(), "Where it can be read.", option="--source-url"),
        Field("archive_url", Text(), "A copy kept by an archive (the Wayback Machine, archive.today).", option="--source-archive-url"),
        Field("retrieved", IsoDate(), "When it was read.", option="--source-retrieved", metavar="DATE"),
        Field(
            "ref", Text(), "A reference for a source without a headline (a file, an archive id).", option="--source-ref"
        ),
        Field("key", Pattern(SOURCE_KEY_PATTERN, "a short key such as anews-2023-03-09", "source key"),
              "Its key in the incident's sources, by which claims cite it.", option="--source", metavar="KEY",
              typed="A key of the incident's sources; with --source-title and the rest, the source is added under it."),
    ),
    Source,
    rules=(_source_traceable,),
)  # fmt: skip

PLACE_REF = RecordType(
    "place-ref",
    "A place as the statement names it, with its role; written as the plain name when it has neither role nor choice.",
    (
        Field("name", Text(), "The side's own word for the place, as written.", required=True),
        Field("role", Choice(PlaceRole), "from: the fire came from it; at: it was hit or aimed at; near: neither said.",
              default=PlaceRole.NEAR),
        Field("means", Pattern(PLACE_ID_PATTERN, "a gazetteer place id such as jermuk", "place id"),
              "The gazetteer place the name stands for, where the name alone is ambiguous (Istisu: jermuk)."),
    ),
    PlaceRef,
)  # fmt: skip

WEAPON_REF = RecordType(
    "weapon-ref",
    "A weapon the statement names; written as the plain name when it says nothing of who used it.",
    (
        Field("name", Text(), "The weapon as the statement names it.", required=True),
        Field("by", SideRef(), "Who the statement says used it (default: the side it blames)."),
    ),
    WeaponRef,
)

WINDOW = RecordType(
    "window",
    "The time span a statement gives, in its own clock.",
    (
        Field(
            "from",
            ClockKind(),
            "Start of the time window.",
            option="--from",
            attr="start",
            metavar="TIME",
            typed="Typed as 21:30, '9:30 p.m.', or '2023-03-08 21:30+04:00' when the statement names the day.",
        ),
        Field(
            "to",
            ClockKind(),
            "End of the time window.",
            option="--to",
            attr="end",
            metavar="TIME",
            typed="An end earlier than a dated start is on the next day.",
        ),
        Field(
            "utc_offset", OffsetKind(), "UTC offset of the times, e.g. +04:00.", option="--utc-offset", metavar="OFFSET"
        ),
    ),
    Window,
    rules=(_window_in_order,),
)

CLAIM = RecordType(
    "claim",
    "One statement by one side about the incident; a revised figure is a new claim.",
    (
        Field("id", Pattern(CLAIM_ID_PATTERN, "a short claim id such as c3", "claim id"),
              "Short and stable within the incident; `claim` gives c1, c2, … (a claim without one is c1, c2, … by position)."),
        Field("side", SideRef(), "Who spoke: a side id (see Sides).", required=True, option="--side",
              typed="Typed as its id or an alias: armenia, am, azerbaijan, eu-mission, russia, icrc…"),
        Field("by", Text(), "The body that spoke (Ministry of Defence, …).", option="--by", question="Who spoke (e.g. Ministry of Defence)"),
        Field("reported", MomentKind(), "When the statement was made, with its time of day and UTC offset where the source gives them.",
              option="--reported", metavar="DATE", question="Date of the statement",
              typed="Typed as people write it: '2023-09-01', '1 Sep 2023', '2023-03-09 12:59', '2023-03-09 12:59+04:00'."),
        Field("stance", Choice(Stance), "What the statement does.", default=Stance.ALLEGES, option="--stance", question="Stance"),
        Field("initiator", SideRef("a side id such as azerbaijan"), "The side the statement says started it.", option="--initiator", metavar="SIDE", question="Side it says started it"),
        Field("target", Text(), "What was hit or aimed at.", option="--target"),
        Field("weapons", ListOf(TextOr(lambda: WEAPON_REF)), "Weapons named, and who used them.", default=(), option="--weapon",
              question="Weapons", typed="Typed as artillery (used by the side blamed) or armenia=drones."),
        Field("places", ListOf(TextOr(lambda: PLACE_REF)), "Places as this side names them, each with its role.", default=(),
              option="--place", question="Places, as this side names them",
              typed="Typed as Sotk; from:Digh (fire came from it) or at:Sotk (hit or aimed at); 'Istisu (Jermuk)' names the place an ambiguous word means."),
        Field("window", Nested(lambda: WINDOW), "The time span the statement gives.", default=Window()),
        Field("violations", CountKind(), "Violations the statement counts ('fired 23 times').", option="--count", metavar="N",
              typed="Typed as 23, 23+ (at least) or 20-25."),
        Field(
            "casualties", MapOf(SideRef(), _Losses(False), "mapping: side id → losses"),
            "Losses per side whose people were hit. Options: `--killed`, `--wounded`, `--captured`, `--missing` (`SIDE=N`, `SIDE:civilian=N`).", default=(), to_model=_figures, from_model=_losses_map,
        ),
        Field("statement", Text(), "The statement, quoted from the source.", option="--statement", question="The statement, quoted from the source"),
        Field("source", TextOr(lambda: SOURCE, key="key"), "Where the statement was read: in full, or the key of one of the incident's sources.",
              required=True, from_model=_cited,
              missing="every claim must cite a source: a title, a ref, or the key of one of the incident's sources"),
        Field("note", Text(), "A note on this claim.", option="--note"),
        Field("kind", Choice(StatementKind), "What the statement is: an account, a ceasefire announced or said to be violated, mediation, a statement of losses.",
              default=StatementKind.ACCOUNT, option="--kind", omit_default=True, question="Kind of statement"),
        Field("denies", ListOf(Choice(Topic)), "What of the account (of another side) the statement denies; none listed: a denial is of the whole.",
              default=(), option="--denies", metavar="TOPIC", question="What of the others' account it denies"),
        Field("admits", ListOf(Choice(Topic)), "What the side admits of itself (own-fire: 'we fired in retaliation'; casualties: its own losses).",
              default=(), option="--admits", metavar="TOPIC", question="What it admits of its own side"),
        Field("confirms", ListOf(Choice(Topic)), "What the statement confirms (a mission confirms presence, not who fired).",
              default=(), option="--confirms", metavar="TOPIC", question="What it confirms"),
        Field("via", TextOr(lambda: VIA, key="side"), "The side or report a claim is known through, when not from its speaker.",
              option="--via", metavar="SIDE", question="Known through another side's statement (its side)"),
        Field("people", ListOf(Nested(lambda: PERSON)), "People the statement names.", default=(), option="--person", metavar="K=V,…", question="People named (side=…,status=…,name=…)",
              typed="Typed as side=armenia,status=killed,name=…,rank=…,age=19,civilian=yes."),
        Field("material", ListOf(Nested(lambda: MATERIAL)), "Material destroyed, damaged, taken, downed, lost or laid.", default=(),
              option="--material", metavar="K=V,…", question="Material (outcome=…,what=…,whose=…,count=…)", typed="Typed as outcome=destroyed,what=army vehicles,whose=armenia,count=some."),
        Field("revises", Pattern(CLAIM_ID_PATTERN, "the id of an earlier claim, such as c1", "claim id"),
              "The earlier claim (of this incident) whose account this one revises.", option="--revises", metavar="CLAIM"),
        Field("retracts", TextOr(lambda: RETRACTION, key="claim"),
              "A claim this statement withdraws, whole or in some aspects.", option="--retracts", metavar="CLAIM",
              typed="Typed as c2 (the whole statement) or c2:casualties.armenia.killed (one figure)."),
    ),
    Claim,
)  # fmt: skip

VIA = RecordType(
    "via",
    "How a claim is known when not from its speaker (an Azerbaijani claim known from Armenia's denial of it).",
    (
        Field("side", SideRef(), "The side whose statement (or report) carries the claim.", required=True),
        Field("by", Text(), "The body or outlet that carried it."),
    ),
    Via,
)

PERSON_EVENT = RecordType(
    "person-event",
    "Something that happened to a person later, by the same claim.",
    (
        Field("event", Choice(PersonEventType), "What happened.", required=True),
        Field("date", IsoDate(), "When."),
    ),
    PersonEvent,
)

PERSON = RecordType(
    "person",
    "A person the statement names among the dead, wounded, captured or missing.",
    (
        Field("name", Text(), "As the statement gives it."),
        Field("side", SideRef(), "Whose the person is.", required=True),
        Field("status", Choice(CasualtyKind), "What the statement says happened to them.", required=True),
        Field("civilian", Flag(), "A civilian, not a soldier.", default=False),
        Field("rank", Text(), "Rank, as given."),
        Field("age", Integer(0, 120, "age"), "Age, as given."),
        Field("events", ListOf(Nested(lambda: PERSON_EVENT)), "Later events: returned, released, died of wounds.", default=()),
    ),
    Person,
)  # fmt: skip

MATERIAL = RecordType(
    "material",
    "What the statement says was destroyed, damaged, taken, lost, downed or laid (mines), and whose.",
    (
        Field("what", Text(), "As the statement names it (army vehicles, houses, a position, a drone).", required=True),
        Field("outcome", Choice(Outcome), "What happened to it.", required=True),
        Field("whose", SideRef(), "Whose it was."),
        Field("count", CountKind(), "How many, as given (some: no number)."),
    ),
    Material,
)  # fmt: skip

EVIDENCE = RecordType(
    "evidence",
    "A copy of what was read, kept in the records directory's evidence/ folder (`incidents evidence add`); `check` verifies it.",
    (
        Field("file", Text(), "The copy, below evidence/.", required=True),
        Field("sha256", Pattern(SHA256_PATTERN, "64 lower-case hexadecimal digits", "SHA-256"), "Its SHA-256.", required=True),
        Field("size", Integer(0, 10**12, "bytes"), "Its size in bytes.", required=True),
        Field("retrieved", IsoDate(), "When it was got.", required=True),
        Field("source", Pattern(SOURCE_KEY_PATTERN, "a key of the incident's sources", "source key"), "The source it is a copy of."),
    ),
    Evidence,
)  # fmt: skip

LINK = RecordType(
    "link",
    "How this incident relates to another recorded one.",
    (
        Field("type", Choice(LinkType), "The relation.", required=True),
        Field("id", Pattern(ID_PATTERN, "the id of a recorded incident", "id"), "The other incident.", required=True),
    ),
    Link,
)

RETRACTION = RecordType(
    "retraction",
    "A claim withdrawn; written as the plain claim id when all of it is.",
    (
        Field("claim", Pattern(CLAIM_ID_PATTERN, "the id of an earlier claim, such as c1", "claim id"), "The claim withdrawn.", required=True),
        Field("aspects", ListOf(Text()), "What of it is withdrawn, as `diff` names its rows (casualties.armenia.killed); none: all.", default=()),
    ),
    Retraction,
)  # fmt: skip

INCIDENT = RecordType(
    "incident",
    "One incident: what happened where and when, and every account of it.",
    (
        Field("id", Pattern(ID_PATTERN, "an id like 2023-09-01-sotk (date, then lower-case words)", "id", MAX_ID),
              "`YYYY-MM-DD-words`: lower-case letters, digits, hyphens. Must match the file name, in the folder of the id's year. Never changes once written, even if the date is corrected.", required=True,
              option="--id", typed="Default: the date and the first place (or the title's first words)."),
        Field("title", Text(), "A short neutral title.", required=True, option="--title", question="Title"),
        Field("date", IsoDate(), "When it happened (the first day of a span).", required=True, option="--date", metavar="DATE", question="Date of the incident",
              typed="Typed as people write it: '2023-09-01', '1 Sep 2023', 'last Sunday' (with --reported)."),
        Field("end_date", IsoDate(), "Last day of a multi-day incident.", option="--end-date", metavar="DATE"),
        Field("date_precision", Choice(Precision), "How exact the date is: one day, a span of days (with end_date), the week beginning on date, the month. A day incident has no later end_date.",
              default=Precision.DAY, option="--precision", typed="Default: day, or days with --end-date."),
        Field("places", ListOf(TextOr(lambda: PLACE_REF)), "Where it happened, in any naming.", default=(), option="--place",
              question="Places", typed="Typed as Sotk, or 'Istisu (Jermuk)' to say which place an ambiguous word means."),
        Field("region", ListOf(Text()), "Administrative unit(s).", default=(), option="--region", question="Region (administrative units)"),
        Field("tags", ListOf(Text()), "Tags.", default=(), option="--tag", question="Tags"),
        Field("status", Choice(Status), "A record is never deleted: it is withdrawn, or merged into another.", default=Status.ACTIVE),
        Field("merged_into", Pattern(ID_PATTERN, "the id of the incident this one was merged into", "id"),
              "With status merged: the id it was merged into."),
        Field("reason", Text(), "With status withdrawn or merged: why (`incidents withdraw ID --reason`)."),
        Field("notes", Text(), "Free text: how the date was worked out from weekdays, doubts, context.", option="--note"),
        Field("sources", ListOf(Nested(lambda: SOURCE)), "Sources entered once, each with a key, that claims cite by it.", default=()),
        Field("links", ListOf(Nested(lambda: LINK)), "Relations to other incidents: retaliation-for, continues, same-escalation, duplicate-of.",
              default=(), option="--link", metavar="TYPE:ID", typed="Typed as retaliation-for:2023-09-01-sotk.",
              question="Links to other incidents, as retaliation-for:ID, continues:ID, same-escalation:ID or duplicate-of:ID"),
        Field("evidence", ListOf(Nested(lambda: EVIDENCE)), "Copies of what was read, with their hashes.", default=()),
        Field("claims", ListOf(Nested(lambda: CLAIM)), "The accounts: one entry per statement.", default=(), always=True),
    ),
    Incident,
    rules=(_dates_in_order, _merge_named, _claims_refer_to_claims, _sources_cited_by_key),
)  # fmt: skip

SIDE = RecordType(
    "side",
    "A side that may speak in records: a party, a state, a mission, an organisation.",
    (
        Field("name", Text(), "Its name as tables show it.", required=True),
        Field("kind", Choice(SideKind), "A principal side is a party to the dispute.", default=SideKind.THIRD_PARTY),
        Field("aliases", ListOf(Text()), "Other names commands accept for it.", default=()),
        Field("short", Text(), "A code for narrow tables (AM, AZ, EUMA).", default=""),
        Field(
            "voice", Text(), "The body whose statements are the side's official account.", default="Ministry of Defence"
        ),
        Field(
            "type",
            Choice(SideType),
            "What kind of speaker it is: party, state, international-organisation, monitoring-mission, media, ngo.",
        ),
    ),
    lambda meta, **values: _side(meta, **values),
)


def _side(meta: Meta, **values: Any) -> Side:
    """The side's id is its key in the file, the last part of the field's name (sides.armenia)."""
    side_id = meta.prefix.rstrip(".").rsplit(".", 1)[-1]
    aliases = tuple(a.casefold() for a in values.pop("aliases"))
    return Side(id=side_id, aliases=aliases, short=values.pop("short") or side_id, meta=meta, **values)


SIDES_FILE = RecordType(
    "sides-file",
    "sides.yaml: the sides a records directory knows, beside or instead of the built-in ones.",
    (
        Field("replace_defaults", Flag(), "true: these sides replace the built-in list.", default=False),
        Field("sides", MapOf(SideRef("a side id: lower-case letters, digits and hyphens"), Nested(lambda: SIDE),
                             "mapping: side id → side"), "The sides, by id.", required=True),
    ),
    _plain,
)  # fmt: skip

_LANGUAGE = Pattern(re.compile("^(?:" + "|".join(LANGUAGES) + ")$"), "a language: " + ", ".join(LANGUAGES), "language")
_PLACE_ID = Pattern(PLACE_ID_PATTERN, "a place id: lower-case letters, digits and _", "place id")

PLACE = RecordType(
    "place",
    "A place of the gazetteer, with every name each side uses for it (docs/places.md).",
    (
        Field("id", _PLACE_ID, "A stable id.", required=True),
        Field("name", Text(), "The canonical display name.", required=True),
        Field("type", Text(), "province, district, town, village, road, mountain, crossing, …", default="place"),
        Field("country", Pattern(re.compile(r"^[A-Z]{2}(?:/[A-Z]{2})*$"), "a country code such as AM, AZ or AM/AZ", "country"), "Where it lies."),
        Field("within", ListOf(_PLACE_ID), "Ids of the places that contain it.", default=()),
        Field("names", MapOf(_LANGUAGE, ListOf(Text()), "mapping: language → list of text"), "Its names, per language.", default={}),
        Field("sector_names", ListOf(Text()), "Azerbaijani MoD sector names that stand for it.", default=()),
        Field("uncertain_names", ListOf(Text()), "Names identified only probably.", default=()),
        Field("lat", Number(-90, 90, "latitude"), "Latitude; never guessed."),
        Field("lon", Number(-180, 180, "longitude"), "Longitude; never guessed."),
        Field("coord_source", Text(), "Where the coordinates come from."),
        Field("coord_uncertain", Flag(), "The coordinates are not confirmed.", default=False),
        Field("uncertain", Text(), "What about the place is not confirmed."),
        Field("notes", Text(), "Where the facts come from."),
        Field("sources", ListOf(Text()), "Public sources of the facts.", default=()),
    ),
    lambda meta, **values: _place(meta, **values),
)  # fmt: skip


def _place(meta: Meta, **values: Any) -> Place:
    values["names"] = {lang: tuple(names) for lang, names in values["names"].items()}
    return Place(meta=meta, **values)


WEAPONS_FILE = RecordType(
    "weapons-file",
    "weapons.yaml: names of weapons by kind, beside the built-in ones, so that diff compares kinds.",
    (
        Field("weapons", MapOf(Text(), ListOf(Text()), "mapping: kind → list of names"),
              "Each kind of weapon and the names statements give it.", required=True),
    ),
    _plain,
)  # fmt: skip

PLACES_FILE = RecordType(
    "places-file",
    "places.yaml: places a records directory adds to the built-in gazetteer (or replaces, by id).",
    (Field("places", ListOf(Nested(lambda: PLACE)), "The places.", required=True),),
    _plain,
)


RECORD_TYPES = (
    INCIDENT, CLAIM, PLACE_REF, WEAPON_REF, RETRACTION, VIA, PERSON, PERSON_EVENT, MATERIAL, LINK, SOURCE, WINDOW, LOSSES, CIVILIAN_LOSSES, SIDES_FILE, SIDE, PLACES_FILE, PLACE,
)  # fmt: skip


def json_schema(root: RecordType = INCIDENT) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record file, for editors and other tools."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://incidents.invalid/schema/{root.name}.json",
        "title": f"incidents: {root.name} record",
        **_record_schema(root),
        "$defs": {r.name: _record_schema(r) for r in RECORD_TYPES if r is not root},
    }
    return schema


DOC_TYPES = (
    INCIDENT,
    CLAIM,
    PLACE_REF,
    WEAPON_REF,
    RETRACTION,
    VIA,
    PERSON,
    PERSON_EVENT,
    MATERIAL,
    LINK,
    SOURCE,
    WINDOW,
    LOSSES,
    SIDE,
    PLACE,
)


def docs_tables() -> str:
    """Every record type's table, in the order docs/records.md gives them."""
    parts = []
    for record in DOC_TYPES:
        parts += [f"### {record.name}", "", record.summary, "", field_table(record), ""]
    return "\n".join(parts).rstrip() + "\n"


# --- the record files' own entry points ---------------------------------------------------------


def incident_from_data(
    data: object, path: str = "", sides: Iterable[str] | None = None, hint: str = ""
) -> tuple[Incident | None, list[Problem]]:
    """A record file's data as an Incident (None if its id, title or date cannot be read)."""
    return read(INCIDENT, data, path, sides, hint)  # type: ignore[no-any-return]


def incident_to_data(incident: Incident) -> dict[str, Any]:
    """The canonical ordered form of an incident: what the store writes and `--format json` prints."""
    return INCIDENT.write(incident)


def claim_from_data(
    data: object, path: str = "", sides: Iterable[str] | None = None
) -> tuple[Claim | None, list[Problem]]:
    return read(CLAIM, data, path, sides)  # type: ignore[no-any-return]


def claim_to_data(claim: Claim) -> dict[str, Any]:
    return CLAIM.write(claim)


def sides_from_data(data: object, path: str) -> tuple[list[Side], bool, list[Problem]]:
    """A sides file's sides, whether they replace the built-in ones, and its problems."""
    values, problems = read(SIDES_FILE, data, path)
    if values is None:
        return [], False, problems
    return list((values.get("sides") or {}).values()), bool(values.get("replace_defaults")), problems


def weapons_from_data(data: object, path: str) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """A weapons file's kinds and their names, and its problems."""
    values, problems = read(WEAPONS_FILE, data, path)
    return (dict(values.get("weapons") or {}) if values else {}), problems


def places_from_data(data: object, path: str) -> tuple[list[Place], list[Problem]]:
    """A gazetteer file's places (docs/places.md) and its problems; containment is checked by the
    gazetteer once built-in and local places are merged."""
    values, problems = read(PLACES_FILE, data, path)
    return (list(values.get("places") or ()) if values else []), problems
