"""The loader against files and folders that are not what a record should be.

Every bad thing in a records directory must come back as one problem, on one `path:line:` line,
while the good records are still served: never a traceback, a hang, or a record left out unseen.
Whatever could hang or exhaust memory on a regression (a named pipe, /dev/zero) is read in a
subprocess with a timeout and a memory limit, so that a regression fails instead of stopping
the suite or the machine.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from incidents import yamlio
from incidents.errors import DataError, RecordProblems
from incidents.store import MAX_RECORD_BYTES, Store
from incidents.yamlio import MAX_NUMBER_DIGITS, YamlSyntaxError, read_yaml

from .conftest import REPO, incident, snapshot

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero are POSIX")
WHERE = re.compile(r"^[^\n]+:[1-9][0-9]*: [^\n]+$")  # what editors and hooks parse: path:line: ...

# Run in a subprocess: load the records directory argv[1] (shown relative to it), with the
# folders named after it failing to list as a folder without permission does, and print what
# was loaded as JSON.
LOAD_SCRIPT = """
import json, os, sys
from pathlib import Path
unreadable = set(sys.argv[2:])
real_scandir = os.scandir
def scandir(path="."):
    if os.fspath(path) in unreadable:
        raise PermissionError(13, "Permission denied", os.fspath(path))
    return real_scandir(path)
