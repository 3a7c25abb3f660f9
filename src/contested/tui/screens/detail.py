"""Everything about one item, and every link from it: enter follows, esc goes back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from contested.present.details import Detail, Link
from contested.present.rows import LazyRows, Row
from contested.tui.messages import OpenDetail
from contested.tui.safe import notify, plain
from contested.tui.widgets.detail import detail_content, long_fields, whole_lines
from contested.tui.widgets.rows import Column, VirtualTable
from contested.tui.widgets.text_view import ReadingView

LINK_COLUMNS = [Column("KIND", 13), Column("LINKED", 40, flex=True)]


class DetailScreen(Screen[None], inherit_bindings=False):
    """A detail view; the app's screen stack is the history that esc walks back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back"),
        Binding("tab,shift+tab", "switch", "Fields / links", show=False, id="detail.switch"),
        Binding("o", "whole", "Open a long field whole", show=False, id="detail.whole"),
        Binding("d", "paragraph", "The paragraph around a claim's quote, in its document",
                show=False, id="detail.paragraph"),
    ]

    def __init__(self, detail: Detail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield ReadingView(detail_content(self.detail), id="detail-body")
        # Each row made when shown: a source links to thousands of claims.
        yield VirtualTable(LINK_COLUMNS, LazyRows(self.detail.links, _link_row, _link_key),
                           id="links")
        yield Footer()

    def on_mount(self) -> None:
        fields = self.query_one("#detail-body", ReadingView)
        fields.border_title = plain(f"{self.detail.kind}: {self.detail.id}")
        links = self.query_one("#links", VirtualTable)
        links.border_title = plain(f"linked: {len(self.detail.links):,} (enter opens)")
        links.empty_message = "nothing linked"
        self.set_focus(links)  # at once: a key typed ahead goes to the links

    def focused_link(self) -> tuple[str, str] | None:
        """The item (kind, id) of the link under the cursor, when the links have the
        focus."""
        links = self.query_one("#links", VirtualTable)
        row = links.current
        return row.item if row is not None and links.has_focus else None

    def notes_changed(self, detail: Detail | None) -> None:
        """Show the item's notes as they are now."""
        if detail is not None:
            self.detail = detail
            view = self.query_one("#detail-body", ReadingView)
            at = view.scroll_y
            view.update(detail_content(detail))
            view.scroll_to(y=at, animate=False, force=True)  # stays where it was read

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        if message.row is not None and message.row.item is not None:
            self.post_message(OpenDetail(*message.row.item))

    def action_switch(self) -> None:
        """Move the focus between the fields and the links (the focused one has the
        double border, so it shows without colour too)."""
        links = self.query_one("#links", VirtualTable)
        if links.has_focus:
            self.set_focus(self.query_one("#detail-body", ReadingView))
        else:
            self.set_focus(links)

    def action_whole(self) -> None:
        """The fields cut for their length, whole, in a view of their own."""
        long = long_fields(self.detail)
        if not long:
            notify(self, "no field is cut here: every one is shown whole", timeout=4)
            return
        lines: list[str] = []
        for label, value in long:
            lines += [f"── {label} ({len(value):,} characters) ──", *whole_lines(value), ""]
        self.app.push_screen(WholeScreen(f"{self.detail.kind}: {self.detail.id}", lines))

    def action_paragraph(self) -> None:
        """The paragraph of the archived document around the claim's quote, the quote
        marked as in the claim's detail; where there is none, why."""
        passage = self.detail.passage
        if passage is None:
            fields = dict(self.detail.fields)
            if self.detail.kind != "claim":
                why = f"d shows the paragraph around a claim's quote; this is a {self.detail.kind}"
            elif "document" not in fields:
                why = "this claim names no document (`document:`), so no paragraph to show"
            else:
                why = f"no verified quote to show in its document: {fields.get('archive', '')}"
            notify(self, why, severity="warning", timeout=6)
            return
        lines = [f"── claim {self.detail.id}: its quote between « and », in its paragraph ──",
                 "", *whole_lines(passage.paragraph())]
        self.app.push_screen(WholeScreen(f"document: {passage.document.title} "
                                         f"({passage.document.id})", lines))

    def action_back(self) -> None:
        self.app.pop_screen()


def _link_key(link: Link) -> str:
    return f"{link.kind}:{link.id}"


def _link_row(link: Link) -> Row:
    return Row(_link_key(link), (link.kind, link.label), item=(link.kind, link.id))


class WholeScreen(Screen[None], inherit_bindings=False):
    """Long fields, whole: read with the list keys, esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,o", "back", "Back", id="back"),
    ]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield ReadingView(id="whole")
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one("#whole", ReadingView)
        view.border_title = plain(self.title_text)
        view.update(self.lines)  # each line made content when shown
        view.focus()

    def action_back(self) -> None:
        self.app.pop_screen()
