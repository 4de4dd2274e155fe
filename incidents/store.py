"""The records directory: finding it, reading every record, and writing one safely.

Layout (todoman-like, one file per item): `<records>/<year>/<id>.yaml`, plus optional
`<records>/sides.yaml` and `<records>/places.yaml` that extend the built-in lists. Reading never
stops at a bad file: it returns every record it could read and a problem for each it could not.
Writing is atomic (temporary file, fsync, rename) and a new record is created exclusively (a
hard link that fails if the name exists), so neither a crash nor a second `add` at the same
moment can leave a half-written record or overwrite another.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .errors import DataError, NotFoundError, Problem, RecordProblems, Severity, UsageError
from .index import ENTRIES, Digest, Index, fingerprint, identity, key_of, pack, private_folder, problems_of, unpack
from .index import enabled as index_enabled
from .model import Incident, Sides
from .parallel import Progress, chunked
from .places import Gazetteer, unknown_parents
from .spec import (
    ID_PATTERN,
    claim_to_data,
    incident_from_data,
    incident_to_data,
    places_from_data,
    sides_from_data,
    weapons_from_data,
)
from .weapons import WeaponKinds
from .yamlio import LineList, LineMap, YamlSyntaxError, dump_yaml, read_yaml

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: claims are then not serialised across processes
    fcntl = None  # type: ignore[assignment]

MAX_RECORD_BYTES = 256 * 1024
EVIDENCE_FOLDER = "evidence"
MAX_EVIDENCE_BYTES = 1024**3  # a saved page, a PDF, a screenshot, a short video
SIDES_FILE = "sides.yaml"
PLACES_FILE = "places.yaml"
WEAPONS_FILE = "weapons.yaml"
ENV_VAR = "INCIDENTS_RECORDS"


@dataclass(frozen=True)
class Record:
    """An incident together with the file it was read from. The incident may be partial (a claim
    that could not be read is left out of it); its file's problems are then in Loaded.problems,
    and no command uses it before they are fixed."""

    incident: Incident
    path: Path
    shown: str = ""  # the path as messages show it


@dataclass
class Loaded:
    """Everything read from a records directory: the good records and the problems."""

    root: Path
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    whole: bool = True  # every record file was read (False: one record, for `show ID`)

    def recorded(self, incident_id: str) -> bool:
        """Whether an incident with this id is recorded: among what was read, or, when only one
        record was read, at the path its id gives."""
        if any(r.incident.id == incident_id for r in self.records):
            return True
        return not self.whole and (self.root / incident_id[:4] / f"{incident_id}.yaml").is_file()

    def get(self, incident_id: str) -> Record:
        for record in self.records:
            if record.incident.id == incident_id:
                return record
        raise NotFoundError(f"no incident with id {incident_id!r} in {self.root}")


@dataclass
class Synced:
    """The index, holding every record file as it is, and what it cannot hold: the problems of
    folders that could not be read and of files under the wrong ending."""

    index: Index
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


Days = tuple[date, date]


def find_records_dir(option: str | None, cwd: Path | None = None) -> Path:
    """`--records`, else $INCIDENTS_RECORDS, else the nearest `records/` upwards from here."""
    given = option or os.environ.get(ENV_VAR)
    if given:
        try:
            path = Path(given).expanduser()
        except RuntimeError:  # ~user of no such user, or no home directory to stand for ~
            where = "--records" if option else ENV_VAR
            raise UsageError(
                f"{where}: {given}: no such user's home directory to stand for {given.split('/')[0]}"
            ) from None
        if path.exists() and not path.is_dir():
            raise UsageError(f"{path} is not a directory")
        return path
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "records"
        if candidate.is_dir():
            return candidate
    raise UsageError(
        f"no records directory: none given and no records/ in {here} or above; pass --records DIR or set {ENV_VAR}"
    )


def require_folder_for(output: Path) -> None:
    """--output names a file (or folder) in a folder that is there: a mistyped folder is named,
    not made, and not met with an error about a temporary file."""
    parent = output.parent if str(output.parent) else Path(".")
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise UsageError(f"--output: {parent} {what}; give a file in a folder that is there")


def require_existing(root: Path) -> None:
    """A records directory named that does not exist is a usage error, as one that is a file is:
    the same exit code (2) for a mistyped --records, whichever way it is wrong."""
    if not root.is_dir():
        raise UsageError(
            f"records directory {root} does not exist; check --records, or start one with `incidents add --init`"
        )


@dataclass
class _Tree:
    """What one walk of the records directory found."""

    records: list[str] = field(default_factory=list)  # `*.yaml` files, links among them (as text: there are many)
    strays: list[Path] = field(default_factory=list)  # `*.yml` files: records under the other ending
    leftovers: list[Path] = field(default_factory=list)  # temporary files of writes that were stopped
    folders: list[tuple[Path, str]] = field(default_factory=list)  # folders not read, and why


LINKED_FOLDER = "is a link to a folder; records are not read through links"


def _walk(root: Path, years: Iterable[int] | None = None) -> _Tree:
    """One walk of the records directory: a folder's files, then its folders, as the system lists them.

    Written on os.scandir rather than os.walk because os.walk leaves out, without a word, both a
    folder it cannot read and a linked folder: every record in them would be missing from every
    count. Here each is returned with the reason, for load() to report. Paths are kept as text,
    not Path objects, which at 100,000 files cost more than the walk itself."""
    base = str(root)
    settings = {_prefix(base) + name for name in (SIDES_FILE, PLACES_FILE, WEAPONS_FILE)}
    tree = _Tree()
    tops = []
    for year in [None] if years is None else sorted(set(years)):
        top = base if year is None else _prefix(base) + str(year)
        if year is not None:
            try:
                mode = os.lstat(top).st_mode
            except FileNotFoundError:
                continue  # no records from that year yet
            except OSError as exc:
                tree.folders.append((Path(top), f"cannot read this folder: {exc.strerror or exc}"))
                continue
            if stat.S_ISLNK(mode):
                tree.folders.append((Path(top), LINKED_FOLDER))
                continue
        tops.append(top)
    stack = tops[::-1]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)  # in the directory's order: every answer is sorted later
        except OSError as exc:
            tree.folders.append((Path(folder), f"cannot read this folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        prefix = _prefix(folder)
        for entry in entries:
            name = entry.name
            path = prefix + name
            if name.startswith("."):
                if name.startswith(TEMP_PREFIX) and name.endswith(".tmp"):
                    tree.leftovers.append(Path(path))
                continue
            if _is_folder(entry):
                if folder == base and name == EVIDENCE_FOLDER:
                    continue  # copies of what was read, not records (`incidents evidence add`)
                if name.endswith((".yaml", ".yml")):
                    tree.folders.append((Path(path), "is a folder named like a record file; a record is a file"))
                elif entry.is_symlink():
                    tree.folders.append((Path(path), LINKED_FOLDER))
                else:
                    subfolders.append(path)
            elif name.endswith(".yaml"):
                if path not in settings:
                    tree.records.append(path)
            elif name.endswith(".yml"):
                tree.strays.append(Path(path))
        stack += subfolders[::-1]
    return tree


def _prefix(folder: str) -> str:
    """What the paths in a folder begin with, written as pathlib writes them ('2023/', not
    './2023/', for the folder '.')."""
    return "" if folder == "." else os.path.join(folder, "")


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one (which the caller reports); a broken entry is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def whole_file(display: str, message: str) -> Problem:
    """A problem with the file as a whole: on line 1, so that every problem the tool prints has
    the `path:line:` form that editors and hooks parse (Problem prints line 0 without one)."""
    return Problem(display, 1, "", message)


def too_big(size: int, more: bool = False) -> str:
    """The size problem's words; `more` when only a bounded read saw the size (the file grew)."""
    return f"file is {'more than ' * more}{size:,} bytes; a record may be at most {MAX_RECORD_BYTES:,}"


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def link_problem(root: Path, path: Path, display: str) -> Problem | None:
    """Why `path`, in the records directory `root`, is not read: it is a link, or not there.

    No file is read through a link, even one that points to another file in the directory: the
    project refuses to follow records out of the directory (as Store.path_for does for ids), a link
    to a record already there would load it twice (as two records with one id), and `claim` would
    replace the link with a new file and leave the record it points to unchanged. One rule for
    files and folders alike, with nothing to resolve: a record is a regular file in the directory."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return whole_file(display, f"cannot read: {exc.strerror or exc}")
    if not stat.S_ISLNK(mode):
        return None
    target = path.resolve()
    if root.resolve() not in target.parents:
        return whole_file(
            display, "is a link to a file outside the records directory; records are not read through links"
        )
    return whole_file(display, "is a link; records are not read through links: put the record itself here")


def unreadable(path: Path, display: str) -> Problem | None:
    """Why a file is not to be read, from its type and size alone (os.stat, following links):
    anything but a regular file, or a file larger than a record may be."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return whole_file(display, f"cannot read: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return whole_file(display, f"not a regular file ({_kind(info.st_mode)}); a record is a plain text file")
    if info.st_size > MAX_RECORD_BYTES:
        return whole_file(display, too_big(info.st_size))
    return None


