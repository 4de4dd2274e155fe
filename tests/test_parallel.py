"""Reading on every core gives what reading in one process gives, in the same order."""

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from incidents import parallel
from incidents.store import Store

from .conftest import BUNDLED


def squares(chunk: Sequence[int]) -> list[int]:
    return [n * n for n in chunk]


@pytest.fixture
def small_chunks(monkeypatch):
    """Worker processes even for a handful of items, in chunks of two."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    monkeypatch.setattr(parallel, "cores", lambda: 2)


def test_results_come_back_in_the_order_of_the_items_with_progress(small_chunks):
    told = []
    assert list(parallel.chunked(squares, list(range(7)), lambda done, total: told.append((done, total)))) == [
        n * n for n in range(7)
    ]
    assert told == [(2, 7), (4, 7), (6, 7), (7, 7)]


def test_when_workers_cannot_start_the_work_is_done_here(small_chunks, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no semaphores in this sandbox")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refuse)
    assert list(parallel.chunked(squares, [3, 1, 2])) == [9, 1, 4]


def test_a_records_directory_read_on_two_cores_gives_the_same_records_and_problems(tmp_path, monkeypatch):
    root = tmp_path / "records"
    shutil.copytree(BUNDLED, root)
    (root / "2023" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (root / "2022" / "2022-09-13-wrong.yaml").write_text("id: 2022-09-13-wrong\ntitle: x\n", encoding="utf-8")
    monkeypatch.setenv("INCIDENTS_NO_INDEX", "1")
    alone = Store(root).load()
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "CHUNK", 3)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    spawned = []
    real_pool = parallel.ProcessPoolExecutor
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", lambda **kw: spawned.append(kw) or real_pool(**kw))
    together = Store(root).load()
    assert spawned, "the records were not read by worker processes"
    assert [(r.incident, r.shown) for r in together.records] == [(r.incident, r.shown) for r in alone.records]
    assert together.problems == alone.problems
    assert {Path(p.path).name for p in alone.problems} >= {"broken.yaml", "2022-09-13-wrong.yaml"}


def squares_but_a_worker_dies_at_five(chunk: Sequence[int]) -> list[int]:
    import multiprocessing
    import os

    if 5 in chunk and multiprocessing.parent_process() is not None:
        os._exit(1)  # as a worker killed for memory would
    return squares(chunk)


def test_when_a_worker_dies_the_rest_is_done_here_in_order(small_chunks):
    told = []
    found = list(parallel.chunked(squares_but_a_worker_dies_at_five, list(range(9)), lambda d, t: told.append(d)))
    assert found == [n * n for n in range(9)]
    assert told[-1] == 9 and told == sorted(told)
