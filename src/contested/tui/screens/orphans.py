"""Notes whose event, claim, source or contradiction is gone from the catalog: kept in
the file, never dropped, and listed here so the analyst can see what they said."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from contested.present.rows import Row
from contested.review.notes import Note
from contested.tui.safe import plain
from contested.tui.widgets.rows import Column, VirtualTable

ORPHAN_COLUMNS = [Column("KIND", 15), Column("ID", 28, flex=True), Column("NOTE", 16),
                  Column("LAST COMMENT", 24, flex=True)]


def orphan_row(kind: str, target: str, note: Note) -> Row:
    last = note.comments[-1].text if note.comments else note.reason or ""
    return Row(f"{kind}:{target}", (kind, target, note.marks(), last))


class OrphansScreen(Screen[None], inherit_bindings=False):
    """The orphaned notes; esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back"),
    ]

    def __init__(self, orphans: list[tuple[str, str, Note]]) -> None:
        super().__init__()
        self.orphans = orphans

    def compose(self) -> ComposeResult:
        yield VirtualTable(ORPHAN_COLUMNS, [orphan_row(*o) for o in self.orphans],
                           id="orphans")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#orphans", VirtualTable)
        table.border_title = plain(f"Orphaned notes: {len(self.orphans)} (kept in the file)")
        table.empty_message = "no orphaned notes: every note's target is in the catalog"
        table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()