def read_bytes(path: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """A record file's bytes, or the problem that keeps it from being read, without ever hanging
    or reading more than a record may hold.

    The type and size come first, from os.stat (which follows links, so a link to /dev/zero is
    seen as the device): a named pipe would block the open or the read until some other program
    writes, and a device like /dev/zero never ends. The open is non-blocking in case the file was
    swapped for a pipe after that look, the type is checked again on what was opened, and the
    read stops one byte past the limit, so that a file growing meanwhile is still refused."""
    refused = unreadable(path, display)
    if refused:
        return None, [refused]
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return None, [whole_file(display, f"cannot read: {exc.strerror or exc}")]
    try:
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            opened = status.st_mode
            if not stat.S_ISREG(opened):
                return None, [
                    whole_file(display, f"not a regular file ({_kind(opened)}); a record is a plain text file")
                ]
            # Sized by the file (one byte more, to see it grew), never past the limit: reading
            # MAX_RECORD_BYTES + 1 for every 1 KB record would allocate 256 KiB each time.
            raw = handle.read(min(status.st_size, MAX_RECORD_BYTES) + 1)
            if len(raw) > status.st_size and len(raw) <= MAX_RECORD_BYTES:  # it grew while read
                raw += handle.read(MAX_RECORD_BYTES + 1 - len(raw))
    except OSError as exc:
        return None, [whole_file(display, f"cannot read: {exc.strerror or exc}")]
    if len(raw) > MAX_RECORD_BYTES:
        return None, [whole_file(display, too_big(MAX_RECORD_BYTES, more=True))]
    return raw, []


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def read_data(path: Path, display: str, root: Path | None = None) -> tuple[object, list[Problem]]:
    """A file's plain data, or the problems that keep it from being read. With `root`, the
    records directory the file is in, a link is refused (see link_problem) instead of followed."""
    refused = link_problem(root, path, display) if root is not None else None
    if refused:
        return None, [refused]
    raw, problems = read_bytes(path, display)
    if raw is None:
        return None, problems
    return parse_data(raw, display)


_MARKER = re.compile(rb"^(<<<<<<<|=======|>>>>>>>)( |$)", re.MULTILINE)


def _conflict_marker(raw: bytes, display: str) -> Problem | None:
    """git's conflict markers, left by a merge: named as such, not as a YAML error."""
    found = _MARKER.search(raw)
    if found is None:
        return None
    line = raw[: found.start()].count(b"\n") + 1
    return Problem(
        display,
        line,
        "",
        "an unresolved merge conflict (git's <<<<<<< markers): choose a version and remove the markers",
    )


def parse_data(raw: bytes, display: str) -> tuple[object, list[Problem]]:
    """Bytes to plain data, with the size, encoding and YAML checks that protect the parser."""
    if len(raw) > MAX_RECORD_BYTES:
        return None, [whole_file(display, too_big(len(raw)))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(display, line, "", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        ]
    try:
        return read_yaml(text.removeprefix("\ufeff")), []
    except YamlSyntaxError as exc:
        marker = _conflict_marker(raw, display)  # the likeliest reason, after a `git merge`
        return None, [marker or Problem(display, max(exc.line, 1), "", f"YAML: {exc}")]


def escape_unprintable(text: str) -> str:
    """`text` with every unprintable character (controls, line and paragraph separators, bidi
    overrides, lone surrogates) written as Python's repr writes it, so it prints as one inert line."""
    if text.isprintable():  # the usual case, decided in C
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


Change = Callable[[Incident], Incident]


def _below(path: str, base: str) -> str | None:
    """`path` relative to `base` when it is below it, by their text as Path.relative_to does
    (the same answer at a tenth of the cost, paid for every file of every command)."""
    if path == base:
        return "."
    prefix = base if base.endswith(os.sep) else base + os.sep
    return path[len(prefix) :] if path.startswith(prefix) and len(path) > len(prefix) else None


class _File(NamedTuple):
    """A record file found by a walk: where it is, as shown, and its key in the index (a tuple,
    not a dataclass: one is made for every file by every command)."""

    path: str
    display: str
    key: tuple[str, os.stat_result | None, str]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while records are built; what was built is then frozen.

    Reading an archive makes millions of small objects that all stay alive, and each batch of
    them set off a collection that walked all the ones before, and the first collection after
    loading walked them all again: at 10,000 records, with the index warm, that was 45 % of
    `list`. Loading leaves no cycles behind (tests/test_store.py checks it), so there is nothing
    for the collector to find among them; gc.freeze() keeps later collections from walking
    them, and they are still freed as usual when the last reference goes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


class Store:
    """One records directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cwd = Path.cwd()  # asked once: load() shows the path of every file it reads
        self._cwd_text = str(self._cwd)
        self._root_prefix = _prefix(str(root))  # the text of every path below the root begins so
        self._shown_prefix = self._prefix_shown()
        self._sides: tuple[Sides, list[Problem]] | None = None
        self._index: Index | None = None

    def _prefix_shown(self) -> str | None:
        """What the paths below the root are shown as beginning with, when that is one text
        for them all (None when the current directory is inside the records directory)."""
        if self._cwd_text.startswith(self._root_prefix):
            return None
        root = str(self.root)
        below = _below(root, self._cwd_text) if os.path.isabs(root) else None
        return "" if below == "." else _prefix(below or root)

    def __getstate__(self) -> dict[str, object]:
        """What a worker process gets: not the open index."""
        return {**self.__dict__, "_index": None}

    def display(self, path: Path) -> str:
        """Paths in messages relative to the current directory when below it, as a person would type them.

        Control and other unprintable characters are escaped as Python writes them (a newline as
        the two characters `\\n`): a file name may hold any of them, and a newline would split a
        problem over two lines, the second looking like a `path:line:` of its own. A name that is
        not valid UTF-8 (a lone surrogate here) is escaped too, so printing it cannot fail."""
        shown = str(path)
        return escape_unprintable(_below(shown, str(self._cwd)) or shown)

    def sync(self, years: Iterable[int] | None = None, progress: Progress | None = None) -> Synced:
        """The index, made to hold every record file as it is (or those in the given years'
        folders): files it holds unchanged are taken as they are, the others read on every
        core when there are many, with `progress` told (done, total) as they are, and the
        files that are gone forgotten. The problems of folders and of files under the wrong
        ending, which the index cannot hold, come beside it."""
        require_existing(self.root)
        years = None if years is None else sorted(set(years))
        synced = Synced(self.index())
        tree = _walk(self.root, years)
        for folder, why in tree.folders:  # each would otherwise leave its records out unseen
            synced.problems.append(whole_file(self.display(folder), why))
        for path in tree.strays:
            synced.problems.append(
                whole_file(self.display(path), "record files end in .yaml: rename this file, or it is not read")
            )
        synced.problems += [_leftover(self.display(path)) for path in tree.leftovers if _abandoned(path)]
        index = synced.index
        with collector_paused():
            files = [self._identify(path) for path in tree.records]
            known = index.known()
            unread = [f for f in files if f.key[1] is None or known.get(f.key[0]) != identity(f.key[1], f.display)]
            read = chunked(self.read_packed, [(Path(file.path), file.display) for file in unread], progress)
            for file, (packed, found) in zip(unread, read, strict=True):
                index.put(*file.key, packed, found)
            index.save(seen=[file.key[0] for file in files], within=None if years is None else [str(y) for y in years])
        synced.files = len(files)
        return synced

    def close(self) -> None:
        """Close the index (a later call opens it again)."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def path_of(self, key: bytes) -> Path:
        """A file's path from its key in the index."""
        return self.root / key.decode("utf-8", "surrogateescape")

    def index(self) -> Index:
        """The directory's index, opened once (in memory only under INCIDENTS_NO_INDEX)."""
        if self._index is None:
            settings = [self.root / name for name in (SIDES_FILE, PLACES_FILE, WEAPONS_FILE)]
            self._index = Index(self.root, fingerprint(settings), use_file=index_enabled())
        return self._index

    def load(
        self, years: Iterable[int] | None = None, progress: Progress | None = None, days: Days | None = None
    ) -> Loaded:
        """Every record (or only those in the given years' folders), and every problem of their
        files; with `days` (first, last), only the incidents with a day among them: for `add`'s
        look for the same event, which needs only those days."""
        synced = self.sync(years, progress)
        clauses, parameters = ["1"], []
        if years is not None:
            clauses.append(" OR ".join(["(path >= ? AND path < ?)"] * len(set(years))) or "0")
            for year in sorted(set(years)):  # a folder's paths sort between "F/" and "F0"
                parameters += [key_of(f"{year}/"), key_of(f"{year}0")]
        scope = f"({') AND ('.join(clauses)})"
        loaded = Loaded(self.root, problems=list(synced.problems), files=synced.files)
        for (text,) in synced.index.db.execute(f"SELECT problems FROM files WHERE {scope} AND id IS NULL", parameters):
            loaded.problems += problems_of(text)  # a file without an incident: its problems alone
        if days is not None:
            scope += " AND day <= ? AND until >= ?"
            parameters += [days[1].isoformat(), days[0].isoformat()]
        query = f"SELECT path, shown, entry FROM {ENTRIES} WHERE {scope} AND id IS NOT NULL ORDER BY path"
        try:
            with collector_paused():
                for key, shown, (incident, problems) in synced.index.entries(query, parameters):
                    loaded.problems += problems
                    loaded.records.append(Record(incident, self.path_of(key), shown))
        except sqlite3.DatabaseError:  # an entry not signed by this user, or torn: read the files
            synced.index.reset()
            return self.load(years, progress, days)
        return loaded

    def near(self, years: Iterable[int], days: Days) -> list[Record]:
        """The recorded incidents with a day among `days` (first, last), asked of the index: for
        `add`'s look for the same event, which should cost what one record costs in an archive
        of any size, not a stat of every file of the years around it.

        The years' folders are listed, names only: a file the index does not hold yet is read
        now. The files the index holds on those days are stat-ed, and read again if they
        changed. A file edited since the index last saw it, so that its incident moved onto
        these days, is seen by the next command that reads everything: this look warns of a
        likely duplicate; `check` and every listing stay exact."""
        require_existing(self.root)
        index, found = self.index(), []
        ranges = [(key_of(f"{y}/"), key_of(f"{y}0")) for y in sorted(set(years))]  # a folder's paths sort so
        within = " OR ".join(["(path >= ? AND path < ?)"] * len(ranges)) or "0"
        bounds = [key for pair in ranges for key in pair]
        held = {
            p.decode("utf-8", "surrogateescape")
            for (p,) in index.db.execute(f"SELECT path FROM files WHERE {within}", bounds)
        }
        on_days = index.db.execute(
            f"SELECT path FROM files WHERE ({within}) AND id IS NOT NULL AND day <= ? AND until >= ?",
            [*bounds, days[1].isoformat(), days[0].isoformat()],
        )
        paths = [self._root_prefix + p.decode("utf-8", "surrogateescape") for (p,) in on_days]
        for year in sorted(set(years)):
            paths += [path for path in self._names(year) if path[len(self._root_prefix) :] not in held]
        for file in (self._identify(path) for path in paths):
            entry = index.get(*file.key)
            if entry is None:
                [(packed, digested)] = self.read_packed([(Path(file.path), file.display)])
                entry = unpack(packed)
                index.put(*file.key, packed, digested)
            incident = entry[0]
            if incident is not None and incident.date <= days[1] and days[0] <= (incident.end_date or incident.date):
                found.append(Record(incident, Path(file.path), file.display))
        index.save()
        return found

    def id_hint(self, incident_id: str) -> str:
        """'; did you mean …?' with the recorded ids closest to a mistyped one (its month first)."""
        ids = self.ids_in(incident_id[:4])
        near = [i for i in ids if i[:7] == incident_id[:7]] or ids
        close = difflib.get_close_matches(incident_id, near, n=3, cutoff=0.75)
        return f"; did you mean {' or '.join(close)}?" if close else ""

    def ids_in(self, year: str) -> list[str]:
        """The ids the file names of a year's folder give (no file read), for completing an id."""
        if not year.isdigit() or len(year) != 4:
            return []
        return sorted(Path(path).stem for path in self._names(int(year)))

    def _names(self, year: int) -> list[str]:
        """The record files directly in a year's folder, by name alone (no stat)."""
        folder = self._root_prefix + str(year)
        prefix = _prefix(folder)
        try:
            with os.scandir(folder) as listing:
                return [
                    prefix + e.name
                    for e in listing
                    if e.name.endswith(".yaml") and not e.name.startswith(".") and not _is_folder(e)
                ]
        except OSError:
            return []

    def load_one(self, incident_id: str) -> Loaded:
        """The one record an id gives the path of, read as load() reads every file: for the
        commands that name an incident, which need not read the whole archive."""
        file = self._identify(str(self.existing(incident_id)))
        loaded = Loaded(self.root, whole=False, files=1)
        index = self.index()
        entry = index.get(*file.key)
        if entry is None:
            [(packed, found)] = self.read_packed([(Path(file.path), file.display)])
            entry = unpack(packed)
            index.put(*file.key, packed, found)
            index.save()
        incident, loaded.problems = entry
        if incident is not None:
            loaded.records.append(Record(incident, Path(file.path), file.display))
        return loaded

    def _identify(self, path: str) -> _File:
        """A record file as shown, and the key the index knows it by: its path below the root,
        its status (None: not a regular file, which is read every time) and as shown. Asked of
        every file by every command, so the paths below the root are cut as text."""
        if path.startswith(self._root_prefix):
            relative = path[len(self._root_prefix) :]
            shown = self._shown_prefix + relative if self._shown_prefix is not None else self._relative_shown(path)
        else:
            relative = Path(path).relative_to(self.root).as_posix()
            shown = self._relative_shown(path)
        try:
            status: os.stat_result | None = os.lstat(path)
        except OSError:
            status = None
        if status is not None and not stat.S_ISREG(status.st_mode):
            status = None
        display = escape_unprintable(shown)
        return _File(path, display, (relative if os.sep == "/" else relative.replace(os.sep, "/"), status, display))

    def key_of(self, path: Path) -> tuple[str, os.stat_result | None, str]:
        """The key the index knows a record file by (see _identify)."""
        return self._identify(str(path)).key

    def _relative_shown(self, path: str) -> str:
        return _below(path, self._cwd_text) or path

    def read_packed(self, files: Sequence[tuple[Path, str]]) -> list[tuple[bytes, Digest]]:
        """Record files (path, as shown) read and validated: for each, the incident and its
        problems packed as the index keeps them, and its digest. A worker process runs this on
        a chunk of the files (see parallel.chunked); packing them here is what sending them
        back costs anyway."""
        from .digest import digest  # above the store: it judges what the store reads

        sides, _ = self.sides()
        found = []
        with collector_paused():
            for path, display in files:
                incident, problems = self._read_file(path, display)
                digested = digest(incident, problems, path, display, self.root, sides)
                found.append((pack((incident, digested.problems)), digested))
        return found

    def _read_file(self, path: Path, display: str) -> tuple[Incident | None, list[Problem]]:
        data, problems = read_data(path, display, self.root)
        incident, more = self.read_incident(data, display) if not problems else (None, [])
        return incident, problems + more

    def read_incident(self, data: object, display: str) -> tuple[Incident | None, list[Problem]]:
        """A record's data as an incident, its sides checked against this directory's."""
        sides, _ = self.sides()
        hint = f"; add it to {self.display(self.root / SIDES_FILE)} to record its statements"
        return incident_from_data(data, display, sides.ids, hint)

    def sides(self) -> tuple[Sides, list[Problem]]:
        """The built-in sides, extended or replaced by the records directory's sides.yaml (read once)."""
        if self._sides is None:
            self._sides = self._read_sides()
        return self._sides

    def _read_sides(self) -> tuple[Sides, list[Problem]]:
        builtin_text = resources.files("incidents").joinpath("data/sides.yaml").read_text("utf-8")
        builtin, _, problems = sides_from_data(read_yaml(builtin_text), "incidents/data/sides.yaml")
        path = self.root / SIDES_FILE
        if not os.path.lexists(path):  # not is_file(): a pipe or a link there is reported, not skipped
            return Sides(tuple(builtin)), problems
        data, problems = read_data(path, self.display(path), self.root)
        if problems:
            return Sides(tuple(builtin)), problems
        local, replace_all, problems = sides_from_data(data, self.display(path))
        merged = {s.id: s for s in ([] if replace_all else builtin)}
        merged.update({s.id: s for s in local})
        return Sides(tuple(merged.values())), problems

    def gazetteer(self) -> tuple[Gazetteer, list[Problem]]:
        return read_gazetteer(self.root, self.display)

    def path_for(self, incident_id: str) -> Path:
        """Where a record lives; refuses an id that would leave the records directory."""
        if (
            not incident_id
            or "/" in incident_id
            or "\\" in incident_id
            or incident_id.startswith(".")
            or "\0" in incident_id
        ):
            raise UsageError(f"{incident_id!r} is not a usable incident id")
        path = self.root / incident_id[:4] / f"{incident_id}.yaml"
        if self.root.resolve() not in path.resolve().parents:
            raise UsageError(f"incident id {incident_id!r} would leave the records directory")
        return path

    def create(self, incident: Incident, exact: bool = False) -> tuple[Incident, Path]:
        """Write a new record under a free id (`-2`, `-3`… appended if taken, without limit; with
        `exact`, the id given or an error); never overwrite. A taken id costs a look at the
        folder's names, not a written file: the next free number is read from them, and only a
        writer that loses a race to it looks again."""
        number = 1
        while True:
            candidate = incident if number == 1 else replace(incident, id=f"{incident.id}-{number}")
            path = self.path_for(candidate.id)
            if not os.path.lexists(path):
                text = render_record(candidate)
                self._check_size(path, text)  # before the folder is made: a refusal changes nothing
                path.parent.mkdir(parents=True, exist_ok=True)
                if _write_exclusive(path, text):
                    return candidate, path
            if exact:
                raise UsageError(
                    f"--id: {incident.id} is taken; choose another id, or add to it with `incidents claim {incident.id}`"
                )
            number = _next_free(path.parent, incident.id, number)

    def create_all(self, incidents: Sequence[Incident], progress: Callable[[int], None] | None = None) -> None:
        """Write new records all or nothing, even across a kill. Each is written into a staging
        folder in `.incidents/imports/`; then a manifest naming them all, atomically: the commit
        point; then each is linked into place (never over a file) and the folder removed. A kill
        before the manifest leaves the records as they were (the next command removes the
        folder); after it, the next command finishes the links (finish_imports)."""
        self.root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="import-", dir=private_folder(self.root, "imports")))
        with _locked(folder):  # while it is held, no other command takes the folder for abandoned
            names = []
            for number, incident in enumerate(incidents):
                path = self.path_for(incident.id)
                text = render_record(incident)
                self._check_size(path, text)
                os.replace(_temp_file(folder, text, durable=not _SYNC), folder / f"{number}.yaml")
                names.append(path.relative_to(self.root).as_posix())
                if progress:
                    progress(number + 1)
            if _SYNC:  # every staged file on disk at once, before the commit point (an fsync each took half the time)
                os.sync()
            write_atomically(folder / MANIFEST, json.dumps(names, indent=0) + "\n")
            self._link_staged(folder)

    def finish_imports(self) -> None:
        """Finish what an import killed after its commit point left (link the rest of its
        records), and remove what one killed before it left: run before records are read."""
        staging = self.root / ".incidents" / "imports"
        try:
            folders = [entry for entry in os.scandir(staging) if entry.is_dir(follow_symlinks=False)]
        except OSError:
            return
        for entry in folders:
            folder = Path(entry.path)
            with _locked(folder, wait=False) as held:
                if not held:
                    continue  # an import at work
                if (folder / MANIFEST).is_file():
                    self._link_staged(folder)
                else:
                    shutil.rmtree(folder, ignore_errors=True)

    def _link_staged(self, folder: Path) -> None:
        """Link each staged record into place; a file already there with other bytes (made by
        someone else since the import checked) is kept, and the imported one kept aside."""
        names = json.loads((folder / MANIFEST).read_text("utf-8"))
        touched: set[Path] = set()
        clashes = []
        for number, name in enumerate(names):
            staged, target = folder / f"{number}.yaml", self.root / name
            if not staged.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(staged, target)
                touched.add(target.parent)
            except FileExistsError:
                if target.read_bytes() != staged.read_bytes():
                    clashes.append((target, self.keep_aside(target.stem, staged.read_text("utf-8"))))
        for directory in touched:
            _fsync_dir(directory)
        shutil.rmtree(folder, ignore_errors=True)
        if clashes:
            kept = "; ".join(f"{self.display(t)} (the imported one is in {self.display(k)})" for t, k in clashes)
            raise DataError(f"recorded meanwhile, differently, and left as they are: {kept}")

    def existing(self, incident_id: str) -> Path:
        """The file of a recorded incident, or an error that says why there is none."""
        if not ID_PATTERN.match(incident_id):
            raise UsageError(f"{incident_id!r} is not a usable incident id: an id looks like 2023-09-01-sotk")
        require_existing(self.root)
        path = self.path_for(incident_id)
        if not os.path.lexists(path):
            raise NotFoundError(
                f"no incident with id {incident_id!r} in {self.root} (looked for {self.display(path)})"
                + self.id_hint(incident_id)
            )
        # Refused here, before `claim` asks its questions, for what load() would not read either.
        display = self.display(path)
        if os.path.islink(path.parent):
            raise RecordProblems([whole_file(self.display(path.parent), LINKED_FOLDER)])
        refused = link_problem(self.root, path, display) or unreadable(path, display)
        if refused:
            raise RecordProblems([refused])
        return path

    def _check_size(self, path: Path, text: str) -> None:
        """Refuse to write a record larger than every command would then refuse to read."""
        size = len(text.encode("utf-8"))
        if size > MAX_RECORD_BYTES:
            raise DataError(
                f"{self.display(path)}: the record would be {size:,} bytes, and a record may be at most"
                f" {MAX_RECORD_BYTES:,}; nothing was written"
            )

    def update(self, incident_id: str, change: Change, reformat: bool = False) -> tuple[Incident, Path, bool]:
        """Re-read a record under a lock, apply `change`, and replace it atomically.

        A hand-edited file keeps its comments and layout where the change only adds a claim and
        the claim can be appended to the file's own text. Otherwise the file is rewritten in
        canonical form, which would drop its comments: that is refused unless `reformat`.
        Returns the new incident, its path, and whether the file was rewritten whole."""
        path = self.existing(incident_id)
        with _locked(path.parent):
            # One bounded read (never a pipe, never past the limit): the text as it is (CRLF too) and its data.
            raw, problems = read_bytes(path, self.display(path))
            if raw is None:
                raise RecordProblems(problems)
            data, problems = parse_data(raw, self.display(path))
            current, more = self.read_incident(data, self.display(path)) if not problems else (None, [])
            if current is None or problems or more:  # fix the record first: writing would bless it
                raise RecordProblems(problems + more)
            text = raw.decode("utf-8")
            updated = change(current)
            new_text, reformatted = render_record(updated), False
            if text != render_record(current):
                kept = appended(text, data, current, updated)
                if kept is not None:
                    new_text = kept
                elif _has_comments(text) and not reformat:
                    raise DataError(
                        f"{self.display(path)} has comments that rewriting it in canonical form would drop, and"
                        " the claim cannot be appended to its text (that needs `claims:` as the file's last"
                        " field, a block list); move it there, or pass --reformat to rewrite the file"
                    )
                else:
                    reformatted = True
            self._check_size(path, new_text)
            write_atomically(path, new_text)
        return updated, path, reformatted

    def replace_if_unchanged(self, path: Path, expected: bytes, text: str) -> bool:
        """Write `text` over the record at `path` atomically, under the folder's lock, if the file
        still holds `expected`: an edit never overwrites what another wrote meanwhile."""
        self._check_size(path, text)
        with _locked(path.parent):
            raw, _ = read_bytes(path, self.display(path))
            if raw != expected:
                return False
            write_atomically(path, text)
        return True

    def keep_evidence(self, incident_id: str, given: Path) -> tuple[str, str, int]:
        """Copy a file into `evidence/<id>/`, atomically, under a name that begins with its hash
        (two different files never take one name); the same file kept twice is kept once.
        Returns its path below evidence/, its SHA-256 and its size."""
        try:
            status = os.stat(given)
        except OSError as exc:
            raise UsageError(f"{given}: {exc.strerror or exc}") from exc
        if not stat.S_ISREG(status.st_mode):
            raise UsageError(f"{given} is not a regular file")
        if status.st_size > MAX_EVIDENCE_BYTES:
            raise UsageError(f"{given} is {status.st_size:,} bytes; evidence may be at most {MAX_EVIDENCE_BYTES:,}")
        folder = self.root / EVIDENCE_FOLDER / incident_id
        folder.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".evidence-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, open(given, "rb") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            name = f"{digest.hexdigest()[:12]}-{_plain_name(given.name)}"
            os.replace(tmp, folder / name)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(folder)
        return f"{incident_id}/{name}", digest.hexdigest(), size

    def write_out(self, lines: Iterable[str], output: Path | None) -> None:
        """Text to stdout as it comes, or to a file whole or not at all (a temporary file beside
        it, renamed when the last line is written: a kill leaves the old file or none), with
        the mode an ordinary new file gets (or the one it replaces), as a shell would give it."""
        if output is None:
            for line in lines:
                sys.stdout.write(line)
            return
        require_folder_for(output)
        write_atomically(output, lines)

    def write_folder(self, folder: Path, files: dict[str, str]) -> None:
        """Files written into a folder, each whole (the folder made if need be, in a folder that
        is there; other files in it are left)."""
        require_folder_for(folder)
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            self.write_out([text], folder / name)

    def keep_aside(self, incident_id: str, text: str) -> Path:
        """Keep an edit that could not be saved, in the index's folder (git ignores it), so that
        nothing typed is lost: `.incidents/edits/<id>.yaml`."""
        path = private_folder(self.root, "edits") / f"{incident_id}.yaml"
        write_atomically(path, text)
        return path

    def reformat(self, record: Record, incident: Incident, force: bool, write: bool = True) -> str:
        """Rewrite a record as `incident` in canonical form, under its folder's lock, if the file
        still holds what was read: 'unchanged', 'rewritten' ('would be rewritten' without
        `write`), 'comments' (left alone: rewriting drops them, unless `force`) or 'changed'
        (edited meanwhile: left alone)."""
        with _locked(record.path.parent):
            raw, problems = read_bytes(record.path, record.shown)
            if raw is None:
                raise RecordProblems(problems)
            text, canonical = raw.decode("utf-8", "replace"), render_record(incident)
            again = self.read_incident(parse_data(raw, record.shown)[0], record.shown)[0]
            if again != record.incident:
                return "changed"
            if text == canonical:
                return "unchanged"
            if _has_comments(text) and not force:
                return "comments"
            self._check_size(record.path, canonical)
            if not write:
                return "would be rewritten"
            write_atomically(record.path, canonical)
        return "rewritten"


