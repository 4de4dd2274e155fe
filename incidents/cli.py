"""The `incidents` command: wiring only. Each command reads options, calls the core, renders."""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from . import render
from .app import App
from .checks import check
from .compare import compare, comparison_data, overview
from .dates import needs_reference
from .entry import ClaimInput, casualties, casualty_answer, new_claim, new_incident, read_bound, read_date, side_id
from .errors import EXIT_DATA, IncidentsError, NotFoundError, RecordProblems, Severity, UsageError
from .model import CASUALTY_KINDS, PRECISIONS, STANCES, STATUSES, Incident
from .places import NAMINGS, did_you_mean
from .prompts import ask, ask_list, ask_optional, can_ask
from .query import Filters, same_event, select
from .spec import incident_to_data
from .summary import BREAKDOWNS, summarise, summary_data
from .text import strip_unsafe

EXIT_INTERNAL = 3
EXIT_ABORTED = 130  # as a shell reports a command stopped by Ctrl-C


class IncidentsGroup(click.Group):
    """Turns every error into one line on stderr and its documented exit code: no tracebacks."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's own usage errors take four lines (usage, hint, blank, error); here they take one,
        like every other error, and name the help to read."""
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "incidents"
            click.echo(f"incidents: error: {exc.format_message()} (see `{command} --help`)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"incidents: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:  # Ctrl-C, end of input, or "no" to a question
            click.echo("\nincidents: aborted; nothing was written", err=True)
            sys.exit(EXIT_ABORTED)
        sys.exit(code if isinstance(code, int) else 0)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        """A mistyped command names the commands it may have meant (click does so only since 8.4)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"no command {name!r}{hint}")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            if isinstance(ctx.obj, App) and ctx.obj.left_out:
                ctx.exit(EXIT_DATA)  # the output is complete for what could be read, but not whole
            return result
        except RecordProblems as exc:  # every problem of the record, one line each
            for problem in exc.problems:
                click.echo(f"incidents: error: {strip_unsafe(str(problem))}", err=True)
            ctx.exit(exc.exit_code)
        except IncidentsError as exc:
            click.echo(f"incidents: error: {strip_unsafe(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            sys.stderr.close()  # the reader (head, less) went away: not an error worth a message
            ctx.exit(0)
        except Exception as exc:
            if os.environ.get("INCIDENTS_DEBUG"):
                raise
            name = type(exc).__name__
            click.echo(
                f"incidents: internal error: {name}: {strip_unsafe(str(exc))} (set INCIDENTS_DEBUG=1 for details)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


pass_app = click.make_pass_decorator(App)


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The one `--format` option every command shares (docs/output.md documents each form)."""
    choices = choices or render.FORMATS
    machine = ", ".join(c for c in choices if c != "table")
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default="table", show_default=True,
        help=f"table for people; {machine} for programs (stable, see docs/output.md).",
    )  # fmt: skip


def _date_option(value: str | None, option: str) -> date | None:
    return read_date(value, option)[0] if value else None


