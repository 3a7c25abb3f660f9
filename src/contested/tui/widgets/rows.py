"""A virtual table: draws only the rows on screen, so 300,000 claims scroll like 30.

A stock DataTable given 100k rows takes seconds to settle; this widget asks its row
source for the few rows it paints (Textual's Line API), and keeps a cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from contested.errors import CacheError
from contested.present.rows import Row, RowKind
from contested.support.text import printable
from contested.tui.messages import report_damage
from contested.tui.widgets.indicator import Styles, marked, thumb
from contested.tui.widgets.text_view import motion_bindings, resize_quietly

LONGEST_CELL = 2048
"""Characters of a cell made printable and measured: more than a line can show (a 4 MB
title would otherwise be scanned at every paint)."""

PASSED_OVER = frozenset({RowKind.GAP, RowKind.HEADING, RowKind.DAMAGED})
"""Rows the cursor does not stop on: they say something about the rows around them."""

ROW_STYLES = {RowKind.MARKED: "rows--marked", RowKind.GAP: "rows--gap",
              RowKind.HEADING: "rows--heading", RowKind.DAMAGED: "rows--gap"}
"""The component class that styles each kind of row (a normal row has none)."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column: a title, a width in cells, and whether it takes the width left over."""

    title: str
    width: int
    flex: bool = False


