"""All output: rich tables and panels for people, JSON, CSV and YAML for programs.

This is the only module that talks to rich. Every value that comes from a record is wrapped in
`Text` after its control characters are removed: rich would read a plain string as markup (a
title with `[red]` would turn red) and `Text` alone passes escape sequences to the terminal.
rich honours NO_COLOR and writes plain text to pipes; machine formats never carry colour.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .compare import Cell, Comparison, Row, Verdict, Verification, place_text, weapon_text
from .errors import Problem
from .formats import csv_line, flat_table, json_rows, to_csv, to_json
from .model import CasualtyKind, Claim, Incident, Material, OutputFormat, Person, PlaceRef, Sides
from .places import Gazetteer, Place, uncertain_note
from .query import Listed
from .summary import Summary
from .text import strip_unsafe
from .yamlio import dump_yaml

FORMATS = OutputFormat.words()
Namer = Callable[[PlaceRef | str], str]
"""How a place is shown: as written, or in one naming convention (--names)."""
VERDICT_STYLES = {
    "conflict": "bold red",
    "agree": "green",
    "one-sided": "yellow",
    "mirror": "magenta",
    "compatible": "cyan",
}


def console(stderr: bool = False) -> Console:
    """A console on the current stdout (click's test runner swaps it), without markup or emoji.

    rich's own NO_COLOR support drops colours but keeps bold and dim; people who set NO_COLOR
    want no escape sequences at all, so it turns styling off entirely."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        highlight=False,
        emoji=False,
        markup=False,
        color_system=None if os.environ.get("NO_COLOR") else "auto",
        width=None if _is_tty(stream) else _pipe_width(),
    )


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _pipe_width() -> int:
    """The width of output to a pipe or a file: $COLUMNS, else 80, never the width of whatever
    terminal the command happens to run in (rich would take it), so that a script's output is
    the same wherever it runs."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else 80


def safe(value: object, style: str = "") -> Text:
    """Record text as inert rich Text: no markup, no escape sequences."""
    if value is None:
        return Text("")
    return Text(strip_unsafe(str(value)), style=style)


def joined(values: Iterable[object], sep: str = ", ") -> Text:
    return safe(sep.join(str(v) for v in values))


# --- machine formats ------------------------------------------------------------------------


def output(
    fmt: str,
    data: Any,
    human: Callable[[], RenderableType],
    columns: Sequence[str] | None = None,
) -> None:
    """Print one result in the chosen format: the single path every command's output takes."""
    if fmt == "table":
        out = console()
        if out.is_terminal:
            with out.capture() as captured:  # styles kept: the pager is told to show them (-R)
                out.print(human())
            text = captured.get()
            command = pager_command(text.count("\n"), out.height) if _on_a_terminal() else None
            if command is None or not page(text, command):
                sys.stdout.write(text)
            return
        with out.capture() as captured:  # in a pipe, the table's padding is only trailing spaces
            out.print(human())
        sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
        return
    if fmt == "json":
        text = to_json(data) + "\n"
    elif fmt == "yaml":
        text = dump_yaml(data)
    elif fmt == "csv":  # nested values in dotted columns (formats.flat)
        rows, found = flat_table(data if isinstance(data, list) else [data])
        text = to_csv(rows, columns or found)
    else:  # pragma: no cover - click restricts the choice
        raise ValueError(fmt)
    sys.stdout.write(text)


NO_PAGER = "incidents.no_pager"  # where cli keeps --no-pager, in click's context meta


def _on_a_terminal() -> bool:
    """Whether stdout really is a terminal: rich's is_terminal also says so under FORCE_COLOR,
    and a pager must never take output meant for a pipe or a file."""
    return _is_tty(sys.stdout)


def pager_command(lines: int, height: int) -> str | None:
    """The pager a table of `lines` lines should go through on a terminal `height` lines high,
    as git chooses it: $INCIDENTS_PAGER, else $PAGER, else `less`; none when it fits, with
    --no-pager, or when the pager named is empty or `cat`."""
    import click

    context = click.get_current_context(silent=True)
    if (context is not None and context.meta.get(NO_PAGER)) or lines < height:
        return None
    command = os.environ.get("INCIDENTS_PAGER", os.environ.get("PAGER", "less"))
    return None if command.strip() in ("", "cat") else command


