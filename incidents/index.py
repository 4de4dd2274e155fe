"""The index: what reading each record file gave last time, so unchanged files are not read again.

The files stay the only truth. Every command still lists and stats every file; a file whose
identity (size, mtime_ns, inode) and shown path are what the index holds is taken from it, any
other is read, validated and put back. The index is thrown away whole when the format's code,
the package version or the directory's sides.yaml change (a fingerprint of them), and ignored
whenever it cannot be read: a deleted, truncated, corrupt, stale or foreign index gives the
same answers as none, only slower. It lives in `.incidents/` inside the records directory,
which holds a .gitignore of `*` so git never sees it, or in the user's cache directory when the
records directory cannot be written.

Entries are pickles of the typed records, each signed with an HMAC whose key lives in the
user's cache directory, never in the records directory: an index file that came with a shared
repository (or was tampered with) is not signed by this user's key, and is never unpickled.
Beside each entry it keeps the incident's first and last day, signed with the file's identity,
so that `add` can pass over the files outside the days it looks at without unpickling them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import sqlite3
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from .errors import Problem
from .model import Incident

INDEX_FOLDER = ".incidents"
_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_FILES = (  # first, last: the incident's days (NULL: no incident); days_signature: over them and identity
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, identity TEXT NOT NULL,"
    " first TEXT, last TEXT, days_signature TEXT, entry BLOB NOT NULL)"
)
Known = tuple[str, str | None, str | None, str | None]  # identity, first, last, days_signature
_FORMAT_MODULES = ("errors", "fields", "index", "model", "places", "spec", "store", "text", "yamlio")
Entry = tuple[Incident | None, list[Problem]]
Days = tuple[date, date]


def cache_home() -> Path:
    """$XDG_CACHE_HOME/incidents, else ~/.cache/incidents."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "incidents"


def _secret() -> bytes:
    """This user's key for signing index entries (made once, readable by the user alone)."""
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


def fingerprint(root: Path, settings: Iterable[Path]) -> str:
    """What the entries depend on besides their own file: the code that reads a record, the
    package version, the Python version (pickles), and the directory's settings files."""
    digest = hashlib.sha256(sys.version.encode())
    here = Path(__file__).resolve().parent
    for name in _FORMAT_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    for path in settings:
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _key(relative: str) -> bytes:
    """A file's path as bytes: a name that is not UTF-8 (kept by Python as surrogates) is kept too."""
    return relative.encode("utf-8", "surrogateescape")


