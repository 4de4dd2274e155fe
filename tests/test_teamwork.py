"""Two analysts, two clones, one record: git merges their additions through `incidents merge-driver`."""

import os
import shutil
import subprocess

import pytest

from incidents.merging import merge_texts
from incidents.store import Store

from .conftest import claim, incident

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


def git(where, *args, who="Ani Analyst", check=True):
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": "a@example.org"}  # fmt: skip
    return subprocess.run(["git", "-C", str(where), *args], check=check, capture_output=True, text=True, env=env)


@pytest.fixture
def two_clones(tmp_path, make_records, monkeypatch):
    """A team repository with one record, and two analysts' clones of it (a, b)."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    records = make_records(incident(claims=[claim(side="armenia")]))
    team = tmp_path / "team"
    shutil.copytree(records, team / "records")
    git(team, "init", "-q", "-b", "main")
    git(team, "add", ".")
    git(team, "commit", "-qm", "The first record")
    for name in ("a", "b"):
        git(tmp_path, "clone", "-q", str(team), name)
    return tmp_path / "a", tmp_path / "b"


def added(cli, clone, side, title):
    result = cli(
        "--records", str(clone / "records"), "claim", "2023-09-01-sotk", "--side", side, "--source-title", title
    )
    assert result.exit_code == 0, result.output


def test_two_analysts_add_claims_to_one_record_and_git_merges_them(two_clones, cli):
    a, b = two_clones
    assert cli("--records", str(a / "records"), "merge-driver", "--install").exit_code == 0
    git(a, "add", "records/.gitattributes")
    git(a, "commit", "-qm", "Merge records as data")
    added(cli, a, "azerbaijan", "Azerbaijan's ministry says")
    git(a, "commit", "-qam", "Azerbaijan's account", who="Ani Analyst")
    added(cli, b, "eu-mission", "The EU mission's patrol report")
    git(b, "commit", "-qam", "The EU mission's account", who="Farid Monitor")
    merged = git(a, "pull", "-q", "--no-rebase", str(b), "main", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    record = Store(a / "records").load().get("2023-09-01-sotk").incident
    assert [c.side for c in record.claims] == ["armenia", "azerbaijan", "eu-mission"]
    assert len(set(record.claim_ids)) == 3  # b's c2 took an id of its own
    assert cli("--records", str(a / "records"), "check").exit_code == 0
    assert git(a, "status", "--porcelain").stdout.strip() == ""


def test_a_field_changed_two_ways_is_marked_and_only_that(two_clones, cli):
    a, b = two_clones
    cli("--records", str(a / "records"), "merge-driver", "--install")
    path = "records/2023/2023-09-01-sotk.yaml"
    for clone, title in ((a, "Fire near Sotk"), (b, "Shelling of Sotk")):
        text = (clone / path).read_text().replace("title: Exchange of fire near Sotk", f"title: {title}")
        (clone / path).write_text(text)
    added(cli, b, "azerbaijan", "Azerbaijan's ministry says")
    git(a, "commit", "-qam", "A's title")
    git(b, "commit", "-qam", "B's title and a claim")
    merged = git(a, "pull", "-q", "--no-rebase", str(b), "main", check=False)
    assert merged.returncode != 0  # a conflict git reports
    text = (a / path).read_text()
    assert "<<<<<<< ours\ntitle: Fire near Sotk\n=======\ntitle: Shelling of Sotk\n>>>>>>> theirs\n" in text
    assert text.count("<<<<<<<") == 1 and "Azerbaijan's ministry says" in text  # the claim merged cleanly


BASE = "id: 2023-09-01-sotk\ntitle: t\ndate: '2023-09-01'\nclaims:\n- side: armenia\n  source: {title: A}\n"


def test_claims_both_added_alike_are_kept_once_and_revisions_follow_renumbering():
    ours = BASE + "- side: azerbaijan\n  source: {title: B}\n"
    theirs = BASE + "- side: azerbaijan\n  source: {title: B}\n- side: armenia\n  source: {title: C}\n  revises: c1\n" \
        "- side: armenia\n  source: {title: D}\n  revises: c3\n"  # fmt: skip
    merged = merge_texts(BASE, ours, theirs)
    assert not merged.conflicts
    assert merged.text.count("title: B") == 1  # added by both, kept once
    assert "revises: c3" in merged.text and "id: c4" in merged.text  # theirs' c4 revises their c3, which kept its id


def test_claims_theirs_numbered_as_ours_did_take_new_ids_and_what_revises_them_follows():
    from incidents.spec import incident_from_data
    from incidents.yamlio import read_yaml

    ours = BASE + "- side: azerbaijan\n  source: {title: B}\n"  # ours' c2
    theirs = BASE + "- side: armenia\n  source: {title: C}\n- side: armenia\n  source: {title: D}\n  revises: c2\n"
    merged = merge_texts(BASE, ours, theirs)
    record, problems = incident_from_data(read_yaml(merged.text))
    assert not merged.conflicts and not problems
    by_title = {c.source.title: c for c in record.claims}
    assert [c.id for c in record.claims] == ["c1", "c2", "c3", "c4"]
    assert by_title["C"].id == "c3" and by_title["D"].revises == "c3"  # theirs' c2 became c3, and D follows it


def test_ours_claims_keep_naming_ours_when_theirs_are_renumbered():
    """Found by a trial of two clones: ours' c7 retracting ours' c6 was pointed at theirs'."""
    ours = BASE + "- side: azerbaijan\n  source: {title: B}\n- side: azerbaijan\n  source: {title: C}\n  retracts: c2\n"
    theirs = BASE + "- side: armenia\n  source: {title: D}\n  revises: c1\n"
    merged = merge_texts(BASE, ours, theirs)
    from incidents.spec import incident_from_data
    from incidents.yamlio import read_yaml

    record, problems = incident_from_data(read_yaml(merged.text))
    assert not merged.conflicts and not problems
    by_title = {c.source.title: c for c in record.claims}
    assert by_title["C"].retracts.claim == by_title["B"].id == "c2"  # ours, untouched
    assert by_title["D"].id == "c4" and by_title["D"].revises == "c1"


def test_log_shows_the_merge_and_check_names_leftover_markers(two_clones, cli):
    import json

    a, b = two_clones
    cli("--records", str(a / "records"), "merge-driver", "--install")
    added(cli, a, "azerbaijan", "One")
    git(a, "commit", "-qam", "A's claim")
    added(cli, b, "eu-mission", "Two")
    git(b, "commit", "-qam", "B's claim")
    git(a, "pull", "-q", "--no-rebase", "--no-edit", str(b), "main")
    messages = [
        c["message"]
        for c in json.loads(cli("--records", str(a / "records"), "log", "2023-09-01-sotk", "-o", "json").stdout)
    ]
    assert messages[0].startswith("Merge") and "B's claim" in messages and "A's claim" in messages
    path = a / "records" / "2023" / "2023-09-01-sotk.yaml"
    path.write_text("<<<<<<< ours\ntitle: x\n=======\ntitle: y\n>>>>>>> theirs\n" + path.read_text().split("\n", 1)[1])
    result = cli("--records", str(a / "records"), "check")
    assert result.exit_code == 1 and "2023-09-01-sotk.yaml:1: an unresolved merge conflict" in result.stdout
