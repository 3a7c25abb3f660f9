"""The first screen: never blank, with progress while the catalog loads."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from contested.tui.safe import plain


class LoadingScreen(Screen[None]):
    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(plain(f"contested: loading {self.what}…"), id="loading-text")
        with Center():
            yield ProgressBar(id="loading-bar", show_eta=False)

    def progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    def analysing(self) -> None:
        self.query_one("#loading-text", Static).update(plain("contested: finding contradictions…"))
