"""The screen of a load that takes more than a moment, with the files' progress."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from contested.tui.safe import plain


class LoadingScreen(Screen[None], inherit_bindings=False):
    """Shown by the app only once a load has gone on for a moment (a quick load goes
    straight to the catalog), so its bar is shown from the start."""

    def __init__(self, what: str, progress: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.what = what
        self.progress = progress
        """Files loaded so far, of how many, when the screen was made."""

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(plain(f"contested: loading {self.what}…"), id="loading-text")
        with Center():
            yield ProgressBar(id="loading-bar", show_eta=False)

    def on_mount(self) -> None:
        if self.progress is not None:
            self.show_progress(*self.progress)

    def show_progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    @dataclass
    class Progress(Message):
        """Files loaded so far (posted to the app by the loading thread, which does not
        wait for the bar: waiting for each of hundreds of files slowed a warm load by a
        fifth)."""

        done: int
        total: int
