"""The first screen: never blank, with progress while the catalog loads."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from contested.tui.safe import plain


class LoadingScreen(Screen[None], inherit_bindings=False):
    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(plain(f"contested: loading {self.what}…"), id="loading-text")
        with Center():
            yield ProgressBar(id="loading-bar", show_eta=False)

    def on_mount(self) -> None:
        # The bar appears only for a load that takes more than a moment: animating it
        # from the start would slow the quick load it would never be seen for.
        self.query_one(ProgressBar).display = False
        self.set_timer(0.3, self._show_bar)

    def _show_bar(self) -> None:
        self.query_one(ProgressBar).display = True

    @dataclass
    class Progress(Message):
        """Files loaded so far (posted by the loading thread, which does not wait for
        the bar: waiting for each of hundreds of files slowed a warm load by a fifth)."""

        done: int
        total: int

    def on_loading_screen_progress(self, message: Progress) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)

