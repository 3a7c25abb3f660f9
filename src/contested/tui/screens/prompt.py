"""A one-line question at the bottom of the screen (search, filter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from contested.tui.safe import plain


class Prompt(ModalScreen[str | None], inherit_bindings=False):
    """Asks for a line of text; enter answers, escape cancels (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, question: str, value: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.check = check
        """What is wrong with an answer (None: nothing): the prompt then stays, with
        what was typed and the reason, instead of closing on an answer that will not do."""

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Static(plain(self.question), id="prompt-question")
            yield Input(value=self.value, id="prompt-input")
            yield Static(id="prompt-problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.check(event.value) if self.check is not None else None
        if problem is not None:
            shown = self.query_one("#prompt-problem", Static)
            shown.update(plain(problem))
            shown.display = True
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
