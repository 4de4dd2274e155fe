"""Doing one thing to many items on every core, in order, telling how far it got.

Reading a records directory with no index (a fresh clone, a new version) parses and validates
every file; on one core that is most of a minute at 100,000 records. The files are independent,
so they are read in chunks by one worker process per core and the results come back in order,
identical to reading them one after the other. Small jobs stay in this process: starting the
workers costs more than they would save.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
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
) -> Iterator[Result]:
    """`work` applied to `items` in chunks, on every core when there are many; the results in
    the order of the items, as they come (a few chunks ahead at most, so that reading 100,000
    files never holds them all). `work` must be picklable (a module's function, or a method
    of a picklable object) and return one result per item.

    When worker processes cannot be started or one dies (a sandbox without semaphores, memory
    running out), the remaining chunks are done here: slower, never a different answer."""
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    done = 0  # chunks whose results were given
    workers = min(cores(), len(chunks))
    if len(items) >= PARALLEL_FROM and workers > 1:
        for results in _in_workers(work, chunks, workers):
            done += 1
            yield from results
            _tell(progress, min(done * CHUNK, len(items)), len(items))
    for chunk in chunks[done:]:
        done += 1
        yield from work(chunk)
        _tell(progress, min(done * CHUNK, len(items)), len(items))


def _in_workers(
    work: Callable[[Sequence[Item]], list[Result]], chunks: list[Sequence[Item]], workers: int
) -> Iterator[list[Result]]:
    """Each chunk's results from worker processes, in order, until they are done or fail; the
    caller does the rest. Only starting and asking the workers is guarded: an error of the
    caller's own, raised where this yields, goes through."""
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
    except (OSError, NotImplementedError):
        return
    try:
        pending: deque[Future[list[Result]]] = deque()
        for start in range(len(chunks)):
            try:
                while len(pending) < AHEAD * workers and start + len(pending) < len(chunks):
                    pending.append(pool.submit(work, chunks[start + len(pending)]))
                results = pending.popleft().result()
            except (OSError, BrokenProcessPool):
                return
            yield results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


AHEAD = 3  # chunks asked of each worker before their results are taken


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
