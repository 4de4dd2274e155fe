"""The long reliability runs of issue 16, with a table of what they found.

    python tools/reliability.py                 # everything: under an hour on 2 cores
    python tools/reliability.py --quick         # the sizes CI runs (tests/test_reliability.py)
    python tools/reliability.py corpus kills    # some of the runs only

The runs:
- corpus: every case of tools/corpus.py, each in a records directory of its own beside a good
  record, under every command: no traceback, no internal error, no hang, exit 1 naming the bad
  file for each bad case, the good record still listed, no escape byte on stdout or stderr;
- properties: the hypothesis tests (tests/test_properties.py and the others marked so) with
  10,000 examples each;
- kills: `kill -9` at random moments of `add`, `claim`, `edit` and an index rebuild, then a
  check that every record is its old or its new version and nothing was lost;
- concurrency: 8 processes x 250 `add`s of one day and place (2,000 distinct ids), and
  8 processes x 50 `claim`s on one incident (all 400 kept), with the index in use.

Each run is a function the tests call with small sizes; this file calls them with large ones.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent
sys.path.insert(0, str(TOOLS))

import corpus  # noqa: E402

TIMEOUT = 60  # seconds a command may take on one case before it counts as a hang
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what may not reach a terminal (tab and newline may)
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "INCIDENTS_DEBUG": ""}
ENV.pop("INCIDENTS_RECORDS", None)


def commands(case_id: str | None) -> list[list[str]]:
    """Every command a records directory is read by, and one that writes beside the case."""
    good = corpus.GOOD_ID
    every = [
        ["check"], ["list"], ["list", "-o", "json"], ["list", "-o", "csv"], ["show", good], ["show", good, "-o", "json"],
        ["diff"], ["diff", good], ["summary"], ["summary", "-o", "json"], ["export", "-o", "jsonl"],
        ["export", "-o", "csv"], ["export", "-o", "geojson"], ["fmt", "--check"],
    ]  # fmt: skip
    if case_id:
        every.append(["show", case_id])
    every.append(["claim", good, "--side", "azerbaijan", "--source-title", "Reliability run", "--stance", "denies"])
    return every


@dataclass
class Outcome:
    """What the commands made of one case."""

    name: str
    runs: int = 0
    failures: list[str] = field(default_factory=list)
    tracebacks: int = 0
    internal: int = 0
    hangs: int = 0
    escapes: int = 0
    unnamed: int = 0  # a bad case `check` did not name by path and line
    good_lost: int = 0  # the good record missing from `list`


def run(root: Path, args: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess[bytes] | None:
    command = [sys.executable, "-m", "incidents", "--records", str(root), *args]
    try:
        return subprocess.run(
            command, capture_output=True, timeout=timeout, env=ENV, cwd=root.parent, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return None


def run_case(case: corpus.Case, root: Path) -> Outcome:
    """Every command over a records directory holding the good record and the case."""
    outcome = Outcome(case.name)
    case_id = f"2023-09-01-case-{case.name}" if not case.file_name and case.kind == "file" else None
    for args in commands(case_id):
        done = run(root, args)
        outcome.runs += 1
        label = " ".join(args[:2])
        if done is None:
            outcome.hangs += 1
            outcome.failures.append(f"{label}: no answer in {TIMEOUT} s")
            continue
        out, err = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
        if "Traceback" in out + err:
            outcome.tracebacks += 1
            outcome.failures.append(f"{label}: a traceback")
        if done.returncode == 3 or "internal error" in err:
            outcome.internal += 1
            outcome.failures.append(f"{label}: an internal error: {err.strip()[:200]}")
        if done.returncode < 0:
            outcome.failures.append(f"{label}: killed by signal {-done.returncode}")
        if UNSAFE.search(out + err):
            outcome.escapes += 1
            outcome.failures.append(f"{label}: a control character reached the output: {UNSAFE.search(out + err)[0]!r}")
        if args == ["check"]:
            _judge_check(case, done, outcome)
        if args == ["list", "-o", "json"] and case.spares_good and corpus.GOOD_ID not in out:
            outcome.good_lost += 1
            outcome.failures.append("list: the good record beside the case was not listed")
    return outcome


NAMED = re.compile(r"^(?:incidents: (?:error: )?)?records/(?!2023/2023-09-01-sotk\.yaml:)\S.*?:\d+: ", re.MULTILINE)


def _judge_check(case: corpus.Case, done: subprocess.CompletedProcess[bytes], outcome: Outcome) -> None:
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    if case.expect == "bad" and (done.returncode != 1 or not NAMED.search(said)):
        outcome.unnamed += 1
        outcome.failures.append(
            f"check: a bad case not named by path and line (exit {done.returncode}): {said.strip()[:200]}"
        )
    if case.expect == "good" and done.returncode != 0:
        outcome.failures.append(f"check: a good record refused: {said.strip()[:200]}")


def corpus_run(
    chosen: Iterable[corpus.Case], jobs: int = 2, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Every chosen case in a directory of its own, `jobs` at a time; the counts, and the
    failures printed through `progress`."""
    work = Path(tempfile.mkdtemp(prefix="incidents-corpus-"))
    totals: Counter[str] = Counter()
    try:
        prepared = []
        for number, case in enumerate(chosen):
            root = corpus.good_directory(work / f"{number:03d}" / "records")
            corpus.place(case, root)
            prepared.append((case, root))
        with ThreadPoolExecutor(jobs) as pool:
            for outcome in pool.map(lambda pair: run_case(*pair), prepared):
                totals["cases"] += 1
                totals["runs"] += outcome.runs
                for key in ("tracebacks", "internal", "hangs", "escapes", "unnamed", "good_lost"):
                    totals[key] += getattr(outcome, key)
                totals["failed cases"] += bool(outcome.failures)
                for failure in outcome.failures:
                    if progress:
                        progress(f"{outcome.name}: {failure}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dict(totals)


def corpus_together(chosen: Iterable[corpus.Case], progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Every chosen case in one records directory beside the good record (the quick run):
    each command once over all of them; `check` must name every bad case's file."""
    work = Path(tempfile.mkdtemp(prefix="incidents-corpus-"))
    every = [c for c in chosen if c.spares_good]
    totals: Counter[str] = Counter(cases=len(every))
    try:
        root = corpus.good_directory(work / "records")
        placed = {case.name: corpus.place(case, root) for case in every}
        whole = corpus.Case("together", "either")
        outcome = run_case(whole, root)
        totals["runs"] = outcome.runs
        for key in ("tracebacks", "internal", "hangs", "escapes", "good_lost"):
            totals[key] = getattr(outcome, key)
        failures = list(outcome.failures)
        checked = run(root, ["check"])
        said = (checked.stdout + checked.stderr).decode("utf-8", "replace") if checked else ""
        for case in every:
            shown = str(placed[case.name].relative_to(root.parent))
            if case.expect == "bad" and shown.isprintable() and not re.search(re.escape(shown) + r":\d+: ", said):
                totals["unnamed"] += 1
                failures.append(f"{case.name}: check did not name {shown} with a line")
        totals["failed"] = len(failures)
        for failure in failures:
            if progress:
                progress(failure)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dict(totals)


# --- kill -9 at random moments -------------------------------------------------------------------


def kill_run(kills: int, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """`kill -9` at a random moment of add, claim, edit and an index rebuild, until `kills` of
    them have landed inside the command (one that had finished does not count). After each: no record lost, every record whole (`check` passes), a record the killed
    command did not write unchanged, and every temporary file left named by `check`."""
    work = Path(tempfile.mkdtemp(prefix="incidents-kills-"))
    totals: Counter[str] = Counter()
    root = corpus.good_directory(work / "records")
    editor = work / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('title: ', 'title: Edited ', 1))\n"
    )
    actions = {
        "add": ["add", "--date", "2023-09-01", "--title", "Killed add", "--place", "Sotk", "--allow-duplicate"],
        "claim": ["claim", corpus.GOOD_ID, "--side", "azerbaijan", "--source-title", "Killed claim"],
        "edit": ["edit", corpus.GOOD_ID],
        "index": ["list"],
    }
    env = {**ENV, "VISUAL": f"{sys.executable} {editor}"}
    try:
        number = 0
        while totals["kills inside a command"] < kills and number < 3 * kills:
            name = list(actions)[number % len(actions)]
            number += 1
            before = _contents(root)
            if name == "index":
                shutil.rmtree(root / ".incidents", ignore_errors=True)
            process = subprocess.Popen([sys.executable, "-m", "incidents", "--records", str(root), *actions[name]],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                       stdin=subprocess.DEVNULL)  # fmt: skip
            time.sleep(random.uniform(0.02, 0.4))  # a command takes about 0.3 s: most kills land inside it
            process.send_signal(signal.SIGKILL)
            finished = process.wait() == 0
            totals["kills"] += 1
            totals["kills inside a command" if not finished else "kills after it had finished"] += 1
            totals[f"killed inside {name}"] += not finished
            problems = _after_kill(root, before, name)
            totals["lost or torn"] += len(problems)
            for problem in problems:
                if progress:
                    progress(f"kill {number} during {name}: {problem}")
        totals["temporary files left"] = len(left := list(root.rglob(".incident-*.tmp")))
        for path in left:  # as they will be once the minute a write may take has passed
            os.utime(path, (time.time() - 120, time.time() - 120))
        checked = run(root, ["check"], timeout=120)
        said = (checked.stdout + checked.stderr).decode("utf-8", "replace") if checked else ""
        totals["temporary files check did not name"] = sum(path.name not in said for path in left)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dict(totals)


def _contents(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.yaml") if ".incidents" not in p.parts}


def _after_kill(root: Path, before: dict[str, bytes], name: str) -> list[str]:
    """What is wrong after a kill: a record lost, a record torn (check fails), or a record
    changed that the killed command does not write."""
    after = _contents(root)
    problems = [f"{path} was lost" for path in before if path not in after]
    checked = run(root, ["check"], timeout=120)
    if checked is None or checked.returncode != 0:
        said = (checked.stdout + checked.stderr).decode("utf-8", "replace") if checked else "no answer"
        problems.append(f"check after the kill: {said.strip()[:300]}")
    writes = {"claim": {f"2023/{corpus.GOOD_ID}.yaml"}, "edit": {f"2023/{corpus.GOOD_ID}.yaml"}}.get(name, set())
    problems += [f"{path} changed by a killed {name}" for path in after.keys() & before.keys()
                 if after[path] != before[path] and path not in writes]  # fmt: skip
    return problems


# --- concurrency ---------------------------------------------------------------------------------


def concurrency_run(processes: int = 8, adds: int = 250, claims: int = 50) -> dict[str, int]:
    """`processes` writers at once, each adding `adds` incidents of one day and place, then each
    adding `claims` claims to one incident, with the index in use (a `list` first builds it)."""
    work = Path(tempfile.mkdtemp(prefix="incidents-concurrency-"))
    root = corpus.good_directory(work / "records")
    script = work / "writer.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from incidents.api import Records\n"
        "from incidents.entry import IncidentDraft\n"
        "kind, root, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])\n"
        "records = Records(root)\n"
        "for n in range(count):\n"
        "    if kind == 'add':\n"
        "        records.add(IncidentDraft(title=f'Concurrent {n}', date='2023-09-02', places=['Sotk']), allow_similar=True)\n"
        "    else:\n"
        f"        records.add_claim('{corpus.GOOD_ID}', {{'side': 'azerbaijan', 'source.title': f'Concurrent claim {{n}}'}})\n"
        "    records = Records(root)  # as a new command would, seeing the others' writes\n"
    )
    totals: dict[str, int] = {}
    try:
        run(root, ["list"])  # the index in use from the start
        for kind, count in (("add", adds), ("claim", claims)):
            started = time.perf_counter()
            writers = [subprocess.Popen([sys.executable, str(script), kind, str(root), str(count)], env=ENV,
                                        stderr=subprocess.PIPE) for _ in range(processes)]  # fmt: skip
            failed = sum(w.wait() != 0 for w in writers)
            totals[f"{kind}: seconds"] = round(time.perf_counter() - started)
            totals[f"{kind}: writers failed"] = failed
        listed = run(root, ["list", "-o", "json", "--limit", "0"])
        ids = [row["id"] for row in json.loads(listed.stdout)] if listed and listed.returncode == 0 else []
        totals["add: records made"] = sum(1 for i in ids if i.startswith("2023-09-02"))
        totals["add: distinct ids"] = len({i for i in ids if i.startswith("2023-09-02")})
        shown = run(root, ["show", corpus.GOOD_ID, "-o", "json"])
        data = json.loads(shown.stdout) if shown and shown.returncode == 0 else {"claims": []}
        totals["claim: claims kept"] = sum(1 for c in data["claims"] if "Concurrent claim" in json.dumps(c))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return totals


# --- properties ----------------------------------------------------------------------------------


def properties_run(examples: int) -> dict[str, int]:
    """The property tests with `examples` examples each (INCIDENTS_EXAMPLES, read by the tests)."""
    env = {**ENV, "INCIDENTS_EXAMPLES": str(examples)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-m", "properties", "-p", "no:cacheprovider"],
                          cwd=REPO, env=env, capture_output=True, text=True)  # fmt: skip
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]
    passed = int(m[1]) if (m := re.search(r"(\d+) passed", last)) else 0
    failed = int(m[1]) if (m := re.search(r"(\d+) failed", last)) else 0
    if failed:
        print(done.stdout[-3000:], file=sys.stderr)
    return {"property tests passed": passed, "failed": failed, "examples each": examples,
            "seconds": round(time.perf_counter() - started)}  # fmt: skip


