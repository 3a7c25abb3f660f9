"""The catalog's documents: each with its archived copy's state and how many of the
quotes citing it were found in that copy; enter opens a document, esc goes back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from contested.present.documents import EMPTY_MESSAGE
from contested.present.rows import Row
from contested.tui.messages import OpenDetail
from contested.tui.safe import plain
from contested.tui.widgets.rows import Column, VirtualTable

DOCUMENT_COLUMNS = [Column("ID", 18), Column("TITLE", 24, flex=True), Column("PUBLISHED", 10),
                    Column("COPY", 17), Column("QUOTES", 18)]


class DocumentsScreen(Screen[None], inherit_bindings=False):
    """The documents listed (`contested.present.documents.document_rows`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back"),
    ]

    def __init__(self, rows: list[Row]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield VirtualTable(DOCUMENT_COLUMNS, self.rows, id="documents")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#documents", VirtualTable)
        table.border_title = plain(f"Documents: {len(self.rows):,}")
        table.border_subtitle = plain("enter: open · esc: back")
        table.empty_message = EMPTY_MESSAGE
        table.focus()

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        if message.row is not None and message.row.item is not None:
            self.post_message(OpenDetail(*message.row.item))

    def action_back(self) -> None:
        self.app.pop_screen()
