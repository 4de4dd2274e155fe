import multiprocessing
import os
from pathlib import Path

import pytest

from incidents import store as store_module
from incidents.errors import DataError, NotFoundError, RecordProblems, UsageError
from incidents.spec import incident_from_data
from incidents.store import MAX_RECORD_BYTES, Store, find_records_dir, render_record

from .conftest import BUNDLED, incident, snapshot


def parsed(**overrides):
    value, problems = incident_from_data(incident(**overrides), "test")
    assert not problems
    return value


def test_create_writes_the_canonical_record_where_the_id_says(tmp_path):
    store = Store(tmp_path)
    created, path = store.create(parsed())
    assert path == tmp_path / "2023" / "2023-09-01-sotk.yaml"
    assert path.read_text("utf-8") == render_record(created)
    assert [r.incident for r in store.load().records] == [created]
    assert not list(tmp_path.rglob(".incident-*"))  # no temporary file left behind


def test_create_never_overwrites_it_takes_the_next_free_id(tmp_path):
    store = Store(tmp_path)
    first, _ = store.create(parsed())
    second, _path = store.create(parsed(title="Another"))
    assert (first.id, second.id) == ("2023-09-01-sotk", "2023-09-01-sotk-2")
    assert store.load().get("2023-09-01-sotk").incident.title == "Exchange of fire near Sotk"


def _add_one(root: str) -> str:
    created, _ = Store(Path(root)).create(parsed())
    return created.id


def test_concurrent_adds_get_distinct_files(tmp_path):
    with multiprocessing.get_context("fork").Pool(4) as pool:
        ids = pool.map(_add_one, [str(tmp_path)] * 8)
    assert len(set(ids)) == 8
    assert len(list(tmp_path.rglob("*.yaml"))) == 8


@pytest.mark.parametrize("bad_id", ["../escape", "2023/../../x", ".hidden", ""])
def test_ids_that_leave_the_directory_are_refused(tmp_path, bad_id):
    with pytest.raises(UsageError):
        Store(tmp_path).path_for(bad_id)


def test_update_appends_under_lock_and_keeps_other_bytes(tmp_path):
    store = Store(tmp_path)
    created, _path = store.create(parsed(claims=[]))
    one = parsed().claims[0]
    updated, _, reformatted = store.update(created.id, lambda i: i.with_claim(one))
    assert updated.claims == (one,) and not reformatted
    assert store.load().get(created.id).incident == updated


def test_update_refuses_a_broken_record_and_leaves_it_alone(tmp_path):
    store = Store(tmp_path)
    created, path = store.create(parsed())
    path.write_text(path.read_text() + "status: [\n")
    before = snapshot(tmp_path)
    with pytest.raises(RecordProblems):
        store.update(created.id, lambda i: i)
    assert snapshot(tmp_path) == before


def test_update_of_a_missing_id_says_so(tmp_path):
    with pytest.raises(NotFoundError):
        Store(tmp_path).update("2020-01-01-none", lambda i: i)


def test_loading_collects_problems_from_every_bad_file(make_records):
    root = make_records(
        incident(),
        raw={
            "2023/bad-yaml.yaml": "id: [\n",
            "2023/bad-type.yaml": "id: 2023-01-01-x\ntitle: [a]\ndate: 2023-01-01\n",
            "2023/big.yaml": "# " + "x" * MAX_RECORD_BYTES,
        },
    )
    (root / "2023" / "latin1.yaml").write_bytes("title: Da\xfe".encode("latin-1"))
    loaded = Store(root).load()
    assert [r.incident.id for r in loaded.records] == ["2023-09-01-sotk"]
    by_file = {Path(p.path).name: p for p in loaded.problems}
    assert set(by_file) == {"bad-yaml.yaml", "bad-type.yaml", "big.yaml", "latin1.yaml"}
    assert by_file["bad-type.yaml"].line == 2 and by_file["bad-type.yaml"].field == "title"
    assert "UTF-8" in by_file["latin1.yaml"].message


def test_records_directory_lookup(tmp_path, monkeypatch):
    (tmp_path / "records").mkdir()
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.delenv("INCIDENTS_RECORDS", raising=False)
    assert find_records_dir(None, deep) == tmp_path / "records"
    monkeypatch.setenv("INCIDENTS_RECORDS", str(deep))
    assert find_records_dir(None, deep) == deep
    assert find_records_dir("given", deep) == Path("given")


def test_no_records_directory_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.delenv("INCIDENTS_RECORDS", raising=False)
    with pytest.raises(UsageError, match="--records"):
        find_records_dir(None, tmp_path)


