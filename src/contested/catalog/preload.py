"""The catalog, loaded from the moment the command starts.

The explorer spends a third of a second importing Textual and starting up before it
could begin to load; the core (pydantic, PyYAML) and a warm load of a big catalog take
a second more, much of it reading and hashing files with the interpreter free. So the
command starts the load on a thread of its own first, and the app takes the result
when it is ready (`Preload.result`), showing the files' progress meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contested.catalog.loading import LoadResult
    from contested.catalog.same_events import SameEventRule

Progress = Callable[[int, int], None]


class Preload:
    """`load_catalog` of `paths` (the bundled timelines if none) on a thread."""

    def __init__(self, paths: Sequence[str | Path], *, cache: bool = True,
                 same_events: SameEventRule | None = None) -> None:
        self.paths = list(paths)
        self.use_cache = cache
        self.same_events = same_events
        self.watched: list[str | Path] = []
        self.stamps: dict[str, tuple[int, int]] = {}
        self._result: LoadResult | None = None
        self._failure: BaseException | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._last: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._run, name="contested-preload",
                                        daemon=True)

    def start(self) -> Preload:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            from contested.catalog.cache.store import CatalogCache
            from contested.catalog.discover import bundled_catalog, stamps
            from contested.catalog.loading import load_catalog

            self.watched = self.paths or [bundled_catalog()]
            self.stamps = stamps(self.watched)
            cache = CatalogCache() if self.use_cache else None
            self._result = load_catalog(self.watched, progress=self._report, cache=cache,
                                        same_events=self.same_events)
        except BaseException as error:  # handed to whoever waits for the result
            self._failure = error
        finally:
            self._done.set()

    def _report(self, done: int, total: int) -> None:
        with self._lock:
            self._last = (done, total)
            progress = self._progress
        if progress is not None:
            progress(done, total)

    def result(self, progress: Progress | None = None) -> LoadResult:
        """Wait for the load; `progress(done, total)` is told of each file from now
        on (and of the files done so far). A bug met while loading is raised here."""
        with self._lock:
            self._progress, last = progress, self._last
        if progress is not None and last is not None:
            progress(*last)
        self._done.wait()
        if self._failure is not None:
            raise self._failure
        assert self._result is not None
        return self._result