class RowSource(Protocol):
    """Anything that can give the row at an index: a list, or a lazy view."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Row: ...


class VirtualTable(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyboard-driven table over a `RowSource`; enter selects the row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *motion_bindings(),
        Binding("enter", "select", "Open", id="open"),
        Binding("right,l", "columns(1)", "More columns to the right", show=False,
                id="columns.right"),
        Binding("left,h", "columns(-1)", "Columns back to the left", show=False,
                id="columns.left"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rows--header", "rows--cursor", "rows--marked", "rows--gap", "rows--heading",
        "rows--thumb", "rows--track",
    }
    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        scrollbar-size-vertical: 0;  /* the rows draw their own position indicator */
        /* No scrollbar widget at all: one of size 0, refreshed as the rows scroll, is
           not on screen, and a widget refreshed off screen makes Textual arrange the
           whole screen again, at every key. Scrolling from code is unaffected. */
        overflow-y: hidden;
    }
    VirtualTable > .rows--thumb { color: $accent; }
    VirtualTable > .rows--track { color: $text-muted; }
    VirtualTable > .rows--header { text-style: bold; }
    VirtualTable > .rows--cursor { background: $block-cursor-background;
                                   color: $block-cursor-foreground; text-style: bold; }
    VirtualTable:blur > .rows--cursor { background: $block-cursor-blurred-background;
                                        color: $foreground; text-style: bold; }
    VirtualTable > .rows--marked { color: $warning; }
    VirtualTable > .rows--gap { color: $text-muted; text-style: italic; }
    VirtualTable > .rows--heading { text-style: bold; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)  # watch_cursor paints

    class Highlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, table: VirtualTable, index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def row(self) -> Row | None:
            """The row, made when asked: a list filled while hidden (the panes of a new
            filter) makes none of its rows until it is shown."""
            return self.table.row_at(self.index)

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Selected(Highlighted):
        """Enter was pressed on a row."""

    def __init__(self, columns: Sequence[Column] = (), rows: RowSource | None = None,
                 *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._columns: list[Column] = list(columns)
        self.rows: RowSource = rows if rows is not None else []
        self.follow: Callable[[], None] | None = None
        """Called as the cursor moves, before the `Highlighted` message: what it redraws
        is painted in the same frame as the cursor (a message comes a frame later)."""
        self.empty_message = "nothing to show"
        self._styles: Styles | None = None
        self.frozen = 0
        """Leading columns that stay when the others are scrolled sideways (`l`/`h`)."""
        self.column_offset = 0
        """How many of the other columns are scrolled out to the left."""
        self._needed: list[int] | None = None
        self._shares: dict[int, list[int]] = {}
        """The columns' widths by the width of the list (`_widths`)."""
        self._painted: dict[tuple[int, int, bool, bool, bool | None], Strip] = {}
        """Painted rows by (index, width, under the cursor, focused): scrolling by one row
        paints one new row, not the screenful."""
        self._damaged: dict[int, Row] = {}
        """The rows that could not be made (`row_at`), shown as such until other rows
        are set (the app reads the catalog again meanwhile)."""

    # --- data ---------------------------------------------------------------------------

    @property
    def columns(self) -> list[Column]:
        return self._columns

    @columns.setter
    def columns(self, columns: Sequence[Column]) -> None:
        """Other columns: their widths are worked out again, and every row painted."""
        self._columns = list(columns)
        self.column_offset = 0
        self._forget_layout(rows=False)
        self.refresh()

    def set_rows(self, rows: RowSource, columns: Sequence[Column] | None = None,
                 cursor: int = 0) -> None:
        """Show other rows (and columns); the cursor goes to `cursor`."""
        if columns is not None:
            self._columns = list(columns)
            self.column_offset = 0
        self.rows = rows
        self._forget_layout()
        self._update_size()
        self.cursor = self._stop_near(cursor, 1)
        self.refresh()

    def repaint_rows(self) -> None:
        """Paint every row again (what they show has changed; the cursor stays)."""
        self._forget_layout()
        self.refresh()

    def _forget_layout(self, *, needs: bool = True, rows: bool = True) -> None:
        """Forget what was worked out: the columns' widths and the painted lines always,
        what each column needs (`needs`: other rows or columns), and the rows found
        damaged (`rows`: other rows)."""
        if needs:
            self._needed = None
        if rows:
            self._damaged.clear()
        self._shares, self._painted = {}, {}

    @property
    def current(self) -> Row | None:
        return self.row_at(self.cursor)

    def row_at(self, index: int) -> Row | None:
        return self._row(index) if 0 <= index < len(self.rows) else None

    def _row(self, index: int) -> Row:
        """The row at `index`, made now if it was not yet. Every row this table shows
        or moves over is read here: a row that cannot be made because the cache it is
        read from was damaged or its file changed (`CacheError`) is shown as a line
        that says so, passed over by the cursor, and the app is told (`CatalogDamaged`:
        it reads the catalog again) instead of the error ending the app mid-paint."""
        damaged = self._damaged.get(index)
        if damaged is not None:
            return damaged
        try:
            return self.rows[index]
        except CacheError as error:
            self._damaged_by(error)
            row = self._damaged[index] = Row(
                f"{RowKind.DAMAGED}:{index}",
                ("⋯ not readable: the catalog is being read again ⋯",), RowKind.DAMAGED)
            return row

    def _damaged_by(self, error: CacheError) -> None:
        """Tell the app the cache failed (once per set of rows: a screenful of damaged
        rows is one message)."""
        if not self._damaged:
            report_damage(self, error)

    def index_of(self, key: str) -> int | None:
        try:
            finder = getattr(self.rows, "index_of", None)
            if finder is not None:
                found: int | None = finder(key)
                return found
            for index in range(len(self.rows)):
                if self._row(index).key == key:
                    return index
        except CacheError as error:  # an index of keys read from a damaged cache
            self._damaged_by(error)
        return None

    # --- geometry -----------------------------------------------------------------------

    def _update_size(self) -> None:
        # Rows always fit the width (flexible columns give way), so only height scrolls.
        resize_quietly(self, Size(1, len(self.rows) + 1))

    def on_mount(self) -> None:
        self._update_size()

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._painted.clear()  # painted with the old theme
        self._styles = None

    @property
    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    SAMPLED_ROWS: ClassVar[int] = 64
    """A list this long or shorter is read whole to learn what each column needs."""
    SPREAD_ROWS: ClassVar[int] = 16
    """Of a longer list, the rows read for that besides the screenful shown, spread
    over it: a lazy list of 300,000 rows (whose rows far apart are read from as many
    places in the cache) makes only these before its first paint."""
    SCREENFUL_ROWS: ClassVar[int] = 24
    """The screenful read when the table is not laid out yet (its height unknown)."""

    def _sampled(self) -> list[int]:
        """The indexes of the rows read for the columns' widths: every row of a short
        list; of a longer one, the screenful from the top row shown and `SPREAD_ROWS`
        spread over the rest."""
        count = len(self.rows)
        if count <= self.SAMPLED_ROWS:
            return list(range(count))
        top = min(max(int(self.scroll_offset.y), 0), count)
        screenful = range(top, min(top + max(self._page + 1, self.SCREENFUL_ROWS), count))
        spread = (count * n // self.SPREAD_ROWS for n in range(self.SPREAD_ROWS))
        return sorted({*screenful, *spread})

    def _needs(self) -> list[int]:
        """The cells each column needs: its title, or its longest value in the rows
        sampled (`_sampled`). A column that is empty in them (ALIASES, for sources
        without any) then gives its width to the flexible ones."""
        if self._needed is None:
            needed = [cell_len(c.title) for c in self.columns]
            for index in self._sampled():
                row = self._row(index)
                if row.kind in PASSED_OVER:
                    continue
                for column, cell in enumerate(row.cells[: len(needed)]):
                    shown = printable(cell[:LONGEST_CELL])
                    needed[column] = max(needed[column], cell_len(shown))
            self._needed = needed
        return self._needed

    def _widths(self, total: int) -> list[int]:
        """Fixed columns take what they need, up to their width; flexible ones share
        what is left (at least 6 cells each; the line is cut at the edge if even that
        does not fit)."""
        found = self._shares.get(total)
        if found is not None:
            return found
        needs = self._needs()
        shown = [(i, self.columns[i]) for i in self.shown_columns()]
        widths = [0 if c.flex else min(c.width, needs[i]) for i, c in shown]
        gaps = max(len(shown) - 1, 0)
        flexible = sum(1 for _, c in shown if c.flex)
        share = max((total - sum(widths) - gaps) // flexible, 6) if flexible else 0
        widths = [share if c.flex else widths[n] for n, (_, c) in enumerate(shown)]
        self._shares[total] = widths
        return widths

    def shown_columns(self) -> list[int]:
        """The columns drawn: the frozen ones, then the others from `column_offset`."""
        count = len(self.columns)
        frozen = min(self.frozen, count)
        return [*range(frozen), *range(frozen + self.column_offset, count)]

    def columns_hidden(self) -> tuple[int, int]:
        """How many columns are out of sight to the left and to the right."""
        width = self.scrollable_content_region.width - 1
        widths = self._widths(width) if width > 0 else []
        shown = self.shown_columns()
        used, fitting = 0, 0
        for cells in widths:
            used += cells + (1 if fitting else 0)
            if used > width:
                break
            fitting += 1
        return self.column_offset, max(len(shown) - fitting, 0)

    def action_columns(self, step: int) -> None:
        """Scroll the columns after the frozen ones sideways, a column at a time."""
        left, right = self.columns_hidden()
        if (step > 0 and right == 0) or (step < 0 and left == 0):
            return
        self.column_offset += step
        self._forget_layout(needs=False, rows=False)
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor))  # titles say what shows

    # --- painting -----------------------------------------------------------------------

    def _thumb(self) -> range | None:
        """The rows (1-based lines: the header is line 0) of the position indicator's
        thumb, or None when every row fits."""
        found = thumb(self.scroll_offset.y, self._page, len(self.rows))
        return None if found is None else range(found.start + 1, found.stop + 1)

    def render_line(self, y: int) -> Strip:
        full = self.scrollable_content_region.width
        bar = self._thumb()
        width = full - 1 if bar is not None else full
        index = int(self.scroll_offset.y) + y - 1  # -1: the header
        if index >= len(self.rows):
            if index == 0:
                return self._strip((self.empty_message,), [width], width, Style(italic=True))
            return Strip.blank(full, self._styled().own)
        in_thumb = None if bar is None else y in bar
        key = ((index, full, index == self.cursor, self.has_focus, in_thumb) if y
               else (-1, full, False, self.has_focus, bar is not None))
        strip = self._painted.get(key)
        if strip is None:
            if len(self._painted) > 1024:  # rows scrolled past long ago
                self._painted.clear()
            widths = self._widths(width)
            if y == 0:
                titles = tuple(self.columns[i].title for i in self.shown_columns())
                strip = self._strip(titles, widths, width,
                                    self.get_component_rich_style("rows--header"))
                strip = strip if bar is None else self._with_indicator(strip, None)
            else:
                strip = self._paint(index, widths, width)
                if in_thumb is not None:
                    strip = self._with_indicator(strip, in_thumb)
            self._painted[key] = strip
        return strip

    def _styled(self) -> Styles:
        if self._styles is None:
            self._styles = Styles.of(self, "rows")
        return self._styles

    def _with_indicator(self, line: Strip, in_thumb: bool | None) -> Strip:
        return marked(line, in_thumb, self._styled())

    def _paint(self, index: int, widths: list[int], width: int) -> Strip:
        row = self._row(index)
        style = self._styled().own
        component = ROW_STYLES.get(row.kind)
        if component is not None:
            style = style + self.get_component_rich_style(component)
        if index == self.cursor:
            style = style + self.get_component_rich_style("rows--cursor")
        if row.kind in (RowKind.HEADING, RowKind.DAMAGED):  # a heading spans the columns
            return self._strip((" ".join(c for c in row.cells if c),), [width], width, style)
        cells = row.cells
        return self._strip([cells[i] if i < len(cells) else "" for i in self.shown_columns()],
                           widths, width, style)

    def _strip(self, cells: Sequence[str], widths: list[int], width: int, style: Style
               ) -> Strip:
        parts: list[str] = []
        for cell, cell_width in zip(cells, widths, strict=False):
            text = printable(cell[:LONGEST_CELL])
            if cell_len(text) > cell_width:
                text = set_cell_size(text, max(cell_width - 1, 0)) + "…"
            parts.append(set_cell_size(text, cell_width))
        line = set_cell_size(" ".join(parts), width)
        return Strip([Segment(line, style)], width)

    # --- the cursor ---------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self._scroll_cursor_into_view():
            self.refresh()
        else:  # only the two rows that changed are painted again
            for index in {old, new}:
                self.refresh_line(index + 1)  # a line in the virtual height (the header's 0)
        if self.follow is not None:
            self.follow()
        self.post_message(self.Highlighted(self, new))

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor shows; True if that scrolled."""
        if self.scrollable_content_region.height < 2:
            return False  # hidden, or not laid out yet: its `on_resize` will
        top = int(self.scroll_offset.y)
        visible = self._page
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True,
                           force=True)  # overflow-y: hidden
            return True
        if self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True,
                           force=True)
            return True
        return False

    def move_to(self, index: int) -> None:
        """Put the cursor on the row at `index`, or the nearest row it can stop on,
        looking first the way it was going."""
        if len(self.rows):
            self.cursor = self._stop_near(index, -1 if index < self.cursor else 1)

    def _stop_near(self, index: int, step: int) -> int:
        """The row nearest `index` (clamped) that the cursor stops on, looking `step`
        first: a `⋯ 6 months later ⋯` gap or a heading is passed over."""
        count = len(self.rows)
        index = min(max(index, 0), max(count - 1, 0))
        for direction in (step, -step):
            at = index
            while 0 <= at < count:
                if self._row(at).kind not in PASSED_OVER:
                    return at
                at += direction
        return index  # nothing but gaps and headings: stay somewhere

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_first(self) -> None:
        self.move_to(0)

    def action_cursor_last(self) -> None:
        self.move_to(len(self.rows) - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self._page)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self._page)

    # --- the mouse --------------------------------------------------------------------

    WHEEL_ROWS: ClassVar[int] = 3

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the row (and the focus on the list); a double
        click opens it, as enter does."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # outside the rows, or on the header
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if not 0 <= index < len(self.rows) or self._row(index).kind in PASSED_OVER:
            return
        self.focus()
        self.move_to(index)
        if event.chain >= 2:
            self.action_select()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.move_to(self.cursor + self.WHEEL_ROWS)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.move_to(self.cursor - self.WHEEL_ROWS)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.cursor))
