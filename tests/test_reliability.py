"""Nothing lost, nothing torn: writes killed at random moments, staged imports finished or undone."""

import json
import os
import random
import signal
import subprocess
import sys
import time

from incidents.store import Store

from .conftest import incident, snapshot

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