SIZES = {
    "quick": {"corpus": 40, "examples": 200, "kills": 20, "processes": 4, "adds": 25, "claims": 10},
    "long": {"corpus": 0, "examples": 10_000, "kills": 1_000, "processes": 8, "adds": 250, "claims": 50},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", default=["corpus", "properties", "kills", "concurrency"])
    parser.add_argument("--quick", action="store_true", help="the sizes CI runs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    options = parser.parse_args()
    size = SIZES["quick" if options.quick else "long"]
    table: list[tuple[str, str, object]] = []

    def say(text: str) -> None:
        print(f"  {text}", file=sys.stderr)

    started = time.perf_counter()
    for name in options.runs:
        print(f"{name} …", file=sys.stderr)
        if name == "corpus":
            every = list(corpus.cases())
            chosen = every if not size["corpus"] else random.Random(16).sample(every, size["corpus"])
            found = corpus_run(chosen, options.jobs, say)
        elif name == "properties":
            found = properties_run(size["examples"])
        elif name == "kills":
            found = kill_run(size["kills"], say)
        elif name == "concurrency":
            found = concurrency_run(size["processes"], size["adds"], size["claims"])
        else:
            parser.error(f"no run {name!r}")
        table += [(name, key, value) for key, value in found.items()]
    width = max(len(f"{run} {key}") for run, key, _ in table)
    print(f"{'run':<12} {'figure':<{width - 10}} value")
    for run_name, key, value in table:
        print(f"{run_name:<12} {key:<{width - 10}} {value}")
    print(f"in {time.perf_counter() - started:.0f} s")
    bad = sum(v for r, k, v in table if isinstance(v, int) and k in (
        "tracebacks", "internal", "hangs", "escapes", "unnamed", "good_lost", "failed cases", "lost or torn", "failed"))  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