os.scandir = scandir
from incidents.store import Store
loaded = Store(Path(sys.argv[1])).load()
print(json.dumps({
    "records": [r.incident.id for r in loaded.records],
    "files": loaded.files,
    "problems": [[p.path, p.line, p.field, p.message, str(p)] for p in loaded.problems],
}))
"""


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _guarded(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run Python from this checkout, stopped after 20 s and at 1 GiB of memory."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("INCIDENTS_RECORDS", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        preexec_fn=_limit_memory,  # the child sets its own memory limit before Python starts
        check=False,
    )


def load_guarded(root: Path, unreadable: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Store(root).load() in a subprocess, as JSON; the test fails on a hang or a crash."""
    done = _guarded(["-c", LOAD_SCRIPT, str(root), *map(str, unreadable)], cwd=root)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def cli_guarded(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _guarded(["-m", "incidents", "--records", str(root), *args], cwd=root)


def one_per_file(problems: list[list[Any]]) -> dict[str, list[Any]]:
    """The problems by file name, checking that each file has exactly one, on a line of its own."""
    names = Counter(Path(path).name for path, *_ in problems)
    assert all(count == 1 for count in names.values()), names
    for *_, shown in problems:
        assert WHERE.match(shown), shown
    return {Path(p[0]).name: p for p in problems}


@pytest.fixture
def sotk(make_records: Any) -> Any:
    """The fixture incident as the store reads it (the Incident type, whichever module makes it)."""
    return Store(make_records(incident())).load().get("2023-09-01-sotk").incident


# --- 1. a number too long for int() ---------------------------------------------------------


def test_a_number_too_long_to_convert_is_refused_at_its_line_naming_the_file(make_records, cli):
    text = "id: 2023-09-02-x\ntitle: x\ndate: 2023-09-02\nviolations: " + "1" * 5000 + "\n"
    root = make_records(incident(), raw={"2023/2023-09-02-x.yaml": text})
    loaded = Store(root).load()
    assert [r.incident.id for r in loaded.records] == ["2023-09-01-sotk"]
    [problem] = loaded.problems
    assert Path(problem.path).name == "2023-09-02-x.yaml" and problem.line == 4
    assert "a number of 5,000 digits is too long" in problem.message
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "2023-09-02-x.yaml:4: YAML: a number of 5,000 digits is too long" in result.stdout


def test_int_is_never_called_on_a_too_long_number(monkeypatch):
    seen: list[int] = []

    def spy(value: str) -> int:
        seen.append(len(value))
        return int(value)

    monkeypatch.setattr(yamlio, "int", spy, raising=False)  # found before the builtin
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml("a: 1\nb:\n  - -" + "7" * (MAX_NUMBER_DIGITS + 1) + "\n")
    assert caught.value.line == 3 and seen == [1]
    assert read_yaml("a: " + "7" * MAX_NUMBER_DIGITS)["a"] == int("7" * MAX_NUMBER_DIGITS)
    assert read_yaml("a: '" + "7" * 5000 + "'")["a"] == "7" * 5000  # quoted: text, as before


def test_a_too_long_decimal_is_refused_too():
    with pytest.raises(YamlSyntaxError, match="too long") as caught:
        read_yaml("a: 1\nb: 0." + "1" * 5000 + "\n")
    assert caught.value.line == 2


# --- 2. pipes, devices and files too large: never read ----------------------------------------


@POSIX
def test_a_named_pipe_is_a_problem_and_never_blocks(make_records):
    root = make_records(incident())
    os.mkfifo(root / "2023" / "2023-09-02-pipe.yaml")
    loaded = load_guarded(root)
    assert loaded["records"] == ["2023-09-01-sotk"]
    problem = one_per_file(loaded["problems"])["2023-09-02-pipe.yaml"]
    assert problem[1] == 1 and "not a regular file" in problem[3]
    result = cli_guarded(root, "check")
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "2023/2023-09-02-pipe.yaml:1: not a regular file" in result.stdout
    listing = cli_guarded(root, "list")  # a reading command serves the good record and says why not all
    assert "2023-09-01-sotk" in listing.stdout and "2023-09-02-pipe.yaml:1:" in listing.stderr


@POSIX
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_an_endless_device_is_a_problem_and_never_read(make_records, device):
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    root = make_records(incident())
    (root / "2023" / "2023-09-02-zero.yaml").symlink_to(device)
    loaded = load_guarded(root)
    assert loaded["records"] == ["2023-09-01-sotk"]
    problem = one_per_file(loaded["problems"])["2023-09-02-zero.yaml"]
    assert problem[1] == 1
    result = cli_guarded(root, "check")
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "2023/2023-09-02-zero.yaml:1: " in result.stdout


@POSIX
def test_a_pipe_swapped_in_after_the_type_check_is_opened_without_blocking(make_records, monkeypatch):
    # The second guard: os.stat is made to call the pipe a small regular file, as if it had been
    # swapped in between the look and the open. The open must not wait for a writer.
    import signal

    root = make_records(incident())
    pipe = root / "2023" / "2023-09-02-pipe.yaml"
    os.mkfifo(pipe)
    real_stat = os.stat

    def lying_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if Path(path) == pipe:
            return os.stat_result((stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, 10, 0, 0, 0))
        return real_stat(path, *args, **kwargs)

    class Hung(Exception):  # not TimeoutError: that is an OSError, which the loader reports as one
        pass

    def hung(signum: int, frame: object) -> None:
        raise Hung("the loader blocked on a named pipe")

    monkeypatch.setattr(os, "stat", lying_stat)
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        loaded = Store(root).load()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [r.incident.id for r in loaded.records] == ["2023-09-01-sotk"]
    [problem] = loaded.problems
    assert problem.path.endswith("2023-09-02-pipe.yaml") and problem.line == 1
    assert "not a regular file" in problem.message


def test_a_file_over_the_limit_is_refused_without_reading_it(make_records, monkeypatch):
    root = make_records(incident())
    big = root / "2023" / "2023-09-02-big.yaml"
    with big.open("wb") as handle:
        handle.truncate(100 * MAX_RECORD_BYTES)  # sparse: 25 MB that take no space
    real_open = os.open

    def no_reading(path: Any, *args: Any, **kwargs: Any) -> int:
        assert Path(path) != big, "the file was opened to be read"
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_reading)
    loaded = Store(root).load()
    assert [r.incident.id for r in loaded.records] == ["2023-09-01-sotk"]
    [problem] = loaded.problems
    assert problem.path.endswith("2023-09-02-big.yaml") and problem.line == 1
    assert f"{100 * MAX_RECORD_BYTES:,} bytes" in problem.message


def test_a_file_that_grows_past_the_limit_after_the_look_is_still_caught(make_records, monkeypatch):
    root = make_records(incident())
    big = root / "2023" / "2023-09-02-big.yaml"
    big.write_bytes(b"# " + b"x" * (2 * MAX_RECORD_BYTES))
    real_stat = os.stat

    def small_then(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)
        if Path(path) == big:  # as it was a moment before it grew
            return os.stat_result((info.st_mode, 0, 0, 1, 0, 0, 10, 0, 0, 0))
        return info

    monkeypatch.setattr(os, "stat", small_then)
    loaded = Store(root).load()
    [problem] = loaded.problems
    assert problem.path.endswith("2023-09-02-big.yaml") and problem.line == 1
    assert f"more than {MAX_RECORD_BYTES:,} bytes" in problem.message


