"""Inert content in a scrolling view that changes without a layout of the screen.

A `Static` in a `VerticalScroll` asks for a layout of the whole screen on each update
(its height may change): a layout of every widget at every key, for a preview that
follows the cursor. This view wraps its content into lines itself and only its own
lines are painted again.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from contested.tui.compat import input_disabled, update_scrollbars
from contested.tui.safe import plain
from contested.tui.widgets.indicator import Styles, marked, thumb


def resize_quietly(view: ScrollView, size: Size) -> None:
    """Give a scrolling view a new virtual size and repaint it, without the layout of
    the whole screen that setting `virtual_size` asks for (the view's own size does not
    change; only its scrollbars do)."""
    if size != view.virtual_size:
        view.set_reactive(Widget.virtual_size, size)
        update_scrollbars(view, size)  # what a layout would do for this view
    view.refresh()


def _estimate(line: Content | str, width: int) -> int:
    """How many lines `line` wraps into, by its length (words wrapped early, or wide
    characters, may make a few more)."""
    return -(-len(line if isinstance(line, str) else line.plain) // width) or 1


class TextView(ScrollView):
    """Content (built with `contested.tui.safe`) wrapped to the view's width, less the
    last column, where its position is drawn (`contested.tui.widgets.indicator`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"view--thumb", "view--track"}
    DEFAULT_CSS = """
    TextView {
        scrollbar-size-vertical: 0;
        overflow-y: hidden;  /* no scrollbar widget: see `allow_vertical_scroll` */
    }
    TextView > .view--thumb { color: $accent; }
    TextView > .view--track { color: $text-muted; }
    """

    def __init__(self, content: Content | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content: Content | None = content or Content("")
        self._given: list[Content | str] | None = None
        """The content's lines, as given or once split (a `str` is data, made content
        with `plain` when first shown)."""
        self._lines: list[Content] = []
        """The lines wrapped so far: those of the first `_consumed` given lines."""
        self._consumed = 0
        self._rest = 0
        """The lines not wrapped yet, each counted as its length over the width
        (`_estimate`)."""
        self._strips: dict[tuple[int, bool | None], Strip] = {}
        """The lines drawn so far, by (line, beside the thumb): a plot of forty lines
        shows twelve."""
        self._wrapped_at = -1
        self._styles: Styles | None = None

    @property
    def allow_vertical_scroll(self) -> bool:
        """Scrolled by keys and the mouse wheel while there is more than it shows (with
        `overflow-y: hidden`, Textual would not scroll it at all). Textual asks this
        before any scroll: the lines not wrapped yet are wrapped now, so that the scroll
        goes as far as they do."""
        if input_disabled(self):
            return False
        if self._given is not None and self._consumed < len(self._given):
            self._extend(sys.maxsize)
            self._resize()
        return self.max_scroll_y > 0

    def update(self, content: Content | Sequence[Content | str]) -> None:
        """Show other content (or its lines, which spares splitting it), from its first
        line. A line given as `str` is data: shown through `plain`, when first shown (a
        plot's forty lines show twelve)."""
        if isinstance(content, Content):
            self._content, self._given = content, None
        else:  # joined only if asked for (`content`)
            self._content, self._given = None, list(content)
        self._wrapped_at = -1
        self.scroll_target_y = self.scroll_y = 0  # (`scroll_to` would wrap every line)
        self._wrap()

    @property
    def content(self) -> Content:
        """What the view shows, as one content."""
        if self._content is None:
            self._content = Content("\n").join(
                plain(line) if isinstance(line, str) else line for line in self._given or [])
        return self._content

    def on_resize(self) -> None:
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_at = -1  # the lines carry the old style (a theme changed)
        self._styles = None
        self._wrap()

    def _wrap(self) -> None:
        """Wrap what is shown at the view's width (again, if the width changed)."""
        width = max(self.scrollable_content_region.width - 1, 1)  # the indicator's column
        shown = int(self.scroll_offset.y) + self.scrollable_content_region.height + 1
        if width == self._wrapped_at and (len(self._lines) >= shown
                                          or self._consumed == len(self._given or [])):
            return
        if width != self._wrapped_at:
            # Only the lines shown are wrapped now: those of a plot's legend or of a
            # category's answers are longer than the view, and wrapping all of them at
            # each key is work for lines no one sees. The others are wrapped when the
            # view is scrolled. Each line is made a strip when first drawn.
            self._wrapped_at = width
            if self._given is None:
                self._given = list(self.content.split("\n", allow_blank=True))
            self._lines, self._consumed = [], 0
            self._rest = sum(_estimate(line, width) for line in self._given)
            self._strips.clear()
        self._extend(shown)
        self._resize()

    def _extend(self, count: int) -> None:
        """Wrap the given lines until `count` lines are wrapped, or all of them (lines
        that fit are kept as they are)."""
        given, lines, width = self._given or [], self._lines, self._wrapped_at
        while len(lines) < count and self._consumed < len(given):
            given_line = given[self._consumed]
            line = plain(given_line) if isinstance(given_line, str) else given_line
            self._rest -= _estimate(given_line, width)
            self._consumed += 1
            lines.extend([line] if line.cell_length <= width else line.wrap(width))

    def _total(self) -> int:
        """The number of lines: exact once every given line is wrapped; until then,
        those left are estimated."""
        return len(self._lines) + self._rest

    def _resize(self) -> None:
        resize_quietly(self, Size(self._wrapped_at, self._total()))

    def render_line(self, y: int) -> Strip:
        region = self.scrollable_content_region  # (worked out at each asking)
        top = self.scroll_offset.y
        index = int(top) + y
        if self._styles is None:
            self._styles = Styles.of(self, "view")
        styles = self._styles
        style = styles.own
        if index >= len(self._lines):
            self._extend(index + 1)  # (what was shown is wrapped: not expected)
            if index >= len(self._lines):
                return Strip.blank(region.width, style)
        bar = thumb(top, region.height, self._total())
        in_thumb = None if bar is None else y in bar
        strip = self._strips.get((index, in_thumb))
        if strip is None:
            line = self._lines[index]
            strip = self._strips[index, in_thumb] = marked(
                Strip(line.render_segments(), line.cell_length).apply_style(
                    style).adjust_cell_length(self._wrapped_at, style),
                in_thumb, styles)
        return strip

    def plain_text(self) -> str:
        """What the view shows, as text (for tests and copying)."""
        return self.content.plain


def motion_bindings() -> list[BindingType]:
    """The keys that move through a list or a text: one set of keys and ids, so that a
    list and a text move alike and a keymap remaps both. Each class has the actions."""
    return [
        Binding("j,down", "cursor_down", "Down", show=False, id="cursor.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="cursor.up"),
        Binding("g,home", "cursor_first", "First", show=False, id="cursor.first"),
        Binding("G,end", "cursor_last", "Last", show=False, id="cursor.last"),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False,
                id="cursor.page-down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="cursor.page-up"),
    ]


class ReadingView(TextView, can_focus=True, inherit_bindings=False):
    """A `TextView` read with the keys that move through a list (j k g G space ctrl+f
    ctrl+b, pgup pgdn): a detail or the help scrolls as a list does. The bindings share
    the lists' ids, so a key remapped in the keymap moves through both alike."""

    BINDINGS: ClassVar[list[BindingType]] = motion_bindings()

    def action_cursor_first(self) -> None:
        self.scroll_to(y=0, animate=False, force=True, immediate=True)

    def action_cursor_last(self) -> None:
        if self.allow_vertical_scroll:  # wraps every line, so the end is the true end
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True, immediate=True)

    def action_cursor_down(self) -> None:
        if self.allow_vertical_scroll:
            self.scroll_to(y=self.scroll_y + 1, animate=False, force=True, immediate=True)

    def action_cursor_up(self) -> None:
        self.scroll_to(y=self.scroll_y - 1, animate=False, force=True, immediate=True)

    def action_page_down(self) -> None:
        if self.allow_vertical_scroll:
            self.scroll_to(y=self.scroll_y + self._page(), animate=False, force=True,
                           immediate=True)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - self._page(), animate=False, force=True,
                       immediate=True)

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)
