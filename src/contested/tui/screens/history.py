"""The history of note changes: of the focused item (`L`), or of the whole review (the
palette), newest first, every analyst's changes merged by time; and the undo of the
analyst's own last change (`u`), made through the store like any change."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from contested.present.rows import Row
from contested.review.history import Entry, change_text, field_text
from contested.tui.messages import OpenDetail
from contested.tui.safe import notify, plain
from contested.tui.widgets.rows import Column, VirtualTable

ITEM_COLUMNS = [Column("WHEN (UTC)", 19), Column("WHO", 14), Column("FIELD", 12),
                Column("CHANGE", 24, flex=True)]
REVIEW_COLUMNS = [Column("WHEN (UTC)", 19), Column("WHO", 14), Column("ITEM", 20, flex=True),
                  Column("FIELD", 12), Column("CHANGE", 24, flex=True)]


def history_row(number: int, entry: Entry, *, with_item: bool) -> Row:
    when = entry.at[:19].replace("T", " ")
    item = (f"{entry.kind} {entry.id}",) if with_item else ()
    return Row(f"{number}", (when, entry.by, *item, field_text(entry), change_text(entry)),
               item=(entry.kind, entry.id))


class HistoryScreen(Screen[None], inherit_bindings=False):
    """Every change to the notes of one item (or of all), newest first; enter opens the
    item changed, esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back"),
    ]

    def __init__(self, entries: list[Entry], item: tuple[str, str] | None) -> None:
        super().__init__()
        self.entries = entries
        self.item = item

    def compose(self) -> ComposeResult:
        whole = self.item is None
        rows = [history_row(n, e, with_item=whole) for n, e in enumerate(self.entries)]
        yield VirtualTable(REVIEW_COLUMNS if whole else ITEM_COLUMNS, rows, id="history")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history", VirtualTable)
        count = len(self.entries)
        analysts = len({e.by for e in self.entries})
        what = "the review" if self.item is None else f"{self.item[0]} {self.item[1]}"
        table.border_title = plain(f"History: {count:,} change{'s' * (count != 1)} by "
                                   f"{analysts} analyst{'s' * (analysts != 1)}, {what}")
        table.border_subtitle = plain("newest first · enter: open · esc: back")
        table.empty_message = ("no change recorded yet" if self.item is None
                               else "no change to this item's notes recorded yet")
        table.focus()

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        if message.row is not None and message.row.item is not None:
            self.post_message(OpenDetail(*message.row.item))

    def action_back(self) -> None:
        self.app.pop_screen()


def open_history(app: Any, item: tuple[str, str] | None) -> None:
    """The history of `item`'s notes, or of the whole review for None (`app`: the
    ContestedApp, which imports this module)."""
    from contested.review.notes import SECTION_OF

    if app.notes is None or isinstance(app.screen, HistoryScreen):
        return
    if item is not None and item[0] not in SECTION_OF:
        notify(app, "notes are kept on events, claims, sources and contradictions",
               severity="warning")
        return
    entries = app.notes.history.entries(*item) if item is not None else (
        app.notes.history.entries())
    app.push_screen(HistoryScreen(entries, item))


def undo_last(app: Any) -> None:
    """Revert the analyst's own last change, or say why not (none left, or someone
    changed the item since)."""
    from contested.errors import NotesError

    store = app.notes
    if store is None:
        return
    try:
        entries, _ = store.history.undo(store.change)
    except NotesError as error:  # nothing to undo, changed since, or not saved
        notify(app, str(error), title="Not undone", severity="warning", timeout=8)
        return
    kind, target = entries[0].kind, entries[0].id
    if app.main is not None:
        app.main.notes_changed()
    refresh = getattr(app.screen, "notes_changed", None)
    if refresh is not None and app.screen is not app.main and (
            app.focused_item() == (kind, target)):  # (the detail shown is of this item)
        refresh(app.detail_of(kind, target))
    fields = ", ".join(dict.fromkeys(e.field for e in entries))
    notify(app, f"undone: your change of the {fields} of {kind} {target}", timeout=5)
