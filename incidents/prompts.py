"""Questions on a terminal: how `add` and `claim` ask for what a person left out.

Every answer is checked as it is given, so a mistake is corrected at once instead of after the
last question; questions go to stderr, so stdout stays the command's result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from . import spec
from .dates import needs_reference
from .entry import ClaimValues, IncidentDraft, casualties, casualty_answer, read_date, side_id
from .errors import IncidentsError, UsageError
from .fields import Option, RecordType, options
from .model import CASUALTY_KINDS, Precision, Sides
from .places import Resolution, fold
from .text import strip_unsafe


def can_ask(flag: bool | None) -> bool:
    """Whether questions may be asked: --interactive/--no-interactive, else whether stdin is a terminal."""
    return sys.stdin.isatty() if flag is None else flag


def ask(
    value: Any,
    option: str,
    prompt: str,
    interactive: bool,
    check: Callable[[str], Any] | None = None,
    default: str | None = None,
) -> Any:
    """Return value, or ask for it on a terminal until it is valid; fail plainly in a script."""
    while value in (None, ""):
        if not interactive:
            raise UsageError(f"missing {option} (not asked for: stdin is not a terminal, or --no-interactive)")
        value = click.prompt(prompt, default=default, show_default=default is not None, err=True).strip()
        if check and value:
            try:
                check(value)
            except IncidentsError as exc:
                click.echo(f"  {strip_unsafe(str(exc))}", err=True)
                value = None
    return value


def ask_optional(prompt: str, check: Callable[[str], Any] | None = None) -> str | None:
    """Ask for a value a person may skip with Enter; asked again until valid."""
    while True:
        value = click.prompt(f"{prompt} (Enter to skip)", default="", show_default=False, err=True).strip()
        if not value or check is None:
            return value or None
        try:
            check(value)
            return value
        except IncidentsError as exc:
            click.echo(f"  {strip_unsafe(str(exc))}", err=True)


def ask_list(prompt: str, separator: str = ",", check: Callable[[str], Any] | None = None) -> list[str]:
    """Several values on one line, separated by commas (or `separator`); each checked as given."""
    word = "commas" if separator == "," else f"'{separator}'"

    def each(answer: str) -> None:
        for part in filter(None, (p.strip() for p in answer.split(separator))):
            check(part) if check else None

    answer = ask_optional(f"{prompt}, separated by {word}", each if check else None)
    return [part.strip() for part in (answer or "").split(separator) if part.strip()]


def choose(name: str, forms: list[str], names: list[str], descriptions: list[str]) -> str:
    """Which of the places an ambiguous name can mean: by number, by qualified form or by the
    place's own name (Jermuk for 'Istisu (Vayots Dzor Province)')."""
    click.echo(f"{strip_unsafe(name)!r} can mean:", err=True)
    for number, (form, what) in enumerate(zip(forms, descriptions, strict=True), 1):
        click.echo(f"  {number}) {form}  ({what})", err=True)
    while True:
        answer = click.prompt("Which one (number or name)", err=True).strip()
        chosen = [f for n, f in enumerate(forms, 1) if answer == str(n) or fold(answer) == fold(f)]
        if fold(answer) != fold(name):  # the ambiguous name itself is not an answer
            chosen = chosen or [f for f, own in zip(forms, names, strict=True) if fold(answer) == fold(own)]
        if len(chosen) == 1:
            return chosen[0]
        click.echo(f"  answer 1 to {len(forms)}, or one of the names above", err=True)


def _date_check(value: str) -> None:
    read_date(value, "date")


class TerminalAsker:
    """The library's questions (api.Asker), asked on the terminal."""

    def choose_place(self, name: str, resolution: Resolution, forms: list[str]) -> str:
        places = resolution.candidates
        described = [", ".join(filter(None, [p.name, p.type, p.country])) for p in places]
        return choose(name, forms, [p.name for p in places], described)

    def confirm(self, question: str) -> bool:
        return click.confirm(question, default=False, err=True)


def _ask_option(option: Option, check: Callable[[str], Any] | None = None) -> Any:
    """Ask for one field by its definition: a choice from its vocabulary, a list (of choices, or
    of KEY=VALUE groups separated by ';'), or one value."""
    if option.choices and option.multiple:
        return ask_list(f"{option.question} ({', '.join(option.choices)})", check=_one_of(option))
    if option.choices:
        return click.prompt(option.question, type=click.Choice(option.choices), default=option.default, err=True)
    if option.multiple:
        grouped = option.metavar == "K=V,…"
        return ask_list(option.question, ";" if grouped else ",", check)
    return ask_optional(option.question, check)


def _one_of(option: Option) -> Callable[[str], None]:
    def check(value: str) -> None:
        if value not in (option.choices or ()):
            raise UsageError(f"{option.flag}: {value!r} is not one of: {', '.join(option.choices or ())}")

    return check


