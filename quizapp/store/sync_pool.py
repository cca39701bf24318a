"""Run a sync's `deck_rows.prepare_file` jobs: in worker processes when it pays, else here.

Loading and encoding a deck is pure CPU (YAML parsing, validation, JSON), ~0.1 s per MB;
writing the rows is SQLite's work in this process. For a big sync (a first sync of a
large collection) the files are prepared in forked worker processes while this process
writes the decks before them, so the two overlap and every core is used.

Workers are only forked when it is safe and worth it: on Linux, from a process with no
other thread (forking a threaded process can deadlock the child: the TUI syncs in a
thread, and prepares its files here), and when at least `PARALLEL_MIN_BYTES` of deck
files in two or more files need loading. If the workers cannot be started, or one dies,
the remaining files are prepared here, so the result never depends on the path taken.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TYPE_CHECKING

from quizapp.decks import fastpath
from quizapp.store.deck_rows import Prepared, prepare_file

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Below this many bytes of deck files to load, the files are prepared in this process.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
#: At most this many worker processes (this process writes to SQLite meanwhile).
MAX_WORKERS = 4

Job = tuple[str, str | None]  # (path, stored sha256 or None)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _fork_is_safe() -> bool:
    """Only this thread runs: a forked child cannot inherit a lock another thread holds."""
    return threading.current_thread() is threading.main_thread() and threading.active_count() == 1


def worker_count(jobs: Sequence[Job], sizes: Sequence[int]) -> int:
    """How many worker processes to prepare `jobs` with (0: prepare them here)."""
    if len(jobs) < 2 or sum(sizes) < PARALLEL_MIN_BYTES:
        return 0
    if not sys.platform.startswith("linux"):
        return 0
    if not _fork_is_safe():
        return 0
    workers = min(_cpus(), len(jobs), MAX_WORKERS)
    return workers if workers >= 2 else 0


def _serial(jobs: Sequence[Job]) -> Iterator[Prepared]:
    for path, known_hash in jobs:
        yield prepare_file(path, known_hash)


def _worker_init() -> None:
    # A worker lives for one sync and builds only acyclic data: the cyclic GC would only
    # walk (and copy-on-write) the parent's heap it inherited.
    gc.disable()


@contextmanager
def prepared(jobs: Sequence[Job], sizes: Sequence[int]) -> Iterator[Iterator[Prepared]]:
    """The `prepare_file` result of each job, in job order (lazily, as they are ready)."""
    executor = _start(worker_count(jobs, sizes))
    futures: list[Future[Prepared]] | None = None
    if executor is not None:
        try:  # the first submit forks the workers
            futures = [executor.submit(prepare_file, path, known) for path, known in jobs]
        except Exception:  # cannot fork (process limit, memory): do it here
            executor.shutdown(wait=False, cancel_futures=True)
    if executor is None or futures is None:
        yield _serial(jobs)
        return
    # Results arrive as ~100,000 tuples per second (the pool's thread unpickles them): the
    # cyclic GC would walk every row waiting to be written, ~100 times. Nothing here forms
    # a cycle, and no other thread of this process runs (see worker_count), so it pauses.
    paused = gc.isenabled()
    gc.disable()
    try:
        yield _gather(futures, jobs)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if paused:
            gc.enable()


def _start(workers: int) -> ProcessPoolExecutor | None:
    """A pool of `workers` forked processes, or None (prepare the files here)."""
    if not workers:
        return None
    import multiprocessing  # only for big syncs: ~20 ms to import
    from concurrent.futures import ProcessPoolExecutor

    fastpath.yaml_rs_module()  # imported here, on the main thread, before forking
    try:
        return ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init
        )
    except Exception:  # e.g. a daemonic process may not have children: do it here
        return None


def _gather(futures: list[Future[Prepared]], jobs: Sequence[Job]) -> Iterator[Prepared]:
    from concurrent.futures.process import BrokenProcessPool

    for i, future in enumerate(futures):
        try:
            result = future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): finish here
            yield from _serial(jobs[i:])
            return
        yield result