def _date_check(value: str) -> None:
    read_date(value, "date")


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The filters that `list`, `diff` and `summary` share; they combine."""
    options = [
        click.option("--region", help="Region or place name (either side's naming)."),
        click.option(
            "--since", metavar="DATE", help="Incidents ending on or after DATE (a month or year: its first day)."
        ),
        click.option(
            "--until", metavar="DATE", help="Incidents starting on or before DATE (a month or year: its last day)."
        ),
        click.option("--side", help="Only incidents on which this side has spoken."),
        click.option("--tag", help="Only incidents with this tag."),
        click.option("--text", metavar="WORDS", help="Only incidents whose text contains every word."),
        click.option("--status", type=click.Choice([*STATUSES, "all"]), default="active", show_default=True),
    ]
    for option in reversed(options):
        command = option(command)

    @functools.wraps(command)
    def wrapper(*args: Any, region: str | None, since: str | None, until: str | None, side: str | None,
                tag: str | None, text: str | None, status: str, **kwargs: Any) -> Any:  # fmt: skip
        side_id = None
        if side:
            sides = click.get_current_context().find_object(App).sides()  # type: ignore[union-attr]
            found = sides.get(side)
            if found is None:
                raise UsageError(f"--side: unknown side {side!r}; known: {', '.join(sides.ids)}")
            side_id = found.id
        if region:
            app = click.get_current_context().find_object(App)
            region = app.settle_place(region, "--region", can_ask(None))  # type: ignore[union-attr]
        start = read_bound(since, "--since", end=False) if since else None
        end = read_bound(until, "--until", end=True) if until else None
        if start and end and start > end:
            raise UsageError(f"--since {start} is after --until {end}: no incident can match")
        filters = Filters(region, start, end, side_id, tag, text, status)
        return command(*args, filters=filters, **kwargs)

    return wrapper


def interactive_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--interactive/--no-interactive", default=None,
        help="Ask for missing values. Default: ask when stdin is a terminal.",
    )(command)  # fmt: skip


@click.group(cls=IncidentsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--records",
    "records_dir",
    metavar="DIR",
    help="Records directory (default: $INCIDENTS_RECORDS, else the nearest records/ upwards).",
)
@click.version_option(package_name="incidents")
@click.pass_context
def main(ctx: click.Context, records_dir: str | None) -> None:
    """Keep, search and compare the accounts of border incidents, one YAML file per incident."""
    ctx.obj = App(records_dir)


def names_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--names", "naming", type=click.Choice(tuple(NAMINGS)),
        help="Show place names in one naming convention (default: as the record gives them).",
    )(command)  # fmt: skip


def _namer(app: App, naming: str | None) -> Callable[[str], str]:
    if not naming:
        return lambda name: name
    gazetteer = app.gazetteer()
    return lambda name: gazetteer.display(name, naming)


@main.command("list")
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Show at most N (table default 100; 0: all).")
@names_option
@format_option()
@pass_app
def list_command(app: App, filters: Filters, limit: int | None, naming: str | None, fmt: str) -> None:
    """List incidents, newest first."""
    incidents = select(app.incidents(), filters, app.matcher())
    cap = (100 if fmt == "table" else 0) if limit is None else limit
    shown = incidents[:cap] if cap else incidents
    render.output(
        fmt,
        [render.list_row(i) for i in shown],
        lambda: render.incident_table(shown, len(incidents), app.sides(), _namer(app, naming)),
        render.LIST_COLUMNS,
    )


@main.command()
@click.argument("incident_id")
@names_option
@format_option("table", "json", "yaml")
@pass_app
def show(app: App, incident_id: str, naming: str | None, fmt: str) -> None:
    """Show one incident with every claim in full."""
    incident = app.record(incident_id)
    namer = _namer(app, naming)
    render.output(fmt, incident_to_data(incident), lambda: render.incident_detail(incident, app.sides(), namer))


@main.command("check")
@pass_app
def check_command(app: App) -> None:
    """Validate every record; exit 1 if any problem (usable as a pre-commit hook).

    Unknown or uncertainly identified places are warnings: reported, but they do not fail."""
    loaded = app.loaded()
    problems = check(loaded, app.gazetteer())
    render.problems(problems)
    errors = [p for p in problems if p.severity == Severity.ERROR]
    if errors:
        files = len({p.path for p in errors})
        render.message(
            f"{len(errors)} problem{'s' * (len(errors) > 1)} in {files} file{'s' * (files > 1)}", stderr=True
        )
        raise click.exceptions.Exit(EXIT_DATA)
    count, warned = len(loaded.records), len(problems)
    warnings = f", {warned} warning{'s' * (warned != 1)}" if warned else ""
    render.message(f"OK: {count} record{'s' * (count != 1)} in {app.store.display(loaded.root)}, no problems{warnings}")


@main.command()
@click.option("--date", "day", metavar="DATE", help="When it happened ('2023-09-01', '1 Sep 2023', 'last Sunday').")
@click.option("--end-date", metavar="DATE", help="Last day of a multi-day incident.")
@click.option("--reported", metavar="DATE", help="Date of the statement, to resolve 'last Sunday' and the like.")
@click.option(
    "--precision", type=click.Choice(PRECISIONS), help="How exact the date is (default: day, or days with --end-date)."
)
@click.option("--title", help="A short neutral title.")
@click.option("--place", "places", multiple=True, help="A place (repeatable).")
@click.option("--region", "regions", multiple=True, help="Administrative unit (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--note", help="Notes, e.g. how the date was worked out.")
@interactive_option
@pass_app
def add(app: App, day: str | None, end_date: str | None, reported: str | None, precision: str | None, title: str | None,
        places: tuple[str, ...], regions: tuple[str, ...], tags: tuple[str, ...], note: str | None, interactive: bool | None) -> None:  # fmt: skip
    """Add an incident.

    On a terminal, a missing date or title starts the questions: those two, then places, region
    and tags (Enter skips). A date such as 'last Sunday' is resolved against the date of the
    statement (--reported, or asked for), and the record's notes say how."""
    asking = can_ask(interactive)
    questions = asking and not (day and title)
    reference = _date_option(reported, "--reported")
    if questions and day and needs_reference(day) and reference is None:
        said = ask(None, "--reported", f"Date of the statement that says {day!r}", True, _date_check)
        reference = _date_option(said, "--reported")
    while not day:
        day = ask(None, "--date", "Date of the incident", asking)
        if needs_reference(day) and reference is None:
            reference = _date_option(ask_optional(f"Date of the statement that says {day!r}", _date_check), "")
        try:
            read_date(day, "--date", reference)
        except IncidentsError as exc:
            click.echo(f"  {strip_unsafe(str(exc))}", err=True)
            day = None
    start, parsed_precision = read_date(day, "--date", reference, "or give the date of the statement with --reported")
    title = ask(title, "--title", "Title", asking)
    end = _date_option(end_date, "--end-date")
    if questions:
        places = places or tuple(ask_list("Places"))
        regions = regions or tuple(ask_list("Region (administrative units)"))
        tags = tags or tuple(ask_list("Tags"))
    if reference and needs_reference(day):
        how = f"Date given as {day!r} in a statement of {reference.isoformat()}, resolved to {start.isoformat()}."
        note = f"{note}\n{how}" if note else how
    incident = new_incident(
        day=start, title=title, end=end, precision=precision or (parsed_precision if parsed_precision != "day" else None),
        places=[app.settle_place(p, "--place", asking) for p in places],
        regions=[app.settle_place(r, "--region", asking) for r in regions], tags=list(tags), notes=note,
    )  # fmt: skip
    new_directory = not app.store.root.is_dir()
    if not new_directory:
        years = range(incident.date.year - 1, (incident.end_date or incident.date).year + 1)  # not the whole archive
        nearby = [r.incident for r in app.store.load(years).records]
        for other in (same := same_event(incident, nearby, app.matcher())):
            render.message(
                f"warning: {other.id} is on the same day at the same place; to add an account of it,"
                f" use `incidents claim {other.id}`",
                stderr=True,
            )
        if same and asking and not click.confirm("Add a separate incident anyway?", default=False, err=True):
            raise click.exceptions.Abort
    created, path = app.store.create(incident)
    if new_directory:  # a mistyped --records would otherwise start a second tree unnoticed
        render.message(f"note: started a new records directory at {app.store.display(app.store.root)}", stderr=True)
    render.message(f"added {created.id} at {app.store.display(path)}")


