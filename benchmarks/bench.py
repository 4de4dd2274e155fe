"""Every command's time and memory beside a baseline measured in the same run, and the ratio.

Usage: python benchmarks/bench.py [N ... | large]    (default: 1000 10000 large; 100000 on request)

Each figure is the best of three runs of `incidents` as a user runs it (a new process, with
its imports), on an archive from benchmarks/generate.py. The machines are shared and noisy, so
every figure stands beside the baseline it is judged against (issue 13), measured in the same
run, and the ratio is what to read:

- imports: starting Python and importing what a command uses;
- imports + stat: that, and listing and stat-ing every record file (what a warm command
  cannot avoid);
- parse: reading every file with PyYAML's C loader on one core (what a cold command does at
  the least, before any checking).

Memory is the largest resident set of the command's process (its workers not included); on
Linux it cannot be less than this script's own (under 20 MB), which a child starts from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

GENERATE = Path(__file__).resolve().parent / "generate.py"
MODULES = "incidents.cli, incidents.api, incidents.render, incidents.prompts, incidents.summary, incidents.query"
STAT_ALL = "import os\nfor d, _, fs in os.walk({root!r}):\n    for f in fs: os.lstat(os.path.join(d, f))"
PARSE_ALL = (
    "import os, yaml\nfor d, _, fs in os.walk({root!r}):\n"
    "    for f in fs:\n"
    "        if f.endswith('.yaml'): yaml.load(open(os.path.join(d, f), 'rb'), Loader=yaml.CSafeLoader)"
)


def run(command: list[str], runs: int = 3, before=None) -> tuple[float, float]:
    """Best wall time (s) and largest RSS (MB) of `command` over `runs` runs."""
    import time

    best, memory = float("inf"), 0.0
    for _ in range(runs):
        if before:
            before()
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        best = min(best, time.perf_counter() - began)
        memory = max(memory, usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) not in (0, 1, 2):  # 1: the broken files; 2: usage error
            raise SystemExit(f"{command}: exit {os.waitstatus_to_exitcode(status)}")
    return best, memory


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def incidents(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "incidents", "--records", str(root), *args]


def line(label: str, figure: tuple[float, float], baseline: float, target: str) -> None:
    seconds, memory = figure
    print(f"  {label:40} {seconds:8.3f} s {memory:7.0f} MB {seconds / baseline:8.2f}x   {target}")


def bench(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "records"
        # In a process of its own: on Linux a child's peak memory counts what it inherited
        # from this process before exec, so this one is kept small.
        subprocess.run([sys.executable, str(GENERATE), tmp, str(n)], check=True)
        sizes = [entry.stat().st_size for folder in os.scandir(root) for entry in os.scandir(folder)]
        size = sum(sizes) / len(sizes)
        one = next(entry.name for entry in os.scandir(root / "2023") if "synthetic" in entry.name)[: -len(".yaml")]
        print(f"\nN = {n:,} records ({size:,.0f} bytes each on average)")
        imports = run(python(f"import {MODULES}"), 7)[0]
        stat_all = run(python(f"import {MODULES}\n" + STAT_ALL.format(root=str(root))))[0]
        parse_all = run(python(PARSE_ALL.format(root=str(root))))[0]
        print(f"  baselines: imports {imports:.3f} s, imports + stat {stat_all:.3f} s, parse {parse_all:.3f} s")
        print(f"  {'':40} {'time':>10} {'memory':>10} {'ratio':>9}   target")

        def no_index() -> None:
            shutil.rmtree(root / ".incidents", ignore_errors=True)

        line("first run, no index: check", run(incidents(root, "check"), before=no_index), parse_all, "0.7x parse")
        subprocess.run(incidents(root, "list"), capture_output=True, check=False)  # the index, warm
        for label, args in [
            ("list --region Vardenis", ("list", "--region", "Vardenis")),
            ("list --since 2024-01-01", ("list", "--since", "2024-01-01")),
            ("summary", ("summary",)),
            ("check", ("check",)),
            ("diff (no id: 100 rows)", ("diff",)),
        ]:
            line(f"warm: {label}", run(incidents(root, *args)), stat_all, "2x imports + stat")
        listed = run(incidents(root, "list", "--limit", "1", "--format", "json"))
        for fmt in ("json", "csv", "yaml"):
            every = run(incidents(root, "list", "--format", fmt))
            per_row = (every[0] - listed[0]) / n * 1e6
            print(f"  {'warm: list --format ' + fmt + ' (every row)':40} {every[0]:8.3f} s {every[1]:7.0f} MB"
                  f" {per_row:7.1f} µs a row beyond one row   target 5 µs")  # fmt: skip
        every = run(incidents(root, "diff", "--format", "json"))
        per_row = (every[0] - listed[0]) / n * 1e6
        print(f"  {'warm: diff --format json (every row)':40} {every[0]:8.3f} s {every[1]:7.0f} MB"
              f" {per_row:7.1f} µs a row beyond one row   target 5 µs")  # fmt: skip
        added = root / "2022" / "2022-05-01-sotk.yaml"
        for label, args, before in [
            ("show ID", ("show", one), None),
            ("diff ID", ("diff", one), None),
            ("add (looks for the same event)", ("add", "--date", "2022-05-01", "--title", "t", "--place", "Sotk"),
             lambda: added.unlink(missing_ok=True)),
        ]:  # fmt: skip
            line(label, run(incidents(root, *args), before=before), imports, "1.15x imports")
        for args in (["--help"], ["--version"], ["list", "--bogus"]):
            line(" ".join(args), run([sys.executable, "-m", "incidents", *args], 7), imports, "0.75x imports")


BIG_CLAIMS = 2000  # the record the reliability campaign found slow to show (11 s)
UNKNOWN_KEYS = 5000  # the file it found slow to check (4 s)


def bench_large() -> None:
    """One record of 2,000 claims and one file of 5,000 unknown keys: show, diff and check,
    beside the imports and the bare C parse of the file."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from incidents.spec import incident_from_data
    from incidents.store import render_record

    claims = [{"side": ["armenia", "azerbaijan"][n % 2], "source": "s1", "reported": "2023-09-01",
               "casualties": {"armenia": {"killed": n % 5}}} for n in range(BIG_CLAIMS)]  # fmt: skip
    data = {"id": "2023-09-01-sotk", "title": "Many claims", "date": "2023-09-01", "places": ["Sotk"],
            "sources": [{"key": "s1", "title": "A headline"}], "claims": claims}  # fmt: skip
    incident, problems = incident_from_data(data, "bench")
    assert not problems, problems[:3]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "records"
        (root / "2023").mkdir(parents=True)
        big = root / "2023" / "2023-09-01-sotk.yaml"
        big.write_text(render_record(incident), encoding="utf-8")
        keys = root / "2023" / "2023-09-02-keys.yaml"
        keys.write_text("id: 2023-09-02-keys\ntitle: T\ndate: 2023-09-02\n"
                        + "".join(f"unknown{n}: {n}\n" for n in range(UNKNOWN_KEYS)), encoding="utf-8")  # fmt: skip
        imports = run(python(f"import {MODULES}"), 7)[0]
        parse = run(python(f"import yaml\nyaml.load(open({str(big)!r}, 'rb'), Loader=yaml.CSafeLoader)"))[0]
        print(f"\nlarge records: {BIG_CLAIMS:,} claims ({big.stat().st_size:,} bytes); {UNKNOWN_KEYS:,} unknown keys")
        print(f"  baselines: imports {imports:.3f} s, parse of the large record {parse:.3f} s")
        subprocess.run(incidents(root, "list"), capture_output=True, check=False)  # the index, warm
        for label, args in [("show (2,000 claims)", ("show", "2023-09-01-sotk")),
                            ("diff (2,000 claims)", ("diff", "2023-09-01-sotk")),
                            ("check (both files, warm)", ("check",))]:  # fmt: skip
            line(label, run(incidents(root, *args)), parse, "was 11 s (show) and 4 s (check)")
        shutil.rmtree(root / ".incidents", ignore_errors=True)
        line("check (both files, no index)", run(incidents(root, "check"), runs=1), parse, "")


def main(sizes: list[int]) -> None:
    os.environ.setdefault("NO_COLOR", "1")
    os.environ.setdefault("COLUMNS", "120")
    import yaml

    print(f"python {sys.version.split()[0]}, libyaml {yaml.__with_libyaml__}, {os.cpu_count()} cores, best of 3")
    for n in sizes:
        bench(n) if n else bench_large()


if __name__ == "__main__":  # `large` (or 0): the large-records run alone
    main([0 if a == "large" else int(a) for a in sys.argv[1:]] or [1000, 10000, 0])