def _by_path(record: RecordType) -> dict[str, Option]:
    return {option.path: option for option in options(record)}


# What the questions cover once they have started, in order; their texts, choices and defaults
# come from the record format's definition (spec.Field.question).
DRAFT_QUESTIONS = ("places", "region", "tags", "links")
CLAIM_QUESTIONS = (
    "stance", "by", "reported", "initiator", "statement", "places", "weapons",
    "kind", "denies", "admits", "confirms", "via", "people", "material",
)  # fmt: skip


Settle = Callable[[str], tuple[dict[str, str], str | None]]
"""A place as typed, settled (an ambiguous one asked about at once), and a note for the person."""


def complete_draft(draft: IncidentDraft, asking: bool, settle: Settle | None = None) -> IncidentDraft:
    """Ask for what `add` was not given: the date (and the statement's date a relative one
    needs), the title; then, when questions were started at all, the end date and precision,
    places (each ambiguous one asked about as soon as it is typed, through `settle`), region,
    tags and links."""
    options = _by_path(spec.INCIDENT)
    questions = asking and not (draft.date and draft.title)
    if questions and draft.date and needs_reference(draft.date) and not draft.reported:
        draft.reported = ask(None, "--reported", f"Date of the statement that says {draft.date!r}", True, _date_check)
    while not draft.date:
        draft.date = ask(None, "--date", options["date"].question, asking)
        if needs_reference(draft.date) and not draft.reported:
            draft.reported = ask_optional(f"Date of the statement that says {draft.date!r}", _date_check)
        try:
            read_date(draft.date, "--date", read_date(draft.reported, "--reported")[0] if draft.reported else None)
        except IncidentsError as exc:
            click.echo(f"  {strip_unsafe(str(exc))}", err=True)
            draft.date = None
    draft.title = ask(draft.title, "--title", options["title"].question, asking)
    if questions and not draft.end_date:
        draft.end_date = ask_optional("Last day, for an incident of several days (Enter: one day)", _date_check)
    if questions and not draft.date_precision:
        usual = "days" if draft.end_date else "day"
        kinds = click.Choice([str(p) for p in Precision])
        draft.date_precision = click.prompt("How exact the date is", type=kinds, default=usual, err=True)
    for path in DRAFT_QUESTIONS if questions else ():
        setattr(draft, path, getattr(draft, path) or _ask_option(options[path]))
        if path == "places" and settle is not None:
            draft.places = [_settled_now(place, settle) for place in draft.places]
    return draft


def _settled_now(place: Any, settle: Settle) -> Any:
    """A place just typed, settled at once: an ambiguous name is asked about now, not at the end."""
    if not isinstance(place, str):
        return place
    settled, note = settle(place)
    if note:
        click.echo(strip_unsafe(note), err=True)
    return settled


def complete_claim(values: ClaimValues, sides: Sides, asking: bool) -> ClaimValues:
    """Ask for what `claim` was not given: the side and a source always; the rest (stance, who
    spoke, when, whom it blames, the statement, places, weapons, casualties) when questions
    were started at all. Enter skips what is optional."""
    options = _by_path(spec.CLAIM)

    def side_check(option: str) -> Callable[[str], str]:
        return lambda value: side_id(value, sides, option)

    checks = {"reported": _date_check, "initiator": side_check("--initiator"), "via": side_check("--via")}
    cited = values.get("source.title") or values.get("source.ref") or values.get("source.key")
    questions = asking and not (values.get("side") and cited)
    values["side"] = ask(values.get("side"), "--side", f"Side ({', '.join(sides.ids)})", asking, side_check("--side"))
    for path in CLAIM_QUESTIONS if questions else ():
        values[path] = values.get(path) or _ask_option(options[path], checks.get(path))
    if questions and not any(values.get(f"casualties.{kind}") for kind in CASUALTY_KINDS):
        answer = ask_optional(
            "Casualties, e.g. 'killed armenia=3, wounded azerbaijan=2+'",
            lambda text: casualties(casualty_answer(text), sides),
        )
        values.update({f"casualties.{k}": v for k, v in casualty_answer(answer or "").items()})
    if values.get("reported") and needs_reference(values["reported"]) and not values.get("source.date") and asking:
        values["source.date"] = ask(
            None, "--source-date", f"Date of the source that says {values['reported']!r}", True, _date_check
        )
    if not (values.get("source.title") or values.get("source.ref") or values.get("source.key")):
        if not asking:
            raise UsageError(
                "missing --source-title, --source-ref or --source (not asked for: stdin is not a terminal, or --no-interactive)"
            )
        values["source.key"] = ask_optional("Key of a source the incident lists (Enter to give the source)")
        if values["source.key"]:
            return values
        values["source.title"] = ask_optional(options["source.title"].question)
        if not values["source.title"]:
            values["source.ref"] = ask(
                None, "--source-ref", "No headline: a source reference is required (a file, an archive id…)", True
            )
    return values
