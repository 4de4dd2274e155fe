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
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from .errors import DataError, NotFoundError, Problem, RecordProblems, UsageError
from .model import ID_PATTERN, Incident, Sides, claim_to_data, incident_from_data, incident_to_data, sides_from_data
from .places import Gazetteer, places_from_data
from .yamlio import LineList, LineMap, YamlSyntaxError, dump_yaml, read_yaml

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: claims are then not serialised across processes
    fcntl = None  # type: ignore[assignment]

MAX_RECORD_BYTES = 256 * 1024
SIDES_FILE = "sides.yaml"
PLACES_FILE = "places.yaml"
ENV_VAR = "INCIDENTS_RECORDS"


@dataclass(frozen=True)
class Record:
    """An incident together with the file it was read from."""

    incident: Incident
    path: Path
    shown: str = ""  # the path as messages show it
    data: object = field(default=None, compare=False, repr=False)  # as read, with line numbers


@dataclass
class Loaded:
    """Everything read from a records directory: the good records and the problems."""

    root: Path
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    # Files that are YAML but not valid records, with their data: `check` still looks at what it
    # can (the sides they name), so that one run reports every problem, not one layer at a time.
    invalid: list[tuple[str, object]] = field(default_factory=list)

    def get(self, incident_id: str) -> Record:
        for record in self.records:
            if record.incident.id == incident_id:
                return record
        raise NotFoundError(f"no incident with id {incident_id!r} in {self.root}")


def find_records_dir(option: str | None, cwd: Path | None = None) -> Path:
    """`--records`, else $INCIDENTS_RECORDS, else the nearest `records/` upwards from here."""
    given = option or os.environ.get(ENV_VAR)
    if given:
        path = Path(given).expanduser()
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


def require_existing(root: Path) -> None:
    if not root.is_dir():
        raise NotFoundError(f"records directory {root} does not exist; create it or add an incident to start one")


def record_files(root: Path) -> list[Path]:
    """Every `*.yaml` below root except the directory's own settings files and hidden folders."""
    return _walk(root)[0]


def _walk(root: Path, years: Iterable[int] | None = None) -> tuple[list[Path], list[Path]]:
    """One walk of the records directory: the record files, and the `*.yml` files beside them
    (records saved under the other common ending, which would otherwise be left out unseen)."""
    settings = {root / SIDES_FILE, root / PLACES_FILE}
    tops = [root] if years is None else [root / str(year) for year in sorted(set(years))]
    records, strays = [], []
    for top in tops:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if name.startswith(".") or path in settings:
                    continue
                if name.endswith(".yaml"):
                    records.append(path)
                elif name.endswith(".yml"):
                    strays.append(path)
    return records, strays


