"""The index: unchanged files are not read again, and no index (missing, stale, corrupt, foreign,
tampered) ever gives other answers than the files."""

import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest

from incidents import store as store_module
from incidents.store import Store

from .conftest import claim, incident


def answers(root: Path) -> tuple[list[object], list[str]]:
    loaded = Store(root).load()
    return [r.incident for r in loaded.records], sorted(str(p) for p in loaded.problems)


@pytest.fixture
def reads(monkeypatch):
    """How many record files were read from disk (not taken from the index)."""
    counted = []
    real = store_module.read_data

    def counting(path, *args, **kwargs):
        counted.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(store_module, "read_data", counting)
    return counted


BAD = "id: 2023-09-03-bad\ntitle: t\ndate: '2023-09-03'\nclaims:\n- side: turkey\n  source: {title: x}\n"


@pytest.fixture
def root(make_records):
    return make_records(
        incident(), incident(id="2023-09-02-kut", date="2023-09-02"), raw={"2023/2023-09-03-bad.yaml": BAD}
    )


def test_a_second_load_reads_no_unchanged_file_and_gives_the_same_answers(root, reads):
    cold = answers(root)
    assert len(reads) == 3
    reads.clear()
    assert answers(root) == cold and reads == []
    assert (root / ".incidents" / ".gitignore").read_text().splitlines()[-1] == "*"  # git never sees it


def test_a_changed_or_deleted_file_is_read_again_or_forgotten(root, reads):
    answers(root)
    reads.clear()
    path = root / "2023" / "2023-09-02-kut.yaml"
    path.write_text(path.read_text().replace("title: Exchange of fire near Sotk", "title: Changed"))
    records, _ = answers(root)
    assert reads == ["2023-09-02-kut.yaml"] and any(i.title == "Changed" for i in records)
    path.unlink()
    records, _ = answers(root)
    assert "2023-09-02-kut" not in [i.id for i in records] and len(records) == 2


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 500])
def test_a_corrupt_or_truncated_index_gives_the_same_answers(root, damage):
    cold = answers(root)
    (root / ".incidents" / "index.sqlite").write_bytes(damage)
    assert answers(root) == cold
    assert answers(root) == cold


def test_a_changed_sides_file_throws_the_entries_away(root, reads):
    _, problems = answers(root)
    assert any("unknown side 'turkey'" in p for p in problems)
    (root / "sides.yaml").write_text("sides:\n  turkey: {name: Turkey, type: state}\n")
    reads.clear()
    _, problems = answers(root)
    assert len([r for r in reads if r != "sides.yaml"]) == 3 and not any("unknown side" in p for p in problems)


def test_an_entry_not_signed_by_this_users_key_is_never_unpickled(root, reads, monkeypatch, tmp_path):
    cold = answers(root)
    db = sqlite3.connect(root / ".incidents" / "index.sqlite")
    db.execute("UPDATE entries SET entry = zeroblob(64) || entry")  # what a crafted or foreign index holds
    db.commit()
    db.close()
    reads.clear()
    assert answers(root) == cold and len(reads) == 3
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))  # another user's key
    reads.clear()
    assert answers(root) == cold and len(reads) == 3


def test_a_directory_that_cannot_be_written_keeps_its_index_in_the_users_cache(root, monkeypatch, tmp_path):
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path).name == ".incidents" else real(path, mode))
    cold = answers(root)
    assert list((tmp_path.parent / "cache").rglob("*.sqlite")) or list(
        Path(os.environ["XDG_CACHE_HOME"]).rglob("*.sqlite")
    )
    assert answers(root) == cold


def test_no_index_when_asked(root, monkeypatch):
    monkeypatch.setenv("INCIDENTS_NO_INDEX", "1")
    answers(root)
    assert not (root / ".incidents").exists()


def _load_in_another_process(root: str, queue: multiprocessing.Queue) -> None:
    queue.put(len(Store(Path(root)).load().records))


