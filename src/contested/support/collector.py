"""Python's cyclic garbage collector, kept away from large acyclic data."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading, then freeze what was built.

    Loading builds a million acyclic objects: scanning them again and again costs 3-6x
    the whole load, and even one pass after loading costs a fifth of it. Frozen, they are
    never scanned; they are still freed by reference counting when dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class FullCollections:
    """Full collections (the oldest generation) held back while a person is typing and
    made when they pause: one in the middle of a keypress is a visible stall.
    Young generations are still collected as usual."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def hold(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _ = self._saved
            gc.set_threshold(young, middle, 1_000_000)

    def release(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def collect_if_due(self) -> bool:
        """Make the full collection the held threshold put off, if one is due."""
        if self._saved is None or gc.get_count()[2] < self._saved[2]:
            return False
        gc.collect(2)
        return True
