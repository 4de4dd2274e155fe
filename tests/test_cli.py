import json
import re
from datetime import time, timedelta
from pathlib import Path

import pytest

from incidents.store import Store

from .conftest import claim, incident, snapshot


def test_new_user_flow_add_two_contradicting_claims_list_show_check(cli, tmp_path):
    root = str(tmp_path / "records")
    result = cli(
        "--records",
        root,
        "add",
        "--date",
        "1 Sep 2023",
        "--title",
        "Exchange of fire",
        "--place",
        "Sotk",
        "--region",
        "Gegharkunik",
        "--init",  # the directory does not exist yet: said, never guessed from a typo
    )
    assert result.exit_code == 0, result.output
    assert "2023-09-01-sotk" in result.stdout
    common = [
        "--reported",
        "2023-09-01",
        "--source-title",
        "Azerbaijan builds up military forces on border: Armenian MoD",
    ]
    result = cli(
        "--records",
        root,
        "claim",
        "2023-09-01-sotk",
        "--side",
        "az",
        "--by",
        "Ministry of Defence",
        "--initiator",
        "armenia",
        "--weapon",
        "combat drones",
        "--wounded",
        "azerbaijan=2",
        *common,
    )
    assert result.exit_code == 0, result.output
    result = cli(
        "--records",
        root,
        "claim",
        "2023-09-01-sotk",
        "--side",
        "armenia",
        "--initiator",
        "azerbaijan",
        "--weapon",
        "artillery",
        "--killed",
        "armenia=3",
        "--wounded",
        "armenia=2",
        *common,
    )
    assert result.exit_code == 0, result.output

    stored = Store(tmp_path / "records").load().get("2023-09-01-sotk").incident
    assert [(c.side, c.initiator) for c in stored.claims] == [("azerbaijan", "armenia"), ("armenia", "azerbaijan")]
    assert [(f.side, f.kind, f.count.low) for f in stored.claims[1].casualties] == [
        ("armenia", "killed", 3),
        ("armenia", "wounded", 2),
    ]

    listing = cli("--records", root, "list", "--region", "Gegharkunik", "--since", "2023-08-01")
    assert "2023-09-01-sotk" in listing.stdout and "conflict" in listing.stdout
    assert "No incidents match" in cli("--records", root, "list", "--until", "2023-08-31").stdout
    shown = cli("--records", root, "show", "2023-09-01-sotk")
    assert "combat drones" in shown.stdout and "Armenia: 3 killed" in shown.stdout
    checked = cli("--records", root, "check")
    assert checked.exit_code == 0 and "OK" in checked.stdout


def test_add_resolves_relative_dates_against_reported(cli, tmp_path):
    result = cli(
        "--records",
        str(tmp_path),
        "add",
        "--date",
        "last Sunday",
        "--reported",
        "2023-03-09",
        "--title",
        "Killing on the road",
        "--place",
        "Khalfali",
    )
    assert result.exit_code == 0, result.output
    assert "2023-03-05-khalfali" in result.stdout
    notes = Store(tmp_path).load().get("2023-03-05-khalfali").incident.notes
    assert notes == "Date given as 'last Sunday' in a statement of 2023-03-09, resolved to 2023-03-05."
    yearless = cli(
        "--records", str(tmp_path), "add", "--date", "September 12", "--reported", "2023-09-06", "--title", "t"
    )
    assert "2022-09-12-t" in yearless.stdout  # the latest 12 September before the statement
    assert "'September 12' in a statement of 2023-09-06" in Store(tmp_path).load().get("2022-09-12-t").incident.notes
    unresolved = cli("--records", str(tmp_path), "add", "--date", "September 12", "--title", "t")
    assert (
        unresolved.exit_code == 2
        and "has no year; write the year, or give the date of the statement" in unresolved.stderr
    )
    since = cli("--records", str(tmp_path), "list", "--since", "last Sunday")
    assert since.exit_code == 2 and "--reported" not in since.stderr  # list has no --reported to suggest


def test_add_refuses_ambiguous_dates(cli, tmp_path):
    result = cli("--records", str(tmp_path), "add", "--date", "12.07.2022", "--title", "x")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr
    assert not list(tmp_path.rglob("*.yaml"))


def test_missing_values_fail_plainly_without_a_terminal(cli, tmp_path):
    result = cli("--records", str(tmp_path), "add", "--title", "No date")
    assert result.exit_code == 2
    assert "missing --date" in result.stderr and "not a terminal" in result.stderr