def test_two_commands_at_once_both_answer_and_leave_a_good_index(root):
    queue: multiprocessing.Queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_load_in_another_process, args=(str(root), queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sorted(queue.get(timeout=5) for _ in workers) == [3, 3, 3, 3]
    assert len(answers(root)[0]) == 3


def test_the_index_holds_what_a_bad_file_gave_too(make_records, reads):
    root = make_records(incident(claims=[claim(side="armenia")]), raw={"2023/2023-09-03-bad.yaml": "id: [\n"})
    cold = answers(root)
    reads.clear()
    assert answers(root) == cold and reads == []  # a broken file's problems come from the index too


def test_show_and_diff_of_an_id_read_that_record_alone(make_records, reads, cli):
    others = [incident(id=f"2023-09-{day:02d}-x", date=f"2023-09-{day:02d}") for day in range(2, 12)]
    root = make_records(incident(links=[{"type": "continues", "id": "2023-09-02-x"}]), *others)
    reads.clear()
    assert cli("--records", str(root), "show", "2023-09-01-sotk").exit_code == 0
    assert cli("--records", str(root), "diff", "2023-09-01-sotk").exit_code == 0
    assert set(reads) - {"sides.yaml"} == {"2023-09-01-sotk.yaml"}
    (root / "2023" / "2023-09-02-x.yaml").unlink()  # the incident it links to is gone
    result = cli("--records", str(root), "show", "2023-09-01-sotk")
    assert result.exit_code == 1 and "links[0]: continues: no incident with id '2023-09-02-x'" in result.stderr


def _nearby(root: Path, day: str) -> list[str]:
    from datetime import date

    when = date.fromisoformat(day)
    loaded = Store(root).load([when.year], days=(when, when))
    errors = [p for p in loaded.problems if p.severity == "error"]  # warnings are the record checks'
    return sorted([r.incident.id for r in loaded.records] + [Path(p.path).name for p in errors])


def test_adds_look_for_the_same_event_unpickles_only_the_days_asked_for(root, reads, monkeypatch):
    from incidents import index as index_module

    answers(root)
    reads.clear()
    unpacked = []
    real = index_module.unpack
    monkeypatch.setattr(index_module, "unpack", lambda packed: unpacked.append(1) or real(packed))
    (root / "2023" / "2023-09-04-broken.yaml").write_text("id: [unclosed\n")  # no days: always read
    assert _nearby(root, "2023-09-02") == ["2023-09-02-kut", "2023-09-04-broken.yaml"]
    assert reads == ["2023-09-04-broken.yaml"]
    assert len(unpacked) == 1  # kut, from the index; the other two were never unpickled


def test_a_file_moved_into_the_days_is_found_although_the_index_had_it_elsewhere(root, reads):
    answers(root)
    path = root / "2023" / "2023-09-02-kut.yaml"
    path.write_text(path.read_text().replace("date: '2023-09-02'", "date: '2023-09-01'"))
    assert "2023-09-02-kut" in _nearby(root, "2023-09-01")


def test_an_index_written_with_another_users_key_is_rebuilt_not_believed(root, reads, monkeypatch, tmp_path):
    cold = answers(root)
    db = sqlite3.connect(root / ".incidents" / "index.sqlite")
    with db:  # columns a query would believe: the signature over the whole index stops them
        db.execute("UPDATE files SET day = '1900-01-01', until = '1900-01-01' WHERE day IS NOT NULL")
    db.close()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))  # the index is not signed by this one
    reads.clear()
    assert answers(root) == cold and len(reads) == 3
    assert "2023-09-02-kut" in _nearby(root, "2023-09-02")


def test_a_load_of_some_years_asks_the_index_about_those_folders_only(make_records, reads):
    root = make_records(incident(), incident(id="2022-09-13-jermuk", date="2022-09-13"))
    everything = answers(root)
    reads.clear()
    some = Store(root).load([2022])
    assert [r.incident.id for r in some.records] == ["2022-09-13-jermuk"] and reads == []
    assert answers(root) == everything and reads == []


COMMANDS = [
    ("list", "--format", "json"),
    ("list", "--region", "Vardenis", "--format", "csv"),
    ("list", "--text", "Karvachar", "--format", "json"),
    ("list", "--since", "2023-05-15", "--until", "2023-09-01", "--format", "json"),
    ("list", "--side", "azerbaijan", "--tag", "shelling", "--format", "json"),
    ("summary", "--format", "json"),
    ("summary", "--by", "region", "--format", "json"),
    ("summary", "--by", "week", "--format", "json"),
    ("diff", "--format", "json"),
    ("diff", "--format", "yaml"),
    ("list", "--format", "yaml"),
    ("diff", "--sides", "armenia,eu-mission", "--format", "json"),
    ("check",),
    ("list",),
    ("diff",),
]