def test_sides_file_extends_and_can_replace_the_defaults(make_records):
    root = make_records(raw={"sides.yaml": "sides:\n  georgia: {name: Georgia, kind: principal}\n"})
    sides, problems = Store(root).sides()
    assert not problems
    assert {"armenia", "azerbaijan", "georgia"} <= set(sides.ids)
    (root / "sides.yaml").write_text("replace_defaults: true\nsides:\n  georgia: {name: Georgia, kind: principal}\n")
    sides, _ = Store(root).sides()
    assert sides.ids == ("georgia",)


HAND_EDITED = """# Checked against the MoD site on 2 Sep: keep this comment.
id: 2023-09-01-sotk
title: Exchange of fire near Sotk   # working title
date: 2023-09-01
places: [Sotk]
claims:
    - side: armenia   # first account
      source: {title: A headline}
"""


def test_a_claim_is_appended_to_a_hand_edited_file_keeping_its_comments_and_layout(tmp_path):
    store = Store(tmp_path)
    path = tmp_path / "2023" / "2023-09-01-sotk.yaml"
    path.parent.mkdir()
    path.write_text(HAND_EDITED)
    one = parsed().claims[0]
    updated, _, reformatted = store.update("2023-09-01-sotk", lambda i: i.with_claim(one))
    text = path.read_text()
    assert not reformatted and text.startswith(HAND_EDITED)  # every byte before the new claim kept
    assert text[len(HAND_EDITED) :].startswith("    - side: azerbaijan\n")  # in the file's own indentation
    assert store.load().get("2023-09-01-sotk").incident == updated


def test_a_rewrite_that_would_drop_comments_is_refused_unless_asked_for(tmp_path):
    store = Store(tmp_path)
    path = tmp_path / "2023" / "2023-09-01-sotk.yaml"
    path.parent.mkdir()
    path.write_text(
        HAND_EDITED.replace("claims:", "tags: [a]\nclaims:").replace("places: [Sotk]\n", "") + "places: [Sotk]\n"
    )
    before = path.read_text()
    one = parsed().claims[0]
    with pytest.raises(DataError, match="comments"):  # claims are not last: it cannot be appended
        store.update("2023-09-01-sotk", lambda i: i.with_claim(one))
    assert path.read_text() == before
    updated, _, reformatted = store.update("2023-09-01-sotk", lambda i: i.with_claim(one), reformat=True)
    assert reformatted and "#" not in path.read_text() and store.load().get(updated.id).incident == updated


def test_a_commented_record_as_add_wrote_it_takes_a_claim(tmp_path):
    # add writes `claims: []`; a comment added by hand must survive the first claim.
    store = Store(tmp_path)
    created, path = store.create(parsed(claims=[]))
    path.write_text("# source: Armenpress, 10 Sep\n" + path.read_text().replace("claims: []", "claims: []  # none yet"))
    one = parsed().claims[0]
    updated, _, reformatted = store.update(created.id, lambda i: i.with_claim(one))
    text = path.read_text()
    assert not reformatted and text.startswith("# source: Armenpress, 10 Sep\n") and "claims:  # none yet\n" in text
    assert store.load().get(created.id).incident == updated


def test_writes_keep_the_file_mode_people_share_records_with(tmp_path):
    import os
    import stat

    store = Store(tmp_path)
    old = os.umask(0o022)
    try:
        created, path = store.create(parsed(claims=[]))
        assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0o600
        path.chmod(0o664)
        store.update(created.id, lambda i: i.with_claim(parsed().claims[0]))
        assert stat.S_IMODE(path.stat().st_mode) == 0o664
    finally:
        os.umask(old)


def test_a_file_with_windows_line_endings_keeps_them(tmp_path):
    store = Store(tmp_path)
    path = tmp_path / "2023" / "2023-09-01-sotk.yaml"
    path.parent.mkdir()
    path.write_bytes(HAND_EDITED.replace("\n", "\r\n").encode())
    store.update("2023-09-01-sotk", lambda i: i.with_claim(parsed().claims[0]))
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") and data.startswith(HAND_EDITED.replace("\n", "\r\n").encode())


def test_claim_on_a_record_with_an_unreadable_claim_refuses_and_keeps_the_file(cli, make_records):
    # Before: the claim with `side: null` was dropped silently, and the next `claim` rewrote the
    # file without it: deleted from disk for good.
    text = (
        "# hand-kept\nid: 2023-09-01-sotk\ntitle: t\ndate: '2023-09-01'\nclaims:\n- side: null\n  source: {title: A}\n"
    )
    root = make_records(raw={"2023/2023-09-01-sotk.yaml": text})
    result = cli("--records", str(root), "claim", "2023-09-01-sotk", "--side", "armenia", "--source-title", "B")
    assert result.exit_code == 1 and "2023-09-01-sotk.yaml:6: claims[0].side: is required" in result.stderr
    assert (root / "2023" / "2023-09-01-sotk.yaml").read_text() == text


