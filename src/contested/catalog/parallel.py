"""Parsing many files: read (and hashed) on threads when there is much to read, parsed
in worker processes when there is enough to parse for starting them to pay, each
result written to the cache by its worker and read back here.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from contested.catalog.cache.store import CatalogCache, FileKey, Recover
from contested.catalog.discover import Read, read_timeline
from contested.catalog.entities import Chunk
from contested.catalog.parse import ParsedFile, parse_timeline
from contested.format.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Location,
)
from contested.format.guarded_yaml import Limits
from contested.format.model import (
    TimelineFile,
)
from contested.support.collector import collector_paused
from contested.support.progress import fork_safe
from contested.vocabulary import SECTIONS

PARALLEL_FROM_BYTES = 16 << 20
"""Below this much YAML to parse, starting processes that import pydantic and the
models afresh (`spawn`) costs more than it saves."""

FORKED_FROM_BYTES = 2 << 20
"""The same bound for processes forked from this one, which have everything imported."""


def parse_all(files: list[str], limits: Limits, cache: CatalogCache | None,
               progress: Callable[[int, int], None] | None,
               workers: int | None) -> list[ParsedFile]:
    """Every file, parsed or read back from the cache, in `files` order. Each file is
    read (and hashed) once, unless it is left to worker processes."""
    done: dict[int, ParsedFile] = {}
    missing: dict[int, int] = {}  # file number -> size, for the worker processes

    def finished(number: int, result: ParsedFile) -> None:
        done[number] = result
        if progress is not None:
            progress(len(done), len(files))

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    count = min(len(files), workers if workers is not None else cores)
    total = _total_size(files)
    # Decided twice by one rule: before reading, on every file's size (if even all of
    # them are too little, each is parsed as soon as it is read), then on what the cache
    # did not have.
    parallel = _worth_processes(count, workers, total)
    # Reading and hashing big files leave the interpreter free, so two threads do it in
    # about half the time; for small files the work is the entries' Python, and two
    # threads only take the interpreter from each other.
    threaded = cache is not None and cores > 1 and total >= THREADED_FROM_BYTES

    def fetch(path: str) -> tuple[Read | ParsedFile | None, FileKey | None,
                                  TimelineFile | None]:
        """(what was read, the file's key, its document from the cache)."""
        recover = None if cache is None else _recovery(path, limits, cache)
        if cache is not None:
            with contextlib.suppress(OSError):  # then reading it says why
                info = os.stat(path)
                if info.st_size <= limits.max_bytes:
                    known = cache.unchanged(path, info, recover)
                    if known is not None:  # not read again, nor hashed
                        return None, *known
        read = _read_path(path, limits)
        if isinstance(read, ParsedFile) or cache is None:
            return read, None, None
        key = FileKey.of(path, *read)
        return read, key, cache.get(key, path, recover)

    with ThreadPoolExecutor(min(cores, 4)) as readers:
        fetched = readers.map(fetch, files) if threaded else map(fetch, files)
        for number, (path, (read, key, document)) in enumerate(zip(files, fetched,
                                                                   strict=True)):
            if document is not None:
                finished(number, ParsedFile(path, document, [], key=key))
                continue
            if isinstance(read, ParsedFile):
                finished(number, read)
                continue
            assert read is not None  # no document from the cache: the file was read
            data = read[0]
            if parallel:
                missing[number] = len(data)
            else:
                finished(number, _parse_data(data, path, limits, cache, key))
    count = min(len(missing), count)
    if _worth_processes(count, workers, sum(missing.values())):
        # The largest first: the last file a worker takes is then a small one, and the
        # workers finish together instead of one parsing a big file alone at the end.
        largest_first = sorted(missing, key=missing.__getitem__, reverse=True)
        _parse_in_processes([(n, files[n]) for n in largest_first], limits, cache, count,
                            finished)
    for number in missing:
        if number not in done:
            finished(number, _parse_path(files[number], limits, cache))
    return [done[n] for n in range(len(files))]


def _worth_processes(count: int, workers: int | None, size: int) -> bool:
    """Whether to parse `size` bytes of YAML in `count` worker processes: whenever the
    caller named the workers, else when there is enough to parse for starting them to
    pay (far less when they are forked than when each imports pydantic and the models)."""
    least = FORKED_FROM_BYTES if _start_method() == "fork" else PARALLEL_FROM_BYTES
    return count > 1 and (workers is not None or size >= least)


def _start_method() -> str:
    """`fork` where it is safe and cheap: on Linux, from a process with no other thread
    but a progress line's (a thread holding a lock when the process forks leaves the
    child that lock held forever; the explorer has threads, a command such as `validate`
    at most its progress line, which holds its lock across a fork). Else `spawn`: a
    fresh interpreter, which imports what it needs."""
    main = threading.main_thread()
    if sys.platform == "linux" and all(thread is main or fork_safe(thread)
                                       for thread in threading.enumerate()):
        return "fork"
    return "spawn"


THREADED_FROM_BYTES = 16 << 20
"""Below this much YAML, files and cache entries are read on one thread."""


def _total_size(files: list[str]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += os.stat(path).st_size
    return total


def _parse_in_processes(todo: list[tuple[int, str]], limits: Limits,
                        cache: CatalogCache | None, count: int,
                        finished: Callable[[int, ParsedFile], None]) -> None:
    """Parse in `count` processes, each writing what validates to the cache, whence it is
    read back here (sending the models back through a pipe would cost far more than
    reading the entries). Without a cache, a temporary one is used and removed. Files
    that fail are left to the caller, which parses them again here for their messages;
    so is everything, if processes cannot be started."""
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with tempfile.TemporaryDirectory(prefix="contested-parse-") as scratch:
        target = cache if cache is not None else CatalogCache(scratch, in_memory=True)
        context = multiprocessing.get_context(_start_method())
        try:
            _start_resource_tracker()
            with ProcessPoolExecutor(count, mp_context=context) as pool:
                jobs = {pool.submit(_parse_to_cache, path, limits, str(target.folder)):
                        (number, path) for number, path in todo}
                for job in as_completed(jobs):
                    number, path = jobs[job]
                    key = job.result()
                    document = target.get(key, path) if key is not None else None
                    if document is not None:
                        _make_ahead(document)
                        finished(number, ParsedFile(path, document, [],
                                                    key=key if cache is not None else None))
        except (OSError, RuntimeError, ValueError):  # BrokenProcessPool: a RuntimeError
            return


def _make_ahead(document: TimelineFile) -> None:
    """Make the entities linking keeps (all but the claims, which it makes for one pass
    and lets go) of a file a worker finished, while the workers parse the rest: after
    the last worker, linking would make them alone on the cores."""
    for name in SECTIONS:
        section = getattr(document, name)
        if name != "claims" and isinstance(section, Chunk):
            section.make_all()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, which is handed our standard error.
    Under the explorer that is Textual's capture, whose fileno() is -1: the start then
    fails ('bad value(s) in fds_to_keep'). It is given /dev/null instead."""
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        return
    saved = sys.stderr
    with open(os.devnull, "w", encoding="utf-8") as nowhere:
        sys.stderr = nowhere
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def _parse_to_cache(path: str, limits: Limits, folder: str) -> FileKey | None:
    """In a worker process: parse one file; if it validates, write its cache entry and
    say under which key."""
    with collector_paused():  # as in the parent: the YAML tree is millions of objects
        parsed = _parse_path(path, limits, CatalogCache(folder))
    return parsed.key if parsed.document is not None else None


def _read_path(path: str, limits: Limits) -> Read | ParsedFile:
    """The file's bytes and stat, or a `ParsedFile` holding why they cannot be read."""
    before = time.time_ns()
    try:
        data, info = read_timeline(path, limits)
    except DiagnosticError as error:
        return ParsedFile(path, None, [error.diagnostic])
    return data, info, before


def _parse_path(path: str, limits: Limits, cache: CatalogCache | None) -> ParsedFile:
    """Read and parse one file the cache does not have (a worker's, or one whose entry
    a worker could not give)."""
    read = _read_path(path, limits)
    if isinstance(read, ParsedFile):
        return read
    data = read[0]
    key = FileKey.of(path, *read) if cache is not None else None
    return _parse_data(data, path, limits, cache, key)


def _recovery(path: str, limits: Limits, cache: CatalogCache) -> Recover:
    """`recover(key)`: the file's document parsed again (its cache entry was found
    damaged after it was read), if the file is still what `key` says; its entry is
    written anew."""

    def recover(key: FileKey) -> TimelineFile | None:
        read = _read_path(path, limits)
        if isinstance(read, ParsedFile) or FileKey.of(path, *read) != key:
            return None
        return _parse_data(read[0], path, limits, cache, key).document

    return recover


def _parse_data(data: bytes, path: str, limits: Limits, cache: CatalogCache | None,
                key: FileKey | None) -> ParsedFile:
    """Parse one file's bytes; with a cache, a file that validated is written to it.
    Memory running out while it is read refuses that file alone, at its first line:
    the limits keep any one file far below what a process is given, so that only
    happens when the catalog's other files took the rest."""
    try:
        parsed = parse_timeline(data, path, limits)
    except MemoryError:
        return ParsedFile(path, None, [Diagnostic(
            Location(path, 1, 1), "out-of-memory",
            f"not enough memory left to read this file ({len(data):,} bytes) after the "
            "others: load fewer files at once")])
    parsed.key = key
    if cache is not None and key is not None and parsed.document is not None:
        cache.put(key, parsed.document)
    return parsed
