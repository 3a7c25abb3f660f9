"""Following the notes file while the explorer runs: analysts sharing one notes file see
each other's notes, and a merge or a hand edit shows, without a restart.

A look at the file's stamp four times a second costs a stat; a moved stamp has the file
read and parsed in a worker (a big notes file takes a moment), and the notes taken on the
UI thread, where every change of this explorer is made, so that a save and a reading never
interleave. The lists and the detail are repainted in place: every cursor stays where it
was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App

from contested.review.watch import NotesWatch
from contested.tui.safe import notify

if TYPE_CHECKING:
    from contested.review.store import NotesStore, Reading

LOOK_EVERY = 0.25
"""Seconds between two looks at the notes file's stamp: another explorer's change shows
within a second, the poll, the reading and the repaint together."""


class NotesFollower:
    """Keeps the explorer's notes those of the file, whoever wrote it."""

    def __init__(self, app: App[Any], store: Callable[[], NotesStore | None],
                 show: Callable[[], None]) -> None:
        self.app = app
        self.store = store
        """The explorer's notes store (None before it is made)."""
        self.show = show
        """Repaints what shows notes: the lists, the preview, the screen on top."""
        made = store()
        self.watch = NotesWatch(made.path if made is not None else None)
        self.taken = 0
        """Changes of others taken so far (what a test waits for)."""
        self.pending = False
        self.busy = False

    def start(self) -> None:
        self.app.set_interval(LOOK_EVERY, self.look)

    def look(self) -> None:
        """One reading at a time: a change seen meanwhile is read once it is over."""
        store = self.store()
        if store is not None and self.watch.moved(store.path):
            self.pending = True
        if self.pending and not self.busy:
            self.pending, self.busy = False, True
            self.app.run_worker(self.read, name="notes", group="notes", thread=True,
                                exit_on_error=False)

    def read(self) -> None:
        reading = None
        try:
            store = self.store()
            if store is not None:
                reading = store.read_again()
        finally:
            self.app.call_from_thread(self.take, reading)

    def take(self, reading: Reading | None) -> None:
        self.busy = False
        store = self.store()
        if store is None or reading is None:
            return
        taken = store.take(reading)
        if taken is None:
            return
        if taken == "broken":
            notify(self.app, f"{store.read_only}; the notes shown are the last that could "
                   "be read, until the file is mended", title="Notes file changed",
                   severity="error", timeout=15)
            return
        if taken == "mended":
            notify(self.app, f"{store.path} can be read again: notes are saved again",
                   title="Notes file mended", timeout=6)
        self.taken += 1
        self.show()
