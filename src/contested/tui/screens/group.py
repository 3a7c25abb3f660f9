"""The pairs of one group of contradictions, listed a screenful at a time: a group may
hold millions, and only the rows on screen are made (`ContradictionGroup.pairs`)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from contested.engine.contradictions import ContradictionGroup
from contested.present.browse import Browser, group_text
from contested.present.details import Detail
from contested.tui.messages import OpenDetail
from contested.tui.safe import plain
from contested.tui.widgets.rows import Column, VirtualTable

PAIR_COLUMNS = [Column("RULE", 17), Column("CLAIMS", 24),
                Column("WHO SAYS WHAT, WHEN", 30, flex=True), Column("NOTE", 12)]


class GroupScreen(Screen[None]):
    """A group's pairs: enter opens a pair, the notes keys act on it, esc goes back."""

    DEFAULT_CSS = """
    GroupScreen > #group-head { height: auto; max-height: 4; padding: 0 1; }
    GroupScreen > #pairs { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back"),
    ]

    def __init__(self, group: ContradictionGroup, browser: Browser) -> None:
        super().__init__()
        self.group = group
        self.browser = browser

    def compose(self) -> ComposeResult:
        catalog = self.browser.catalog
        question = catalog.questions.get(self.group.question)
        title = question.text if question is not None else self.group.question
        yield Static(Content.assemble(plain(title).stylize("bold"), "\n",
                                      plain(group_text(catalog, self.group))), id="group-head")
        yield VirtualTable(PAIR_COLUMNS, self.browser.group_pair_rows(self.group), id="pairs")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pairs", VirtualTable)
        table.border_title = plain(f"{self.group.key}: {self.group.count:,} pairs "
                                   f"({self.group.rule})")
        table.border_subtitle = plain("enter: open · esc: back")
        table.focus()

    def current_pair(self) -> str | None:
        """The id of the pair under the cursor."""
        row = self.query_one("#pairs", VirtualTable).current
        return row.key if row is not None else None

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        if message.row is not None:
            self.post_message(OpenDetail("contradiction", message.row.key))

    def notes_changed(self, detail: Detail | None) -> None:
        """Show a pair's notes as they are now."""
        table = self.query_one("#pairs", VirtualTable)
        forget = getattr(table.rows, "forget", None)
        if forget is not None:
            forget()
        table.repaint_rows()

    def action_back(self) -> None:
        self.app.pop_screen()
