"""Test the project against the versions of its dependencies that a user can get, and lock them.

The README's test command installs the locked set in `requirements/lock.txt`, so a test run on a
fresh machine is the run that passed here. Users' `pip install .` takes the ranges in setup.cfg
instead, and upstream releases land in those ranges without asking; this script is how they are
seen before a user meets them:

    python tools/deps.py newest   # the suite on the newest versions the ranges allow
    python tools/deps.py oldest   # the suite on the lowest version of each runtime range
    python tools/deps.py lock     # `newest`, and when it passes, write requirements/lock.txt

Each builds a virtual environment of its own in a temporary folder (nothing of the developer's
is touched), installs the project as the README does, runs pytest, prints the versions it ran
on beside the locked ones, and exits non-zero when the install or a test fails. Only the
standard library is used, so it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import configparser
import datetime
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements" / "lock.txt"
EXTRAS = "test,dev"  # the lock pins what developers install too, so ruff is the same everywhere
_NOT_LOCKED = {"pip", "setuptools", "wheel", "incidents"}  # come with the venv, or are the project


def runtime_requirements() -> list[str]:
    """install_requires from setup.cfg, one requirement a line, as users get them."""
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    return [line.strip() for line in config["options"]["install_requires"].splitlines() if line.strip()]


def lower_bounds() -> list[str]:
    """`name==X` for every runtime requirement with a lower bound `>=X`: the oldest a range admits."""
    pins = []
    for requirement in runtime_requirements():
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*.*?>=\s*([0-9][^,;\s]*)", requirement)
        if match:
            pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins


def read_lock() -> dict[str, str]:
    """Package name (normalised) -> version pinned in the lock file."""
    if not LOCK.exists():
        return {}
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.startswith("#"):
            pins[_normal(name)] = version.strip()
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def run(command: list[str], **kwargs: object) -> int:
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, **kwargs)  # type: ignore[arg-type]


def installed(python: Path) -> dict[str, str]:
    out = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    return {_normal(p["name"]): p["version"] for p in json.loads(out)}


def build_and_test(folder: Path, constraints: list[str], lock: bool = False) -> tuple[int, dict[str, str]]:
    """A fresh venv in folder with the project and its extras (under constraints), then pytest.

    With `lock`, the lock file is rewritten with what was installed before the tests run (the
    suite checks the lock too), and put back as it was if they fail."""
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin" / "python"
    command = [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "--upgrade-strategy", "eager"]
    if constraints:
        constraint_file = folder / "constraints.txt"
        constraint_file.write_text("\n".join(constraints) + "\n", encoding="utf-8")
        command += ["-c", str(constraint_file)]
    if run([*command, f"{REPO}[{EXTRAS}]"]) != 0:
        print("deps: the install failed", file=sys.stderr)
        return 1, {}
    versions = installed(python)
    previous = LOCK.read_text(encoding="utf-8") if LOCK.exists() else None
    if lock:
        write_lock(versions)
    code = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=REPO)
    if lock and code != 0 and previous is not None:
        LOCK.write_text(previous, encoding="utf-8")
        print(f"deps: the suite failed; {LOCK.relative_to(REPO)} is left as it was", file=sys.stderr)
    return code, versions


def report(versions: dict[str, str], locked: dict[str, str]) -> None:
    print(f"\n{'package':24} {'ran on':14} locked")
    for name in sorted(versions):
        if name in _NOT_LOCKED:
            continue
        mark = "" if locked.get(name) == versions[name] else "   <- differs"
        print(f"{name:24} {versions[name]:14} {locked.get(name, '-')}{mark}")


def write_lock(versions: dict[str, str]) -> None:
    header = [
        "# The locked, tested set of versions the README's test command installs (pip -c).",
        "# Refresh: python tools/deps.py lock   (runs the suite on the newest versions first)",
        f"# Written {datetime.date.today().isoformat()} on Python {platform.python_version()}"
        f" ({platform.system()} {platform.machine()}); the suite passed on exactly these.",
        "# Packages that only an older Python needs (tomli, exceptiongroup and the like) are not pinned.",
    ]
    pins = [f"{name}=={version}" for name, version in sorted(versions.items()) if name not in _NOT_LOCKED]
    LOCK.parent.mkdir(exist_ok=True)
    LOCK.write_text("\n".join(header + pins) + "\n", encoding="utf-8")
    print(f"deps: wrote {LOCK.relative_to(REPO)} ({len(pins)} packages)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=["newest", "oldest", "lock"])
    parser.add_argument("--keep", action="store_true", help="keep the virtual environment and print where")
    args = parser.parse_args()
    constraints = lower_bounds() if args.which == "oldest" else []
    if args.which == "oldest":  # the runtime ranges' floors; the test tools stay as locked
        floors = {_normal(pin.split("==")[0]) for pin in constraints}
        constraints += [f"{n}=={v}" for n, v in read_lock().items() if n not in floors]
    locked = read_lock()
    folder = Path(tempfile.mkdtemp(prefix=f"incidents-deps-{args.which}-"))
    try:
        code, versions = build_and_test(folder / "venv", constraints, lock=args.which == "lock")
    finally:
        if args.keep:
            print(f"deps: the environment is at {folder / 'venv'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    if versions:
        report(versions, locked)
    if code != 0:
        print(f"deps: {args.which}: FAILED (exit {code})", file=sys.stderr)
        return code
    print(f"deps: {args.which}: the suite passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
