"""A progress line on standard error, for CLI work that may take a while.

It is drawn only on a terminal, and only once the work has lasted about a second: a
quick run sees nothing, and neither does a pipe or a file (a log must not fill with
`\\r`). The line is rewritten in place (`\\r`, never an escape sequence, so even a dumb
terminal shows it), cut to the terminal's width, and erased when each phase ends, so
what the command prints next starts on a clean line.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import TextIO

DELAY = 1.0
"""Seconds of work before the line appears."""
REDRAW = 0.1
"""Seconds between two drawings at least: a count per file must not flood the terminal."""


class ProgressLine:
    """One command's progress line, through its phases (`phase`), each with a label and,
    when the work counts, `count(done, total)` (the `progress` of `load_catalog`).

    `clock` gives seconds (injected by tests); `every` is how often a thread redraws the
    line while a phase runs, so a phase that counts nothing still shows the time going
    on (None: no thread, `tick` does it)."""

    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic,
                 every: float | None = 0.25) -> None:
        self._stream = stream
        self._clock = clock
        self._every = every
        self._start = clock()
        self._on = _is_terminal(stream)
        self._lock = threading.Lock()
        self._label = ""
        self._counted: tuple[int, int] | None = None
        self._width = 0  # of the line on screen (0: none)
        self._shown = ""
        self._drawn_at: float | None = None
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        _LINES.add(self)

    @property
    def ticking(self) -> bool:
        """Whether a thread is redrawing the line."""
        return self._thread is not None

    @contextlib.contextmanager
    def phase(self, label: str) -> Iterator[Callable[[int, int], None]]:
        """Show `label` while the block runs; the block is given `count(done, total)`."""
        with self._lock:
            self._label, self._counted = label, None
        self.tick()
        if self._on and self._every is not None:
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._tick_until, args=(self._stop,),
                                            name="contested-progress", daemon=True)
            _FORK_SAFE.add(self._thread)
            self._thread.start()
        try:
            yield self.count
        finally:
            if self._stop is not None and self._thread is not None:
                self._stop.set()
                self._thread.join()
            self._stop = self._thread = None
            self._erase()

    def count(self, done: int, total: int) -> None:
        """`done` of `total` files: shown at once if the line is due."""
        with self._lock:
            self._counted = (done, total)
        self.tick()

    def tick(self) -> None:
        """Draw the line if the work has lasted long enough and it was not just drawn."""
        if not self._on:
            return
        with self._lock:
            now = self._clock()
            if now - self._start < DELAY or (
                    self._drawn_at is not None and now - self._drawn_at < REDRAW):
                return
            counted = ""
            if self._counted is not None:
                counted = f" {self._counted[0]:,}/{self._counted[1]:,} files"
            line = f"contested: {self._label}{counted}… {int(now - self._start)} s"
            line = line[: self._columns() - 1]  # the last column would wrap on some terminals
            if line != self._shown:  # a tick within the same second changes nothing
                self._write("\r" + line + " " * max(self._width - len(line), 0))
                self._width, self._shown = len(line), line
            self._drawn_at = now

    def _tick_until(self, stop: threading.Event) -> None:
        assert self._every is not None
        while not stop.wait(self._every):
            self.tick()

    def _erase(self) -> None:
        with self._lock:
            if self._width:
                self._write("\r" + " " * self._width + "\r")
            self._width, self._shown, self._drawn_at = 0, "", None

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on
            self._on = False

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self._stream.fileno()).columns or 80
        except (OSError, ValueError, AttributeError):
            return 80


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False


# --- forking beside the line's thread ----------------------------------------------------
#
# Files are parsed in forked worker processes when only safe threads run (a thread
# holding a lock when the process forks leaves the child that lock held forever). The
# line's thread takes no lock but its own, and writes only while holding it: each line's
# lock is held across a fork, so the thread is never mid-write then, and the child gets
# the locks free.

_LINES: weakref.WeakSet[ProgressLine] = weakref.WeakSet()
_FORK_SAFE: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_HELD: list[threading.Lock] = []


def fork_safe(thread: threading.Thread) -> bool:
    """Whether the process may fork while `thread` runs: a progress line's thread."""
    return thread in _FORK_SAFE


def _hold_lines() -> None:
    _HELD[:] = [line._lock for line in list(_LINES)]
    for lock in _HELD:
        lock.acquire()


def _release_lines() -> None:
    for lock in _HELD:
        lock.release()
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_hold_lines, after_in_parent=_release_lines,
                        after_in_child=_release_lines)
