"""The index: what reading each record file gave last time, and the columns queries are asked of.

The files stay the only truth. Every command still lists and stats every file; a file whose
identity (size, mtime_ns, inode) and shown path are what the index holds is taken from it, any
other is read, validated and put back, and a file that is gone is forgotten, before any
question is asked. `list`, `summary` and `check` are then answered by SQL over the columns
(dates, place ids, sides, tags, the text to search) and the side tables (casualties, blame,
links), without building one typed record; `show ID` unpickles the one entry it shows.

The index is thrown away whole when the code that reads or judges a record, the Python version
or the directory's settings files (sides, places, weapons) change: a fingerprint of them. It
is ignored whenever it cannot be read: a deleted, truncated, corrupt, stale or foreign index
gives the same answers as none, only slower. With no usable file (INCIDENTS_NO_INDEX, a disk
that refuses it, another command holding it too long) the same tables are built in memory, so
every answer comes from one implementation. It lives in `.incidents/` inside the records
directory, which holds a .gitignore of `*` so git never sees it, or in the user's cache
directory when the records directory cannot be written.

An index file that came with a shared repository, or was written by another user, is not
signed with this user's key (kept in the user's cache directory, never in the records
directory) and is rebuilt; each pickled entry is signed too, and never unpickled unsigned.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import pickle
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, Severity
from .model import Incident

INDEX_FOLDER = ".incidents"
MEMORY = ":memory:"

DIGEST_COLUMNS = (
    "id", "status", "day", "until", "first", "last", "placeids", "placenames", "unplaced", "both",
    "conflict", "month", "month_end", "week", "week_end", "spots",
)  # fmt: skip
"""The query columns of a file's incident (all NULL for a file without one); see digest.py."""

SIDE_TABLES: Mapping[str, tuple[str, ...]] = {
    "refs": ("target", "kind", "line", "field"),  # merged_into and links: the ids a record names
    "tags": ("tag", "fold", "line", "field"),
    "regions": ("name",),  # each region once, by its English name
    "claimants": ("side",),  # the sides that have spoken
    "texts": ("haystack",),  # the words `--text` looks in (query.haystack)
    "blame": ("claimant", "named"),
    "admits": ("side",),
    "casualties": ("claimant", "side", "civilian", "kind", "low", "high", "up_to", "unnumbered"),
    "evidence": ("file", "sha256", "size", "line", "field"),  # the copies kept, for `check` to verify
    "rendered": ("listing", "listing_csv", "listing_yaml", "overview", "overview_yaml"),  # one row, written
}
"""One row per thing a record says many of; each row carries its file's number (files.num:
joins on an integer key cost a tenth of joins on the path). `rendered` holds the incident's
rows of `list` and `diff` as the machine formats print them, apart from `files` so that a query
scanning every file reads a few bytes of each."""

_FILES = (  # small rows: a query that scans them all reads a few MB, not every entry
    "CREATE TABLE files (num INTEGER PRIMARY KEY, path BLOB NOT NULL UNIQUE, identity TEXT NOT NULL, shown TEXT NOT NULL,"
    " problems TEXT, errors INTEGER NOT NULL, " + ", ".join(DIGEST_COLUMNS) + ")"
)
ENTRIES = "files JOIN entries USING (num)"
"""What a query selects `entry` from (the pickled records are kept apart from the columns)."""

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    _FILES,
    "CREATE INDEX files_identity ON files (path, identity)",  # what every command reads first, alone
    "CREATE INDEX files_id ON files (id)",
    "CREATE INDEX files_day ON files (day)",
    "CREATE INDEX files_errors ON files (errors) WHERE errors > 0",  # the few files kept out
    "CREATE TABLE entries (num INTEGER PRIMARY KEY, entry BLOB NOT NULL)",
    *(f"CREATE TABLE {name} (num INTEGER NOT NULL, {', '.join(cols)})" for name, cols in SIDE_TABLES.items()),
    *(f"CREATE INDEX {name}_num ON {name} (num)" for name in SIDE_TABLES),
)
_TABLES = ("meta", "files", "entries", *SIDE_TABLES)
UNINDEXED = "-"  # the identity of a file that is never taken from the index (not a regular file)

