"""Nothing lost, nothing torn: writes killed at random moments, staged imports finished or undone."""

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from incidents.store import Store

from .conftest import BUNDLED, incident, snapshot

KILLS = int(os.environ.get("INCIDENTS_KILLS", "4"))  # tools/reliability.py runs many more


def run(root, *args, **kwargs):
    command = [sys.executable, "-m", "incidents", "--records", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, **kwargs)


def dump_of(tmp_path, count):
    dump = tmp_path / "dump.jsonl"
    lines = []
    for n in range(count):
        day = f"2023-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        lines.append(json.dumps(incident(id=f"{day}-sotk-{n}", date=day)))
    dump.write_text("\n".join(lines) + "\n")
    return dump


def test_an_import_killed_at_any_moment_leaves_all_of_it_or_none(tmp_path):
    """A kill before the manifest is written leaves nothing; after it, the next command finishes."""
    dump = dump_of(tmp_path, 300)
    for trial in range(KILLS):
        root = tmp_path / f"records-{trial}"
        root.mkdir()
        process = subprocess.Popen(
            [sys.executable, "-m", "incidents", "--records", str(root), "import", str(dump)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(random.uniform(0.05, 0.9))  # the whole import takes about 0.9 s
        process.send_signal(signal.SIGKILL)
        process.wait()
        listed = run(root, "list", "-o", "json")  # any command finishes or undoes what was left
        assert listed.returncode == 0, listed.stderr
        count = len(json.loads(listed.stdout))
        assert count in (0, 300), count
        assert not list(root.glob(".incidents/imports/*"))  # nothing staged is left behind


def test_a_staged_import_with_its_manifest_is_finished_and_one_without_is_undone(make_records, tmp_path):
    root = make_records(incident())
    store = Store(root)
    before = snapshot(root)
    staging = root / ".incidents" / "imports"
    unfinished = staging / "import-killed-before"
    unfinished.mkdir(parents=True)
    (unfinished / "0.yaml").write_text("id: 2023-09-02-sotk\n")  # no manifest: never committed
    store.finish_imports()
    assert snapshot(root) == before and not unfinished.exists()

    committed = staging / "import-killed-after"
    committed.mkdir()
    first, second = (incident(id=f"2023-09-0{d}-sotk", date=f"2023-09-0{d}") for d in (2, 3))
    texts = []
    for number, data in enumerate((first, second)):
        from incidents.spec import incident_from_data
        from incidents.store import render_record

        texts.append(render_record(incident_from_data(data, "test")[0]))
        (committed / f"{number}.yaml").write_text(texts[-1])
    (root / "2023" / "2023-09-02-sotk.yaml").write_text(texts[0])  # linked before the kill
    (committed / "manifest.json").write_text(json.dumps(["2023/2023-09-02-sotk.yaml", "2023/2023-09-03-sotk.yaml"]))
    store.finish_imports()
    assert (root / "2023" / "2023-09-03-sotk.yaml").read_text() == texts[1] and not committed.exists()


# --- the defects a campaign against the tool found (issue 16), each an ordinary input -----------

EXIT_INTERNAL = 3


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["summary", "--since", "0000"], "--since"),
        (["list", "--since", "10000"], "--since"),
        (["add", "--date", "yesterday", "--reported", "0001-01-01", "--title", "T", "--place", "Sotk"], "--date"),
        (["add", "--date", "last Sunday", "--reported", "0001-01-01", "--title", "T", "--place", "Sotk"], "--date"),
        (["add", "--date", "5 days ago", "--reported", "0001-01-01", "--title", "T", "--place", "Sotk"], "--date"),
        (["add", "--date", "2023-09-05", "--title", "T", "--id", "2023-09-05-" + "a" * 300], "--id"),
    ],
)
def test_ordinary_input_gets_a_usage_error_naming_the_option_not_an_internal_error(cli, args, named):
    result = cli("--records", str(BUNDLED), *args)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("incidents: error:") and named in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["claim", "2023-09-01-" + "a" * 300, "--side", "armenia", "--source-title", "S"], "no incident"),
        (["claim", "2023-09-01-kalbajar", "--side", "armenia", "--source-title", "S", "--count", "9" * 5000],
         "5,000 digits"),
        (["claim", "2023-09-01-kalbajar", "--side", "armenia", "--source-title", "S", "--place", ""], "--place"),
    ],
)  # fmt: skip
def test_a_long_id_a_long_count_and_an_empty_place_are_named_plainly(cli, args, said):
    result = cli("--records", str(BUNDLED), *args)
    assert result.exit_code in (1, 2) and said in result.stderr and "internal" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_the_last_month_of_the_calendar_bounds_a_period(cli):
    """`--until "Dec 9999"` runs to the last day there is, as `--until 2023` runs to 31 December."""
    result = cli("--records", str(BUNDLED), "list", "--until", "Dec 9999", "-o", "json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == len(Store(BUNDLED).load().records)


def test_a_home_directory_of_no_user_is_a_usage_error(cli):
    result = cli("--records", "~nosuchuser-of-this-machine/x", "list")
    assert result.exit_code == 2 and "~nosuchuser-of-this-machine" in result.stderr


def test_twenty_one_is_a_count_not_a_range_running_backwards(cli, make_records):
    root = make_records(incident())
    args = ["claim", "2023-09-01-sotk", "--side", "azerbaijan", "--source-title", "S", "--count", "twenty-one"]
    assert cli("--records", str(root), *args).exit_code == 0
    assert str(Store(root).load().get("2023-09-01-sotk").incident.claims[-1].violations) == "21"


def test_a_folder_one_may_not_write_is_named_in_one_line(cli, make_records, monkeypatch):
    """As a user without write permission meets it (simulated: the tests may run as root)."""
    import incidents.store

    root = make_records(incident())
    before = snapshot(root)

    def refused(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(dir))

    monkeypatch.setattr(incidents.store.tempfile, "mkstemp", refused)
    for args in (["add", "--date", "2023-09-05", "--title", "T", "--place", "Sotk"],
                 ["claim", "2023-09-01-sotk", "--side", "azerbaijan", "--source-title", "S"]):  # fmt: skip
        result = cli("--records", str(root), *args)
        assert result.exit_code == 1, result.output
        [line] = result.stderr.splitlines()
        assert "permission denied" in line and str(root / "2023") in line and "internal" not in line
    assert snapshot(root) == before


def test_ids_of_one_day_and_place_go_on_past_a_thousand(make_records):
    from incidents.spec import incident_from_data

    root = make_records()
    store = Store(root)
    record = incident_from_data(incident(), "test")[0]
    ids = [store.create(record)[0].id for _ in range(1005)]
    assert len(set(ids)) == 1005 and ids[-1] == "2023-09-01-sotk-1005"
    assert not [p for p in (root / "2023").iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_temporary_file_left_by_a_kill_is_reported_by_check(cli, make_records):
    root = make_records(incident())
    left = root / "2023" / ".incident-k1ll3d.tmp"
    left.write_text("id: 2023-09-01-sotk\n")
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    result = cli("--records", str(root), "check")
    assert (
        result.exit_code == 0
        and f"{left}:1: warning: a temporary file left by a write that was stopped" in result.output
    )
    assert cli("--records", str(root), "list").exit_code == 0  # a warning keeps nothing out


# --- a write made to fail at each of its steps, as SQLite's I/O-error tests do -----------------

EDITOR = "import sys, pathlib; p = pathlib.Path(sys.argv[1]); p.write_text(p.read_text().replace('title: ', 'title: Edited ', 1))"
WRITES = {
    "add": ["add", "--date", "2023-09-05", "--title", "T", "--place", "Sotk"],
    "claim": ["claim", "2023-09-01-sotk", "--side", "azerbaijan", "--source-title", "S"],
    "withdraw": ["withdraw", "2023-09-01-sotk", "--reason", "a duplicate"],
    "edit": ["edit", "2023-09-01-sotk"],
}


class _FailingHandle:
    """A file whose write fails as a full disk's does."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.handle, name)


def _fail(step, monkeypatch):
    """Make one step of every record write fail (in incidents.store only)."""
    import incidents.store as store

    def eio(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    real_fdopen = store.os.fdopen
    if step == "open":
        monkeypatch.setattr(store.tempfile, "mkstemp", eio)
    elif step == "write":
        monkeypatch.setattr(store.os, "fdopen", lambda fd, *a, **k: _FailingHandle(real_fdopen(fd, *a, **k)))
    elif step == "fsync":
        monkeypatch.setattr(store.os, "fsync", eio)
    elif step == "link":  # how a new record is put in place: never over another
        monkeypatch.setattr(store.os, "link", eio)
    elif step == "rename":  # how a record's new version replaces the old
        monkeypatch.setattr(store.os, "replace", eio)
    elif step == "directory fsync":
        monkeypatch.setattr(store, "_fsync_dir", eio)


STEPS = [(command, step) for command in WRITES for step in
         ("open", "write", "fsync", "link" if command == "add" else "rename", "directory fsync")]  # fmt: skip


@pytest.mark.parametrize(("command", "step"), STEPS)
def test_a_write_failing_at_any_step_leaves_the_old_record_or_the_new_and_says_so(
    cli, make_records, monkeypatch, command, step
):
    root = make_records(incident())
    monkeypatch.setenv("VISUAL", f'{sys.executable} -c "{EDITOR}"')
    before = snapshot(root)
    _fail(step, monkeypatch)
    result = cli("--records", str(root), *WRITES[command])
    monkeypatch.undo()
    after = snapshot(root)
    if step == "directory fsync" and result.exit_code == 0:
        pass  # the record was renamed into place before the folder's fsync: the new version stands
    else:
        assert result.exit_code == 1, result.output
        [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("incidents: error:")]
        assert str(root) in line and "internal" not in line  # the file or folder written, named
    loaded = Store(root).load()  # whatever stands, the old record or the new, reads back whole
    assert loaded.problems == [] and len(loaded.records) == len(after)
    if step != "directory fsync":
        assert after == before  # nothing written at all
    assert not [p for p in root.rglob(".incident-*.tmp")]  # no temporary file left behind


# --- the long runs of tools/reliability.py, at the sizes CI can afford ---------------------------

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import corpus  # noqa: E402
import reliability  # noqa: E402


def test_the_corpus_has_four_hundred_cases_of_every_kind_the_issue_names():
    names = [case.name for case in corpus.cases()]
    assert len(names) >= 400 and len(set(names)) == len(names)
    for kind in ("type-", "missing-", "unknown-", "bytes-bom", "bytes-crlf", "bytes-invalid-utf8", "bytes-nul",
                 "bytes-binary", "bytes-empty", "folder-named", "fifo-named", "link-inside", "link-outside",
                 "ten-megabytes", "deep-nesting", "alias-bomb", "python-tag", "text-markup", "text-ansi", "text-osc8",
                 "text-bidi", "text-zero-width", "non-ascii-digits", "newline-in-name", "tab-indent"):  # fmt: skip
        assert any(kind in name for name in names), kind


def test_every_case_of_the_corpus_together_under_every_command():
    """No traceback, internal error, hang or escape; every bad file named by path and line; the
    good record beside them all still listed."""
    failures = []
    found = reliability.corpus_together(corpus.cases(), failures.append)
    assert failures == [] and found["cases"] >= 400
    assert found["tracebacks"] == found["internal"] == found["hangs"] == found["escapes"] == found["good_lost"] == 0


DANGEROUS = ("fifo-named-yaml", "link-dev-zero", "deep-nesting-flow", "deep-nesting-block", "alias-bomb",
             "bytes-ten-megabytes", "text-markup-title", "text-ansi-title", "link-outside")  # fmt: skip


def test_the_most_dangerous_cases_each_alone_under_every_command():
    chosen = [case for case in corpus.cases() if case.name in DANGEROUS]
    failures = []
    found = reliability.corpus_run(chosen, jobs=2, progress=failures.append)
    assert len(chosen) == len(DANGEROUS) and failures == [] and found["failed cases"] == 0


def test_kills_at_random_moments_lose_and_tear_nothing():
    failures = []
    found = reliability.kill_run(KILLS * 2, failures.append)
    assert failures == [] and found["lost or torn"] == 0 and found["temporary files check did not name"] == 0


def test_concurrent_writers_keep_every_add_and_every_claim():
    found = reliability.concurrency_run(processes=4, adds=25, claims=10)
    assert found["add: writers failed"] == found["claim: writers failed"] == 0
    assert found["add: records made"] == found["add: distinct ids"] == 100
    assert found["claim: claims kept"] == 40
