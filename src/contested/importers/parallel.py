"""Importers whose every row stands alone (`RowByRow`), and a big file's rows prepared in
worker processes: this process reads the CSV (so that every problem of the file itself
is found and placed as in one process), sends the rows in batches, and yields what the
workers made of them in the file's order. The writer then merges them with the folder
here, as it merges rows prepared here: the files written are the same bytes whichever
way the rows were prepared.

Worker processes are started as `contested.catalog.parallel` starts its own (forked
where that is safe, else spawned), and only for a file big enough for starting them to
pay. A pool that cannot start, or breaks, leaves its rows to this process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from contested.importers.common import ColumnProblem, CsvRecords, CsvRow, read_csv
from contested.importers.records import Dataset, ImportedRow, PreparedRow, RowProblem
from contested.importers.writer import prepare

if TYPE_CHECKING:
    from concurrent.futures import Future

FORKED_FROM_BYTES = 1 << 20
"""Below this much CSV, forking workers and sending them the rows costs more than it
saves."""
SPAWNED_FROM_BYTES = 32 << 20
"""The same bound for spawned workers, each of which imports pydantic and the format
afresh."""
BATCH_ROWS = 500
"""Rows sent to a worker at once: enough that sending is cheap beside preparing, few
enough that the first results come back soon and little is held in flight."""

_Record = tuple[int, list[str]] | RowProblem
_Prepared = PreparedRow | RowProblem


class RowByRow:
    """An importer whose every CSV row becomes entries by itself (ACLED, UCDP GED, a
    mapped sheet): a big file's rows are then read here and prepared (made entries,
    checked, written as text) in worker processes."""

    dataset: Dataset
    required: tuple[str, ...] = ()
    """The columns the header must have."""
    workers: int | None = None
    """How many worker processes prepare the rows: None decides by the file's size and
    the cores; 1 prepares them in this process."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def begin(self, path: Path) -> None:
        """What is checked of a file before its rows are read (the csv importer checks
        the mapping's columns against the header)."""

    def row(self, row: CsvRow, shown: str) -> ImportedRow | RowProblem | None:
        """What one row becomes (None: nothing, a blank row), or why it cannot be."""
        try:
            return self.entries(row, shown)
        except ColumnProblem as problem:
            return RowProblem(shown, row.line, problem.message, problem.column)

    def entries(self, row: CsvRow, shown: str) -> ImportedRow | None:
        """What one row becomes; raises `ColumnProblem`."""
        raise NotImplementedError

    def rows(self, path: Path) -> Iterator[ImportedRow | PreparedRow | RowProblem]:
        self.begin(path)
        count = worker_count(self.workers, path)
        if count > 1:
            yield from prepared_in_processes(self, path, count)
            return
        shown = str(path)
        for item in read_csv(path, self.required):
            made = item if isinstance(item, RowProblem) else self.row(item, shown)
            if made is not None:
                yield made


def worker_count(asked: int | None, path: Path) -> int:
    """How many processes prepare `path`'s rows: as asked, else one per core when the
    file is big enough (1: this process alone)."""
    if asked is not None:
        return max(1, asked)
    from contested.catalog.parallel import _start_method

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if cores < 2:
        return 1
    try:
        size = os.stat(path).st_size
    except OSError:
        return 1  # reading it says why
    least = FORKED_FROM_BYTES if _start_method() == "fork" else SPAWNED_FROM_BYTES
    return cores if size >= least else 1


def prepared(importer: RowByRow, shown: str, names: list[str],
             batch: list[_Record]) -> list[_Prepared]:
    """What `importer` makes of a batch of rows, each prepared by the writer's rules."""
    own = importer.dataset.source.id
    made: list[_Prepared] = []
    for item in batch:
        if isinstance(item, RowProblem):
            made.append(item)
            continue
        row = importer.row(CsvRow(item[0], dict(zip(names, item[1], strict=True))), shown)
        result = prepare(row, own) if isinstance(row, ImportedRow) else row
        if result is not None:
            made.append(result)
    return made


_importer: RowByRow | None = None
"""The importer a worker process prepares rows for (set once, when it starts)."""


def _adopt(importer: RowByRow) -> None:
    global _importer  # noqa: PLW0603 - one per worker process, set as it starts
    _importer = importer
    gc.disable()  # what a worker makes holds no cycle, and is sent away at once
    # Ctrl-C is the parent's to handle: it stops the pool, and each worker then ends
    # quietly instead of printing its own traceback. (It was held off since the fork,
    # `_interrupts_held`: one sent meanwhile is dropped here.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C held off while the pool forks its workers or takes a batch, then raised
    here if it came: raised inside the pool's own code, it would leave the workers
    waiting for work forever, and this process waiting for them at exit. The pool's
    thread, started in here, keeps it held for good, so it always reaches this thread."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _prepared_here(shown: str, names: list[str], batch: list[_Record]) -> list[_Prepared]:
    assert _importer is not None
    return prepared(_importer, shown, names, batch)


def _batches(records: Iterator[_Record]) -> Iterator[list[_Record]]:
    batch: list[_Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def prepared_in_processes(importer: RowByRow, path: Path, count: int,
                          ) -> Iterator[_Prepared]:
    """`path`'s rows, prepared by `count` worker processes, in the file's order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from contested.catalog.parallel import _start_method

    with CsvRecords(path, importer.required) as records:
        shown, names = records.shown, records.names
        batches = _batches(iter(records))
        try:
            with _interrupts_held():
                pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(
                    _start_method()), initializer=_adopt, initargs=(importer,))
        except (OSError, RuntimeError, ValueError):
            pool = None
        usable = pool is not None
        pending: deque[tuple[list[_Record], Future[list[_Prepared]] | None]] = deque()
        try:
            for batch in batches:
                job = None
                if usable and pool is not None:
                    try:
                        with _interrupts_held():
                            job = pool.submit(_prepared_here, shown, names, batch)
                    except (BrokenProcessPool, OSError, RuntimeError):
                        usable = False
                pending.append((batch, job))
                if len(pending) > 2 * count:
                    yield from _result(importer, shown, names, *pending.popleft())
            while pending:
                yield from _result(importer, shown, names, *pending.popleft())
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def _result(importer: RowByRow, shown: str, names: list[str], batch: list[_Record],
            job: Future[list[_Prepared]] | None) -> list[_Prepared]:
    """A batch's rows as its worker prepared them; here if the worker could not."""
    from concurrent.futures.process import BrokenProcessPool

    if job is not None:
        try:
            return job.result()
        except (BrokenProcessPool, OSError):  # a worker killed (out of memory?)
            pass
    return prepared(importer, shown, names, batch)