def appended(text: str, data: LineMap, current: Incident, updated: Incident) -> str | None:
    """`text` (whose data, as read, is `data`) with the claim that `updated` adds to `current`
    written at its end, in the file's own indentation, when claims are the file's last block;
    None when that cannot be done."""
    if replace(updated, claims=current.claims) != current or updated.claims[:-1] != current.claims:
        return None
    claims = data.get("claims")
    if "claims" in data and data.key_lines["claims"] != max(data.key_lines.values()):
        return None  # other fields follow the claims: an appended claim would land among them
    indent = 0
    lines = text.splitlines(keepends=True)
    if isinstance(claims, LineList) and claims.item_lines:
        first = lines[claims.item_lines[0] - 1]
        if not first.lstrip().startswith("- "):
            return None  # a flow list: [ ... ]
        indent = len(first) - len(first.lstrip())
    elif claims == []:  # `claims: []`, as add writes it: the key's line becomes `claims:`
        index = data.key_lines["claims"] - 1
        empty = re.fullmatch(r"claims:\s*\[\s*\]\s*(#.*?)?\s*", lines[index].rstrip("\r\n"))
        if not empty:
            return None
        lines[index] = (
            "claims:" + (f"  {empty[1]}" if empty[1] else "") + lines[index][len(lines[index].rstrip("\r\n")) :]
        )
    elif claims is not None:
        return None
    block = dump_yaml([claim_to_data(updated.claims[-1])])
    head = "".join(lines)
    newline = "\r\n" if "\r\n" in text else "\n"  # a file saved on Windows keeps its line endings
    head = head if head.endswith("\n") else head + newline
    if "claims" not in data:
        head += "claims:" + newline
    result = head + "".join(" " * indent + line + newline for line in block.splitlines())
    again, problems = incident_from_data(read_yaml(result), "")
    return result if not problems and again == updated else None


