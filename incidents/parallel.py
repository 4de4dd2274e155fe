"""Doing one thing to many items on every core, in order, telling how far it got.

Reading a records directory with no index (a fresh clone, a new version) parses and validates
every file; on one core that is most of a minute at 100,000 records. The files are independent,
so they are read in chunks by one worker process per core and the results come back in order,
identical to reading them one after the other. Small jobs stay in this process: starting the
workers costs more than they would save.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Progress = Callable[[int, int], None]
"""Called with (done, total) as chunks finish, for a progress bar; it must not print to stdout."""

CHUNK = 250
PARALLEL_FROM = 1000  # items; below this, one process is faster than starting the others


def cores() -> int:
    """The cores this process may run on (the machine may have more than it is given)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def chunked(
    work: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    progress: Progress | None = None,
) -> list[Result]:
    """`work` applied to `items` in chunks, on every core when there are many; the results in
    the order of the items. `work` must be picklable (a module's function, or a method of a
    picklable object) and return one result per item.

    When worker processes cannot be started or one dies (a sandbox without semaphores, memory
    running out), the remaining chunks are done here: slower, never a different answer."""
    size = CHUNK
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    results: list[Result] = []
    workers = min(cores(), len(chunks))
    if len(items) >= PARALLEL_FROM and workers > 1:
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for done in pool.map(work, chunks):
                    results += done
                    _tell(progress, len(results), len(items))
            return results
        except (OSError, BrokenProcessPool, NotImplementedError):
            pass  # the chunks not done are done below
    for chunk in chunks[len(results) // size :]:
        results += work(chunk)
        _tell(progress, len(results), len(items))
    return results


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
