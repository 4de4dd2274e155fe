"""The `incidents` command: wiring only. Each command maps its options to a call of the library
(`api.Records`) and hands the result to `render`; questions come from `prompts`."""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from . import fields, spec
from .errors import EXIT_ABORTED, EXIT_DATA, IncidentsError, Problem, RecordProblems, Severity, UsageError
from .model import STATUSES, Breakdown, OutputFormat
from .places import NAMINGS
from .tables import CSV_TABLES
from .text import strip_unsafe

if TYPE_CHECKING:  # annotations only: the modules themselves are imported where they are used
    from . import render
    from .api import Records, Selection
    from .query import Filters

# What only commands use (rich, the library, the questions, dateutil) is imported inside them,
# so that --help, --version and a usage error cost the least (issue 13: at most 0.75 × the imports).

EXIT_INTERNAL = 3


@dataclass
class Session:
    """One run of the command: the records directory, and the record files left out of the
    output so far (printed once on stderr; the command then exits 1)."""

    records_option: str | None
    left_out: list[Problem] = field(default_factory=list)

    @functools.cached_property
    def records(self) -> Records:
        """The records directory, opened when a command first needs it (not for --help)."""
        from . import render
        from .api import Records

        return Records(option=self.records_option, progress=render.reading_progress())

    def report(self, selection: Selection) -> Selection:
        from . import render

        if selection.left_out and not self.left_out:
            self.left_out = selection.left_out
            render.left_out(selection.left_out)
        if not selection.files:
            render.message(
                f"{self.records.store.display(self.records.root)} holds no records yet; add one with `incidents add`.",
                stderr=True,
            )
        return selection

    def namer(self, naming: str | None) -> render.Namer:
        if not naming:
            return str
        gazetteer = self.records.gazetteer()
        return lambda name: gazetteer.display(name, naming)


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

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Every command takes the global options after its name too (`incidents check --records
        DIR`, as a pre-commit hook run from the records directory writes it), and refuses an
        empty value for any option or argument, naming it, rather than reading it as not given."""
        cmd.params += [
            click.Option(["--records", "records_again"], metavar="DIR", expose_value=False, callback=_records_after,
                         help="Records directory (as before the command)."),
            click.Option(["--no-pager", "no_pager_again"], is_flag=True, expose_value=False, callback=_no_pager_after,
                         help="Never page long tables (as before the command)."),
        ]  # fmt: skip
        for param in cmd.params:
            _refuse_empty(param)
            completion = COMPLETIONS.get(param.name or "")
            if completion is not None:  # click has no public setter once a parameter is made
                param._custom_shell_complete = completion  # type: ignore[attr-defined]
        super().add_command(cmd, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """`incidents` alone prints the help, as a question answered, not as an error."""
        if not args:
            click.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)

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
            if isinstance(ctx.obj, Session) and ctx.obj.left_out:
                ctx.exit(EXIT_DATA)  # the output is complete for what could be read, but not whole
            return result
        except RecordProblems as exc:  # every problem of the record, one line each
            for problem in exc.problems:
                click.echo(f"incidents: error: {strip_unsafe(str(problem))}", err=True)
            if exc.after:
                click.echo(f"incidents: {strip_unsafe(exc.after)}", err=True)
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
            if isinstance(exc, OSError) and exc.strerror:
                # the system refused: a folder one may not write, a full disk, a name too long
                reason = exc.strerror.lower()
                message = (f"{strip_unsafe(str(exc.filename))}: {reason}; every write is whole or not at all"
                           if exc.filename is not None else f"cannot write the output: {reason}")  # fmt: skip
                click.echo(f"incidents: error: {message}", err=True)
                ctx.exit(EXIT_DATA)
            message = f"{type(exc).__name__}: {strip_unsafe(str(exc))} (set INCIDENTS_DEBUG=1 for details)"
            click.echo(f"incidents: internal error: {message}", err=True)
            ctx.exit(EXIT_INTERNAL)


pass_session = click.make_pass_decorator(Session)


def _records_after(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """`--records` given after the command: the same as before it; given twice, it must agree."""
    if value is None:
        return
    session = ctx.find_object(Session)
    if session is None:  # pragma: no cover - every command runs under the group
        return
    if value == "":
        raise click.BadParameter("is empty; give a records directory", ctx=ctx, param=param)
    if session.records_option not in (None, value):
        raise click.BadParameter(
            f"{value!r} differs from --records {session.records_option!r} given before", ctx=ctx, param=param
        )
    session.records_option = value


def _completion_records(ctx: click.Context) -> Records | None:
    """The records directory a command line being completed names (or the default one)."""
    from .api import Records

    root = ctx.find_root().params.get("records_dir") or ctx.params.get("records_again")
    try:
        records = Records(option=root)
        records.root  # noqa: B018 - finds the directory, or raises
    except IncidentsError:
        return None
    return records


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Ids from the file names of the year folders (no record read): years first, then ids."""
    records = _completion_records(ctx)
    if records is None or not records.root.is_dir():
        return []
    if len(incomplete) < 4:
        years = sorted(p.name for p in records.root.iterdir() if p.is_dir() and p.name.isdigit())
        return [f"{year}-" for year in years if year.startswith(incomplete)]
    return [i for i in records.store.ids_in(incomplete[:4]) if i.startswith(incomplete)]