@POSIX
def test_claim_on_a_pipe_or_an_oversized_file_is_refused_before_anything_is_read(make_records):
    root = make_records(incident())
    os.mkfifo(root / "2023" / "2023-09-02-pipe.yaml")
    with (root / "2023" / "2023-09-03-big.yaml").open("wb") as handle:
        handle.truncate(2 * MAX_RECORD_BYTES)
    store = Store(root)
    for incident_id, words in (("2023-09-02-pipe", "not a regular file"), ("2023-09-03-big", "bytes")):
        with pytest.raises(RecordProblems) as caught:
            store.existing(incident_id)
        [problem] = caught.value.problems
        assert problem.path.endswith(f"{incident_id}.yaml") and problem.line == 1 and words in problem.message


# --- 3. links to files ------------------------------------------------------------------------


def test_a_link_to_a_record_outside_the_directory_is_not_followed(make_records, tmp_path):
    root = make_records(incident())
    outside = tmp_path / "elsewhere" / "2023-09-02-out.yaml"
    outside.parent.mkdir()
    outside.write_text("id: 2023-09-02-out\ntitle: Out\ndate: 2023-09-02\n", encoding="utf-8")
    (root / "2023" / "2023-09-02-out.yaml").symlink_to(outside)
    loaded = Store(root).load()
    assert [r.incident.id for r in loaded.records] == ["2023-09-01-sotk"]
    [problem] = loaded.problems
    assert problem.path.endswith("2023-09-02-out.yaml") and problem.line == 1
    assert "outside the records directory" in problem.message


def test_a_link_to_a_record_inside_the_directory_is_refused_and_claim_leaves_it(make_records):
    # Chosen: refused too (Store.load and link_problem say why: read twice, and `claim` would
    # replace the link and leave the record it points to unchanged).
    root = make_records(incident())
    link = root / "2023" / "2023-09-02-copy.yaml"
    link.symlink_to("2023-09-01-sotk.yaml")
    store = Store(root)
    loaded = store.load()
    assert [r.incident.id for r in loaded.records] == ["2023-09-01-sotk"]  # once, from the file itself
    [problem] = loaded.problems
    assert problem.path.endswith("2023-09-02-copy.yaml") and problem.line == 1
    assert "link" in problem.message
    before = snapshot(root)
    with pytest.raises(RecordProblems):
        store.update("2023-09-02-copy", lambda i: i)
    assert snapshot(root) == before and link.is_symlink()


# --- 4. folders left out ----------------------------------------------------------------------


def test_an_unreadable_year_folder_is_reported_not_skipped(make_records, monkeypatch, cli):
    root = make_records(incident(), incident(id="2022-05-05-a", date="2022-05-05"))
    unreadable = root / "2022"
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == unreadable:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    loaded = Store(root).load()
    assert [r.incident.id for r in loaded.records] == ["2023-09-01-sotk"]
    [problem] = loaded.problems
    assert Path(problem.path) == unreadable and problem.line == 1
    assert problem.message.startswith("cannot read this folder: ")
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1 and "OK" not in result.stdout
    assert f"{root / '2022'}:1: cannot read this folder" in result.stdout


def test_a_linked_year_folder_is_reported_not_skipped(make_records, tmp_path, cli):
    root = make_records(incident())
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "x").mkdir(parents=True)
    (root / "2023" / "2023-09-01-sotk.yaml").rename(elsewhere / "2023-09-01-sotk.yaml")
    (root / "2023" / "sub").symlink_to(elsewhere / "x", target_is_directory=True)  # a link below a year too
    (root / "2024").symlink_to(elsewhere, target_is_directory=True)
    store = Store(root)
    for loaded in (store.load(), store.load(years=[2024, 2023])):
        assert loaded.records == []
        shown = {Path(p.path).name: p for p in loaded.problems}
        assert set(shown) == {"2024", "sub"}
        assert all(p.line == 1 and "is a link to a folder" in p.message for p in shown.values())
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1 and "OK" not in result.stdout


# --- 5. every problem has a line --------------------------------------------------------------


def test_whole_file_problems_are_on_line_1(make_records):
    root = make_records(
        incident(),
        raw={"2023/2023-09-02-x.yml": "id: 2023-09-02-x\n", "2023/big.yaml": "# " + "x" * MAX_RECORD_BYTES},
    )
    loaded = Store(root).load()
    assert {(Path(p.path).name, p.line) for p in loaded.problems} == {("2023-09-02-x.yml", 1), ("big.yaml", 1)}
    assert all(WHERE.match(str(p)) for p in loaded.problems)


# --- 6. file names that would forge a line ----------------------------------------------------