def page(text: str, command: str) -> bool:
    """Show text through the pager; whether it could be started (if not, the caller prints).
    `less` is given -FRX unless $LESS says otherwise, as git gives it: it quits at once when
    the text fits, shows the colours, and leaves the text on the screen."""
    import subprocess

    environment = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=environment)
    except OSError:
        return False
    assert pager.stdin is not None
    try:
        pager.stdin.write(text.encode("utf-8", "replace"))
        pager.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager before the end: what they wanted
    return pager.wait() != 127  # 127: the shell found no such pager; the text is printed instead


def stream(fmt: str, items: Iterable[str], columns: Sequence[str]) -> None:
    """Rows the index keeps written (api.Records.stored), printed as they come: JSON items
    (formats.item_json), CSV lines, or YAML lists of one row. The same bytes as output() would
    print of the rows, at a few microseconds a row and without holding them."""
    write = sys.stdout.write
    if fmt == "json":
        for piece in json_rows(items):
            write(piece)
    elif fmt == "csv":
        write(csv_line(columns))
        for line in items:
            write(line)
    elif fmt == "yaml":  # each item written as a list of one, by yamlio.dump_yaml
        empty = True
        for item in items:
            write(item)
            empty = False
        if empty:
            write(dump_yaml([]))
    else:  # pragma: no cover - click restricts the choice
        raise ValueError(fmt)


# --- list -----------------------------------------------------------------------------------


def date_span(incident: Incident) -> str:
    return span_text(incident.date, incident.end_date, incident.date_precision)


def _row_span(row: dict[str, Any]) -> str:
    """date_span for a row of plain data (the `diff` overview)."""
    end = date.fromisoformat(row["end_date"]) if row.get("end_date") else None
    return span_text(date.fromisoformat(row["date"]), end, row.get("date_precision", "day"))


def span_text(start: date, end: date | None, precision: str) -> str:
    """'2023-03-08', or a compact span: '2023-03-08–09', '2022-09-30–10-02', '2021-12-31–2022-01-01';
    a date known only to the month or week says so ('2023-09', 'week of 2023-08-28')."""
    if precision == "month" and not end:
        return f"{start.year}-{start.month:02d}"
    if precision == "week" and not end:
        return f"week of {start.isoformat()}"
    if not end or end == start:
        return start.isoformat()
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.isoformat()}–{end.day:02d}"
    if start.year == end.year:
        return f"{start.isoformat()}–{end.month:02d}-{end.day:02d}"
    return f"{start.isoformat()}–{end.isoformat()}"


def incident_table(entries: Sequence[Listed], total: int, sides: Sides, namer: Namer = str) -> RenderableType:
    """One row per incident; the title cell carries the places on a dim second line so that the
    table keeps its shape in 80 columns. Ids never wrap: people copy them into `show`."""
    if not entries:
        return Text("No incidents match." if total == 0 else "", style="dim")
    table: RenderableType
    if console().width < 100:  # too narrow for a title column: one block per incident
        table = Group(*(part for entry in entries for part in _incident_block(entry, sides, namer)))
    else:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for column in ("Date", "ID"):
            table.add_column(column, no_wrap=True)
        table.add_column("Title / places", ratio=1, min_width=16, overflow="fold")
        table.add_column("Sides", no_wrap=True)
        table.add_column("Started by", no_wrap=True)
        table.add_column("Standing", no_wrap=True)
        for entry in entries:
            incident = entry.incident
            claimants, verdict = _sides_and_verdict(entry, sides)
            cells = (safe(date_span(incident)), safe(incident.id), _title(incident, namer), claimants, verdict)
            table.add_row(*cells, safe(entry.verification or "—"))
    return Group(table, _shown_of(len(entries), total))


def _title(incident: Incident, namer: Namer) -> Text:
    """The title, with the places on a dim second line."""
    title = safe(incident.title + ("" if incident.status == "active" else f" [{incident.status}]"))
    if incident.places:
        title.append("\n")
        title.append_text(safe(", ".join(namer(p) for p in incident.places), "dim"))
    return title


def _sides_and_verdict(entry: Listed, sides: Sides) -> tuple[Text, Text]:
    claimants = joined((sides.short(s) for s in entry.incident.claimants), " ")
    return claimants, _verdict(entry.started_by or "—")


def _incident_block(entry: Listed, sides: Sides, namer: Namer) -> list[RenderableType]:
    """`list` on a narrow terminal: date, id, sides and verdict on one line, the title below."""
    incident = entry.incident
    claimants, verdict = _sides_and_verdict(entry, sides)
    head = Text.assemble(
        safe(date_span(incident)), "  ", safe(incident.id, "bold"), "  ", claimants, "  ", verdict,
        "  ", safe(entry.verification or ""),
    )  # fmt: skip
    return [head, indented(_title(incident, namer))]


