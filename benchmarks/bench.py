"""Time `list`, `list --region X` and `check` on N synthetic records, beside reading the bytes.

Usage: python benchmarks/bench.py [N ...]   (default: 1000 10000)

Prints one line per command: the best of three runs without the index and with it (warm), and
the warm time as a multiple of reading every file's bytes, measured in the same run. The records
are generated in a temporary directory, each a canonical file of the size of a bundled record
with two to four claims, so the figures track what the loader and the commands cost, not disk.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from incidents.cli import main
from incidents.spec import incident_from_data
from incidents.store import record_files, render_record

PLACES = ["Sotk", "Kalbajar", "Vardenis", "Basarkechar", "Goris", "Lachin", "Tegh", "Dashkasan", "Yeraskh", "Berd"]


def generate(root: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = date(2021, 1, 1)
    for i in range(n):
        day = start + timedelta(days=rng.randrange(1500))
        place = rng.choice(PLACES)
        claims = []
        for side, other in rng.sample(
            [("armenia", "azerbaijan"), ("azerbaijan", "armenia"), ("eu-mission", None)], rng.randint(2, 3)
        ):
            claims.append({
                "side": side, "by": "Ministry of Defence", "reported": day.isoformat(), "stance": "alleges",
                "initiator": other, "weapons": rng.sample(["artillery", "mortars", "small arms", "drones"], 2),
                "places": [place], "casualties": {other or "armenia": {"wounded": rng.randint(0, 4)}},
                "statement": f"Units opened fire in the direction of {place}; synthetic statement number {i}.",
                "source": {"title": f"Synthetic headline {i}", "publisher": "Bench agency"},
            })  # fmt: skip
        data = {
            "id": f"{day.isoformat()}-bench-{i}", "title": f"Synthetic incident {i} near {place}", "date": day.isoformat(),
            "date_precision": "day", "places": [place], "region": ["Gegharkunik"], "tags": ["bench"], "status": "active",
            "notes": "Generated for benchmarks/bench.py.", "claims": claims,
        }  # fmt: skip
        incident, problems = incident_from_data(data, "bench")
        assert incident is not None, problems
        path = root / data["id"][:4] / f"{data['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_record(incident), encoding="utf-8")


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def run_cli(root: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["--records", str(root), *args])
    if result.exit_code not in (0,):
        raise SystemExit(f"{args}: exit {result.exit_code}: {result.output[-300:]}")


def without_index(action) -> None:
    os.environ["INCIDENTS_NO_INDEX"] = "1"
    try:
        action()
    finally:
        del os.environ["INCIDENTS_NO_INDEX"]


def read_bytes(root: Path) -> None:
    for path in record_files(root):
        path.read_bytes()


def start_up() -> None:
    """--help, --version and a usage error, each beside importing what a command uses (the
    baseline, in the same run): they should cost well under the imports (issue 13: 0.75x)."""
    import subprocess

    def best(command: list[str]) -> float:
        times = []
        for _ in range(7):
            began = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - began)
        return min(times)

    modules = "incidents.cli, incidents.api, incidents.render, incidents.prompts, incidents.summary, incidents.query"
    imports = best([sys.executable, "-c", f"import {modules}"])
    print(f"\nstart-up, beside importing what a command uses ({imports:.3f} s)")
    for args in (["--help"], ["--version"], ["list", "--bogus"]):
        seconds = best([sys.executable, "-m", "incidents", *args])
        print(f"  incidents {' '.join(args):24} {seconds:8.3f} s {seconds / imports:13.2f}x")


def main_bench(sizes: list[int]) -> None:
    os.environ.setdefault("NO_COLOR", "1")
    os.environ.setdefault("COLUMNS", "120")
    import yaml

    print(f"python {sys.version.split()[0]}, libyaml: {yaml.__with_libyaml__}, best of 3")
    start_up()
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "records"
            generate(root, n)
            total = sum(p.stat().st_size for p in record_files(root))
            print(f"\nN = {n:,} records ({total / n:,.0f} bytes each on average)")
            baseline = best_of(3, lambda root=root: read_bytes(root))
            print(f"  {'read every file (the baseline)':34} {baseline:8.3f} s   {baseline / n * 1e3:7.3f} ms/record")
            print(f"  {'':34} {'no index':>10} {'index, warm':>12} {'warm/baseline':>14}")
            for label, args in [
                ("list (table, first 100 rows)", ("list",)),
                ("list --format json (all rows)", ("list", "--format", "json")),
                ("list --region Sotk", ("list", "--region", "Sotk")),
                ("check", ("check",)),
            ]:
                cold = best_of(3, lambda root=root, args=args: without_index(lambda: run_cli(root, *args)))
                run_cli(root, *args)  # fills the index
                warm = best_of(3, lambda root=root, args=args: run_cli(root, *args))
                print(f"  {label:34} {cold:8.3f} s {warm:10.3f} s {warm / baseline:13.1f}x")


if __name__ == "__main__":
    main_bench([int(a) for a in sys.argv[1:]] or [1000, 10000])