def test_missing_values_are_asked_for_on_a_terminal(cli, tmp_path):
    answers = [
        "12.07.2022",  # date: ambiguous, refused, asked again
        "last Sunday",  # relative: the date of the statement is asked for
        "9 March 2023",
        "A title",
        "2023-03-06",  # the last day: two days
        "",  # precision: days, as the end date says
        "Sotk, Martuni",  # places: Martuni is two places, asked about at once
        "2",
        "",  # region skipped
        "shelling",  # tags
        "",  # links to other incidents: none
    ]
    result = cli("--records", str(tmp_path), "add", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "ambiguous" in result.output
    assert result.output.index("can mean") < result.output.index("Region")  # asked when typed, not at the end
    added = Store(tmp_path).load().get("2023-03-05-sotk").incident
    assert (added.place_names, added.region, added.tags) == (("Sotk", "Martuni"), (), ("shelling",))
    assert (str(added.end_date), str(added.date_precision), added.places[1].means) == (
        "2023-03-06",
        "days",
        "khojavend",
    )
    assert "'last Sunday' in a statement of 2023-03-09, resolved to 2023-03-05" in added.notes


def test_claim_asks_for_the_account_on_a_terminal(cli, make_records):
    root = make_records(incident(claims=[]))
    answers = [
        "turkey",  # not a known side: refused at once, asked again
        "armenia",
        "alleges",
        "Ministry of Defence",
        "last Friday",  # not a calendar date: refused, asked again
        "2023-09-01",
        "azerbaijan",  # initiator
        "",  # statement skipped
        "Sotk",  # places
        "artillery",  # weapons
        "",  # kind: the default, an account
        "weapons, fire",  # denies: 'fire' is not a topic: refused at once, asked again
        "weapons",
        "own-fire",  # admits
        "",  # confirms
        "",  # via
        "side=armenia,status=killed,rank=private; side=armenia,status=wounded",  # people
        "",  # material
        "killed armenia=lots",  # refused at once
        "killed armenia=3, wounded armenia=at least two",
        "",  # no key of a listed source
        "",  # no headline: a reference is asked for instead
        "archive/2023-09-01-mod.pdf",
    ]
    result = cli("--records", str(root), "claim", "2023-09-01-sotk", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "unknown side 'turkey'" in result.output
    (added,) = Store(root).load().get("2023-09-01-sotk").incident.claims
    assert (added.side, added.by, str(added.reported), added.initiator) == (
        "armenia", "Ministry of Defence", "2023-09-01", "azerbaijan",
    )  # fmt: skip
    assert (added.statement, added.source.title, added.source.ref) == (None, None, "archive/2023-09-01-mod.pdf")
    assert ([p.name for p in added.places], [w.name for w in added.weapons]) == (["Sotk"], ["artillery"])
    assert {(f.kind, str(f.count)) for f in added.casualties} == {("killed", "3"), ("wounded", "at least 2")}
    assert (added.kind, added.denies, added.admits, added.via) == ("account", ("weapons",), ("own-fire",), None)
    assert [(p.status, p.rank) for p in added.people] == [("killed", "private"), ("wounded", None)]


def test_claim_time_window_and_civilian_figures(cli, make_records):
    root = make_records(incident(claims=[]))
    result = cli(
        "--records", str(root), "claim", "2023-09-01-sotk", "--side", "azerbaijan", "--source-title", "h",
        "--from", "21:30", "--to", "04:15", "--utc-offset", "+4", "--count", "23", "--killed", "armenia:civilian=1", "--wounded", "armenia=2+",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stored = Store(root).load().get("2023-09-01-sotk").incident.claims[0]
    assert (stored.window.start, stored.window.end, stored.window.utc_offset) == (
        time(21, 30),
        time(4, 15),
        timedelta(hours=4),
    )
    assert stored.violations.low == 23
    assert {(f.kind, f.civilian, str(f.count)) for f in stored.casualties} == {
        ("killed", True, "1"),
        ("wounded", False, "at least 2"),
    }


def test_list_filters_combine(cli, make_records):
    root = make_records(
        incident(),
        incident(
            id="2022-09-12-dashkasan",
            date="2022-09-12",
            places=["Dashkasan"],
            region=["Dashkasan District"],
            tags=["mines"],
            claims=[claim(side="azerbaijan", initiator="armenia")],
        ),
    )

    def ids(*args):
        return [row["id"] for row in json.loads(cli("--records", str(root), "list", "--format", "json", *args).stdout)]

    assert ids() == ["2023-09-01-sotk", "2022-09-12-dashkasan"]  # newest first
    assert ids("--region", "Dashkasan") == ["2022-09-12-dashkasan"]
    assert ids("--region", "Daşkəsən") == ["2022-09-12-dashkasan"]
    assert ids("--side", "armenia") == ["2023-09-01-sotk"]
    assert ids("--tag", "mines", "--since", "2023-01-01") == []
    assert ids("--text", "drones") == ["2023-09-01-sotk"]
    assert ids("--text", "Daşkəsən") == ids("--text", "dashkesen") == ["2022-09-12-dashkasan"]  # spelling-blind
    assert ids("--until", "2022-12-31", "--side", "az") == ["2022-09-12-dashkasan"]


def test_list_json_and_csv_are_stable_and_plain(cli, make_records):
    root = make_records(incident())
    rows = json.loads(cli("--records", str(root), "list", "--format", "json").stdout)
    assert list(rows[0]) == [
        "id",
        "date",
        "end_date",
        "date_precision",
        "title",
        "places",
        "region",
        "tags",
        "status",
        "sides",
        "initiator",
        "verification",  # added at the end, as docs/output.md promises new keys are
    ]
    assert rows[0]["sides"] == ["azerbaijan", "armenia"] and rows[0]["initiator"] == "conflict"
    assert rows[0]["verification"] == "contested"
    csv_text = cli("--records", str(root), "list", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == (
        "id,date,end_date,date_precision,title,places,region,tags,status,sides,initiator,verification"
    )
    assert "\x1b" not in csv_text


def test_record_text_is_printed_as_data_not_markup_or_escapes(cli, make_records):
    root = make_records(
        raw={"2023/2023-01-01-x.yaml": 'id: 2023-01-01-x\ntitle: "[red]boom[/red] \\e[2J"\ndate: 2023-01-01\n'}
    )
    listing = cli("--records", str(root), "list")
    assert "\x1b" not in listing.stdout
    checked = cli("--records", str(root), "check")
    assert checked.exit_code == 1 and "U+001B" in checked.stdout and "\x1b" not in checked.stdout
    root2 = make_records(incident(title="[red]boom[/red] [bold]x"))
    out = cli("--records", str(root2), "list").stdout + cli("--records", str(root2), "show", "2023-09-01-sotk").stdout
    assert "[red]boom[/red]" in out and "\x1b" not in out


def test_check_reports_every_problem_with_path_and_line(cli, make_records):
    root = make_records(
        incident(),
        raw={
            "2023/2023-02-02-a.yaml": "id: 2023-02-02-a\ntitle: A\ndate: 2023-02-02\nclaims:\n  - side: armania\n    source: {title: h}\n",
            "2023/2023-09-01-copy.yaml": "id: 2023-09-01-sotk\ntitle: dup\ndate: 2023-09-01\n",
        },
    )
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any("2023-02-02-a.yaml:5: claims[0].side: unknown side 'armania'" in line for line in lines)
    assert any("2023-09-01-copy.yaml:1: id:" in line and "does not match the file name" in line for line in lines)
    assert sum("is used by 2 records" in line for line in lines) == 2


# Every command with bad input: one line on stderr, a documented exit code, no traceback, no file changed.
BAD_INPUTS = [
    ("malformed", "2023/2023-01-01-a.yaml", "id: 2023-01-01-a\ntitle: [unclosed\n"),
    ("wrong-type", "2023/2023-01-01-a.yaml", "id: 2023-01-01-a\ntitle: t\ndate: 2023-01-01\ntags: {a: 1}\n"),
    (
        "unknown-side",
        "2023/2023-01-01-a.yaml",
        "id: 2023-01-01-a\ntitle: t\ndate: 2023-01-01\nclaims: [{side: mars, source: {title: h}}]\n",
    ),
    ("python-tag", "2023/2023-01-01-a.yaml", "id: !!python/object/apply:os.system ['touch /tmp/pwned']\n"),
    ("alias-bomb", "2023/2023-01-01-a.yaml", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"),
    ("huge", "2023/2023-01-01-a.yaml", "title: " + "x" * 300_000 + "\n"),
    ("nesting", "2023/2023-01-01-a.yaml", "[" * 60_000 + "]" * 60_000),
    ("duplicate-key", "2023/2023-01-01-a.yaml", "id: 2023-01-01-a\nid: 2023-01-01-b\n"),
]


@pytest.mark.parametrize(("name", "file", "text"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_records_never_give_a_traceback_or_change_a_file(cli, make_records, name, file, text):
    root = make_records(incident(), raw={file: text})
    before = snapshot(root)
    commands = [
        ["check"],
        ["list"],
        ["show", "2023-01-01-a"],
        ["show", "2023-09-01-sotk"],
        ["claim", "2023-01-01-a", "--side", "armenia", "--source-title", "h"],
        ["add", "--date", "2023-01-01", "--title", "fine"],
    ]
    for args in commands:
        result = cli("--records", str(root), *args)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        if args[0] == "add":
            continue
        if args[0] == "check":
            assert result.exit_code == 1
            assert "2023-01-01-a.yaml" in result.stdout
    after = snapshot(root)
    added = set(after) - set(before)
    assert {k: v for k, v in after.items() if k in before} == before
    assert all(name.startswith("2023/2023-01-01-fine") for name in added)


def test_invalid_utf8_is_reported_with_its_line(cli, make_records):
    root = make_records(incident())
    (root / "2023" / "2023-01-01-b.yaml").write_bytes(b"id: 2023-01-01-b\ntitle: \xff\xfe\n")
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1
    assert "2023-01-01-b.yaml:2: not valid UTF-8" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["show", "2020-01-01-none"], 1, "no incident with id"),
        (["claim", "2023-09-01-sotk", "--side", "mars", "--source-title", "h"], 2, "unknown side 'mars'"),
        (
            ["claim", "2023-09-01-sotk", "--side", "armenia", "--source-title", "h", "--killed", "armenia=many"],
            2,
            "--killed",
        ),
        (["claim", "2023-09-01-sotk", "--side", "armenia"], 2, "missing --source-title"),
        (["claim", "../../etc/passwd", "--side", "armenia", "--source-title", "h"], 2, "not a usable incident id"),
        (["list", "--since", "12.07.2022"], 2, "ambiguous"),
        (["list", "--side", "mars"], 2, "unknown side"),
        (["add", "--date", "2023-01-01", "--title", "bad \x1b[2J title"], 2, "--title: contains control characters"),
        (
            ["claim", "2023-09-01-sotk", "--side", "am", "--source-title", "h", "--count", "lots"],
            2,
            "--count: expected",
        ),
        (["claim", "2023-09-01-sotk", "--side", "am", "--source-title", "h", "--utc-offset", "+4"], 2, "needs --from"),
        (
            [
                "claim",
                "2023-09-01-sotk",
                "--side",
                "am",
                "--source-title",
                "h",
                "--from",
                "1:00",
                "--utc-offset",
                "+99",
            ],
            2,
            "--utc-offset: '+99' is not a UTC offset",
        ),
        (
            ["add", "--date", "2023-01-05", "--end-date", "2023-01-01", "--title", "t"],
            2,
            "--end-date: 2023-01-01 is before",
        ),
        # click's own errors: one line too. Their wording is click's; what they must do is name
        # what was typed and, for a mistyped command, the command that was meant.
        (["list", "--bogus"], 2, "--bogus"),
        (["list", "--format", "xml"], 2, "'xml'"),
        (["lst"], 2, "'list'"),
    ],
)
def test_bad_command_lines_give_one_line_and_exit_code(cli, make_records, args, code, message):
    root = make_records(incident())
    before = snapshot(root)
    result = cli("--records", str(root), *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert snapshot(root) == before


def test_missing_records_directory_is_explained(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("list")
    assert result.exit_code == 2 and "--records" in result.stderr
    result = cli("--records", str(tmp_path / "nope"), "list")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    (tmp_path / "a-file").write_text("")
    result = cli("--records", str(tmp_path / "a-file"), "list")  # wrong the other way: the same code
    assert result.exit_code == 2 and "not a directory" in result.stderr


def test_empty_records_directory_is_explained(cli, tmp_path):
    (tmp_path / "records").mkdir()
    result = cli("--records", str(tmp_path / "records"), "list")
    assert result.exit_code == 0 and "add one with" in result.stderr


def test_diff_of_the_1_september_2023_incident_shows_the_contradiction(cli):
    from .conftest import BUNDLED

    out = cli("--records", str(BUNDLED), "diff", "2023-09-01-kalbajar").stdout
    assert "mirror accusations" in out
    rows = {line.split("  ")[0]: line for line in out.splitlines()}
    assert "conflict" in rows["Started by"] and "mirror" in rows["Weapons"]  # each names the other's
    assert "artillery" in rows["Weapons"] and "combat drones" in rows["Weapons"]
    assert "one-sided" in rows["Armenia killed"] and "one-sided" in rows["Azerbaijan wounded"]
    data = json.loads(cli("--records", str(BUNDLED), "diff", "2023-09-01-kalbajar", "--format", "json").stdout)
    assert data["id"] == "2023-09-01-kalbajar" and data["sides"] == ["armenia", "azerbaijan"]
    started = next(r for r in data["rows"] if r["key"] == "initiator")
    assert started == {
        "aspect": "Started by",
        "key": "initiator",
        "values": {"armenia": "azerbaijan", "azerbaijan": "armenia"},
        "verdict": "conflict",
        "revisions": {},
    }


def test_diff_stacks_on_a_narrow_terminal(cli, monkeypatch):
    from .conftest import BUNDLED

    monkeypatch.setenv("COLUMNS", "50")
    out = cli("--records", str(BUNDLED), "diff", "2023-09-01-kalbajar").stdout
    assert "Started by — conflict" in out
    assert "  Armenia: Azerbaijan" in out
    assert max(len(line) for line in out.splitlines()) <= 50


def test_diff_without_id_takes_the_list_filters(cli):
    from .conftest import BUNDLED

    rows = json.loads(cli("--records", str(BUNDLED), "diff", "--since", "2023-01-01", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [
        "2023-09-01-kalbajar",
        "2023-08-28-border-crossfire",
        "2023-03-08-karabakh",
        "2023-03-05-khalfali-road",
    ]
    assert rows[0]["sides"]["armenia"] == {
        "initiator": "azerbaijan",
        "casualties": {"armenia.killed": 3, "armenia.wounded": 2},
    }
    assert rows[0]["initiator_verdict"] == "conflict"
    out = cli("--records", str(BUNDLED), "diff", "--side", "armenia").stdout
    assert "2023-09-01-kalbajar" in out and "2021-12-08" not in out


def test_summary_on_the_bundled_records(cli):
    from .conftest import BUNDLED

    data = json.loads(cli("--records", str(BUNDLED), "summary", "--format", "json").stdout)
    assert data["totals"]["incidents"] == 7
    assert data["totals"]["with_both_principal_accounts"] == 1  # only 1 Sep 2023 has both accounts
    months = [b["label"] for b in data["breakdown"]["counts"]]
    assert months[0] == "2021-12" and months[-1] == "2023-09" and len(months) == 22
    assert data["blame"]["azerbaijan"] == {"armenia": 6}
    killed = next(c for c in data["casualties"] if c["side"] == "azerbaijan" and c["kind"] == "killed")
    assert killed["admitted"] == "3+"  # 1 (Asif Aliyev, 2021) + at least 2 (5 March 2023)
    out = cli("--records", str(BUNDLED), "summary").stdout
    assert "at least 3 (admitted)" in out and "2022-01" in out


def test_records_that_fail_check_are_left_out_loudly_never_silently(cli, make_records):
    root = make_records(
        incident(),
        incident(id="2022-09-12-dashkasan", date="2022-09-12", places=["Dashkasan"]),
        raw={
            "2023/2023-02-02-a.yaml": "id: 2023-02-02-a\ntitle: A\ndate: 2023-02-31\n",
            "2023/2023-03-03-b.yaml": "id: 2023-03-03-b\ntitle: B\ndate: 2023-03-03\nclaims: [{side: turkey, source: {title: h}}]\n",
            "2022/copy.yaml": "id: 2022-09-12-dashkasan\ntitle: dup\ndate: 2022-09-12\n",
        },
    )
    result = cli("--records", str(root), "list", "--format", "json")
    assert result.exit_code == 1  # the output is not the whole: scripts must be able to tell
    assert [row["id"] for row in json.loads(result.stdout)] == ["2023-09-01-sotk"]  # no id listed twice
    assert "2023-02-02-a.yaml:3: date:" in result.stderr
    assert "2023-03-03-b.yaml:4: claims[0].side: unknown side 'turkey'" in result.stderr
    assert "4 record files left out" in result.stderr  # a, b, and both files that claim one id
    summary = json.loads(cli("--records", str(root), "summary", "--format", "json").stdout)
    assert summary["totals"]["incidents"] == 1 and "turkey" not in json.dumps(summary)
    shown = cli("--records", str(root), "show", "2023-02-02-a")
    assert shown.exit_code == 1 and "2023-02-02-a.yaml:3: date:" in shown.stderr and "no incident" not in shown.stderr
    assert cli("--records", str(root), "show", "2023-09-01-sotk").exit_code == 0  # others' problems do not block it


def test_no_color_means_no_escape_sequences_at_all_even_on_a_terminal(cli, make_records, monkeypatch):
    root = make_records(incident())
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich then styles as on a terminal
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" in cli("--records", str(root), "show", "2023-09-01-sotk").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    for args in (["show", "2023-09-01-sotk"], ["list"], ["diff", "2023-09-01-sotk"], ["summary"], ["places", "Sotk"]):
        assert "\x1b" not in cli("--records", str(root), *args).stdout, args


@pytest.mark.parametrize("columns", ["50", "80", "120"])
def test_output_keeps_every_word_at_any_width(cli, monkeypatch, columns):
    # Nothing from a record is cut to an ellipsis: narrow terminals and pipes get stacked blocks.
    from .conftest import BUNDLED

    monkeypatch.setenv("COLUMNS", columns)
    listing = cli("--records", str(BUNDLED), "list").stdout
    overview = cli("--records", str(BUNDLED), "diff").stdout
    totals = cli("--records", str(BUNDLED), "summary").stdout
    for out in (listing, overview, totals):
        assert "…" not in out
        assert all(line == line.rstrip() for line in out.splitlines())  # no padding left in a pipe
        assert max(len(line) for line in out.splitlines()) <= int(columns)
    title = "At least two Azerbaijani soldiers killed on the Khankendi-Khalfali-Turshsu road"
    assert set(title.split()) <= set(listing.split())  # in a table, a title wraps beside other cells
    assert "week of 2023-08-28" in listing  # a date known to the week says so
    if columns != "120":  # stacked: each record's text reads on in order
        assert title in " ".join(listing.split())
        assert "blames Azerbaijan; AM 3 killed, AM 2 wounded" in " ".join(overview.split())
    assert "2021-12-08 to 2023-09-03" in totals  # the week of 2023-08-28 runs to 3 September and "1 (100%)" in totals


def test_claim_on_a_wrong_id_fails_before_asking_anything(cli, make_records):
    root = make_records(incident())
    result = cli("--records", str(root), "claim", "2023-09-02-sotk", "--interactive", input="armenia\n" * 20)
    assert result.exit_code == 1 and "no incident with id '2023-09-02-sotk'" in result.stderr
    assert "Side" not in result.output


def test_slips_that_check_catches(cli, make_records):
    # A .yml record would be left out without a word; a blank title or year 2203 are slips.
    root = make_records(
        incident(),
        raw={
            "2023/2023-09-09-x.yml": "id: 2023-09-09-x\ntitle: x\ndate: 2023-09-09\n",
            "2023/2023-09-10-y.yaml": "id: 2023-09-10-y\ntitle: '   '\ndate: 2023-09-10\n",
            "2203/2203-09-01-z.yaml": "id: 2203-09-01-z\ntitle: z\ndate: 2203-09-01\n",
        },
    )
    out = cli("--records", str(root), "check").stdout
    assert "2023-09-09-x.yml:1: record files end in .yaml" in out
    assert "2023-09-10-y.yaml:2: title: is required" in out
    assert "2203-09-01-z.yaml:3: date: '2203-09-01': the year is outside 1900-2100" in out
    shown = cli("--records", str(root), "show", "2023-09-10-y")
    assert shown.exit_code == 1 and shown.stderr.startswith("incidents: error: ")


def test_check_reports_a_records_unknown_side_beside_its_other_problems(cli, make_records):
    # One run, every problem: an unknown side is not held back until the type error is fixed.
    text = "id: 2023-02-02-a\ntitle: A\ndate: 2023-02-02\ntags: {a: 1}\nclaims:\n  - side: turkey\n    source: {title: h}\n"
    root = make_records(raw={"2023/2023-02-02-a.yaml": text})
    out = cli("--records", str(root), "check").stdout
    assert "2023-02-02-a.yaml:4: tags: expected a list of text" in out
    assert "2023-02-02-a.yaml:6: claims[0].side: unknown side 'turkey'" in out


def test_every_machine_format_encodes_a_count_one_way_with_no_display_words(cli, make_records):
    # issue 12: machine output wrote one count three ways (2+, "at least 2", "1" as a string
    # where show has 1, an en dash in ranges) and sources with typographic quotes.
    figures = {"armenia": {"killed": 1, "wounded": "2+", "captured": "2-4", "killed_or_wounded": "some"}}
    root = str(
        make_records(
            incident(region=[], claims=[claim(side="armenia", casualties=figures, source={"title": "A “quoted” head"})])
        )
    )
    wanted = {"killed": 1, "wounded": "2+", "captured": "2-4", "killed_or_wounded": "some"}
    shown = json.loads(cli("--records", root, "show", "2023-09-01-sotk", "--format", "json").stdout)
    assert shown["claims"][0]["casualties"]["armenia"] == wanted
    rows = json.loads(cli("--records", root, "diff", "2023-09-01-sotk", "--format", "json").stdout)["rows"]
    assert {
        r["key"].rsplit(".", 1)[1]: r["values"]["armenia"] for r in rows if r["key"].startswith("casualties.")
    } == wanted
    overview = json.loads(cli("--records", root, "diff", "--format", "json").stdout)[0]["sides"]["armenia"][
        "casualties"
    ]
    assert {k.rsplit(".", 1)[1]: v for k, v in overview.items()} == wanted
    summary = json.loads(cli("--records", root, "summary", "--format", "json").stdout)
    assert {c["kind"]: c["admitted"] for c in summary["casualties"]} == wanted
    by_region = json.loads(cli("--records", root, "summary", "--by", "region", "--format", "json").stdout)
    assert by_region["breakdown"]["counts"] == [{"label": None, "incidents": 1, "spanning": 0}]
    source = next(r for r in rows if r["key"] == "source")["values"]["armenia"]
    assert source == {"title": "A “quoted” head"}  # the title as written, not wrapped in display quotes


# --- the command line as people who know git and gh expect it (issue 14, item 4) ----------------


def test_incidents_alone_prints_the_help_as_an_answer(cli):
    result = cli()
    assert result.exit_code == 0 and "Commands:" in result.stdout and "error" not in result.stderr


def test_records_works_after_the_command_too(make_records, cli):
    root = str(make_records(incident()))
    assert cli("check", "--records", root).exit_code == 0  # as a pre-commit hook run elsewhere writes it
    assert (
        cli("list", "--records", root, "--format", "json").stdout
        == cli("--records", root, "list", "--format", "json").stdout
    )
    twice = cli("--records", root, "list", "--records", root + "-other")
    assert twice.exit_code == 2 and "--records" in twice.stderr


@pytest.mark.parametrize(
    "args",
    [["--records", "", "list"], ["list", "--records", ""], ["list", "--since", ""], ["list", "--side", ""],
     ["diff", ""], ["show", ""], ["list", "--region", ""]],
    ids=" ".join,
)  # fmt: skip
def test_an_empty_value_is_refused_with_its_option_named(make_records, cli, args):
    root = str(make_records(incident()))
    result = cli(*(["--records", root] if args[0] != "--records" else []), *args)
    assert result.exit_code == 2 and "is empty" in result.stderr
    named = next((a for a in args if a.startswith("--") and args[args.index(a) + 1] == ""), "ID")
    assert named.upper() in result.stderr.upper()


def test_o_is_format_and_path_prints_the_file(make_records, cli):
    root = make_records(incident())
    assert (
        cli("--records", str(root), "list", "-o", "json").stdout
        == cli("--records", str(root), "list", "--format", "json").stdout
    )
    printed = cli("--records", str(root), "path", "2023-09-01-sotk")
    assert (
        printed.exit_code == 0
        and Path(printed.stdout.strip()).resolve() == (root / "2023" / "2023-09-01-sotk.yaml").resolve()
    )
    assert cli("--records", str(root), "path", "2023-09-02-none").exit_code == 1


# --- withdrawn and merged records: tombstones every command honours (issue 14, item 2) -----------


def test_withdraw_keeps_the_record_and_its_reason_and_leaves_it_out(make_records, cli):
    root = make_records(incident(claims=[claim(side="armenia")]), incident(id="2023-09-02-kut", date="2023-09-02"))
    result = cli("--records", str(root), "withdraw", "2023-09-01-sotk", "--reason", "a duplicate report")
    assert result.exit_code == 0 and "was withdrawn (a duplicate report)" in result.stdout
    record = Store(root).load().get("2023-09-01-sotk").incident
    assert (record.status, record.reason, len(record.claims)) == ("withdrawn", "a duplicate report", 1)
    listed = json.loads(cli("--records", str(root), "list", "--format", "json").stdout)
    assert [r["id"] for r in listed] == ["2023-09-02-kut"]
    assert "was withdrawn (a duplicate report)" in cli("--records", str(root), "show", "2023-09-01-sotk").stdout
    refused = cli("--records", str(root), "claim", "2023-09-01-sotk", "--side", "azerbaijan", "--source-title", "x")
    assert refused.exit_code == 1 and "takes no new accounts" in refused.stderr
    again = cli("--records", str(root), "withdraw", "2023-09-01-sotk", "--reason", "twice")
    assert again.exit_code == 1 and Store(root).load().get("2023-09-01-sotk").incident.reason == "a duplicate report"
    assert cli("--records", str(root), "check").exit_code == 0


def test_a_merged_record_names_where_it_went_and_claim_sends_there(make_records, cli):
    root = make_records(incident(claims=[claim(side="armenia")]), incident(id="2023-09-01-zod"))
    result = cli(
        "--records", str(root), "merge", "2023-09-01-zod", "--into", "2023-09-01-sotk", "--reason", "Zod is Sotk"
    )
    assert result.exit_code == 0, result.output
    shown = cli("--records", str(root), "show", "2023-09-01-zod").stdout
    assert "was merged into 2023-09-01-sotk (Zod is Sotk)" in shown and "add one with" not in shown
    assert "was merged into 2023-09-01-sotk" in cli("--records", str(root), "diff", "2023-09-01-zod").stdout
    refused = cli("--records", str(root), "claim", "2023-09-01-zod", "--side", "azerbaijan", "--source-title", "x")
    assert refused.exit_code == 1 and "incidents claim 2023-09-01-sotk" in refused.stderr
    assert [r["id"] for r in json.loads(cli("--records", str(root), "list", "--format", "json").stdout)] == [
        "2023-09-01-sotk"
    ]
    assert cli("--records", str(root), "check").exit_code == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [(["2023-09-01-sotk", "--into", "2023-09-01-sotk"], "cannot be merged into itself"),
     (["2023-09-01-sotk", "--into", "2023-09-09-none"], "no incident with id '2023-09-09-none'")],
)  # fmt: skip
def test_merge_refuses_itself_and_an_unknown_target(make_records, cli, args, says):
    root = make_records(incident())
    before = snapshot(root)
    result = cli("--records", str(root), "merge", *args)
    assert result.exit_code in (1, 2) and says in result.stderr and snapshot(root) == before


def test_a_reason_on_an_active_record_is_a_problem(make_records, cli):
    root = make_records(incident())
    path = root / "2023" / "2023-09-01-sotk.yaml"
    path.write_text(path.read_text() + "reason: why not\n")
    result = cli("--records", str(root), "check")
    assert result.exit_code == 1 and "reason: only a withdrawn or merged record gives a reason" in result.stdout


# --- edit (issue 14, item 1) ---------------------------------------------------------------------


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """$EDITOR as a script that does to the file what `body` says (Python, with `p` and `text`)."""
    import sys

    def use(body: str) -> None:
        script = tmp_path / "editor.py"
        script.write_text("import sys\np = sys.argv[1]\ntext = open(p).read()\n" + body)
        monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
        monkeypatch.delenv("VISUAL", raising=False)

    return use


def test_edit_saves_a_valid_change(make_records, cli, editor):
    root = make_records(incident())
    path = root / "2023" / "2023-09-01-sotk.yaml"
    editor("open(p, 'w').write(text.replace('Exchange of fire near Sotk', 'Changed'))")
    result = cli("--records", str(root), "edit", "2023-09-01-sotk")
    assert result.exit_code == 0 and "saved" in result.stdout and "title: Changed" in path.read_text()
    assert not list((root / ".incidents" / "edits").glob("*"))


def test_edit_without_a_change_writes_nothing(make_records, cli, editor):
    root = make_records(incident())
    before = snapshot(root)
    editor("pass")
    result = cli("--records", str(root), "edit", "2023-09-01-sotk")
    assert result.exit_code == 0 and "no change" in result.stdout and snapshot(root) == before


def test_an_invalid_edit_is_kept_aside_and_the_record_left_as_it_was(make_records, cli, editor):
    root = make_records(incident())
    before = snapshot(root)
    editor("open(p, 'w').write(text.replace(\"date: '2023-09-01'\", \"date: 'next week'\"))")
    result = cli("--records", str(root), "edit", "2023-09-01-sotk")
    assert result.exit_code == 1 and "date:" in result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("the edit is kept in " + str(root / ".incidents" / "edits" / "2023-09-01-sotk.yaml"))
    )
    assert snapshot(root) == before
    assert "date: 'next week'" in (root / ".incidents" / "edits" / "2023-09-01-sotk.yaml").read_text()


def test_an_edit_never_overwrites_what_changed_on_disk_meanwhile(make_records, cli, editor, monkeypatch):
    root = make_records(incident())
    path = root / "2023" / "2023-09-01-sotk.yaml"
    monkeypatch.setenv("RECORD", str(path))
    editor(
        "import os\n"
        "open(os.environ['RECORD'], 'a').write('notes: written by a colleague meanwhile\\n')\n"
        "open(p, 'w').write(text.replace('Exchange of fire near Sotk', 'Mine'))"
    )
    result = cli("--records", str(root), "edit", "2023-09-01-sotk")
    assert result.exit_code == 1 and "changed on disk" in result.stderr
    assert "written by a colleague" in path.read_text() and "Mine" not in path.read_text()
    assert "title: Mine" in (root / ".incidents" / "edits" / "2023-09-01-sotk.yaml").read_text()


def test_an_invalid_edit_reopens_with_its_problems_on_top(make_records):
    from incidents.api import Records

    root = make_records(incident())
    seen = []

    def person(draft):  # first breaks the date, then sees why and fixes it
        text = draft.read_text()
        seen.append(text)
        if len(seen) == 1:
            draft.write_text(text.replace("date: '2023-09-01'", "date: 'soon'"))
        else:
            draft.write_text(text.replace("date: 'soon'", "date: '2023-09-02'"))

    result = Records(root).edit("2023-09-01-sotk", person, again=lambda problems: True)
    assert result.changed and seen[1].startswith("# incidents: ") and "date:" in seen[1].splitlines()[0]
    saved = (root / "2023" / "2023-09-01-sotk.yaml").read_text()
    assert "date: '2023-09-02'" in saved and "# incidents:" not in saved


def test_an_id_may_be_abbreviated_and_a_wrong_one_gets_did_you_mean(make_records, cli):
    root = str(
        make_records(incident(), incident(id="2023-09-01-sotk-2"), incident(id="2023-09-02-kut", date="2023-09-02"))
    )
    shown = cli("--records", root, "show", "2023-09-02-k")
    assert shown.exit_code == 0 and "2023-09-02-kut" in shown.stdout
    assert "2023-09-02-kut" in cli("--records", root, "path", "2023-09-02").stdout
    several = cli("--records", root, "show", "2023-09-01-so")
    assert several.exit_code == 2 and "2023-09-01-sotk, 2023-09-01-sotk-2" in several.stderr
    for command in ("show", "diff", "path"):
        wrong = cli("--records", root, command, "2023-09-02-kutt")
        assert wrong.exit_code == 1 and "did you mean 2023-09-02-kut?" in wrong.stderr, command


def test_add_starts_a_records_directory_only_when_told_or_asked(cli, tmp_path):
    args = ["--records", str(tmp_path / "recrods"), "add", "--date", "2023-09-01", "--title", "t", "--place", "Sotk"]
    typo = cli(*args)
    assert typo.exit_code == 1 and "--init" in typo.stderr and not (tmp_path / "recrods").exists()
    declined = cli(*args, "--interactive", input="n\n")
    assert declined.exit_code == 130 and not (tmp_path / "recrods").exists()
    assert cli(*args, "--init").exit_code == 0 and (tmp_path / "recrods" / "2023" / "2023-09-01-sotk.yaml").is_file()


def test_a_statement_read_from_stdin_is_kept_whole(make_records, cli):
    root = make_records(incident())
    said = 'He said: "we hold every position".\nA second line, as quoted.'
    result = cli("--records", str(root), "claim", "2023-09-01-sotk", "--side", "armenia", "--source-title", "x",
                 "--statement", "-", input=said + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert Store(root).load().get("2023-09-01-sotk").incident.claims[-1].statement == said


def _completed(root, *words):
    from click.testing import CliRunner

    from incidents.cli import main

    line = ["incidents", "--records", str(root), *words]
    env = {"_INCIDENTS_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(line), "COMP_CWORD": str(len(line) - 1)}
    result = CliRunner().invoke(main, [], env=env, prog_name="incidents")
    return [item.split(",", 1)[1] for item in result.output.splitlines()]


def test_the_shell_completes_commands_ids_sides_and_place_names(make_records):
    root = make_records(incident(), incident(id="2023-09-02-kut", date="2023-09-02"))
    assert "list" in _completed(root, "li")
    assert _completed(root, "show", "2") == ["2023-"]
    assert _completed(root, "show", "2023-09-0") == ["2023-09-01-sotk", "2023-09-02-kut"]
    assert _completed(root, "merge", "x", "--into", "2023-09-02") == ["2023-09-02-kut"]
    assert _completed(root, "list", "--side", "az") == ["azerbaijan"]
    assert {"Gorus", "Goris"} <= set(_completed(root, "list", "--region", "Gor"))  # either side's name
    assert "Basarkechar" in _completed(root, "add", "--place", "basark")


@pytest.mark.skipif(not __import__("shutil").which("git"), reason="git is not installed")
def test_log_shows_who_changed_a_record_and_when_from_git(make_records, cli, monkeypatch):
    import subprocess

    root = make_records(incident())
    outside = cli("--records", str(root), "log", "2023-09-01-sotk")
    assert outside.exit_code == 2 and "not in a git repository" in outside.stderr

    def git(*args, author="Ani Analyst"):
        env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": author,
               "GIT_COMMITTER_EMAIL": "a@example.org", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip
        subprocess.run(
            ["git", "-C", str(root), *args], check=True, capture_output=True, env={**__import__("os").environ, **env}
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "First record")
    result = cli("--records", str(root), "claim", "2023-09-01-sotk", "--side", "azerbaijan", "--source-title", "x")
    assert result.exit_code == 0, result.output
    git("commit", "-qam", "Azerbaijan's account", author="Farid Monitor")
    changes = json.loads(cli("--records", str(root), "log", "2023-09-01-sotk", "--format", "json").stdout)
    assert [(c["author"], c["message"]) for c in changes] == [
        ("Farid Monitor", "Azerbaijan's account"),
        ("Ani Analyst", "First record"),
    ]
    assert changes[0]["added"] > 0 and changes[1]["path"] == "2023/2023-09-01-sotk.yaml"  # in the repository
    assert "Farid Monitor" in cli("--records", str(root), "log", "2023-09-01-sotk").stdout


# --- evidence (issue 14, item 7) -----------------------------------------------------------------


def test_evidence_is_kept_with_its_hash_and_check_sees_it_change(make_records, cli, tmp_path):
    import hashlib

    root = make_records(incident(sources=[{"key": "anews", "title": "A headline"}]))
    article = tmp_path / "saved article.html"
    article.write_bytes(b"<html>the statement as published</html>")
    result = cli("--records", str(root), "evidence", "add", "2023-09-01-sotk", str(article), "--source", "anews",
                 "--retrieved", "2023-09-02")  # fmt: skip
    assert result.exit_code == 0, result.output
    [kept] = Store(root).load().get("2023-09-01-sotk").incident.evidence
    copy = root / "evidence" / kept.file
    assert copy.read_bytes() == article.read_bytes() and kept.sha256 == hashlib.sha256(article.read_bytes()).hexdigest()
    assert (kept.size, str(kept.retrieved), kept.source) == (len(article.read_bytes()), "2023-09-02", "anews")
    assert (
        " " not in kept.file
        and "evidence/" + kept.file in cli("--records", str(root), "show", "2023-09-01-sotk").stdout
    )
    assert cli("--records", str(root), "check").exit_code == 0
    copy.write_bytes(b"<html>the statement as someone changed it</html>")  # another size
    changed = cli("--records", str(root), "check")
    assert changed.exit_code == 1 and "it changed" in changed.stdout
    copy.write_bytes(b"<html>the statement as published</html>"[::-1])  # the same size, another hash
    assert "no longer has its SHA-256" in cli("--records", str(root), "check").stdout
    copy.unlink()
    assert "is missing" in cli("--records", str(root), "check").stdout


def test_evidence_needs_a_listed_source_and_a_real_file(make_records, cli, tmp_path):
    root = make_records(incident())
    before = snapshot(root)
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    wrong = cli(
        "--records", str(root), "evidence", "add", "2023-09-01-sotk", str(tmp_path / "a.pdf"), "--source", "nope"
    )
    assert wrong.exit_code == 2 and "lists no source 'nope'" in wrong.stderr
    missing = cli("--records", str(root), "evidence", "add", "2023-09-01-sotk", str(tmp_path / "none.pdf"))
    assert missing.exit_code == 2 and snapshot(root) == before


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ([], "no-accounts"),
        ([claim(side="armenia")], "single-source"),
        ([claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="armenia")], "contested"),
        (
            [claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="azerbaijan")],
            "acknowledged",
        ),
        ([claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", stance="denies")], "denied"),
        ([claim(side="armenia"), claim(side="azerbaijan", stance="denies"), claim(side="eu-mission")], "confirmed"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_standing_follows_its_documented_rules_in_list_and_show(make_records, cli, claims, expected):
    root = make_records(incident(claims=claims))
    [row] = json.loads(cli("--records", str(root), "list", "--format", "json").stdout)
    assert row["verification"] == expected
    assert re.search(rf"Standing\s+{expected}\b", cli("--records", str(root), "show", "2023-09-01-sotk").stdout)


def test_merging_carries_the_claims_over_with_their_sources(make_records, cli):
    zod = incident(
        id="2023-09-01-zod",
        sources=[{"key": "anews", "title": "Zod shelled"}],
        claims=[claim(side="azerbaijan", source={"key": "anews"}), claim(side="azerbaijan", revises="c1")],
    )
    sotk = incident(sources=[{"key": "anews", "title": "Another article"}], claims=[claim(side="armenia")])
    root = make_records(sotk, zod)
    result = cli("--records", str(root), "merge", "2023-09-01-zod", "--into", "2023-09-01-sotk")
    assert result.exit_code == 0, result.output
    target = Store(root).load().get("2023-09-01-sotk").incident
    assert target.claim_ids == ("c1", "c2", "c3")
    first, second = target.claims[1], target.claims[2]
    assert first.note == "carried from 2023-09-01-zod c1" and second.revises == target.claim_ids[1]
    assert {s.title for s in target.sources} == {"Zod shelled", "Another article"}  # both kept, keys apart
    assert next(s for s in target.sources if s.key == first.source.key).title == "Zod shelled"
    assert len(Store(root).load().get("2023-09-01-zod").incident.claims) == 2  # the tombstone keeps its own
    assert cli("--records", str(root), "check").exit_code == 0
    summary = json.loads(cli("--records", str(root), "summary", "--format", "json").stdout)
    assert summary["totals"]["incidents"] == 1  # counted once, in the incident it went into


@pytest.mark.parametrize("columns", ["30", "40", "59", "60", "80", "120"])
def test_show_keeps_every_letter_at_any_width(cli, monkeypatch, columns):
    from .conftest import BUNDLED

    monkeypatch.setenv("COLUMNS", columns)
    out = cli("--records", str(BUNDLED), "show", "2023-09-01-kalbajar").stdout
    assert max(len(line) for line in out.splitlines()) <= int(columns)

    def squash(text):
        return re.sub(r"[\s│─╭╮╰╯┌┐└┘]+", "", text)

    record = Store(BUNDLED).load().get("2023-09-01-kalbajar").incident
    texts = [record.title, record.notes, *(s.title for s in record.sources)]
    texts += [c.statement for c in record.claims if c.statement] + [c.source.url for c in record.claims if c.source.url]
    for text in filter(None, texts):
        assert squash(text) in squash(out), text[:40]


def test_the_same_evidence_twice_is_refused_and_says_when_it_was_kept(make_records, cli, tmp_path):
    root = make_records(incident())
    (tmp_path / "a.html").write_text("<html/>")
    args = ["--records", str(root), "evidence", "add", "2023-09-01-sotk", str(tmp_path / "a.html")]
    assert cli(*args, "--retrieved", "2023-09-02").exit_code == 0
    again = cli(*args, "--retrieved", "2023-09-05")
    assert again.exit_code == 1 and "keeps this file already" in again.stderr and "2023-09-02" in again.stderr


def test_every_read_command_with_a_table_offers_csv(make_records, cli):
    import csv
    import io

    root = str(
        make_records(
            incident(
                claims=[claim(side="armenia", initiator="azerbaijan"), claim(side="azerbaijan", initiator="armenia")]
            )
        )
    )

    def table(*args):
        result = cli("--records", root, *args, "-o", "csv")
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    [row] = table("diff")
    assert (
        row["id"] == "2023-09-01-sotk"
        and row["sides.armenia.initiator"] == "azerbaijan"
        and row["initiator_verdict"] == "conflict"
    )
    aspects = {r["key"]: r for r in table("diff", "2023-09-01-sotk")}
    assert aspects["initiator"]["verdict"] == "conflict"
    assert table("summary")[0] == {"label": "2023-09", "incidents": "1", "spanning": "0"}
    places = {r["id"]: r for r in table("places", "Sotk")}
    assert places["sotk"]["name"] == "Sotk"


def test_no_pager_works_after_the_command_too(make_records, cli):
    root = str(make_records(incident()))
    assert cli("list", "--records", root, "--no-pager").exit_code == 0
    assert cli("--no-pager", "--records", root, "list").exit_code == 0