def _identity(stat: os.stat_result, shown: str) -> str:
    """A file's identity, and the path its problems were shown under (they name it)."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{shown}"


def pack(entry: Entry) -> bytes:
    """An entry as the index keeps it. Worker processes send entries packed, so the process
    that keeps them unpickles each once and never pickles it again."""
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(packed: bytes) -> Entry:
    incident, problems = pickle.loads(packed)
    return incident, problems


class Index:
    """One records directory's index; every method fails soft (the files are read instead)."""

    def __init__(self, root: Path, fingerprint: str) -> None:
        self.root = root
        self._fingerprint = fingerprint
        self._db: sqlite3.Connection | None = None
        self._key = b""
        self._pending: list[tuple[bytes, str, str | None, str | None, str | None, bytes]] = []
        self._seen: set[bytes] = set()
        self._identities: dict[bytes, Known] | None = None
        with contextlib.suppress(OSError, sqlite3.Error):
            self._key = _secret()
            self._db = self._open(self.location())

    def location(self) -> Path:
        """`.incidents/index.sqlite` in the records directory, or the user's cache directory
        when the records directory cannot be written."""
        folder = self.root / INDEX_FOLDER
        try:
            folder.mkdir(exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# The index of `incidents`: rebuilt from the records, never committed.\n*\n")
            if os.access(folder, os.W_OK):
                return folder / "index.sqlite"
        except OSError:
            pass
        name = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:24]
        (cache_home() / "indexes").mkdir(parents=True, exist_ok=True)
        return cache_home() / "indexes" / f"{name}.sqlite"

    def _open(self, path: Path) -> sqlite3.Connection | None:
        try:
            db = self._connect(path)
        except sqlite3.DatabaseError:  # not a database (truncated, overwritten): start again
            path.unlink(missing_ok=True)
            db = self._connect(path)
        return db

    def _connect(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(_META)
        db.execute(_FILES)
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if row is None or row[0] != self._fingerprint:  # another version, format or sides.yaml
            db.execute("BEGIN IMMEDIATE")
            db.execute("DROP TABLE files")  # its columns may be another version's too
            db.execute(_FILES)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self._fingerprint,))
            db.execute("COMMIT")
        return db

    def preload(self, folders: Iterable[str] | None = None) -> None:
        """Read the identity and days of every file (or of those in `folders`) in one query:
        for a command about to ask about many files; not for `show ID`, which asks about one."""
        self._known(folders)

    def _known(self, folders: Iterable[str] | None = None) -> dict[bytes, Known]:
        """The files the index holds: their identity and their incident's days (read once,
        without the entries, so that a file outside the days asked for is never unpickled)."""
        if self._identities is None:
            self._identities = {}
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._identities = {row[0]: row[1:] for row in self._identity_rows(folders)}
        return self._identities

    def _identity_rows(
        self, folders: Iterable[str] | None
    ) -> list[tuple[bytes, str, str | None, str | None, str | None]]:
        assert self._db is not None
        query = "SELECT path, identity, first, last, days_signature FROM files"
        if folders is None:
            return self._db.execute(query).fetchall()
        within = f"{query} WHERE path >= ? AND path < ?"  # a folder's paths sort between "F/" and "F0"
        return [row for f in folders for row in self._db.execute(within, (_key(f"{f}/"), _key(f"{f}0")))]

    def outside(self, relative: str, stat: os.stat_result, shown: str, days: Days) -> bool:
        """Whether the file is unchanged and its incident, as the index knows it, has no day
        in `days` (first, last): then it need not be read, nor taken from the index."""
        key = _key(relative)
        self._seen.add(key)
        identity = _identity(stat, shown)
        known = self._known().get(key)
        if known is None or known[0] != identity:
            return False
        _, first, last, signature = known
        if first is None or last is None or signature is None:
            return False  # no incident: the file is read, so its problems are never hidden
        if not hmac.compare_digest(signature, self._sign_days(identity, first, last)):
            return False  # not written by this user: read the file
        return last < days[0].isoformat() or days[1].isoformat() < first

    def _sign_days(self, identity: str, first: str, last: str) -> str:
        return hmac.new(self._key, f"{identity}\0{first}\0{last}".encode(), "sha256").hexdigest()

    def get(self, relative: str, stat: os.stat_result, shown: str) -> Entry | None:
        """What reading the file gave, if it is unchanged and was shown under the same path."""
        key = _key(relative)
        self._seen.add(key)
        identity = _identity(stat, shown)
        known = self._identities.get(key) if self._identities is not None else None
        if self._db is None or (self._identities is not None and (known is None or known[0] != identity)):
            return None  # with every identity read (preload), a changed file costs no query
        try:
            row = self._db.execute("SELECT identity, entry FROM files WHERE path = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] != identity:
            return None
        blob: bytes = row[1]
        signature, body = blob[:32], blob[32:]
        if not hmac.compare_digest(signature, hmac.new(self._key, body, "sha256").digest()):
            return None  # not signed by this user's key: never unpickled
        try:
            return unpack(body)
        except Exception:
            return None

    def put(self, relative: str, stat: os.stat_result, shown: str, packed: bytes, days: Days | None) -> None:
        """Keep what reading the file gave, as pack() made it (in whichever process read it),
        with its incident's days (None when it has no incident)."""
        if self._db is None:
            return
        signature = hmac.new(self._key, packed, "sha256").digest()
        identity = _identity(stat, shown)
        first = last = signed = None
        if days:
            first, last = days[0].isoformat(), days[1].isoformat()
            signed = self._sign_days(identity, first, last)
        self._pending.append((_key(relative), identity, first, last, signed, signature + packed))

    def save(self, complete: bool) -> None:
        """Write what was read; with `complete` (every file was listed), forget the files that
        are gone. Another command writing at the same moment only delays this, or skips it."""
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", self._pending)
            if complete:
                known = [row[0] for row in self._db.execute("SELECT path FROM files")]
                gone = [(path,) for path in known if path not in self._seen]
                self._db.executemany("DELETE FROM files WHERE path = ?", gone)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
        finally:
            self._pending.clear()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def enabled() -> bool:
    """INCIDENTS_NO_INDEX=1 reads every file every time (for benchmarks, or to rule it out)."""
    return not os.environ.get("INCIDENTS_NO_INDEX")