def read_data(path: Path, display: str) -> tuple[object, list[Problem]]:
    """A file's plain data, or the problems that keep it from being read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, "", f"cannot read: {exc.strerror or exc}")]
    return parse_data(raw, display)


def parse_data(raw: bytes, display: str) -> tuple[object, list[Problem]]:
    """Bytes to plain data, with the size, encoding and YAML checks that protect the parser."""
    if len(raw) > MAX_RECORD_BYTES:
        return None, [
            Problem(display, 0, "", f"file is {len(raw):,} bytes; a record may be at most {MAX_RECORD_BYTES:,}")
        ]
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
        return None, [Problem(display, exc.line, "", f"YAML: {exc}")]


Change = Callable[[Incident], Incident]


class Store:
    """One records directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cwd = Path.cwd()  # asked once: load() shows the path of every file it reads

    def display(self, path: Path) -> str:
        """Paths in messages relative to the current directory when below it, as a person would type them."""
        with contextlib.suppress(ValueError):
            return str(path.relative_to(self._cwd))
        return str(path)

    def load(self, years: Iterable[int] | None = None) -> Loaded:
        """Every record (or only those in the given years' folders), and every problem found."""
        require_existing(self.root)
        loaded = Loaded(self.root)
        paths, strays = _walk(self.root, years)
        for path in strays:
            loaded.problems.append(
                Problem(self.display(path), 0, "", "record files end in .yaml: rename this file, or it is not read")
            )
        for path in paths:
            loaded.files += 1
            display = self.display(path)
            data, problems = read_data(path, display)
            incident = None
            if not problems:
                incident, problems = incident_from_data(data, display)
            loaded.problems += problems
            if incident is not None:
                loaded.records.append(Record(incident, path, display, data))
            elif data is not None:
                loaded.invalid.append((display, data))
        return loaded

    def sides(self) -> tuple[Sides, list[Problem]]:
        """The built-in sides, extended or replaced by the records directory's sides.yaml."""
        builtin_text = resources.files("incidents").joinpath("data/sides.yaml").read_text("utf-8")
        builtin, problems = sides_from_data(read_yaml(builtin_text), "incidents/data/sides.yaml")
        path = self.root / SIDES_FILE
        if not path.is_file():
            return builtin, problems
        data, problems = read_data(path, self.display(path))
        if problems:
            return builtin, problems
        local, problems = sides_from_data(data, self.display(path))
        replace_all = isinstance(data, dict) and data.get("replace_defaults") is True
        merged = {s.id: s for s in ([] if replace_all else builtin.sides)}
        merged.update({s.id: s for s in local.sides})
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

    def create(self, incident: Incident) -> tuple[Incident, Path]:
        """Write a new record under a free id (`-2`, `-3`… appended if taken); never overwrite."""
        for attempt in range(1, 1000):
            candidate = incident if attempt == 1 else replace(incident, id=f"{incident.id}-{attempt}")
            path = self.path_for(candidate.id)
            path.parent.mkdir(parents=True, exist_ok=True)
            if _write_exclusive(path, render_record(candidate)):
                return candidate, path
        raise DataError(f"could not find a free id for {incident.id}")

    def existing(self, incident_id: str) -> Path:
        """The file of a recorded incident, or an error that says why there is none."""
        if not ID_PATTERN.match(incident_id):
            raise UsageError(f"{incident_id!r} is not a usable incident id: an id looks like 2023-09-01-sotk")
        require_existing(self.root)
        path = self.path_for(incident_id)
        if not path.is_file():
            raise NotFoundError(f"no incident with id {incident_id!r} in {self.root} (looked for {self.display(path)})")
        return path

    def update(self, incident_id: str, change: Change, reformat: bool = False) -> tuple[Incident, Path, bool]:
        """Re-read a record under a lock, apply `change`, and replace it atomically.

        A hand-edited file keeps its comments and layout where the change only adds a claim and
        the claim can be appended to the file's own text. Otherwise the file is rewritten in
        canonical form, which would drop its comments: that is refused unless `reformat`.
        Returns the new incident, its path, and whether the file was rewritten whole."""
        path = self.existing(incident_id)
        with _locked(path.parent):
            raw = path.read_bytes()  # one read: the text as it is (CRLF too) and its data
            data, problems = parse_data(raw, self.display(path))
            current, problems = incident_from_data(data, self.display(path)) if not problems else (None, problems)
            if current is None:
                raise RecordProblems(problems)
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
            _replace(path, new_text)
        return updated, path, reformatted


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
    if path and path.is_file():
        data, read_problems = read_data(path, display(path))
        local, local_problems = places_from_data(data, display(path)) if not read_problems else ([], [])
        merged = {p.id: p for p in places}
        merged.update({p.id: p for p in local})
        places = list(merged.values())
        # A local place may sit within a built-in one: containment is checked on the merged list.
        known = {p.id for p in places}
        problems += read_problems + [p for p in local_problems if "unknown place id" not in p.message]
        problems += [
            Problem(display(path), 0, f"{place.id}.within", f"unknown place id {parent!r}")
            for place in local
            for parent in place.within
            if parent not in known
        ]
    return Gazetteer(places), problems


def render_record(incident: Incident) -> str:
    """The canonical text of a record, checked to read back as the same incident before it is
    written, so the store can never write a file it would refuse to load."""
    text = dump_yaml(incident_to_data(incident))
    again, problems = incident_from_data(read_yaml(text), f"{incident.id}.yaml")
    if problems or again != incident:
        raise RecordProblems(problems or [Problem(f"{incident.id}.yaml", 0, "", "would not read back unchanged")])
    return text


def _default_mode() -> int:
    """The mode an ordinary new file gets here (0o644 under the usual umask of 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _temp_file(directory: Path, text: str, mode: int | None = None) -> str:
    """A temporary file beside the target, with the target's mode: mkstemp's own 0o600 would make
    a record unreadable to the others who share the records directory."""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".incident-", suffix=".tmp")
    try:
        os.fchmod(fd, _default_mode() if mode is None else mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
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


def _write_exclusive(path: Path, text: str) -> bool:
    """Create path with text atomically; False if it already exists."""
    tmp = _temp_file(path.parent, text)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
    _fsync_dir(path.parent)
    return True


def _replace(path: Path, text: str) -> None:
    tmp = _temp_file(path.parent, text, stat.S_IMODE(path.stat().st_mode))
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialise read-modify-write of records in one folder across processes."""
    if fcntl is None:
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
