"""The library under the command line: a records directory and what can be done with it.

    from incidents.api import Records
    records = Records("records")
    for incident in records.select(Filters(region="Basarkechar")).incidents:
        print(incident.id, records.compare(incident.id).reading)

Everything here returns typed values (incidents, comparisons, summaries, problems) and prints
nothing, as sqlite-utils' Database does under its commands. Where a person must decide (which of
two places an ambiguous name means, whether to add an incident that looks like a recorded
one), the caller passes an `Asker`; without one, the library refuses rather than guesses.

The rule that no record with problems is used silently lives here: `select`, `incident`,
`compare` and `summarise` use only records that pass `check`, and say which they left out
(`Selection.left_out`), so the CLI can print them and exit 1.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from .checks import check, evidence, future, record_problems, reference_problem, references, spots
from .compare import CONFLICT, Comparison, Verification, compare, default_columns, overview, verification
from .entry import ClaimValues, IncidentDraft, new_claim, new_incident, place_typed, side_id
from .errors import Aborted, DataError, NotFoundError, Problem, RecordProblems, Severity, UsageError
from .imports import Lines
from .index import ENTRIES, SIDE_TABLES
from .model import NO_META, Breakdown, Evidence, Incident, Sides, Source, Status
from .parallel import Progress
from .places import Gazetteer, Place, Resolution, did_you_mean, split_qualified, uncertain_note
from .query import CHOSEN, NEWEST_FIRST, Filters, PlaceMatcher, choose, gazetteer_matcher, keep_out, prepare, same_event
from .spec import incident_from_data
from .store import (
    Loaded,
    Record,
    Store,
    Synced,
    find_records_dir,
    parse_data,
    read_bytes,
    read_data,
    read_gazetteer,
    read_weapons,
    require_folder_for,
)
from .summary import Summary, summarise
from .weapons import WeaponKinds


class Asker(Protocol):
    """How the library asks a person; the CLI's answers come from the terminal (prompts.py)."""

    def choose_place(self, name: str, resolution: Resolution, forms: list[str]) -> str:
        """Which of an ambiguous name's places is meant: one of `forms`."""
        ...

    def confirm(self, question: str) -> bool: ...


@dataclass
class Selection:
    """Incidents that pass the filters, newest first, and the problems that kept files out."""

    incidents: list[Incident]
    left_out: list[Problem] = field(default_factory=list)
    files: int = 0  # record files in the directory
    total: int = 0  # incidents that passed the filters (more than `incidents` under a limit)
    rows: list[dict[str, Any]] = field(default_factory=list)  # as `list --format json` gives them


@dataclass
class Added:
    incident: Incident
    path: Path
    new_directory: bool
    similar: list[Incident]  # recorded incidents on the same day at the same place
    notes: list[str]  # warnings about places, for a person to read


@dataclass
class Formatted:
    """What `fmt` did or would do: (file, outcome) for each record not already canonical."""

    changes: list[tuple[str, str]] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)


@dataclass
class ClaimAdded:
    incident: Incident
    path: Path
    reformatted: bool
    notes: list[str]