@main.command()
@click.argument("incident_id")
@click.option("--side", help="Who spoke: armenia, azerbaijan, eu-mission, russia, karabakh-armenians, icrc…")
@click.option("--by", help="The body that spoke (Ministry of Defence, …).")
@click.option("--reported", metavar="DATE", help="When the statement was made.")
@click.option("--stance", type=click.Choice(STANCES), help="What the statement does (default: alleges).")
@click.option("--initiator", metavar="SIDE", help="The side the statement says started it.")
@click.option("--target", help="What was hit or aimed at.")
@click.option("--weapon", "weapons", multiple=True, help="A weapon named (repeatable).")
@click.option("--place", "places", multiple=True, help="A place as this side names it (repeatable).")
@click.option("--from", "time_from", metavar="TIME", help="Start of the time window: 21:30, '2023-03-08 21:30+04:00'.")
@click.option("--to", "time_to", metavar="TIME", help="End of the time window (an earlier time means the next day).")
@click.option("--utc-offset", metavar="OFFSET", help="UTC offset of the times, e.g. +04:00.")
@click.option("--count", metavar="N", help="Violations the statement counts ('fired 23 times'): 23, 23+ or 20-25.")
@click.option(
    "--killed", multiple=True, metavar="SIDE=N", help="Killed: armenia=3, armenia=2+, armenia:civilian=1 (repeatable)."
)
@click.option("--wounded", multiple=True, metavar="SIDE=N", help="Wounded, as --killed.")
@click.option("--captured", multiple=True, metavar="SIDE=N", help="Captured, as --killed.")
@click.option("--missing", multiple=True, metavar="SIDE=N", help="Missing, as --killed.")
@click.option("--statement", help="A short summary or quote of the statement.")
@click.option("--source-title", help="Headline of the source.")
@click.option("--source-publisher", help="Who published it.")
@click.option("--source-url", help="Where it can be read.")
@click.option("--source-date", metavar="DATE", help="When it was published.")
@click.option("--source-ref", help="A reference for a source without a headline.")
@click.option("--note", help="A note on this claim.")
@click.option(
    "--reformat", is_flag=True,
    help="Rewrite a hand-formatted record in canonical form even where that drops its comments.",
)  # fmt: skip
@interactive_option
@pass_app
def claim(app: App, incident_id: str, interactive: bool | None, reformat: bool, **values: Any) -> None:
    """Add one side's account to an incident.

    On a terminal, a missing side or source starts the questions: side, stance, who spoke, when,
    whom it blames, the statement and the source (Enter skips what is optional)."""
    app.store.existing(incident_id)  # before any question: answers to a wrong id would be lost
    asking = can_ask(interactive)
    sides = app.sides()
    questions = asking and not (values["side"] and (values["source_title"] or values["source_ref"]))

    def side_check(option: str) -> Callable[[str], str]:
        return lambda value: side_id(value, sides, option)

    values["side"] = ask(values["side"], "--side", f"Side ({', '.join(sides.ids)})", asking, side_check("side"))
    if questions:
        values["stance"] = values["stance"] or click.prompt(
            "Stance", type=click.Choice(STANCES), default="alleges", err=True
        )
        values["by"] = values["by"] or ask_optional("Who spoke (e.g. Ministry of Defence)")
        values["reported"] = values["reported"] or ask_optional("Date of the statement", _date_check)
        values["initiator"] = values["initiator"] or ask_optional("Side it says started it", side_check("initiator"))
        values["statement"] = values["statement"] or ask_optional("The statement, quoted or summarised")
        values["places"] = values["places"] or tuple(ask_list("Places, as this side names them"))
        values["weapons"] = values["weapons"] or tuple(ask_list("Weapons"))
        if not any(values[kind] for kind in CASUALTY_KINDS):
            answer = ask_optional(
                "Casualties, e.g. 'killed armenia=3, wounded azerbaijan=2+'",
                lambda text: casualties(casualty_answer(text), sides),
            )
            values.update(casualty_answer(answer or ""))
    values["stance"] = values["stance"] or "alleges"
    if not (values["source_title"] or values["source_ref"]):
        if not asking:
            raise UsageError(
                "missing --source-title or --source-ref (not asked for: stdin is not a terminal, or --no-interactive)"
            )
        values["source_title"] = ask_optional("Source headline")
        if not values["source_title"]:
            values["source_ref"] = ask(
                None, "--source-ref", "No headline: a source reference is required (a file, an archive id…)", True
            )
    places = [app.settle_place(p, "--place", asking) for p in values.pop("places")]
    figures = {kind: list(values.pop(kind)) for kind in ("killed", "wounded", "captured", "missing")}
    typed = ClaimInput(figures=figures, weapons=list(values.pop("weapons")), places=places, **values)

    def append(current: Incident) -> Incident:
        return current.with_claim(new_claim(typed, sides))

    updated, path, reformatted = app.store.update(incident_id, append, reformat)
    where = app.store.display(path)
    render.message(f"added claim {len(updated.claims)} ({updated.claims[-1].side}) to {updated.id} at {where}")
    if reformatted:
        render.message("note: the file was hand-formatted and has been rewritten in canonical form", stderr=True)


