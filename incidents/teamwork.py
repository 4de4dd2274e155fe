"""A team on one git repository: git told to merge records as data, not as lines.

`install_merge_driver` writes what git needs, once per clone: a `.gitattributes` in the records
directory (committed, so every clone routes record files to the driver) and the driver's command
in the clone's own git configuration (never committed: it names this machine's Python).
`run_merge_driver` is what git runs for each record both sides changed (merging.merge_texts).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import UsageError
from .merging import Unmergeable, Unreadable, merge_texts
from .store import write_atomically

DRIVER = "incidents"
ATTRIBUTE = f"*.yaml merge={DRIVER}"


def install_merge_driver(root: Path) -> list[str]:
    """Route the records directory's YAML files to the driver; what was done, a line each."""
    git = shutil.which("git")
    if git is None:
        raise UsageError("git is not installed")
    inside = subprocess.run(
        [git, "-C", str(root), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True
    )
    if inside.returncode != 0:
        raise UsageError(f"{root} is not in a git repository: there is nothing to merge")
    attributes = root / ".gitattributes"
    lines = attributes.read_text("utf-8").splitlines() if attributes.exists() else []
    done = []
    if ATTRIBUTE not in lines:
        attributes.write_text("\n".join([*lines, ATTRIBUTE]) + "\n", "utf-8")
        done.append(f"wrote `{ATTRIBUTE}` to {attributes} (commit it, so that every clone uses it)")
    command = f"{shlex.quote(sys.executable)} -m incidents merge-driver %O %A %B %P"
    for key, value in (
        (f"merge.{DRIVER}.name", "incidents: records merged field by field"),
        (f"merge.{DRIVER}.driver", command),
    ):
        subprocess.run([git, "-C", str(root), "config", key, value], check=True)
    done.append(f"set merge.{DRIVER}.driver in this clone's git config to `{command}`")
    return done


def run_merge_driver(base: Path, ours: Path, theirs: Path, shown: str) -> list[str]:
    """Merge the three versions into `ours`, as git asks of a driver; the fields both sides
    changed differently (marked in the file), none when it merged cleanly. A version that is not
    a readable record is merged as lines by git itself, and reported as a conflict."""
    texts = [path.read_text("utf-8", "replace") for path in (base, ours, theirs)]
    try:
        merged = merge_texts(*texts)
    except Unreadable as exc:
        why = (
            "merged as data it is not a valid record"
            if isinstance(exc, Unmergeable)
            else "a version is not a readable record"
        )
        merged_lines = subprocess.run(
            ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs)]
        )
        return [f"{shown} ({why}: {exc}; merged as lines)"] if merged_lines.returncode else []
    write_atomically(ours, merged.text)
    return merged.conflicts