def _has_comments(text: str) -> bool:
    """Whether a YAML text may hold a comment (a # at a line's start or after a space); a # inside
    quoted text also counts, which only makes the store more careful."""
    return bool(re.search(r"(?:^|\s)#", text))


def read_gazetteer(root: Path | None, display: Callable[[Path], str] = str) -> tuple[Gazetteer, list[Problem]]:
    """The built-in gazetteer, with places added or replaced (by id) by `root`'s places.yaml."""
    builtin_text = resources.files("incidents").joinpath("data/places.yaml").read_text("utf-8")
    places, problems = places_from_data(read_yaml(builtin_text), "incidents/data/places.yaml")
    path = root / PLACES_FILE if root else None
    if root and path and os.path.lexists(path):  # not is_file(): a pipe or a link there is reported
        data, read_problems = read_data(path, display(path), root)
        local, local_problems = places_from_data(data, display(path)) if not read_problems else ([], [])
        merged = {p.id: p for p in places}
        merged.update({p.id: p for p in local})
        places = list(merged.values())
        problems += read_problems + local_problems
    # A local place may sit within a built-in one: containment is checked on the merged list.
    return Gazetteer(places), problems + unknown_parents(places)


def read_weapons(root: Path | None, display: Callable[[Path], str] = str) -> tuple[WeaponKinds, list[Problem]]:
    """The built-in weapon vocabulary, extended by `root`'s weapons.yaml."""
    builtin_text = resources.files("incidents").joinpath("data/weapons.yaml").read_text("utf-8")
    kinds, problems = weapons_from_data(read_yaml(builtin_text), "incidents/data/weapons.yaml")
    vocabulary = WeaponKinds(kinds)
    path = root / WEAPONS_FILE if root else None
    if root and path and os.path.lexists(path):
        data, read_problems = read_data(path, display(path), root)
        local, local_problems = weapons_from_data(data, display(path)) if not read_problems else ({}, [])
        vocabulary, problems = vocabulary.extended(local), problems + read_problems + local_problems
    return vocabulary, problems