# --- show -----------------------------------------------------------------------------------


NARROW = 60  # below this width, labels go above their values: two columns would crop letters


class _Fields:
    """Labels and values: two columns on a terminal wide enough, else each label on a line of
    its own with its value below, so that no letter of a value is ever cropped."""

    def __init__(self) -> None:
        self.width = console().width
        self.rows: list[tuple[str | Text, RenderableType]] = []

    def add_row(self, label: str | Text, value: RenderableType) -> None:
        self.rows.append((label, value))

    def __rich__(self) -> RenderableType:
        if self.width < NARROW:
            parts: list[RenderableType] = []
            for label, value in self.rows:
                parts += [Text(label, style="bold") if isinstance(label, str) else label, indented(value)]
            return Group(*parts)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", max_width=max(12, self.width - 30))
        grid.add_column(overflow="fold", min_width=min(24, self.width // 2))
        for label, value in self.rows:
            grid.add_row(label, value)
        return grid


def _grid() -> _Fields:
    """Label and value, laid out for the terminal's width (see _Fields)."""
    return _Fields()


def indented(renderable: RenderableType, by: int = 2) -> Padding:
    """A block under a heading line, its wrapped lines indented too."""
    return Padding(renderable, (0, 0, 0, by), expand=False)


def incident_detail(
    incident: Incident,
    started_by: Verdict | None,
    sides: Sides,
    namer: Namer = str,
    standing: Verification | None = None,
) -> RenderableType:
    def names(values: Sequence[PlaceRef | str]) -> list[str]:
        return [place_text(v, namer(v)) if isinstance(v, PlaceRef) else namer(v) for v in values]

    grid = _grid()
    rows: list[tuple[str, Text]] = [
        ("Title", safe(incident.title)),
        ("Date", safe(f"{date_span(incident)} (precision: {incident.date_precision})")),
        ("Status", safe(incident.status + (f" into {incident.merged_into}" if incident.merged_into else ""))),
        ("Reason", safe(incident.reason or "")),
        ("Places", joined(names(list(incident.places)))),
        ("Region", joined(names(list(incident.region)))),
        ("Tags", joined(incident.tags)),
        ("Links", joined(f"{link.type} {link.id}" for link in incident.links)),
        ("Sources", safe("\n".join(f"{s.key}: {s}" for s in incident.sources))),
        (
            "Evidence",
            safe(
                "\n".join(
                    f"evidence/{e.file} ({e.size:,} bytes, sha256 {e.sha256[:12]}…, got {e.retrieved}"
                    + (f", of {e.source})" if e.source else ")")
                    for e in incident.evidence
                )
            ),
        ),
        ("Notes", safe((incident.notes or "").strip())),
    ]
    if started_by:
        rows.append(("Who started it", safe(started_by, VERDICT_STYLES.get(started_by, ""))))
    if standing:
        rows.append(("Standing", safe(standing)))
    for label, value in rows:
        if value.plain:
            grid.add_row(label, value)
    parts: list[RenderableType] = [safe(incident.tombstone, "bold")] if incident.tombstone else []
    parts.append(Panel(grid, title=safe(incident.id), title_align="left", box=box.ROUNDED))
    total = len(incident.claims)
    for number, claim in enumerate(incident.claims, 1):
        parts.append(claim_panel(claim, sides, f"{incident.claim_id(number - 1)} ({number} of {total})", names))
    if not incident.claims and not incident.tombstone:
        parts.append(
            Text("No claims yet: add one with `incidents claim " + strip_unsafe(incident.id) + "`.", style="dim")
        )
    return Group(*parts)


def casualty_lines(claim: Claim, sides: Sides) -> list[str]:
    lines = []
    for figure in claim.casualties:
        who = sides.name(figure.side) + (" civilians" if figure.civilian else "")
        lines.append(f"{who}: {figure.count} {figure.kind.label}")
    return lines


def _person_text(person: Person, sides: Sides) -> str:
    """'Aramayis Hovakimyan (Armenia, civilian): wounded; later died of wounds'."""
    who = ", ".join(filter(None, [sides.name(person.side), "civilian" if person.civilian else None, person.rank,
                                  f"age {person.age}" if person.age is not None else None]))  # fmt: skip
    later = "; ".join(
        f"later {e.event.value.replace('-', ' ')}" + (f" ({e.date})" if e.date else "") for e in person.events
    )
    return f"{person.name or 'unnamed'} ({who}): {person.status.label}" + (f"; {later}" if later else "")


def _material_text(material: Material, sides: Sides) -> str:
    """'army vehicles (Armenia): destroyed, some (no number given)'."""
    whose = f" ({sides.name(material.whose)})" if material.whose else ""
    count = f", {material.count}" if material.count else ""
    return f"{material.what}{whose}: {material.outcome}{count}"


def _retraction_text(claim: Claim) -> str | None:
    retraction = claim.retracts
    if retraction is None:
        return None
    return retraction.claim + (f": {', '.join(retraction.aspects)}" if retraction.aspects else " (the whole statement)")


def claim_panel(
    claim: Claim, sides: Sides, heading: str, names: Callable[[Sequence[PlaceRef | str]], list[str]]
) -> RenderableType:
    grid = _grid()
    rows = [
        ("Who spoke", claim.by),
        ("Reported", claim.reported.isoformat() if claim.reported else "undated"),
        ("Stance", claim.stance),
        ("Started by", sides.name(claim.initiator) if claim.initiator else None),
        ("Target", claim.target),
        ("Weapons", ", ".join(weapon_text(w, claim) for w in claim.weapons)),
        ("Places", ", ".join(names(list(claim.places)))),
        ("Time", str(claim.window) if claim.window else None),
        ("Violations", str(claim.violations) if claim.violations else None),
        ("Casualties", "\n".join(casualty_lines(claim, sides))),
        ("Statement", claim.statement),
        (
            "Source",
            "\n".join(
                filter(None, [str(claim.source), claim.source.url, claim.source.ref if claim.source.title else None])
            ),
        ),
        ("Note", claim.note),
        ("Revises", claim.revises),
        ("Retracts", _retraction_text(claim)),
        ("Kind", None if claim.kind == "account" else str(claim.kind)),
        ("Denies", ", ".join(map(str, claim.denies))),
        ("Admits", ", ".join(map(str, claim.admits))),
        ("Confirms", ", ".join(map(str, claim.confirms))),
        (
            "Known via",
            (sides.name(claim.via.side) + (f" ({claim.via.by})" if claim.via.by else "")) if claim.via else None,
        ),
        ("People", "\n".join(_person_text(p, sides) for p in claim.people)),
        ("Material", "\n".join(_material_text(m, sides) for m in claim.material)),
    ]
    for label, value in rows:
        if value:
            grid.add_row(label, safe(value))
    title = Text(f"{heading} · ")  # short: a narrow terminal cuts a panel's title, never its rows
    title.append_text(safe(sides.name(claim.side), "bold"))
    return Panel(grid, title=title, title_align="left", box=box.SQUARE)


# --- problems and messages --------------------------------------------------------------------


def problems(items: Iterable[Problem], stderr: bool = False) -> None:
    """One line per problem, never wrapped, so editors and hooks can jump to `path:line`."""
    out = console(stderr)
    for problem in items:
        out.print(safe(str(problem)), soft_wrap=True)


def message(text: str, style: str = "", stderr: bool = False) -> None:
    console(stderr).print(safe(text, style), soft_wrap=True)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def left_out(errors: list[Problem]) -> None:
    """The problems that kept record files out of a command's output, and how many files."""
    problems(errors, stderr=True)
    files = len({p.path for p in errors})
    message(
        f"incidents: error: {_plural(files, 'record file')} left out of this output"
        " for the problems above; fix them (`incidents check` lists them all)",
        stderr=True,
    )


def check_report(found: list[Problem], records: int, root: str) -> None:
    """`check`: every problem on stdout, then the verdict (a count of problems, or OK)."""
    problems(found)
    errors = [p for p in found if p.severity == "error"]
    if errors:
        files = len({p.path for p in errors})
        message(f"{_plural(len(errors), 'problem')} in {_plural(files, 'file')}", stderr=True)
        return
    warnings = f", {_plural(len(found), 'warning')}" if found else ""
    message(f"OK: {_plural(records, 'record')} in {root}, no problems{warnings}")


def added(result: Any, display: Callable[[Path], str], warnings: Sequence[str] = ()) -> None:
    """What `add` did (an api.Added), with its warnings on stderr."""
    for note in [*result.notes, *(f"warning: {w}" for w in warnings)]:
        message(note, stderr=True)
    if result.new_directory:  # a mistyped --records would otherwise start a second tree unnoticed
        message(f"note: started a new records directory at {display(result.path.parent.parent)}", stderr=True)
    message(f"added {result.incident.id} at {display(result.path)}")


def formatted(changes: list[tuple[str, str]], dry: bool) -> None:
    """`fmt`: one line per file it rewrote, left alone or would rewrite, then a count."""
    for shown, outcome in changes:
        text = {
            "comments": "has comments: left alone (--force rewrites it and drops them)",
            "changed": "changed while fmt ran: left alone",
        }.get(outcome, outcome)
        message(f"{shown}: {text}")
    rewritten = sum(1 for _, outcome in changes if outcome in ("rewritten", "would be rewritten"))
    verb = "would be rewritten" if dry else "rewritten"
    message(f"{_plural(rewritten, 'record')} {verb}", stderr=True)


def claim_added(result: Any, display: Callable[[Path], str]) -> None:
    """What `claim` did (an api.ClaimAdded)."""
    for note in result.notes:
        message(note, stderr=True)
    incident = result.incident
    where = display(result.path)
    message(f"added claim {incident.claim_ids[-1]} ({incident.claims[-1].side}) to {incident.id} at {where}")
    if result.reformatted:
        message("note: the file was hand-formatted and has been rewritten in canonical form", stderr=True)


# --- diff -------------------------------------------------------------------------------------


def _column_title(column: str, sides: Sides) -> str:
    """'Armenia', 'Armenia #2' (one statement of --all), 'Armenia: Human Rights Defender' (a voice)."""
    column, _, body = column.partition("@")
    side, _, number = column.partition("#")
    return sides.name(side) + (f" #{number}" if number else "") + (f": {body}" if body else "")


def _cell_text(row: Row, cell: Cell, sides: Sides) -> Text:
    if cell.text is None:
        return Text("—", style="dim")
    value = sides.name(cell.text) if row.key == "initiator" else cell.text
    text = safe(value)
    for when, earlier in cell.revisions:
        shown = sides.name(earlier) if row.key == "initiator" else earlier
        text.append_text(safe(f"\nearlier: {shown}" + (f" ({when})" if when and when != earlier else ""), "dim"))
    return text


def _verdict(verdict: str | None) -> Text:
    """A verdict in its colour; '—' and '' stay dim."""
    return safe(verdict or "", VERDICT_STYLES.get(verdict or "", "dim"))


def comparison_view(comparison: Comparison, sides: Sides) -> RenderableType:
    """Side by side; stacked (one block per aspect) when the terminal is too narrow for columns."""
    header = Text()
    header.append_text(safe(comparison.incident.id, "bold"))
    header.append_text(safe(f"  {date_span(comparison.incident)}  {comparison.incident.title}"))
    reading = Text("Reading: ", style="bold")
    reading.append_text(safe(comparison.reading))
    columns = comparison.sides
    notes = [safe(f"Note: {note}", "dim") for note in comparison.notes]
    if comparison.incident.tombstone:
        notes.insert(0, safe(comparison.incident.tombstone, "bold"))
    if console().width < 24 + 22 * len(columns) + 10:
        return Group(header, reading, *notes, Text(""), *_stacked(comparison, sides))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Aspect", style="bold", no_wrap=True)
    for column in columns:
        table.add_column(_column_title(column, sides), ratio=1, overflow="fold")
    table.add_column("Verdict", no_wrap=True)
    for row in comparison.rows:
        table.add_row(safe(row.label), *(_cell_text(row, row.cells[c], sides) for c in columns), _verdict(row.verdict))
    return Group(header, reading, table, *notes)


def _stacked(comparison: Comparison, sides: Sides) -> list[RenderableType]:
    blocks: list[RenderableType] = []
    for row in comparison.rows:
        title = safe(row.label, "bold")
        if row.verdict:
            title.append(" — ")
            title.append_text(_verdict(row.verdict))
        blocks.append(title)
        for column in comparison.sides:
            line = Text("  ")
            line.append_text(safe(_column_title(column, sides) + ": "))
            line.append_text(_cell_text(row, row.cells[column], sides))
            blocks.append(line)
    return blocks


def _losses_text(losses: dict[str, str], sides: Sides) -> str:
    parts = []
    for key, value in losses.items():
        side, *rest = key.split(".")
        who = sides.short(side) + (" civilians" if "civilians" in rest else "")
        parts.append(f"{who} {value} {rest[-1]}")
    return ", ".join(parts)


def overview_table(rows: list[dict[str, Any]], total: int, columns: list[str], sides: Sides) -> RenderableType:
    """`diff` without an id: one row per incident, each side's blame and casualty claims; the
    first `--limit` of `total`, as `list` shows them."""
    if not rows:
        return Text("No incidents match.", style="dim")
    if console().width < 70 + 25 * len(columns):  # each side's column needs room: stack instead
        blocks = Group(*(part for row in rows for part in _overview_block(row, columns, sides)))
        return Group(blocks, _shown_of(len(rows), total, "json"))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("ID", no_wrap=True)
    for column in columns:
        table.add_column(f"{sides.name(column)} says", ratio=1, overflow="fold")
    table.add_column("Started by", no_wrap=True)
    table.add_column("Casualties", no_wrap=True)
    for row in rows:
        cells = [_said(row["sides"][column], sides) for column in columns]
        table.add_row(
            safe(_row_span(row)),
            safe(row["id"]),
            *cells,
            _verdict(row["initiator_verdict"]),
            _verdict(row["casualties_verdict"]),
        )
    return Group(table, _shown_of(len(rows), total, "json"))


def _shown_of(shown: int, total: int, machine: str = "csv") -> Text:
    """The line under a listing: how many of how many incidents, and how to see the rest."""
    footer = f"{shown} of {total} incidents" if shown < total else f"{total} incident{'s' * (total != 1)}"
    if shown < total:
        footer += f" (use --limit 0 to show all, or --format {machine} for a file)"
    return Text(footer, style="dim")


def _said(said: dict[str, Any], sides: Sides) -> Text:
    """One side's blame and casualty figures for one incident, or a dim dash."""
    text = []
    if said["initiator"]:
        text.append(f"blames {sides.name(said['initiator'])}")
    if said["casualties"]:
        text.append(_losses_text(said["casualties"], sides))
    return safe("; ".join(text)) if text else Text("—", style="dim")


def _overview_block(row: dict[str, Any], columns: list[str], sides: Sides) -> list[RenderableType]:
    head = Text.assemble(safe(_row_span(row)), "  ", safe(row["id"], "bold"))
    for label, key in (("started by", "initiator_verdict"), ("casualties", "casualties_verdict")):
        if row[key]:
            head.append_text(Text.assemble(f"  {label}: ", _verdict(row[key])))
    lines = [Text.assemble(safe(sides.name(column) + ": "), _said(row["sides"][column], sides)) for column in columns]
    return [head, indented(Group(*lines))]


# --- summary ----------------------------------------------------------------------------------


def _bars(buckets: list[tuple[str, int]], title: str, spanning: Mapping[str, int] | None = None) -> Table:
    """One bar per bucket; `spanning` marks how many of a bucket's incidents run on past it."""
    table = Table(title=title, title_justify="left", box=None, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    most = max((n for _, n in buckets), default=0) or 1
    width = max(10, min(40, console().width - 30 - (14 if spanning else 0)))
    for label, count in buckets:
        label = label or "(no region)"  # summary.NO_REGION
        bar = Text("█" * round(count / most * width) if count else "·", style="cyan" if count else "dim")
        if spanning and spanning.get(label):
            bar.append(f" ({spanning[label]} spans on)", style="dim")
        table.add_row(safe(label), str(count), bar)
    return table


def summary_view(summary: Summary, sides: Sides) -> RenderableType:
    if not summary.incidents:
        return Text("No incidents match.", style="dim")
    parts: list[RenderableType] = []
    totals = _grid()
    period = f"{summary.period[0]} to {summary.period[1]}" if summary.period else "no incidents"
    share = f" ({summary.conflicting / summary.with_both:.0%})" if summary.with_both else ""
    names = " and ".join(sides.name(s) for s in summary.principal[:2])
    totals.add_row("Period", period)
    totals.add_row("Incidents", str(summary.incidents))
    totals.add_row(f"With accounts from both {names}", str(summary.with_both))
    totals.add_row(
        "Of those, with conflicting accounts", f"{summary.conflicting}{share}" if summary.with_both else "n/a"
    )
    parts.append(Panel(totals, title="Totals", title_align="left", box=box.ROUNDED))
    buckets = summary.buckets
    if summary.breakdown == "side":
        buckets = [(sides.name(side), count) for side, count in buckets]
    parts.append(
        _bars(
            buckets,
            f"Incidents by {summary.breakdown}"
            + (" (empty ones shown)" if summary.breakdown in ("month", "week") else ""),
            summary.spanning,
        )
    )
    if summary.breakdown != "region" and summary.regions:
        parts.append(_bars(summary.regions, "Incidents by region"))
    if summary.blame:
        blamed = sorted(
            {b for counts in summary.blame.values() for b in counts},
            key=lambda s: sides.ids.index(s) if s in sides.ids else 99,
        )
        table = Table(
            title="Who blames whom (number of incidents)",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("Claimant")
        for side in blamed:
            table.add_column(f"blames {sides.name(side)}", justify="right")
        for claimant, counts in summary.blame.items():
            table.add_row(safe(sides.name(claimant)), *(str(counts.get(b, 0)) for b in blamed))
        parts.append(table)
    if summary.admissions:
        said = ", ".join(f"{sides.name(s)} in {n}" for s, n in summary.admissions.items())
        parts.append(Text(f"Own fire admitted (or the start of it): {said}", style="dim"))
    if summary.casualties:
        claimants = sorted(
            {c for line in summary.casualties for c in line.by_claimant},
            key=lambda s: sides.ids.index(s) if s in sides.ids else 99,
        )
        if console().width < 72:  # too narrow for a column per claimant: one line per figure
            parts.append(_casualties_stacked(summary, claimants, sides))
            return Group(*parts)
        table = Table(
            title="Casualties as each side claims them",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            caption="'at least' figures add up as lower bounds; ranges add up as ranges. A side's own figures are admitted losses; others' are attributed.",
            caption_justify="left",
        )
        table.add_column("Losses of", overflow="fold")  # a narrow terminal wraps, never cuts to "…"
        table.add_column("Kind", overflow="fold")
        for claimant in claimants:
            table.add_column(f"per {sides.name(claimant)}", justify="right", overflow="fold")
        for line in summary.casualties:
            who = sides.name(line.side) + (" (civilians)" if line.civilian else "")
            cells = []
            for claimant in claimants:
                cell = _casualty_cell(line, claimant)
                cells.append(Text(cell) if cell else Text("—", style="dim"))
            table.add_row(safe(who), CasualtyKind(line.kind).label, *cells)
        parts.append(table)
    return Group(*parts)


def _casualty_cell(line: Any, claimant: str) -> str | None:
    count = line.by_claimant.get(claimant)
    return f"{count}{' (admitted)' if claimant == line.side else ''}" if count else None


def _casualties_stacked(summary: Summary, claimants: list[str], sides: Sides) -> RenderableType:
    """The casualty table of `summary` as lines, for a narrow terminal: nothing cut."""
    lines: list[RenderableType] = [Text("Casualties as each side claims them", style="bold")]
    for line in summary.casualties:
        who = sides.name(line.side) + (" civilians" if line.civilian else "")
        said = [f"per {sides.name(c)}: {cell}" for c in claimants if (cell := _casualty_cell(line, c))]
        lines.append(
            Text.assemble(safe(f"{who}, {CasualtyKind(line.kind).label}", "bold"), "  ", safe("; ".join(said)))
        )
    lines.append(Text("'at least' figures add up as lower bounds; ranges add up as ranges.", style="dim"))
    return Group(*lines)


# --- places -----------------------------------------------------------------------------------


def place_data(place: Place, gazetteer: Gazetteer) -> dict[str, Any]:
    """`places --format json` (docs/output.md)."""
    return {
        "id": place.id,
        "name": place.name,
        "type": place.type,
        "country": place.country,
        "within": [gazetteer.places[p].name for p in _chain(place, gazetteer)],
        "names": {lang: list(names) for lang, names in place.names.items()},
        "sector_names": list(place.sector_names),
        "uncertain_names": list(place.uncertain_names),
        "lat": place.lat,
        "lon": place.lon,
        "coord_source": place.coord_source,
        "coord_uncertain": place.coord_uncertain,
        "uncertain": place.uncertain,
        "contains": len(gazetteer.descendants(place.id)),
    }


def _chain(place: Place, gazetteer: Gazetteer) -> list[str]:
    """The containing places, nearest first, following the first `within` at each step."""
    chain, current = [], place
    while current.within and current.within[0] in gazetteer.places and current.within[0] not in chain:
        chain.append(current.within[0])
        current = gazetteer.places[current.within[0]]
    return chain


LANGUAGE_LABELS = {
    "hy": "Armenian", "hy_latn": "Armenian (Latin)", "az": "Azerbaijani", "az_latn": "Azerbaijani (ASCII)",
    "ru": "Russian", "en": "English press",
}  # fmt: skip


def history_table(changes: Sequence[Any]) -> RenderableType:
    """`log`: one row per commit that changed the record, newest first."""
    if not changes:
        return Text("No commit has changed this record yet (it is not committed).", style="dim")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("Date", "Author", "Commit", "Lines", "Message"):
        table.add_column(column, no_wrap=column != "Message", overflow="fold")
    for change in changes:
        lines = Text(f"+{change.added} -{change.removed}")
        table.add_row(
            safe(change.when[:16].replace("T", " ")),
            safe(change.author),
            safe(change.commit[:10]),
            lines,
            safe(change.message),
        )
    return table


def places_view(found: list[Place], gazetteer: Gazetteer, query: str) -> RenderableType:
    """Few matches: a panel each with every name; many: one line each."""
    if len(found) > 4:
        footer = Text(f"{len(found)} places" + (f" matching {query!r}" if query else ""), style="dim")
        rows = []
        for place in found:
            armenian = joined(dict.fromkeys([*place.names.get("hy_latn", ()), *place.names.get("hy", ())]))
            azerbaijani = joined(dict.fromkeys([*place.names.get("az", ()), *place.sector_names]))
            inside = ", ".join(gazetteer.places[p].name for p in _chain(place, gazetteer)[:1])
            rows.append((safe(place.name, "bold"), safe(place.type), safe(inside), armenian, azerbaijani))
        if console().width < 120:  # names need room: one block per place instead of cut cells
            blocks: list[RenderableType] = []
            for name, kind, inside_text, armenian, azerbaijani in rows:
                head = Text.assemble(name, " (", kind, ")", *((" in ", inside_text) if inside_text.plain else ()))
                lines = [Text.assemble("Armenian: ", armenian), Text.assemble("Azerbaijani: ", azerbaijani)]
                blocks += [head, indented(Group(*lines))]
            return Group(*blocks, footer)
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for column in ("Place", "Type", "In", "Armenian", "Azerbaijani"):
            table.add_column(column, ratio=1 if column in ("Armenian", "Azerbaijani") else None, overflow="fold")
        for row in rows:
            table.add_row(*row)
        return Group(table, footer)
    panels: list[RenderableType] = []
    resolution = gazetteer.resolve(query) if query else None
    if resolution and resolution.ambiguous:
        forms = " or ".join(gazetteer.qualified_forms(resolution))
        panels.append(
            safe(f"{query!r} is ambiguous: it names {len(resolution.candidates)} places; write {forms}", "bold yellow")
        )
    elif resolution and resolution.uncertain:
        panels.append(safe(uncertain_note(resolution), "bold yellow"))
    for place in found:
        grid = _grid()
        grid.add_row("Type", safe(f"{place.type}" + (f", {place.country}" if place.country else "")))
        chain = _chain(place, gazetteer)
        if chain:
            grid.add_row("In", joined((gazetteer.places[p].name for p in chain), " › "))
        contains = gazetteer.descendants(place.id)
        if contains:
            names = sorted(gazetteer.places[p].name for p in contains)
            grid.add_row(
                "Contains", safe(", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else ""))
            )
        for lang, label in LANGUAGE_LABELS.items():
            if place.names.get(lang):
                grid.add_row(label, joined(place.names[lang]))
        if place.sector_names:
            grid.add_row("Azerbaijani MoD sector", joined(place.sector_names))
        if place.uncertain_names:
            grid.add_row("Uncertain names", joined(place.uncertain_names))
        if place.lat is not None and place.lon is not None:
            coords = f"{place.lat}, {place.lon}" + (" (uncertain)" if place.coord_uncertain else "")
            grid.add_row("Coordinates", safe(coords + (f" — {place.coord_source}" if place.coord_source else "")))
        else:
            grid.add_row("Coordinates", safe("unknown", "dim"))
        for label, value in (("Uncertain", place.uncertain), ("Notes", place.notes)):
            if value:
                grid.add_row(label, safe(value))
        panels.append(Panel(grid, title=safe(f"{place.name}  ({place.id})"), title_align="left", box=box.ROUNDED))
    return Group(*panels)


def reading_progress(after: float = 1.0, label: str = "reading records") -> Callable[[int, int], None]:
    """A progress bar on stderr for reading record files, for parallel.chunked to call with
    (done, total). It appears only once reading has taken `after` seconds, only on a terminal
    and not under NO_COLOR (whose users asked for plain output), and it clears itself when the
    last file is read, so a pipe, a log or a quick command never sees it."""
    import time

    began = time.monotonic()
    shown: list[Any] = []  # the rich Progress and its task, once started

    def tell(done: int, total: int) -> None:
        if not shown:
            if done >= total or time.monotonic() - began < after:
                return
            out = console(stderr=True)
            if not out.is_terminal or os.environ.get("NO_COLOR"):
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            bar = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=out,
                transient=True,
                auto_refresh=False,  # no thread: it is drawn when told, and nothing is left running
            )
            bar.start()
            shown.extend([bar, bar.add_task("reading", total=total)])
        bar, task = shown
        bar.update(task, completed=done, refresh=True)
        if done >= total:
            bar.stop()

    return tell