def _columns(app: App, names: str | None) -> list[str] | None:
    if not names:
        return None
    return [side_id(name.strip(), app.sides(), "--sides") for name in names.split(",") if name.strip()]


@main.command()
@click.argument("incident_id", required=False)
@click.option(
    "--sides",
    "side_names",
    metavar="A,B,...",
    help="Sides to compare (default: the principal sides, and with an ID also every third party that spoke).",
)
@click.option("--all", "every", is_flag=True, help="One column per statement, to show every revision.")
@filter_options
@format_option("table", "json", "yaml")
@pass_app
def diff(app: App, incident_id: str | None, side_names: str | None, every: bool, filters: Filters, fmt: str) -> None:
    """Compare the sides' accounts of an incident; without ID, one row per incident."""
    sides = app.sides()
    columns = _columns(app, side_names)
    if incident_id:
        incident = app.record(incident_id)
        comparison = compare(incident, sides, columns, app.gazetteer(), every=every)
        render.output(fmt, comparison_data(comparison), lambda: render.comparison_view(comparison, sides))
        return
    chosen = columns or list(sides.principal)
    rows = [overview(i, sides, chosen, app.gazetteer()) for i in select(app.incidents(), filters, app.matcher())]
    render.output(fmt, rows, lambda: render.overview_table(rows, chosen, sides))


