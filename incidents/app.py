"""What every command needs, computed once and only when asked for: the records directory, its
records (validated as `check` validates them), its sides and its gazetteer.

This is where the rule lives that no command uses a record with problems silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import render
from .checks import check
from .errors import NotFoundError, Problem, RecordProblems, Severity, UsageError
from .model import Incident, Sides
from .places import Gazetteer, did_you_mean, uncertain_note
from .prompts import choose
from .query import PlaceMatcher, gazetteer_matcher
from .store import Loaded, Record, Store, find_records_dir, read_gazetteer


@dataclass
class App:
    """What every command needs, computed once and only when asked for."""

    records_option: str | None
    _store: Store | None = None
    _loaded: Loaded | None = None
    _sides: Sides | None = field(default=None)
    _gazetteer: Gazetteer | None = field(default=None)
    _valid: list[Record] | None = None
    _errors: list[Problem] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)  # errors that kept records out of the output

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(find_records_dir(self.records_option))
        return self._store

    def loaded(self) -> Loaded:
        if self._loaded is None:
            self._loaded = self.store.load()
        return self._loaded

    def sides(self) -> Sides:
        if self._sides is None:
            sides, problems = self.store.sides()
            if problems:
                raise RecordProblems(problems)
            self._sides = sides
        return self._sides

    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            try:
                root: Path | None = self.store.root
            except UsageError:  # no records directory: the built-in gazetteer alone
                root = None
            gazetteer, problems = read_gazetteer(root, lambda path: str(path))
            if problems:
                raise RecordProblems(problems)
            self._gazetteer = gazetteer
        return self._gazetteer

    def settle_place(self, name: str, option: str, can_ask: bool) -> str:
        """An ambiguous place name is never guessed: asked about on a terminal, refused in a script.
        An unknown one is accepted with a warning and the closest known names."""
        gazetteer = self.gazetteer()
        resolution = gazetteer.resolve(name)
        if resolution.ambiguous:
            forms = gazetteer.qualified_forms(resolution)
            if not can_ask:
                raise UsageError(f"{option}: {name!r} is ambiguous: write {' or '.join(repr(f) for f in forms)}")
            places = resolution.candidates
            described = [", ".join(filter(None, [p.name, p.type, p.country])) for p in places]
            return choose(name, forms, [p.name for p in places], described)
        if resolution.uncertain:
            render.message(f"warning: {option}: {uncertain_note(resolution)}", stderr=True)
        elif not resolution.candidates:
            render.message(
                f"warning: {option}: {name!r} is not in the gazetteer{did_you_mean(gazetteer, name)}", stderr=True
            )
        return name

    def matcher(self) -> PlaceMatcher:
        return gazetteer_matcher(self.gazetteer())

    def records(self) -> list[Record]:
        """The records that pass `check`. The rest are never used silently: each of their problems
        is printed on stderr and the command exits 1 after its output, so that neither a person
        nor a script takes a listing or a total with a record missing (or counted twice, when two
        files share an id) for the whole."""
        valid, errors = self._checked()
        if errors and not self.left_out:
            self.left_out = errors
            files = len({p.path for p in errors})
            render.problems(errors, stderr=True)
            render.message(
                f"incidents: error: {files} record file{'s' * (files > 1)} left out of this output"
                " for the problems above; fix them (`incidents check` lists them all)",
                stderr=True,
            )
        if not self.loaded().files:
            render.message(f"{self.store.root} holds no records yet; add one with `incidents add`.", stderr=True)
        return valid

    def _checked(self) -> tuple[list[Record], list[Problem]]:
        """The records that pass `check`, and the errors that keep the others out."""
        if self._valid is None:
            loaded = self.loaded()
            self._errors = [p for p in check(loaded, self.gazetteer()) if p.severity == Severity.ERROR]
            bad = {p.path for p in self._errors}
            self._valid = [r for r in loaded.records if r.shown not in bad]
        return self._valid, self._errors

    def incidents(self) -> list[Incident]:
        return [r.incident for r in self.records()]

    def record(self, incident_id: str) -> Incident:
        """One valid incident by id; an id whose file has problems is refused with them, not as unknown."""
        valid, errors = self._checked()
        for record in valid:
            if record.incident.id == incident_id:
                return record.incident
        files = {r.shown for r in self.loaded().records if r.incident.id == incident_id}
        problems = [p for p in errors if p.path in files or Path(p.path).stem == incident_id]
        if problems:
            raise RecordProblems(problems)
        raise NotFoundError(f"no incident with id {incident_id!r} in {self.store.display(self.store.root)}")