def render_record(incident: Incident) -> str:
    """The canonical text of a record, checked to read back as the same incident before it is
    written, so the store can never write a file it would refuse to load."""
    text = dump_yaml(incident_to_data(incident), fast=True)
    again, problems = incident_from_data(read_yaml(text), f"{incident.id}.yaml")
    if problems or again != incident:
        raise RecordProblems(problems or [whole_file(f"{incident.id}.yaml", "would not read back unchanged")])
    return text


def _default_mode() -> int:
    """The mode an ordinary new file gets here (0o644 under the usual umask of 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


TEMP_PREFIX = ".incident-"  # a record's temporary file, beside it until it is renamed or linked


def _abandoned(path: Path) -> bool:
    """A temporary file no write is still using: older than a minute (a write takes milliseconds)."""
    try:
        return time.time() - path.lstat().st_mtime > 60
    except OSError:
        return False  # gone meanwhile: its write finished


def _leftover(shown: str) -> Problem:
    return Problem(
        shown, 1, "", "a temporary file left by a write that was stopped (a kill, a crash, a full disk);"
        " the record beside it is as it was before that write: delete this file", Severity.WARNING,
    )  # fmt: skip


def _next_free(folder: Path, stem: str, tried: int) -> int:
    """The number after the highest `<stem>-N.yaml` in the folder, and after `tried`."""
    suffix = re.compile(re.escape(stem) + r"-([0-9]{1,9})\.yaml")
    taken = [int(m[1]) for name in os.listdir(folder) if (m := suffix.fullmatch(name))]
    return max([tried, *taken]) + 1


_SYNC = hasattr(os, "sync")  # not on Windows, where each staged file is fsynced instead
MANIFEST = "manifest.json"  # an import's commit point: the records it stages, in order


def _temp_file(directory: Path, text: str | Iterable[str], mode: int | None = None, durable: bool = True) -> str:
    """A temporary file beside the target, holding the text (or the pieces of it, written as they
    come), with the target's mode: mkstemp's own 0o600 would make a record unreadable to the
    others who share the records directory. `durable`: fsynced (without, the caller makes it
    durable, as an import does for all its files at once)."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        os.fchmod(fd, _default_mode() if mode is None else mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An error of the system during a write names the record written, whatever call failed
    (an fsync's error names no file), for the one line the command prints."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None or str(exc.filename).endswith(".tmp"):
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def _write_exclusive(path: Path, text: str) -> bool:
    """Create path with text atomically; False if it already exists."""
    with _naming(path):
        tmp = _temp_file(path.parent, text)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)
        _fsync_dir(path.parent)
    return True


def write_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Write a file whole or not at all (temporary file, fsync, rename, directory fsync),
    keeping the mode of the file it replaces, if there is one."""
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    with _naming(path):
        tmp = _temp_file(path.parent, text, mode)
        try:
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _fsync_dir(path.parent)


def _plain_name(name: str) -> str:
    """A file name safe in any shell and on any system: letters, digits, '.', '_' and '-'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "file"


def sha256_of(path: Path) -> str:
    """A file's SHA-256, read in pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(directory: Path, wait: bool = True) -> Iterator[bool]:
    """Serialise read-modify-write of records in one folder across processes. Without `wait`,
    gives False at once if another process holds the folder."""
    if fcntl is None:
        yield True
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