@main.command()
@filter_options
@click.option(
    "--by",
    "breakdown",
    type=click.Choice(BREAKDOWNS),
    default="month",
    show_default=True,
    help="How to break the incidents down.",
)
@format_option("table", "json", "yaml")
@pass_app
def summary(app: App, filters: Filters, breakdown: str, fmt: str) -> None:
    """Totals, a timeline, who blames whom, and casualties as each side claims them."""
    sides, gazetteer = app.sides(), app.gazetteer()

    def regions(incident: Incident) -> list[str]:  # one name per place, whichever side's name the record used
        return [gazetteer.display(name, "english") for name in incident.region]

    result = summarise(select(app.incidents(), filters, app.matcher()), sides, breakdown, regions)
    render.output(fmt, summary_data(result), lambda: render.summary_view(result, sides))


@main.command()
@click.argument("query", required=False, default="")
@format_option("table", "json", "yaml")
@pass_app
def places(app: App, query: str, fmt: str) -> None:
    """List or search the gazetteer: every name of each place, and what contains it."""
    gazetteer = app.gazetteer()
    found = gazetteer.search(query)
    if not found:
        raise NotFoundError(f"no place called {query!r} in the gazetteer{did_you_mean(gazetteer, query)}")
    render.output(
        fmt, [render.place_data(p, gazetteer) for p in found], lambda: render.places_view(found, gazetteer, query)
    )


def run() -> None:
    """Console-script entry point."""
    main(prog_name="incidents")


if __name__ == "__main__":  # pragma: no cover
    run()