_CODE = (
    "checks", "compare", "digest", "errors", "fields", "formats", "index", "model", "places", "query", "spec",
    "store", "summary", "text", "weapons", "yamlio",
)  # fmt: skip
Entry = tuple[Incident | None, list[Problem]]


@dataclass
class Digest:
    """What the index keeps of one file besides its entry: its problems, and for its incident
    the query columns (DIGEST_COLUMNS, in order) and the rows of the side tables."""

    problems: list[Problem]
    columns: tuple[object, ...] = (None,) * len(DIGEST_COLUMNS)
    rows: dict[str, list[tuple[object, ...]]] = field(default_factory=dict)


def cache_home() -> Path:
    """$XDG_CACHE_HOME/incidents, else ~/.cache/incidents."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "incidents"


def _secret() -> bytes:
    """This user's key for signing the index (made once, readable by the user alone)."""
    path = cache_home() / "index.key"
    with contextlib.suppress(FileNotFoundError):
        key = path.read_bytes()
        if len(key) == 32:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def fingerprint(settings: Iterable[Path]) -> str:
    """What the entries depend on besides their own file: the code that reads and judges a
    record, the Python version (pickles), and the directory's settings files."""
    digest = hashlib.sha256(sys.version.encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((here / f"{name}.py").read_bytes())
    for path in settings:
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key_of(relative: str) -> bytes:
    """A file's path as bytes: a name that is not UTF-8 (kept by Python as surrogates) is kept too."""
    return relative.encode("utf-8", "surrogateescape")


def identity(stat: os.stat_result | None, shown: str) -> str:
    """A file's identity, and the path its problems were shown under (they name it)."""
    return UNINDEXED if stat is None else f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{shown}"


def pack(entry: Entry) -> bytes:
    """An entry as the index keeps it. Worker processes send entries packed, so the process
    that keeps them never pickles them again."""
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(packed: bytes) -> Entry:
    incident, problems = pickle.loads(packed)
    return incident, problems


def problems_text(problems: Sequence[Problem]) -> str | None:
    """A file's problems as the `problems` column keeps them (None: no problem)."""
    if not problems:
        return None
    return json.dumps([[p.path, p.line, p.field, p.message, str(p.severity)] for p in problems], ensure_ascii=False)


def problems_of(text: str | None) -> list[Problem]:
    return [
        Problem(path, line, key, message, Severity(severity))
        for path, line, key, message, severity in json.loads(text or "[]")
    ]


def private_folder(root: Path, *parts: str) -> Path:
    """`.incidents/` in the records directory (or a folder in it), made if need be, with the
    .gitignore of `*` that keeps the index, drafts and staged imports out of git."""
    folder = root / INDEX_FOLDER
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# The index of `incidents`: rebuilt from the records, never committed.\n*\n")
    if parts:
        folder = folder.joinpath(*parts)
        folder.mkdir(parents=True, exist_ok=True)
    return folder


class Index:
    """One records directory's index: a file when it can be, else the same tables in memory."""

    def __init__(self, root: Path, fingerprint: str, use_file: bool = True) -> None:
        self.root = root
        self._fingerprint = fingerprint
        self._key = b""
        self._pending: list[tuple[bytes, str, str, bytes, Digest]] = []
        self._known: dict[str, str] | None = None
        self.on_file = False
        if use_file:
            with contextlib.suppress(OSError, sqlite3.Error):
                self._key = _secret()
                self.db = self._open(self.location())
                self.on_file = True
        if not self.on_file:
            self.db = self._memory()

    def location(self) -> Path:
        """`.incidents/index.sqlite` in the records directory, or the user's cache directory
        when the records directory cannot be written."""
        try:
            folder = private_folder(self.root)
            if os.access(folder, os.W_OK):
                return folder / "index.sqlite"
        except OSError:
            pass
        name = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:24]
        (cache_home() / "indexes").mkdir(parents=True, exist_ok=True)
        return cache_home() / "indexes" / f"{name}.sqlite"

    def _memory(self) -> sqlite3.Connection:
        db = sqlite3.connect(MEMORY, isolation_level=None)
        for statement in _SCHEMA:
            db.execute(statement)
        return db

    def _open(self, path: Path) -> sqlite3.Connection:
        try:
            return self._connect(path)
        except sqlite3.DatabaseError:  # not a database (truncated, overwritten): start again
            path.unlink(missing_ok=True)
            return self._connect(path)

    def _connect(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # an index lost in a power cut is rebuilt from the files
        signature = hmac.new(self._key, self._fingerprint.encode(), "sha256").hexdigest()
        with contextlib.suppress(sqlite3.Error):
            row = db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
            if row is not None and hmac.compare_digest(row[0], signature):
                return db
        db.execute("BEGIN IMMEDIATE")  # another version, format, settings file or user: start again
        for table in _TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA:
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('signature', ?)", (signature,))
        db.execute("COMMIT")
        return db

    def reset(self) -> None:
        """Start again from nothing, in memory, after an entry could not be believed; the file
        is emptied so that the next command rebuilds it too."""
        with contextlib.suppress(sqlite3.Error):
            if self.on_file:
                self.db.execute("DELETE FROM meta")
            self.db.close()
        self.db, self.on_file, self._known = self._memory(), False, None

    def known(self) -> dict[str, str]:
        """The identity of every file the index holds, by its path below the root, in one query."""
        if self._known is None:
            try:
                rows = self.db.execute("SELECT path, identity FROM files")
                self._known = {path.decode("utf-8", "surrogateescape"): ident for path, ident in rows}
            except sqlite3.Error:
                self._known = {}
        return self._known

    def problems(self, errors_only: bool = False) -> list[Problem]:
        """The problems reading found in the files (of the files with errors, if `errors_only`)."""
        where = "errors > 0" if errors_only else "problems IS NOT NULL"
        return [
            p for (text,) in self.db.execute(f"SELECT problems FROM files WHERE {where}") for p in problems_of(text)
        ]

    def recorded(self) -> int:
        """How many files hold an incident that could be read."""
        return self.db.execute("SELECT count(*) FROM files WHERE id IS NOT NULL").fetchone()[0]

    def stored_row(self, relative: str, column: str = "listing") -> str | None:
        """A file's row as the index keeps it written (column of `rendered`), if it has one."""
        if column not in SIDE_TABLES["rendered"]:
            raise ValueError(column)
        query = f"SELECT r.{column} FROM files JOIN rendered r USING (num) WHERE files.path = ?"
        try:
            row = self.db.execute(query, (key_of(relative),)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def shown_with_id(self, incident_id: str) -> set[str]:
        """The files (as shown) whose incident has this id."""
        return {shown for (shown,) in self.db.execute("SELECT shown FROM files WHERE id = ?", (incident_id,))}

    def get(self, relative: str, stat: os.stat_result | None, shown: str) -> Entry | None:
        """What reading the file gave, if the index holds it as it is."""
        if stat is None:
            return None
        try:
            row = self.db.execute(
                f"SELECT identity, entry FROM {ENTRIES} WHERE path = ?", (key_of(relative),)
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] != identity(stat, shown):
            return None
        return self._unpacked(row[1])

    def entries(self, query: str, parameters: Sequence[object] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query over `files` whose last column is `entry`, that column unpickled."""
        for *row, blob in self.db.execute(query, parameters):
            entry = self._unpacked(blob)
            if entry is None:
                raise sqlite3.DatabaseError(f"an entry of the index is not signed: {row}")
            yield (*row, entry)

    def _unpacked(self, blob: bytes) -> Entry | None:
        signature, body = blob[:32], blob[32:]
        if not hmac.compare_digest(signature, hmac.new(self._key, body, "sha256").digest()):
            return None  # not signed by this user's key: never unpickled
        try:
            return unpack(body)
        except Exception:
            return None

    def put(self, relative: str, stat: os.stat_result | None, shown: str, packed: bytes, digest: Digest) -> None:
        """Keep what reading the file gave, as pack() made it (in whichever process read it)."""
        self._pending.append((key_of(relative), identity(stat, shown), shown, packed, digest))
        if len(self._pending) >= _BATCH:
            self._write(forget=None)

    def save(self, seen: Iterable[str] | None = None, within: Iterable[str] | None = None) -> None:
        """Write what was read; given the files `seen` by a walk, forget the others (those in
        the folders `within`, or all). Another command writing at the same moment only delays
        this; one that holds the index too long, or a full disk, turns this one's index into
        a copy in memory, so that what it answers is still what the files say."""
        forget = None
        if seen is not None:
            forget = set(seen), None if within is None else [f"{f}/" for f in within]
        self._write(forget)

    def _write(self, forget: tuple[set[str], list[str] | None] | None) -> None:
        if not self._pending and (forget is None or (forget[1] is None and forget[0] == self.known().keys())):
            return  # nothing read, nothing gone: the usual warm command writes nothing
        try:
            self._transaction(forget)
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if not self.on_file:
                raise
            memory = self._memory()
            self.db.backup(memory)
            self.db.close()
            self.db, self.on_file = memory, False
            self._transaction(forget)
        self._pending.clear()

    def _transaction(self, forget: tuple[set[str], list[str] | None] | None) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        if self._pending:
            old = [db.execute("SELECT num FROM files WHERE path = ?", (row[0],)).fetchone() for row in self._pending]
            self._delete([row for row in old if row])  # the file's earlier row, whichever command wrote it
            first = db.execute("SELECT coalesce(max(num), 0) + 1 FROM files").fetchone()[0]
            numbered = list(enumerate(self._pending, first))
            marks = ", ".join("?" * (6 + len(DIGEST_COLUMNS)))
            db.executemany(f"INSERT INTO files VALUES ({marks})", self._file_rows(numbered))
            entries = [(num, hmac.new(self._key, p[3], "sha256").digest() + p[3]) for num, p in numbered]
            db.executemany("INSERT INTO entries VALUES (?, ?)", entries)
            for table, columns in SIDE_TABLES.items():
                marks = ", ".join("?" * (1 + len(columns)))
                rows = [(num, *row) for num, pending in numbered for row in pending[4].rows.get(table, ())]
                db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        if forget is not None:
            seen, folders = forget
            gone = [path for path in self.known() if path not in seen]
            if folders is not None:
                gone = [path for path in gone if any(path.startswith(f) for f in folders)]
            self._delete([db.execute("SELECT num FROM files WHERE path = ?", (key_of(p),)).fetchone() for p in gone])
        db.execute("COMMIT")

    def _delete(self, nums: list[tuple[int] | None]) -> None:
        rows = [row for row in nums if row]
        for table in ("files", "entries", *SIDE_TABLES):
            self.db.executemany(f"DELETE FROM {table} WHERE num = ?", rows)

    def _file_rows(
        self, numbered: list[tuple[int, tuple[bytes, str, str, bytes, Digest]]]
    ) -> Iterable[tuple[object, ...]]:
        for num, (key, ident, shown, _, digest) in numbered:
            errors = sum(1 for p in digest.problems if p.severity == Severity.ERROR)
            yield (num, key, ident, shown, problems_text(digest.problems), errors, *digest.columns)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()


_BATCH = 2000  # files written per transaction while a long read goes on (bounded memory)


def enabled() -> bool:
    """INCIDENTS_NO_INDEX=1 keeps the index in memory only: every file is read every time (for
    benchmarks, or to rule the index out)."""
    return not os.environ.get("INCIDENTS_NO_INDEX")