def _complete_sides(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    records = _completion_records(ctx)
    if records is None:
        return []
    try:
        return [side for side in records.sides().ids if side.startswith(incomplete.casefold())]
    except IncidentsError:
        return []


def _complete_places(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Every name of every place in the gazetteer, either side's, that begins as typed."""
    records = _completion_records(ctx)
    try:
        gazetteer = records.gazetteer() if records else None
    except IncidentsError:
        gazetteer = None
    if gazetteer is None:
        from .api import Records

        gazetteer = Records(root=Path("/nonexistent")).gazetteer()
    wanted = incomplete.casefold()
    names = {n for place in gazetteer.places.values() for n in place.all_names()}
    return sorted(n for n in names if n.casefold().startswith(wanted))


COMPLETIONS: dict[str, Callable[[click.Context, click.Parameter, str], list[str]]] = {
    "incident_id": _complete_ids, "into": _complete_ids, "side": _complete_sides,
    "region": _complete_places, "places": _complete_places, "query": _complete_places,
}  # fmt: skip
"""What the shell completes, by parameter name: ids, sides, place names (commands and options
are completed by click itself)."""


def _no_pager_after(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["incidents.no_pager"] = True  # render.NO_PAGER; meta is shared by every context


def _refuse_empty(param: click.Parameter) -> None:
    """An empty value given for a parameter is an error naming it: `--since ''` would otherwise
    be taken for no date, `diff ''` for no id, silently."""
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return
    given = param.callback

    def refuse(ctx: click.Context, p: click.Parameter, value: Any) -> Any:
        values = value if isinstance(value, tuple) else (value,)
        if "" in values and ctx.get_parameter_source(p.name or "") != ParameterSource.DEFAULT:
            raise click.BadParameter("is empty; give a value, or leave it out", ctx=ctx, param=p)
        return given(ctx, p, value) if given else value

    param.callback = refuse


# --- options ------------------------------------------------------------------------------------


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The one `--format` option every command shares (docs/output.md documents each form)."""
    choices = choices or OutputFormat.words()
    machine = ", ".join(c for c in choices if c != "table")
    return click.option(
        "--format", "-o", "fmt", type=click.Choice(choices), default="table", show_default=True,
        help=f"table for people; {machine} for programs (stable, see docs/output.md).",
    )  # fmt: skip


def record_options(
    record: fields.RecordType, *extra: Callable[..., Any]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options that fill a record type's fields, from its one definition (fields.options)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(extra):
            command = decorator(command)
        for option in reversed(fields.options(record)):
            kind = click.Choice(option.choices) if option.choices else None
            command = click.option(option.flag, option.dest, type=kind, multiple=option.multiple,
                                   metavar=option.metavar, help=option.help)(command)  # fmt: skip
        return command

    return decorate


def typed_values(values: dict[str, Any]) -> dict[str, Any]:
    """Option values keyed by the fields they fill ('source__title' -> 'source.title')."""
    return {dest.replace("__", "."): list(v) if isinstance(v, tuple) else v for dest, v in values.items()}


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The filters that `list`, `diff` and `summary` share; they combine."""
    options = [
        click.option("--region", help="Region or place name (either side's naming)."),
        click.option("--since", metavar="DATE", help="Incidents ending on or after DATE (a month or year: its first day)."),
        click.option("--until", metavar="DATE", help="Incidents starting on or before DATE (a month or year: its last day)."),
        click.option("--side", help="Only incidents on which this side has spoken."),
        click.option("--tag", help="Only incidents with this tag."),
        click.option("--text", metavar="WORDS", help="Only incidents whose text contains every word."),
        click.option("--status", type=click.Choice([*STATUSES, "all"]), default="active", show_default=True),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)

    @functools.wraps(command)
    def wrapper(*args: Any, region: str | None, since: str | None, until: str | None, side: str | None,
                tag: str | None, text: str | None, status: str, **kwargs: Any) -> Any:  # fmt: skip
        from . import render
        from .entry import read_bound
        from .prompts import TerminalAsker, can_ask
        from .query import Filters

        records = click.get_current_context().find_object(Session).records  # type: ignore[union-attr]
        asker = TerminalAsker() if can_ask(None) else None
        settled, note = records.settle_place(region, "--region", asker) if region else ({}, None)
        if note:
            render.message(note, stderr=True)
        start = read_bound(since, "--since", end=False) if since else None
        end = read_bound(until, "--until", end=True) if until else None
        if start and end and start > end:
            raise UsageError(f"--since {start} is after --until {end}: no incident can match")
        chosen = records.side(side) if side else None
        place = settled.get("means") or settled.get("name")  # a place id resolves as its place
        return command(*args, filters=Filters(place, start, end, chosen, tag, text, status), **kwargs)

    return wrapper


reformat_option = click.option(
    "--reformat",
    is_flag=True,
    help="Rewrite a hand-formatted record in canonical form even where that drops its comments.",
)


interactive_option = click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for missing values. Default: ask when stdin is a terminal.",
)
names_option = click.option(
    "--names", "naming", type=click.Choice(tuple(NAMINGS)),
    help="Show place names in one naming convention (default: as the record gives them).",
)  # fmt: skip


# --- commands -----------------------------------------------------------------------------------


@click.group(cls=IncidentsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--records", "records_dir", metavar="DIR",
              help="Records directory (default: $INCIDENTS_RECORDS, else the nearest records/ upwards).")  # fmt: skip
@click.option(
    "--no-pager", is_flag=True, help="Never page long tables (on a terminal they go through $PAGER, else less)."
)
@click.version_option(package_name="incidents")
@click.pass_context
def main(ctx: click.Context, records_dir: str | None, no_pager: bool) -> None:
    """Keep, search and compare the accounts of border incidents, one YAML file per incident."""
    ctx.meta["incidents.no_pager"] = no_pager  # render.NO_PAGER: read by render.output (never pages a pipe)
    if records_dir == "":
        raise click.BadParameter("is empty; give a records directory", ctx=ctx, param_hint="'--records'")
    ctx.obj = Session(records_dir)


limit_option = click.option(
    "--limit", type=click.IntRange(min=0), default=None, help="Show at most N (table default 100; 0: all)."
)


@main.command("list")
@filter_options
@limit_option
@names_option
@format_option()
@pass_session
def list_command(session: Session, filters: Filters, limit: int | None, naming: str | None, fmt: str) -> None:
    """List incidents, newest first."""
    from . import render
    from .compare import Verdict, Verification
    from .query import LIST_COLUMNS, Listed

    cap = (100 if fmt == "table" else 0) if limit is None else limit
    if fmt != "table":  # the rows the index keeps written, as they come
        items, selection = session.records.stored(filters, {"json": "listing"}.get(fmt, f"listing_{fmt}"), cap)
        session.report(selection)
        render.stream(fmt, items, LIST_COLUMNS)
        return
    found = session.report(session.records.listing(filters, cap, typed=True))
    sides, namer = session.records.sides(), session.namer(naming)
    verdicts = [Verdict(row["initiator"]) if row["initiator"] else None for row in found.rows]
    standing = [Verification(row["verification"]) if row.get("verification") else None for row in found.rows]
    entries = [Listed(i, v, s) for i, v, s in zip(found.incidents, verdicts, standing, strict=False)]
    table = functools.partial(render.incident_table, entries, found.total, sides, namer)
    render.output(fmt, found.rows, table, LIST_COLUMNS)


@main.command()
@click.argument("incident_id")
@names_option
@format_option("table", "json", "yaml")
@pass_session
def show(session: Session, incident_id: str, naming: str | None, fmt: str) -> None:
    """Show one incident with every claim in full."""
    from . import render
    from .compare import started_by

    incident = session.records.incident(session.records.full_id(incident_id))
    view = functools.partial(
        render.incident_detail,
        incident,
        started_by(incident, session.records.sides()),
        session.records.sides(),
        session.namer(naming),
        session.records.standing(incident),
    )
    render.output(fmt, spec.incident_to_data(incident), view)


@main.command("check")
@pass_session
def check_command(session: Session) -> None:
    """Validate every record; exit 1 if any problem (usable as a pre-commit hook).

    Unknown or uncertainly identified places are warnings: reported, but they do not fail."""
    from . import render

    records = session.records
    problems = records.check()
    render.check_report(problems, records.recorded(), records.store.display(records.root))
    if any(p.severity == Severity.ERROR for p in problems):
        raise click.exceptions.Exit(EXIT_DATA)


@main.command()
@record_options(
    spec.INCIDENT,
    click.option("--reported", metavar="DATE", help="Date of the statement, to resolve 'last Sunday' and the like."),
    click.option(
        "--allow-duplicate",
        is_flag=True,
        help="Add it even when a recorded incident is on the same day at the same place.",
    ),
    click.option("--init", is_flag=True, help="Start the records directory if it does not exist."),
    interactive_option,
)
@pass_session
def add(session: Session, interactive: bool | None, **values: Any) -> None:
    """Add an incident.

    On a terminal, a missing date or title starts the questions: those two, then places, region,
    tags and links to other incidents (Enter skips). A date such as 'last Sunday' is resolved against the date of the
    statement (--reported, or asked for), and the record's notes say how."""
    from . import render
    from .api import similar_note
    from .entry import IncidentDraft
    from .prompts import TerminalAsker, can_ask, complete_draft

    asking = can_ask(interactive)
    allow_duplicate, init = values.pop("allow_duplicate"), values.pop("init")
    asker = TerminalAsker() if asking else None

    def settle(typed: str) -> tuple[dict[str, str], str | None]:
        return session.records.settle_place(typed, "--place", asker)

    draft = complete_draft(IncidentDraft(**typed_values(values)), asking, settle)
    added = session.records.add(draft, asker, allow_duplicate, init)
    render.added(added, session.records.store.display, [similar_note(o) for o in added.similar] if not asking else [])


@main.command()
@click.argument("incident_id")
@record_options(
    spec.CLAIM,
    reformat_option,
    interactive_option,
)  # fmt: skip
@pass_session
def claim(session: Session, incident_id: str, interactive: bool | None, reformat: bool, **values: Any) -> None:
    """Add one side's account to an incident.

    On a terminal, a missing side or source starts the questions: side, stance, who spoke, when,
    whom it blames, the statement and the source (Enter skips what is optional)."""
    from . import render
    from .prompts import TerminalAsker, can_ask, complete_claim

    records = session.records
    incident_id = records.full_id(incident_id)  # before any question: answers to a wrong id would be lost
    records.taking_claims(incident_id)  # nor to a merged or withdrawn record
    if values.get("statement") == "-":  # the statement's text from stdin: quotes, newlines and all
        values["statement"] = sys.stdin.read().strip("\n") or None
    asking = can_ask(interactive)
    typed = complete_claim(typed_values(values), records.sides(), asking)
    added = records.add_claim(incident_id, typed, TerminalAsker() if asking else None, reformat)
    render.claim_added(added, records.store.display)


reformat_option = click.option(
    "--reformat",
    is_flag=True,
    help="Rewrite a hand-formatted record in canonical form even where that drops its comments.",
)


@main.command()
@click.argument("incident_id", metavar="ID")
@click.option("--reason", required=True, help="Why it is withdrawn (kept in the record).")
@reformat_option
@pass_session
def withdraw(session: Session, incident_id: str, reason: str, reformat: bool) -> None:
    """Withdraw a record: kept with its accounts, left out of every listing and count."""
    from . import render

    incident, path = session.records.withdraw(session.records.full_id(incident_id), reason, reformat)
    render.message(f"{session.records.store.display(path)}: {incident.tombstone}")


@main.command()
@click.argument("incident_id", metavar="ID")
@click.option("--into", required=True, metavar="ID", help="The incident it is a second record of.")
@click.option("--reason", help="Why (kept in the record).")
@reformat_option
@pass_session
def merge(session: Session, incident_id: str, into: str, reason: str | None, reformat: bool) -> None:
    """Mark a record merged into another; show, diff and claim on it then name where it went."""
    from . import render

    records = session.records
    incident, path = records.merge(records.full_id(incident_id), records.full_id(into), reason, reformat)
    render.message(f"{session.records.store.display(path)}: {incident.tombstone}")


@main.command()
@click.argument("incident_id", required=False)
@click.option("--sides", "side_names", metavar="A,B,...",
              help="Sides to compare (default: the principal sides, and with an ID also every third party that spoke).")  # fmt: skip
@click.option("--all", "every", is_flag=True, help="One column per statement, to show every revision.")
@click.option("--tolerance", type=click.IntRange(0, 24 * 60), default=30, show_default=True, metavar="MINUTES",
              help="How far apart two statements' times may be and still agree.")  # fmt: skip
@filter_options
@limit_option
@format_option("table", "json", "csv", "yaml")
@pass_session
def diff(session: Session, incident_id: str | None, side_names: str | None, every: bool, tolerance: int,
         filters: Filters, limit: int | None, fmt: str) -> None:  # fmt: skip
    """Compare the sides' accounts of an incident; without ID, one row per incident."""
    from . import render
    from .compare import comparison_data

    records = session.records
    columns = list(
        dict.fromkeys(records.side(n.strip(), "--sides") for n in (side_names or "").split(",") if n.strip())
    )
    if incident_id:
        comparison = records.compare(records.full_id(incident_id), columns, every, tolerance)
        data = comparison_data(comparison)
        shown_data = data["rows"] if fmt == "csv" else data  # one row per aspect
        render.output(fmt, shown_data, lambda: render.comparison_view(comparison, records.sides()))
        return
    cap = (100 if fmt == "table" else 0) if limit is None else limit
    if fmt in ("json", "yaml") and not columns:  # the rows the index keeps written, as they come
        items, selection = records.stored(filters, {"json": "overview"}.get(fmt, f"overview_{fmt}"), cap)
        session.report(selection)
        render.stream(fmt, items, [])
        return
    rows, selection = records.overview(filters, columns, cap)
    session.report(selection)
    shown = columns or list(records.sides().principal)
    render.output(fmt, rows, lambda: render.overview_table(rows, selection.total, shown, records.sides()))


@main.command()
@filter_options
@click.option("--by", "breakdown", type=click.Choice(Breakdown.words()), default="month", show_default=True,
              help="How to break the incidents down.")  # fmt: skip
@format_option("table", "json", "csv", "yaml")
@pass_session
def summary(session: Session, filters: Filters, breakdown: str, fmt: str) -> None:
    """Totals, a timeline, who blames whom, and casualties as each side claims them."""
    from . import render
    from .summary import summary_data

    result, selection = session.records.summarise(filters, Breakdown(breakdown))
    session.report(selection)
    data = summary_data(result)
    shown = data["breakdown"]["counts"] if fmt == "csv" else data  # csv: the breakdown, a row a bucket
    render.output(fmt, shown, lambda: render.summary_view(result, session.records.sides()))


@main.command()
@click.argument("incident_id", metavar="ID")
@pass_session
def edit(session: Session, incident_id: str) -> None:
    """Edit a record in $VISUAL or $EDITOR; it is saved only when valid and unchanged meanwhile.

    An invalid edit is reopened with its problems at the top (on a terminal), or kept aside in
    .incidents/edits/ and named; so is an edit the file changed under. Nothing typed is lost."""
    from . import render
    from .prompts import can_ask

    def open_editor(path: Path) -> None:
        click.edit(filename=str(path))

    def again(problems: list[Problem]) -> bool:
        for problem in problems:
            render.message(f"incidents: error: {problem}", stderr=True)
        return click.confirm("Edit again?", default=True, err=True)

    records = session.records
    result = records.edit(records.full_id(incident_id), open_editor, again if can_ask(None) else None)
    shown = session.records.store.display(result.path)
    render.message(f"{shown}: saved" if result.changed else f"{shown}: no change")


@main.group(cls=IncidentsGroup)
def evidence() -> None:
    """Copies of what was read (saved articles, PDFs, screenshots), kept with their SHA-256."""


@evidence.command("add")
@click.argument("incident_id", metavar="ID")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--source", "source_key", metavar="KEY", help="The key of the incident's source it is a copy of.")
@click.option("--retrieved", metavar="DATE", help="When it was got (default: today).")
@reformat_option
@pass_session
def evidence_add(
    session: Session, incident_id: str, file: Path, source_key: str | None, retrieved: str | None, reformat: bool
) -> None:
    """Keep a copy of FILE in the records directory's evidence/ folder, with its hash, in ID."""
    from . import render
    from .entry import read_date

    records = session.records
    when = read_date(retrieved, "--retrieved")[0] if retrieved else None
    kept, path = records.add_evidence(records.full_id(incident_id), file, source_key, when, reformat)
    render.message(
        f"kept evidence/{kept.file} ({kept.size:,} bytes, sha256 {kept.sha256}) in {records.store.display(path)}"
    )


@main.command("merge-driver")
@click.argument("files", nargs=-1, metavar="[BASE OURS THEIRS [PATH]]")
@click.option("--install", is_flag=True, help="Set this clone's git up to merge records with it (once per clone).")
@pass_session
def merge_driver(session: Session, files: tuple[str, ...], install: bool) -> None:
    """Merge two clones' changes to one record field by field (git runs it; see the README).

    The claims both sides added are all kept, each with an id of its own, and so are sources,
    links and evidence; a field both changed differently gets conflict markers, and only that."""
    from . import render
    from .teamwork import install_merge_driver, run_merge_driver

    if install:
        for line in install_merge_driver(session.records.root):
            render.message(line)
        return
    if len(files) not in (3, 4):
        raise UsageError("merge-driver takes BASE OURS THEIRS [PATH], as git passes %O %A %B %P")
    conflicts = run_merge_driver(
        Path(files[0]), Path(files[1]), Path(files[2]), files[3] if len(files) > 3 else files[1]
    )
    if conflicts:
        render.message(
            f"incidents: {', '.join(conflicts)} changed differently on both sides: marked for you to choose",
            stderr=True,
        )
        raise click.exceptions.Exit(1)


@main.command()
@filter_options
@click.option(
    "--format",
    "-o",
    "fmt",
    type=click.Choice(["jsonl", "csv", "geojson", "acled", "ucdp", "sqlite", "datapackage"]),
    default="jsonl",
    show_default=True,
    help="jsonl: whole records; csv: a table (--table); geojson: a map; acled, ucdp: their columns; sqlite: for Datasette.",
)
@click.option(
    "--table",
    type=click.Choice(CSV_TABLES),
    help="With csv: sheet (the default), a row per claim with the incident's columns repeated; or one table of the data package.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Write to FILE (whole, or not at all) instead of stdout; for datapackage, a folder.",
)
@pass_session
def export(session: Session, filters: Filters, fmt: str, table: str | None, output: Path | None) -> None:  # fmt: skip
    """Export the incidents that pass the filters, for spreadsheets, QGIS and other tools."""
    from . import render

    records = session.records
    if table is not None and fmt != "csv":
        raise UsageError(f"--table chooses the table of --format csv; --format {fmt} writes its own")
    if output is not None and output.is_dir() != (fmt == "datapackage") and output.exists():
        wanted = "a folder" if fmt == "datapackage" else "a file"
        raise UsageError(f"--output: {output} is not {wanted}, which --format {fmt} writes")
    incidents, selection = records.each(filters)
    session.report(selection)
    done = records.export(fmt, incidents, output, table or "sheet")
    if done.lines is not None:
        records.store.write_out(done.lines, None)
    elif fmt == "sqlite":
        database, metadata = done.written
        render.message(f"wrote {database} and {metadata}; browse with `datasette {database} --metadata {metadata}`")
    elif fmt == "datapackage":
        render.message(f"wrote {', '.join(p.name for p in done.written)} in {output}")
    if done.unplaced:
        render.message(
            f"{len(done.unplaced)} of {selection.total} incidents have no place with coordinates: left off the map",
            stderr=True,
        )


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "-o",
    "fmt",
    type=click.Choice(["jsonl", "csv", "acled"]),
    help="jsonl: whole records, as `export` writes them (the default, but for a .csv file);"
    " csv: columns mapped to fields by --rules; acled: an ACLED extract.",
)
@click.option(
    "--rules", type=click.Path(dir_okay=False, path_type=Path), help="With csv: which column fills which field."
)
@click.option("--dry-run", is_flag=True, help="Read and check everything; write nothing, and say what would be added.")
@click.option("--init", is_flag=True, help="Start the records directory if it does not exist.")
@pass_session
def import_command(session: Session, file: Path, fmt: str | None, rules: Path | None, dry_run: bool, init: bool) -> None:  # fmt: skip
    """Import records: all or nothing; a record already there, the same, is passed over."""
    from . import render

    if fmt is None and file.suffix.lower() == ".csv":
        raise UsageError(
            f"{file} is a CSV: say which kind, --format csv --rules RULES (a spreadsheet) or --format acled (an ACLED extract)"
        )
    progress = render.reading_progress(label="importing")  # on a terminal, once it takes a second
    if fmt == "csv":
        if rules is None:
            raise UsageError("--format csv needs --rules RULES: which column fills which field (see docs/output.md)")
        result = session.records.import_csv(file, rules, write=not dry_run, init=init, progress=progress)
    elif rules is not None:
        raise UsageError(f"--rules maps a spreadsheet's columns: it goes with --format csv, not {fmt or 'jsonl'}")
    elif fmt == "acled":
        result = session.records.import_acled(file, write=not dry_run, init=init, progress=progress)
    else:
        result = session.records.import_jsonl(file, write=not dry_run, init=init, progress=progress)
    for warning in result.warnings[:WARNINGS_SHOWN]:
        render.message(f"incidents: {warning}", stderr=True)
    if len(result.warnings) > WARNINGS_SHOWN:
        render.message(
            f"incidents: and {len(result.warnings) - WARNINGS_SHOWN} warnings more: `incidents check` lists them",
            stderr=True,
        )
    verb = "would add" if dry_run else "added"
    render.message(
        f"{verb} {_counted(len(result.added), 'record')}; {len(result.unchanged)} were recorded already, the same"
    )


WARNINGS_SHOWN = 10


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@main.command()
@click.argument("incident_id", metavar="ID")
@format_option("table", "json", "csv", "yaml")
@pass_session
def log(session: Session, incident_id: str, fmt: str) -> None:
    """A record's history from git: who changed it, when, and how much (renames followed)."""
    import dataclasses

    from . import render

    changes = session.records.history(session.records.full_id(incident_id))
    render.output(fmt, [dataclasses.asdict(c) for c in changes], lambda: render.history_table(changes))


@main.command()
@click.argument("incident_id", metavar="ID")
@pass_session
def path(session: Session, incident_id: str) -> None:
    """Print the file of an incident (for an editor: `$EDITOR "$(incidents path ID)"`)."""
    from . import render

    records = session.records
    render.message(records.store.display(records.store.existing(records.full_id(incident_id))))


@main.command()
@click.argument("query", required=False, default="")
@format_option("table", "json", "csv", "yaml")
@pass_session
def places(session: Session, query: str, fmt: str) -> None:
    """List or search the gazetteer: every name of each place, and what contains it."""
    from . import render

    gazetteer = session.records.gazetteer()
    found = session.records.places(query)
    if not found:  # nothing found is an answer, as in `list`: exit 0, with the names it may have meant
        render.message(session.records.no_place_note(query), stderr=True)
    data = [render.place_data(p, gazetteer) for p in found]
    render.output(fmt, data, lambda: render.places_view(found, gazetteer, query))


@main.command()
@click.option(
    "--check", "dry", is_flag=True, help="Write nothing; list what would change and exit 1 if anything would."
)
@click.option("--no-ids", is_flag=True, help="Leave claims without an id as they are (c1, c2, … by position).")
@click.option("--force", is_flag=True, help="Rewrite files with comments too (which drops the comments).")
@pass_session
def fmt(session: Session, dry: bool, no_ids: bool, force: bool) -> None:
    """Rewrite every record in canonical form, with each claim's id written out.

    A file with comments is left alone (and named) unless --force; a record with problems is
    left alone and reported, as every command does."""
    from . import render
    from .api import Selection

    result = session.records.fmt(write=not dry, with_ids=not no_ids, force=force)
    session.report(Selection([], result.left_out, session.records.recorded()))
    render.formatted(result.changes, dry)
    if dry and any(outcome == "would be rewritten" for _, outcome in result.changes):
        raise click.exceptions.Exit(EXIT_DATA)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a record file, for editors and validators (see the README)."""
    from . import render

    render.output("json", spec.json_schema(), lambda: "")


def run() -> None:
    """Console-script entry point."""
    main(prog_name="incidents")


if __name__ == "__main__":  # pragma: no cover
    run()