class Records:
    """One records directory: its records, sides and gazetteer, read once and only when asked."""

    def __init__(
        self, root: Path | str | None = None, *, option: str | None = None, progress: Progress | None = None
    ) -> None:
        """`root` names the directory; otherwise `option` (--records), $INCIDENTS_RECORDS or the
        nearest records/ upwards is used, and only when something needs it. `progress` is told
        (done, total) while files not in the index are read (it prints nothing by itself)."""
        self._progress = progress
        self._root = Path(root) if root is not None else None
        self._option = option
        self._store: Store | None = None
        self._gazetteer: Gazetteer | None = None
        self._weapons: WeaponKinds | None = None
        self._synced: Synced | None = None
        self._left_out: list[Problem] | None = None
        self._filters: Filters | None = None  # what CHOSEN holds

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self._root if self._root is not None else find_records_dir(self._option))
        return self._store

    @property
    def root(self) -> Path:
        return self.store.root

    def sides(self) -> Sides:
        sides, problems = self.store.sides()
        if problems:
            raise RecordProblems(problems)
        return sides

    def side(self, name: str, option: str = "--side") -> str:
        """A side's id from its id, name or alias; a usage error naming the known ones otherwise."""
        return side_id(name, self.sides(), option)

    def gazetteer(self) -> Gazetteer:
        """The built-in gazetteer with the directory's places.yaml; without a directory, built-in."""
        if self._gazetteer is None:
            self._gazetteer = self._settings(read_gazetteer)
        return self._gazetteer

    def weapons(self) -> WeaponKinds:
        """The weapon vocabulary: built in, extended by the directory's weapons.yaml."""
        if self._weapons is None:
            self._weapons = self._settings(read_weapons)
        return self._weapons

    def _settings(self, read: Callable[[Path | None, Callable[[Path], str]], tuple[Any, list[Problem]]]) -> Any:
        """A settings file read over the built-in one; with no records directory, the built-in."""
        try:
            root: Path | None = self.store.root
        except UsageError:
            root = None
        value, problems = read(root, self.store.display if root else str)
        if problems:
            raise RecordProblems(problems)
        return value

    def matcher(self) -> PlaceMatcher:
        return gazetteer_matcher(self.gazetteer())

    def synced(self) -> Synced:
        """The index, holding every file of the directory as it is (read once per Records)."""
        if self._synced is None:
            self.sides()  # a broken sides.yaml or places.yaml is reported before the records it would judge
            self.gazetteer()
            self.store.finish_imports()
            self._synced = self.store.sync(progress=self._progress)
            prepare(self._synced.index.db)
        return self._synced

    def load(self) -> Loaded:
        """Every record of the directory as a typed incident, with its file's own problems
        (check() has those across the records): for whoever wants them all in hand."""
        self.sides()  # a broken sides.yaml or places.yaml is reported before the records it would judge
        self.gazetteer()
        self.store.finish_imports()
        return self.store.load(progress=self._progress)

    def check(self) -> list[Problem]:
        """Every problem of every record, warnings included, in file and line order."""
        synced = self.synced()
        kept = evidence(synced.index.db, self.root)
        return sorted({*synced.problems, *synced.index.problems(), *check(synced.index.db), *kept})

    def recorded(self) -> int:
        """How many files hold an incident that could be read."""
        return self.synced().index.recorded()

    def _errors(self) -> list[Problem]:
        """The errors that keep records out of every output; the files they are in are marked
        in the index's BAD table for the queries that follow."""
        if self._left_out is None:
            synced = self.synced()
            index = synced.index
            kept = evidence(index.db, self.root, hashes=False)  # sizes: a listing reads no copy
            found = {*synced.problems, *index.problems(errors_only=True), *check(index.db, warnings=False), *kept}
            self._left_out = sorted(p for p in found if p.severity == Severity.ERROR)
            keep_out(index.db, {p.path for p in self._left_out})
        return self._left_out

    def _choose(self, filters: Filters | None) -> tuple[int, Selection]:
        self._filters = filters
        errors = self._errors()
        found = choose(self.synced().index.db, filters or Filters(), self.gazetteer())
        return found, Selection([], errors, self.synced().files)

    def select(self, filters: Filters | None = None) -> Selection:
        """The valid incidents that pass the filters, newest first."""
        found, selection = self._choose(filters)
        query = f"SELECT entry FROM {ENTRIES} JOIN {CHOSEN} USING (num) {NEWEST_FIRST}"
        selection.incidents = [entry[0] for (entry,) in self._entries(query)]
        selection.total = found
        return selection

    def each(self, filters: Filters | None = None) -> tuple[Iterator[Incident], Selection]:
        """The valid incidents that pass the filters, newest first, one at a time (an export of
        100,000 holds one)."""
        found, selection = self._choose(filters)
        selection.total = found
        query = f"SELECT entry FROM {ENTRIES} JOIN {CHOSEN} USING (num) {NEWEST_FIRST}"
        return (entry[0] for (entry,) in self.synced().index.entries(query)), selection

    def export(self, fmt: str, incidents: Iterable[Incident], output: Path | None, table: str = "sheet") -> Exported:
        """The incidents in an export format (exports.py, docs/output.md). With `output`, written
        there whole or not at all: a file; for sqlite, the database and its Datasette metadata
        beside it; for datapackage, a folder. Without it, the text as lines to print (sqlite and
        datapackage need an output). `unplaced` fills with the incidents a map cannot place."""
        from . import exports
        from .tables import Context

        if fmt in ("sqlite", "datapackage") and output is None:
            wanted = "a database: give it a file" if fmt == "sqlite" else "a folder: give it"
            raise UsageError(f"--format {fmt} writes {wanted} with --output")
        context = Context(self.sides(), self.gazetteer(), self.standing)
        done = Exported()
        if fmt == "sqlite":
            assert output is not None
            done.written = self._export_sqlite(incidents, context, output)
            return done
        if fmt == "datapackage":
            assert output is not None
            files = exports.datapackage(incidents, context)
            self.store.write_folder(output, files)
            done.written = [output / name for name in files]
            return done
        lines = {
            "jsonl": lambda: exports.jsonl(incidents),
            "csv": lambda: exports.csv_table(incidents, table, context),
            "acled": lambda: exports.acled(incidents, context.sides, context.gazetteer),
            "ucdp": lambda: exports.ucdp(incidents, context.sides, context.gazetteer),
            "geojson": lambda: exports.geojson(incidents, context, done.unplaced),
        }[fmt]()
        if output is None:
            done.lines = lines
        else:
            self.store.write_out(lines, output)
            done.written = [output]
        return done

    def _export_sqlite(self, incidents: Iterable[Incident], context: Any, output: Path) -> list[Path]:
        """The database at `output` and its metadata beside it (`<name>.metadata.json`); both
        written whole, or not at all."""
        from .exports import sqlite_export

        require_folder_for(output)
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.unlink(missing_ok=True)
        metadata_file = output.with_suffix(".metadata.json")
        try:
            metadata = sqlite_export(incidents, context, str(tmp), output.stem)
            self.store.write_out([json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"], metadata_file)
            os.replace(tmp, output)
        finally:
            tmp.unlink(missing_ok=True)
        return [output, metadata_file]

    def listing(self, filters: Filters | None = None, limit: int = 0, typed: bool = False) -> Selection:
        """The valid incidents that pass the filters as `list` prints them, newest first, at most
        `limit` (0: all): `rows` as `list --format json` gives them, and with `typed`, the
        incidents too (for a table). `total` says how many passed."""
        found, selection = self._choose(filters)
        order = f"{NEWEST_FIRST} LIMIT {int(limit)}" if limit else NEWEST_FIRST
        if typed:
            query = f"SELECT listing, entry FROM {ENTRIES} JOIN rendered USING (num) JOIN {CHOSEN} USING (num) {order}"
            chosen = self._entries(query)
            selection.rows = [json.loads(listing) for listing, _ in chosen]
            selection.incidents = [entry[0] for _, entry in chosen]
        else:
            selection.rows = [json.loads(text) for text in self.stored(filters, "listing", limit)[0]]
        selection.total = found
        return selection

    def stored(self, filters: Filters | None, column: str, limit: int = 0) -> tuple[Iterator[str], Selection]:
        """The rows the index keeps written for the valid incidents that pass the filters, newest
        first, at most `limit` (0: all): `list`'s as JSON (column "listing"), CSV ("listing_csv")
        or YAML ("listing_yaml"), `diff`'s as JSON ("overview") or YAML ("overview_yaml"). Given as they are read, so that printing
        100,000 of them holds none but the one printed."""
        if column not in SIDE_TABLES["rendered"]:
            raise ValueError(column)
        found, selection = self._choose(filters)
        selection.total = found
        order = f"{NEWEST_FIRST} LIMIT {int(limit)}" if limit else NEWEST_FIRST
        query = f"SELECT {column} FROM files JOIN {CHOSEN} USING (num) JOIN rendered USING (num) {order}"
        cursor = self.synced().index.db.execute(query)
        return (text for (text,) in cursor), selection

    def _entries(self, query: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query whose last column is a file's entry, unpickled. An entry this user
        did not sign (a crafted or foreign index) or cannot read turns the index into one
        rebuilt in memory from the files, and the query is asked of that one."""
        try:
            return list(self.synced().index.entries(query, parameters))
        except sqlite3.DatabaseError:
            self.synced().index.reset()
            self._synced = self._left_out = None
            return self._rechosen(query, parameters)

    def _rechosen(self, query: str, parameters: Sequence[object]) -> list[tuple[Any, ...]]:
        """The query again, on an index rebuilt from the files, with the same incidents chosen."""
        self._choose(self._filters)
        return list(self.synced().index.entries(query, parameters))

    def _checked(self) -> list[Record]:
        """Every record that passes `check`, whatever its status."""
        self._choose(Filters(status="all"))
        query = f"SELECT path, shown, entry FROM {ENTRIES} JOIN {CHOSEN} USING (num) ORDER BY path"
        return [Record(entry[0], self.store.path_of(key), shown) for key, shown, entry in self._entries(query)]

    def incident(self, incident_id: str) -> Incident:
        """One valid incident; an id whose file has problems is refused with them, not as unknown.

        The id gives the file, so only that file is read and checked, against the others by
        their paths (the incidents it links to or is merged into exist): `show ID` and `diff ID`
        cost the same in an archive of any size. An id with no file at its path is looked for
        in the whole directory, to name the problems of a misplaced record."""
        if self._synced is None:
            found = self._one(incident_id)
            if found is not None:
                return found
        errors = self._errors()
        query = f"SELECT shown, entry FROM {ENTRIES} WHERE id = ? AND errors = 0 ORDER BY path"
        for shown, entry in self._entries(query, (incident_id,)):
            if not any(p.path == shown for p in errors):
                return entry[0]
        files = self.synced().index.shown_with_id(incident_id)
        problems = [p for p in errors if p.path in files or Path(p.path).stem == incident_id]
        if problems:
            raise RecordProblems(problems)
        raise NotFoundError(
            f"no incident with id {incident_id!r} in {self.store.display(self.root)}{self.store.id_hint(incident_id)}"
        )

    def _one(self, incident_id: str) -> Incident | None:
        self.sides()  # a broken sides.yaml is reported before the record it would judge
        try:
            loaded = self.store.load_one(incident_id)
        except (NotFoundError, UsageError):
            return None
        if not loaded.records:  # unreadable: its problems are the answer
            raise RecordProblems(loaded.problems)
        incident = loaded.records[0].incident
        shown = loaded.records[0].shown
        found = [
            reference_problem(shown, incident.id, target, kind, line, name, loaded.recorded(target))
            for target, kind, line, name in references(incident)
        ]
        found.append(future(shown, incident.date, spots(incident), date.today()))
        errors = [p for p in [*loaded.problems, *found] if p and p.severity == Severity.ERROR]
        if errors:
            raise RecordProblems(sorted(errors))
        return incident

    def standing(self, incident: Incident) -> Verification:
        """How far the accounts recorded bear the incident out (compare.verification), judged on
        the comparison `diff ID` makes, as the index judges it for `list`: read from the index
        when it holds the incident's file as it is (as `incident()` leaves it), else judged here."""
        path = self.store.path_for(incident.id)
        stored = self.store.index().stored_row(f"{incident.id[:4]}/{incident.id}.yaml") if path.is_file() else None
        if stored is not None:
            entry = self.store.index().get(*self.store.key_of(path))
            if entry is not None and entry[0] == incident and json.loads(stored).get("verification"):
                return Verification(json.loads(stored)["verification"])
        spoke = default_columns(incident, self.sides())
        rows = compare(incident, self.sides(), spoke, self.gazetteer(), weapons=self.weapons()).rows
        return verification(incident, self.sides(), any(r.verdict == CONFLICT for r in rows))

    def compare(
        self, incident_id: str, columns: Sequence[str] | None = None, every: bool = False, tolerance_minutes: int = 30
    ) -> Comparison:
        incident = self.incident(incident_id)
        chosen = list(columns) if columns else None
        tolerance = timedelta(minutes=tolerance_minutes)
        return compare(incident, self.sides(), chosen, self.gazetteer(), every, self.weapons(), tolerance)

    def overview(
        self, filters: Filters | None = None, columns: Sequence[str] | None = None, limit: int = 0
    ) -> tuple[list[dict[str, object]], Selection]:
        """`diff` without an id: one row per incident, newest first, at most `limit` (0: all), for
        the principal sides (kept in the index) or for `columns` (judged here, one at a time)."""
        found, selection = self._choose(filters)
        selection.total = found
        order = f"{NEWEST_FIRST} LIMIT {int(limit)}" if limit else NEWEST_FIRST
        if not columns:
            return [json.loads(text) for text in self.stored(filters, "overview", limit)[0]], selection
        sides, gazetteer, shown = self.sides(), self.gazetteer(), list(columns)

        def row(incident: Incident) -> dict[str, object]:
            return overview(incident, sides, shown, gazetteer, chosen=True)

        query = f"SELECT entry FROM {ENTRIES} JOIN {CHOSEN} USING (num) {order}"
        try:  # one incident in memory at a time
            return [row(entry[0]) for (entry,) in self.synced().index.entries(query)], selection
        except sqlite3.DatabaseError:
            return [row(entry[0]) for (entry,) in self._entries(query)], selection

    def summarise(
        self, filters: Filters | None = None, breakdown: Breakdown = Breakdown.MONTH
    ) -> tuple[Summary, Selection]:
        """The summary of the valid incidents that pass the filters, from the index's tables."""
        found, selection = self._choose(filters)
        selection.total = found
        return summarise(self.synced().index.db, self.sides(), breakdown), selection

    def places(self, query: str = "") -> list[Place]:
        """The gazetteer's places matching the query (every place for none); none may match."""
        return self.gazetteer().search(query)

    def no_place_note(self, query: str) -> str:
        """What to say when no place matches: the names it may have meant."""
        return f"no place called {query!r} in the gazetteer{did_you_mean(self.gazetteer(), query)}"

    # --- writing ------------------------------------------------------------------------------

    def settle_place(self, typed: str, option: str, asker: Asker | None) -> tuple[dict[str, str], str | None]:
        """A place as typed ('at:Sotk', 'Istisu (Jermuk)') as record data, and a warning for a
        person. The side's word is kept as written; where it is ambiguous, the place meant is
        stored beside it (`means`), chosen by the asker or named in brackets, never guessed: with
        neither, it is refused. An unknown name is kept, with a warning."""
        ref = place_typed(typed)
        name, gazetteer = ref["name"], self.gazetteer()
        resolution = gazetteer.resolve(name)
        qualified = split_qualified(name)
        if qualified and resolution.place and gazetteer.resolve(qualified[0]).ambiguous:
            return {**ref, "name": qualified[0], "means": resolution.place.id}, None
        if resolution.ambiguous:
            forms = gazetteer.qualified_forms(resolution)
            if asker is None:
                raise UsageError(f"{option}: {name!r} is ambiguous: write {' or '.join(repr(f) for f in forms)}")
            chosen = gazetteer.resolve(asker.choose_place(name, resolution, forms)).place
            return ({**ref, "means": chosen.id} if chosen else ref), None
        if resolution.uncertain:
            return ref, f"warning: {option}: {uncertain_note(resolution)}"
        if not resolution.candidates:
            return ref, f"warning: {option}: {name!r} is not in the gazetteer{did_you_mean(gazetteer, name)}"
        return ref, None

    def _settled(
        self, names: Sequence[str], option: str, asker: Asker | None, notes: list[str]
    ) -> list[dict[str, str]]:
        settled = []
        for name in names:
            if isinstance(name, dict):  # settled already, as it was typed (prompts.complete_draft)
                settled.append(name)
                continue
            chosen, note = self.settle_place(name, option, asker)
            settled.append(chosen)
            notes += [note] if note else []
        return settled

    def _region(self, settled: dict[str, str]) -> str:
        """A region is a unit's name, not a side's word: an ambiguous one is recorded by the
        name of the unit chosen (Tavush Province), so that it reads back as that unit."""
        return self.gazetteer().places[settled["means"]].name if "means" in settled else settled["name"]

    def add(
        self, draft: IncidentDraft, asker: Asker | None = None, allow_similar: bool = False, init: bool = False
    ) -> Added:
        """Record a new incident under a fresh id (never over another). An incident on the same
        day at the same place (Zod is Sotk) is returned in `similar`; with an asker, it is asked
        whether to add it anyway, and without one it is refused unless `allow_similar`. A records
        directory that does not exist is started only with `init`, or when the asker says so: a
        mistyped --records must not start a new archive silently."""
        notes: list[str] = []
        draft.places = self._settled(draft.places, "--place", asker, notes)
        draft.region = [self._region(r) for r in self._settled(draft.region, "--region", asker, notes)]
        incident = new_incident(draft)
        new_directory = not self.root.is_dir()
        if new_directory and not init:
            where = self.store.display(self.root)
            if asker is None:
                raise NotFoundError(f"records directory {where} does not exist; pass --init to start one there")
            if not asker.confirm(f"{where} does not exist. Start a records directory there?"):
                raise Aborted(f"{where} was not created; nothing was written")
        similar = [] if new_directory else self.similar(incident)
        if similar and asker is not None and not asker.confirm(_similar_question(similar)):
            raise Aborted(f"{similar[0].id} is on the same day at the same place; nothing was written")
        if similar and asker is None and not allow_similar:
            named = " and ".join(o.id for o in similar)
            raise DataError(
                f"{named} {'is' if len(similar) == 1 else 'are'} on the same day at the same place: add the account"
                f" with `incidents claim {similar[0].id}`, or pass --allow-duplicate to add a separate incident"
            )
        created, path = self.store.create(incident, exact=bool(draft.id))
        return Added(created, path, new_directory, similar, notes)

    def _published(self, path: Path, key: str | None) -> date | None:
        """The date of the source a claim cites by key, as the incident lists it (for a weekday)."""
        if not key:
            return None
        data, problems = read_data(path, self.store.display(path), self.root)
        incident = self.store.read_incident(data, self.store.display(path))[0] if not problems else None
        listed = next((s for s in incident.sources if s.key == key), None) if incident else None
        return listed.date if listed else None

    def fmt(self, write: bool = True, with_ids: bool = True, force: bool = False) -> Formatted:
        """Rewrite every valid record in canonical form (claim ids written out, so that they stay
        put when claims are reordered by hand). A file with comments is left alone unless `force`;
        with `write` False nothing is written and `changes` says what would be."""
        valid = self._checked()
        result = Formatted(left_out=self._errors())
        for record in valid:
            target = _with_ids(record.incident) if with_ids else record.incident
            outcome = self.store.reformat(record, target, force, write)
            if outcome != "unchanged":
                result.changes.append((record.shown, outcome))
        return result

    def similar(self, incident: Incident) -> list[Incident]:
        """Recorded incidents that may be this one: the years around it only, not the archive."""
        last = incident.end_date or incident.date
        years = range(incident.date.year - 1, last.year + 1)
        nearby = [r.incident for r in self.store.near(years, (incident.date, last))]
        return same_event(incident, nearby, self.matcher())

    def edit(self, incident_id: str, editor: Editor, again: Callable[[list[Problem]], bool] | None = None) -> Edited:
        """Let a person edit a record's file, and save it only if it is valid and was not
        changed on disk meanwhile. The text goes to `editor` (which edits a file in place);
        an invalid edit goes back with its problems as comments at the top while `again`
        says so, and is otherwise kept aside, as is an edit the file changed under: nothing
        typed is lost, and nothing invalid or stale is written."""
        path = self.store.existing(incident_id)
        original, problems = read_bytes(path, self.store.display(path))
        if original is None:
            raise RecordProblems(problems)
        text = original.decode("utf-8", "replace")
        draft = self.store.keep_aside(incident_id, text)
        while True:
            editor(draft)
            edited = without_problem_comments(draft.read_text("utf-8", "replace"))
            if edited == text:
                draft.unlink()
                return Edited(path, changed=False)
            problems = self._problems_of_edit(incident_id, path, edited)
            if not problems:
                break
            if again is None or not again(problems):
                self.store.keep_aside(incident_id, edited)
                raise RecordProblems(
                    problems, after=f"nothing was written; the edit is kept in {self.store.display(draft)}"
                )
            draft.write_text(problem_comments(problems) + edited, "utf-8")
        if not self.store.replace_if_unchanged(path, original, edited):
            self.store.keep_aside(incident_id, edited)
            raise DataError(
                f"{self.store.display(path)} changed on disk while it was being edited; nothing was written, and"
                f" the edit is kept in {self.store.display(draft)}"
            )
        draft.unlink()
        return Edited(path, changed=True)

    def _problems_of_edit(self, incident_id: str, path: Path, text: str) -> list[Problem]:
        """The errors an edited record's text would have as the file (its id may not change)."""
        shown = self.store.display(path)
        data, problems = parse_data(text.encode("utf-8"), shown)
        incident, more = self.store.read_incident(data, shown) if not problems else (None, [])
        problems += more
        if incident is not None:
            problems += [p for p in record_problems(Record(incident, path, shown), self.root, self.gazetteer())]
        return [p for p in problems if p.severity == Severity.ERROR]

    def full_id(self, given: str) -> str:
        """The id of the incident a person typed: the whole id, or any beginning of it that only
        one id has (2023-09-01-so for 2023-09-01-sotk). Several: an error naming them."""
        path = self.store.path_for(given)  # refuses an id that would leave the directory
        if os.path.lexists(path):
            return given
        ids = self.store.ids_in(given[:4])
        found = [i for i in ids if i.startswith(given)]
        if len(found) == 1:
            return found[0]
        if found:
            named = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
            raise UsageError(f"{given!r} begins {len(found)} ids ({named}): type more of it")
        return given  # no such file: the command says so, naming the ids it may have meant

    def history(self, incident_id: str) -> list[Change]:
        """A record's history from git, newest first, following the file across renames: who
        changed it, when, in which commit, with what message, and how many lines. The records
        directory must be in a git repository (a usage error says so plainly otherwise)."""
        path = self.store.existing(incident_id)
        git = shutil.which("git")
        if git is None:
            raise UsageError("git is not installed: a record's history comes from git")
        inside = subprocess.run(
            [git, "-C", str(self.root), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            raise UsageError(
                f"{self.store.display(self.root)} is not in a git repository, so records have no history here"
                " (keep the records directory in git to have one)"
            )
        result = subprocess.run(
            [git, "-C", str(path.parent), "log", "--follow", "--diff-merges=first-parent", "--numstat",
             "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "--", path.name],
            capture_output=True, text=True, encoding="utf-8", errors="replace",
        )  # fmt: skip
        if result.returncode != 0:
            raise UsageError(
                f"git log failed: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode}"
            )
        return [_change(entry) for entry in result.stdout.split("\x1e") if entry.strip()]

    def add_evidence(
        self, incident_id: str, given: Path, source: str | None = None, retrieved: date | None = None,
        reformat: bool = False,
    ) -> tuple[Evidence, Path]:  # fmt: skip
        """Keep a copy of what was read (a saved article, a PDF, a screenshot) beside the records,
        with its SHA-256, size, when it was got (today unless said) and the source it is of."""
        current = self.incident(incident_id)
        if source and source not in {s.key for s in current.sources}:
            known = ", ".join(s.key for s in current.sources if s.key) or "none"
            raise UsageError(f"--source: {incident_id} lists no source {source!r} (its sources: {known})")
        file, sha256, size = self.store.keep_evidence(incident_id, given)
        kept = Evidence(file, sha256, size, retrieved or date.today(), source)

        def change(record: Incident) -> Incident:
            earlier = next((e for e in record.evidence if e.sha256 == sha256), None)
            if earlier is not None:
                raise DataError(
                    f"{incident_id} keeps this file already, as evidence/{earlier.file} (got {earlier.retrieved});"
                    " nothing was written"
                )
            return replace(record, evidence=(*record.evidence, kept))

        _, path, _ = self.store.update(incident_id, change, reformat)
        return kept, path

    def import_jsonl(
        self, path: Path, write: bool = True, init: bool = False, progress: Progress | None = None
    ) -> Imported:
        """Records from a JSON-lines file (as `export --format jsonl` writes it), each line one
        whole record (see import_records)."""
        return self.import_records(path, _json_lines(path), write, init, progress)

    def import_csv(
        self, path: Path, rules: Path, write: bool = True, init: bool = False, progress: Progress | None = None
    ) -> Imported:
        """Records from a CSV file whose columns a rules file maps to fields (imports.py)."""
        from .imports import csv_records, read_rules

        return self.import_records(path, csv_records(path, read_rules(rules)), write, init, progress)

    def import_acled(
        self, path: Path, write: bool = True, init: bool = False, progress: Progress | None = None
    ) -> Imported:
        """Records from an ACLED extract, each row an incident with ACLED's one claim (imports.py).
        The directory's sides must know ACLED, whose claims they are."""
        from .imports import ACLED_SIDE, acled_records

        if ACLED_SIDE not in self.sides().ids:
            raise UsageError(
                f"--format acled: the records' sides have no {ACLED_SIDE!r}, whose claims ACLED's rows are:"
                " add it to their sides.yaml, as incidents/data/sides.yaml has it"
            )
        return self.import_records(path, acled_records(path, self.gazetteer()), write, init, progress)

    def import_records(
        self,
        path: Path,
        rows: Iterable[tuple[int, Any]],
        write: bool = True,
        init: bool = False,
        progress: Progress | None = None,
    ) -> Imported:
        """Records, each given as record data with its line in `path` (or a Problem there).
        Every one is read and validated first, and nothing is written unless all are valid
        (each problem as FILE:line: field: message). A record already there, the same, is
        passed over, so importing a file twice adds nothing; one already there and different
        is an error, never overwritten. With `write` False, nothing is written (a dry run)."""
        shown = str(path)
        sides = self.sides()
        problems: list[Problem] = []
        warned: list[Problem] = []
        incoming: list[tuple[int, Incident]] = []
        given = list(rows)
        first: dict[str, int] = {}  # id -> the line that gave it first
        for done, (where, data) in enumerate(given, 1):
            if progress and done % 200 == 0:
                progress(done, 2 * len(given))
            if isinstance(data, Problem):
                problems.append(data)
                continue
            number = where.first if isinstance(where, Lines) else where
            incident, found = incident_from_data(data, shown, sides.ids)
            if incident is not None and not found:  # and what `check` would find in it as a file
                as_file = Record(incident, self.store.path_for(incident.id), shown)
                found = record_problems(as_file, self.root, self.gazetteer())
            placed = [_placed_on(p, where) for p in found]
            errors = [p for p in placed if p.severity == Severity.ERROR]
            problems += errors
            warned += [p for p in placed if p.severity != Severity.ERROR]
            if incident is not None and incident.id in first:
                problems.append(
                    Problem(shown, number, "id", f"{incident.id} is given on line {first[incident.id]} too")
                )
            elif incident is not None and not errors:
                first[incident.id] = number
                incoming.append((number, incident))
        if not self.root.is_dir() and not init:
            raise UsageError(
                f"records directory {self.store.display(self.root)} does not exist; pass --init to start one"
            )
        result = Imported(warnings=warned)
        for number, incident in incoming:
            target = self.store.path_for(incident.id)
            if target.exists():
                existing = self.store.load_one(incident.id).records
                if existing and existing[0].incident == incident:
                    result.unchanged.append(incident.id)
                else:
                    problems.append(
                        Problem(
                            shown,
                            number,
                            "id",
                            f"{incident.id} is recorded already, differently; nothing is overwritten",
                        )
                    )
            else:
                result.added.append(incident.id)
        if problems:
            raise RecordProblems(problems, after="nothing was imported")
        if write:
            adding = set(result.added)
            new = [incident for _, incident in incoming if incident.id in adding]

            def written(done: int) -> None:
                if progress and done % 200 == 0:
                    progress(len(given) + done * len(given) // max(len(new), 1), 2 * len(given))

            self.store.create_all(new, written)  # all or nothing, even across a kill
        if progress:
            progress(2 * len(given), 2 * len(given))
        return result

    def taking_claims(self, incident_id: str) -> None:
        """Refuse, before any question is asked, a claim to a record that takes none."""
        _refuse_claims(self.incident(incident_id))

    def withdraw(self, incident_id: str, reason: str, reformat: bool = False) -> tuple[Incident, Path]:
        """Withdraw a record: it stays, with its accounts and the reason, out of every listing."""

        def change(current: Incident) -> Incident:
            if current.tombstone:
                raise DataError(current.tombstone)
            return replace(current, status=Status.WITHDRAWN, reason=reason)

        updated, path, _ = self.store.update(incident_id, change, reformat)
        return updated, path

    def merge(
        self, incident_id: str, into: str, reason: str | None = None, reformat: bool = False
    ) -> tuple[Incident, Path]:
        """Merge a second record of one event into another: its claims are carried over (each
        with its source, and a note of the id it had), then it becomes a tombstone that every
        command on it names the other from. `into` must be a valid, active incident other than
        itself. The claims are written first, so a kill between the two writes leaves the claims
        in both, and merging again carries none twice."""
        if into == incident_id:
            raise UsageError(f"--into: {incident_id} cannot be merged into itself")
        target = self.incident(into)
        if target.tombstone:
            raise DataError(f"--into: {target.tombstone}")
        merged = self.incident(incident_id)
        if merged.tombstone:
            raise DataError(merged.tombstone)
        self.store.update(into, lambda current: carried(merged, current), reformat)  # first: a kill leaves both

        def change(current: Incident) -> Incident:
            if current.tombstone:
                raise DataError(current.tombstone)
            return replace(current, status=Status.MERGED, merged_into=into, reason=reason)

        updated, path, _ = self.store.update(incident_id, change, reformat)
        return updated, path

    def add_claim(
        self, incident_id: str, values: ClaimValues, asker: Asker | None = None, reformat: bool = False
    ) -> ClaimAdded:
        """Append one side's account to a recorded incident, keeping a hand-edited file's layout."""
        path = self.store.existing(incident_id)
        notes: list[str] = []
        values = {**values, "places": self._settled(values.get("places") or [], "--place", asker, notes)}
        claim = new_claim(values, self.sides(), self._published(path, values.get("source.key")))

        def append(current: Incident) -> Incident:  # under the record's lock: ids as the file has them
            _refuse_claims(current)
            for option, target in (
                ("--revises", claim.revises),
                ("--retracts", claim.retracts and claim.retracts.claim),
            ):
                if target and target not in current.claim_ids:
                    raise UsageError(
                        f"{option}: {incident_id} has no claim {target!r} (its claims: {', '.join(current.claim_ids) or 'none'})"
                    )
            with_source = _with_source(current, claim.source, incident_id)
            return with_source.with_claim(
                replace(claim, id=current.next_claim_id(), source=_listed(with_source, claim.source))
            )

        updated, path, reformatted = self.store.update(incident_id, append, reformat)
        return ClaimAdded(updated, path, reformatted, notes)


Editor = Callable[[Path], None]
"""Opens a file for a person to edit, and returns when they are done (cli: $VISUAL, $EDITOR)."""

PROBLEM_COMMENT = "# incidents: "


def problem_comments(problems: list[Problem]) -> str:
    """The problems of an edit as comments above it, for the person to fix them in place."""
    lines = [f"{PROBLEM_COMMENT}{p}" for p in problems]
    return "\n".join([*lines, f"{PROBLEM_COMMENT}fix the above and save; these lines are removed", ""])


def without_problem_comments(text: str) -> str:
    """The edit without the problem comments put above it (kept if the person moved them)."""
    lines = text.split("\n")
    while lines and lines[0].startswith(PROBLEM_COMMENT):
        lines.pop(0)
    return "\n".join(lines)


def _placed_on(problem: Problem, where: Any) -> Problem:
    """A problem of imported data on the line (and with the column) that gave its field."""
    if not isinstance(where, Lines):
        return replace(problem, line=where)
    line, column = where.of(problem.field)
    return replace(problem, line=line, message=f"{problem.message} (column {column})" if column else problem.message)


@dataclass
class Imported:
    """What an import added, and what it found recorded already, the same."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # what `check` will say of the records added


@dataclass
class Exported:
    """What an export gave: the lines to print (without an output), the files it wrote, and
    the incidents a map could not place (filled as the lines are made)."""

    lines: Iterator[str] | None = None
    written: list[Path] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


@dataclass
class Edited:
    path: Path
    changed: bool


@dataclass(frozen=True)
class Change:
    """One commit that changed a record's file."""

    commit: str
    author: str
    email: str
    when: str  # ISO 8601, the author's date
    message: str
    added: int  # lines
    removed: int
    path: str  # the file in the repository in that commit (it may have been renamed since)


def _change(entry: str) -> Change:
    head, _, stats = entry.strip("\n").partition("\n")
    commit, author, email, when, message = head.split("\x1f", 4)
    added = removed = 0
    name = ""
    for line in stats.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            added += int(parts[0]) if parts[0].isdigit() else 0
            removed += int(parts[1]) if parts[1].isdigit() else 0
            name = parts[2]
    return Change(commit, author, email, when, message, added, removed, name)


def carried(merged: Incident, target: Incident) -> Incident:
    """The target with the merged record's claims appended: each with an id free in the target,
    its source listed there (under another key if the key is taken by another source), what
    revises or retracts it following its new id, and a note of where it came from. A claim
    carried before (by its note) is not carried again."""
    origin = {claim_id: f"carried from {merged.id} {claim_id}" for claim_id in merged.claim_ids}
    already = {c.note.rsplit("; ", 1)[-1] for c in target.claims if c.note}
    renamed: dict[str, str] = {}
    for number, claim in enumerate(merged.claims):
        old_id = merged.claim_id(number)
        if origin[old_id] in already:
            continue
        source, target = _source_for(claim.source, merged, target)
        new_id = target.next_claim_id()
        renamed[old_id] = new_id
        note = f"{claim.note}; {origin[old_id]}" if claim.note else origin[old_id]
        revises = renamed.get(claim.revises, claim.revises) if claim.revises else None
        retracts = claim.retracts and replace(
            claim.retracts, claim=renamed.get(claim.retracts.claim, claim.retracts.claim)
        )
        target = target.with_claim(
            replace(claim, id=new_id, source=source, note=note, revises=revises, retracts=retracts)
        )
    return target


def _source_for(source: Source, merged: Incident, target: Incident) -> tuple[Source, Incident]:
    """A carried claim's source as the target will cite it, and the target listing it."""
    if not source.key:
        return source, target
    listed = next((s for s in merged.sources if s.key == source.key), source)
    keys = {s.key: s for s in target.sources}
    key, number = source.key, 1
    while key in keys and replace(keys[key], meta=NO_META) != replace(listed, meta=NO_META, key=key):
        number += 1
        key = f"{source.key[:56]}-{number}"  # another source under that key in the target
    if key not in keys:
        target = replace(target, sources=(*target.sources, replace(listed, key=key)))
    return replace(source, key=key), target


def _json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """Each line of a JSON-lines file as data, or the problem that it is not JSON."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, Problem(str(path), number, "", f"not JSON: {exc.msg}")


def _refuse_claims(incident: Incident) -> None:
    """A merged or withdrawn record takes no new account: a merged one names where it goes."""
    if incident.status == Status.MERGED:
        raise DataError(f"{incident.tombstone}; add it with `incidents claim {incident.merged_into}`")
    if incident.tombstone:
        raise DataError(f"{incident.tombstone}; it takes no new accounts")


def _with_ids(incident: Incident) -> Incident:
    ids = incident.claim_ids
    return replace(incident, claims=tuple(replace(c, id=ids[n]) for n, c in enumerate(incident.claims)))


def _with_source(incident: Incident, source: Source, incident_id: str) -> Incident:
    """The incident with a keyed source listed: `--source K` cites a listed one; `--source K` with
    the source's details lists it under K (once: another source under the same key is refused)."""
    if not source.key:
        return incident
    listed = {s.key: s for s in incident.sources}
    details = replace(source, meta=NO_META) != Source(key=source.key)
    if source.key in listed:
        if details and replace(listed[source.key], meta=NO_META) != replace(source, meta=NO_META):
            raise UsageError(f"--source: {incident_id} already lists another source under {source.key!r}")
        return incident
    if not details:
        known = ", ".join(listed) or "none yet: give --source-title (and the rest) with --source to list one"
        raise UsageError(f"--source: {incident_id} lists no source {source.key!r} ({known})")
    return replace(incident, sources=(*incident.sources, source))


def _listed(incident: Incident, source: Source) -> Source:
    return next((s for s in incident.sources if s.key and s.key == source.key), source)


def similar_note(other: Incident) -> str:
    return f"{other.id} is on the same day at the same place; to add an account of it, use `incidents claim {other.id}`"


def _similar_question(similar: list[Incident]) -> str:
    return "\n".join(f"warning: {similar_note(other)}" for other in similar) + "\nAdd a separate incident anyway?"