@pytest.fixture
def mixed(tmp_path):
    """The bundled records, a copy of one under another id's name, and a broken file."""
    import shutil

    from .conftest import BUNDLED

    root = tmp_path / "records"
    shutil.copytree(BUNDLED, root)
    first = sorted((root / "2023").glob("*.yaml"))[0]
    (root / "2023" / "2023-12-31-copy.yaml").write_bytes(first.read_bytes())  # an id used twice
    (root / "2023" / "broken.yaml").write_text("id: [unclosed\n")
    return root


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_answers_the_same_from_the_index_as_from_the_files(mixed, cli, monkeypatch, args):
    cold = cli("--records", str(mixed), *args)
    warm = cli("--records", str(mixed), *args)
    monkeypatch.setenv("INCIDENTS_NO_INDEX", "1")
    none = cli("--records", str(mixed), *args)
    assert (cold.exit_code, cold.stdout, cold.stderr) == (none.exit_code, none.stdout, none.stderr)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (none.exit_code, none.stdout, none.stderr)
    assert none.exit_code == 1 and "broken.yaml" in none.stdout + none.stderr  # named; the rest served


def test_diff_without_an_id_is_paged_as_list_is(make_records, cli):
    import json

    root = make_records(*(incident(id=f"2023-09-{day:02d}-x", date=f"2023-09-{day:02d}") for day in range(1, 8)))
    table = cli("--records", str(root), "diff", "--limit", "3")
    assert table.exit_code == 0 and "3 of 7 incidents" in table.stdout
    assert [r["id"] for r in json.loads(cli("--records", str(root), "diff", "--format", "json").stdout)] == [
        f"2023-09-{day:02d}-x" for day in range(7, 0, -1)
    ]  # every row, newest first, for a program


def test_rows_printed_as_stored_are_the_rows_encoded_whole(mixed, cli):
    from incidents.api import Records
    from incidents.formats import to_csv, to_json
    from incidents.query import LIST_COLUMNS

    rows = Records(mixed).listing().rows
    assert len(rows) == 6  # the bundled seven but the one whose id the copy took
    assert cli("--records", str(mixed), "list", "--format", "json").stdout == to_json(rows) + "\n"
    assert cli("--records", str(mixed), "list", "--format", "csv").stdout == to_csv(rows, LIST_COLUMNS)


def test_adds_look_asks_the_index_and_reads_only_files_new_to_it(root, reads, monkeypatch):
    from datetime import date

    answers(root)  # the index holds all three
    stats = []
    real = os.lstat
    monkeypatch.setattr(os, "lstat", lambda path, *a, **k: stats.append(str(path)) or real(path, *a, **k))
    reads.clear()
    day = date(2023, 9, 2)
    assert [r.incident.id for r in Store(root).near([2023], (day, day))] == ["2023-09-02-kut"]
    assert reads == [] and [Path(s).name for s in stats if s.endswith(".yaml")] == ["2023-09-02-kut.yaml"]
    new = (root / "2023" / "2023-09-02-kut.yaml").read_text().replace("2023-09-02-kut", "2023-09-02-new")
    (root / "2023" / "2023-09-02-new.yaml").write_text(new)  # added by hand: not in the index yet
    assert sorted(r.incident.id for r in Store(root).near([2023], (day, day))) == ["2023-09-02-kut", "2023-09-02-new"]
    assert reads == ["2023-09-02-new.yaml"]
    (root / "2023" / "2023-09-02-kut.yaml").unlink()
    assert [r.incident.id for r in Store(root).near([2023], (day, day))] == ["2023-09-02-new"]


def test_add_still_warns_of_the_same_event_recorded_by_hand(make_records, cli):
    root = make_records(incident())
    cli("--records", str(root), "list")  # the index is warm
    by_hand = (root / "2023" / "2023-09-01-sotk.yaml").read_text().replace("2023-09-01-sotk", "2023-09-01-zod")
    (root / "2023" / "2023-09-01-zod.yaml").write_text(by_hand)
    result = cli("--records", str(root), "add", "--date", "2023-09-01", "--title", "Fire", "--place", "Sotk")
    assert result.exit_code == 1  # refused in a script, naming both
    assert "2023-09-01-sotk and 2023-09-01-zod are on the same day at the same place" in result.stderr