def test_a_count_in_other_digits_is_refused_on_the_command_line(cli, make_records):
    root = make_records(incident())
    args = ("claim", "2023-09-01-sotk", "--side", "armenia", "--source-title", "h", "--count", "٣")
    result = cli("--records", str(root), *args)
    assert result.exit_code == 2 and "--count" in result.stderr


def test_every_bundled_record_is_written_back_byte_for_byte():
    # What earlier versions wrote loads unchanged and the canonical writer still writes it so.
    for record in Store(BUNDLED).load().records:
        assert render_record(record.incident) == record.path.read_text("utf-8"), record.path


def test_fmt_writes_the_canonical_form_with_claim_ids_and_leaves_comments_alone(cli, make_records):
    plain = "id: 2023-09-01-sotk\ntitle: t\ndate: '2023-09-01'\nclaims:\n- {side: armenia, source: {title: A}}\n- {side: azerbaijan, source: {title: B}}\n"
    commented = "# kept by hand\nid: 2023-09-02-kut\ntitle: t\ndate: '2023-09-02'\nclaims: []\nstatus: active\n"
    root = make_records(raw={"2023/2023-09-01-sotk.yaml": plain, "2023/2023-09-02-kut.yaml": commented})
    dry = cli("--records", str(root), "fmt", "--check")
    assert dry.exit_code == 1 and (root / "2023" / "2023-09-01-sotk.yaml").read_text() == plain
    result = cli("--records", str(root), "fmt")
    assert result.exit_code == 0, result.output
    assert "2023-09-02-kut.yaml: has comments" in result.stdout
    assert (root / "2023" / "2023-09-02-kut.yaml").read_text() == commented
    claims = Store(root).load().get("2023-09-01-sotk").incident.claims
    assert [(c.id, c.source.title) for c in claims] == [("c1", "A"), ("c2", "B")]
    again = cli("--records", str(root), "fmt", "--check")
    assert again.exit_code == 0 and "sotk" not in again.stdout and "kut.yaml: has comments" in again.stdout


@pytest.mark.parametrize("indexed", [False, True], ids=["read", "from the index"])
def test_loading_leaves_no_cycles_so_freezing_what_it_built_loses_nothing(tmp_path, monkeypatch, indexed):
    """Store.load() freezes what it built out of the cycle collector's sight; that is only safe
    while loading leaves no cyclic garbage, which would then never be freed."""
    import gc
    import shutil

    root = tmp_path / "records"
    shutil.copytree(BUNDLED, root)
    (root / "2023" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    if not indexed:
        monkeypatch.setenv("INCIDENTS_NO_INDEX", "1")
    Store(root).load()  # fills the index, for the second case
    monkeypatch.setattr(gc, "freeze", lambda: None)
    gc.collect()
    gc.disable()
    try:
        store = Store(root)
        loaded = store.load()
        store.close()  # an open SQLite connection is a cycle of sqlite3's own, freed on close
        assert loaded.records
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("path", "base"),
    [("/a/b/c", "/a"), ("/a/bc", "/a/b"), ("/a", "/a"), ("records/x", "/a"), ("/x/y", "/"), ("/a/b", "/a/b/c")],
)
def test_paths_are_shown_below_a_folder_as_pathlib_would(path, base):
    from incidents.store import _below

    try:
        expected = str(Path(path).relative_to(base))
    except ValueError:
        expected = None
    assert _below(path, base) == expected


@pytest.mark.parametrize("where", ["above", "at", "inside", "elsewhere"])
@pytest.mark.parametrize("absolute", [True, False], ids=["absolute", "relative"])
def test_the_walk_shows_each_path_as_display_does(make_records, monkeypatch, where, absolute):
    """load() cuts the shown paths of many files as text; they must be what display() shows."""
    root = make_records(incident(), raw={"sides.yaml": "sides: {}\n"})
    cwd = {"above": root.parent, "at": root, "inside": root / "2023", "elsewhere": root.parent / "elsewhere"}[where]
    cwd.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    given = root if absolute else Path(os.path.relpath(root, cwd))
    store = Store(given)
    [path] = store_module._walk(given).records  # not sides.yaml
    assert store_module._walk(given, [2023]).records == [path]
    assert store._identify(path).display == store.display(Path(path))
    assert store._identify(path).key[0] == "2023/2023-09-01-sotk.yaml"