def test_control_characters_in_a_file_name_are_escaped_so_a_problem_stays_on_one_line(make_records, cli):
    forged = "a\n2023-09-01-sotk.yaml:1: id: forged\x1b[2J.yaml"
    root = make_records(incident(), raw={f"2023/{forged}": "id: [\n"})
    loaded = Store(root).load()
    [problem] = loaded.problems
    assert "\n" not in str(problem) and "\x1b" not in str(problem)
    assert problem.path.endswith("a\\n2023-09-01-sotk.yaml:1: id: forged\\x1b[2J.yaml")
    out = cli("--records", str(root), "check").stdout
    problem_lines = [line for line in out.splitlines() if "forged" in line]
    assert len(problem_lines) == 1 and WHERE.match(problem_lines[0])
    assert not any(line.startswith("2023-09-01-sotk.yaml") for line in out.splitlines())


@POSIX
def test_a_file_name_that_is_not_utf8_is_shown_escaped(make_records, cli):
    root = make_records(incident())
    with open(os.path.join(os.fsencode(root / "2023"), b"bad\xff.yaml"), "wb") as handle:
        handle.write(b"id: [\n")
    [problem] = Store(root).load().problems
    assert problem.path.endswith("bad\\udcff.yaml") and problem.line >= 1
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1 and f"bad\\udcff.yaml:{problem.line}: " in result.stdout


# --- 7. writes over the limit -----------------------------------------------------------------


def test_create_refuses_a_record_over_the_limit_and_writes_nothing(tmp_path, sotk):
    root = tmp_path / "fresh"
    root.mkdir()
    store = Store(root)
    with pytest.raises(DataError) as caught:
        store.create(replace(sotk, notes="x" * MAX_RECORD_BYTES))
    assert "2023-09-01-sotk.yaml" in str(caught.value) and f"{MAX_RECORD_BYTES:,}" in str(caught.value)
    assert not list(root.iterdir())  # not even the year's folder


def test_update_refuses_a_record_over_the_limit_and_changes_nothing(tmp_path, sotk):
    store = Store(tmp_path / "fresh")
    created, path = store.create(replace(sotk, notes="x" * (MAX_RECORD_BYTES - 2000)))
    before = snapshot(store.root)
    with pytest.raises(DataError) as caught:
        store.update(created.id, lambda i: replace(i, notes="x" * (MAX_RECORD_BYTES + 10)), reformat=True)
    assert store.display(path) in str(caught.value) and f"{MAX_RECORD_BYTES:,}" in str(caught.value)
    assert snapshot(store.root) == before
    assert not list(store.root.rglob(".incident-*"))
    assert [r.incident for r in store.load().records] == [created]


# --- all at once ------------------------------------------------------------------------------


@POSIX
def test_one_good_record_is_served_beside_every_kind_of_bad_file(make_records, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: 2023-09-09-o\ntitle: O\ndate: 2023-09-09\n", encoding="utf-8")
    root = make_records(
        incident(),
        raw={
            "2023/stray.yml": "id: 2023-09-09-s\n",
            "2023/big.yaml": "# " + "x" * MAX_RECORD_BYTES,
            "2023/huge-number.yaml": "id: 2023-09-09-n\nviolations: " + "1" * 5000 + "\n",
            "2023/bad-yaml.yaml": "id: [\n",
            "2023/name\nwith-newline.yaml": "id: [\n",
            "2022/2022-01-01-hidden.yaml": "id: 2022-01-01-hidden\ntitle: H\ndate: 2022-01-01\n",
        },
    )
    year = root / "2023"
    (year / "latin1.yaml").write_bytes("title: Da\xfe".encode("latin-1"))
    os.mkfifo(year / "pipe.yaml")
    (year / "zero.yaml").symlink_to("/dev/zero")
    (year / "outside.yaml").symlink_to(outside)
    (year / "inside.yaml").symlink_to("2023-09-01-sotk.yaml")
    (year / "dangling.yaml").symlink_to("nothing-here.yaml")
    (root / "2021").symlink_to(year, target_is_directory=True)
    loaded = load_guarded(root, unreadable=(root / "2022",))
    assert loaded["records"] == ["2023-09-01-sotk"]
    by_name = one_per_file(loaded["problems"])
    assert set(by_name) == {
        "2021",
        "2022",
        "stray.yml",
        "big.yaml",
        "huge-number.yaml",
        "bad-yaml.yaml",
        "name\\nwith-newline.yaml",
        "latin1.yaml",
        "pipe.yaml",
        "zero.yaml",
        "outside.yaml",
        "inside.yaml",
        "dangling.yaml",
    }
    assert by_name["huge-number.yaml"][1] == 2
    assert all(problem[1] >= 1 for problem in loaded["problems"])
