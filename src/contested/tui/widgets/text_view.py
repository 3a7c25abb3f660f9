"""Inert content in a scrolling view that changes without a layout of the screen.

A `Static` in a `VerticalScroll` asks for a layout of the whole screen on each update
(its height may change), which costs about 9 ms on the main screen: too much for a
preview that follows the cursor. This view wraps its content into lines itself and
only its own lines are painted again.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


def resize_quietly(view: ScrollView, size: Size) -> None:
    """Give a scrolling view a new virtual size and repaint it, without the layout of
    the whole screen that setting `virtual_size` asks for (the view's own size does not
    change; only its scrollbars do)."""
    if size != view.virtual_size:
        view.set_reactive(Widget.virtual_size, size)
        view._scroll_update(size)  # what a layout would do for this view
    view.refresh()


class TextView(ScrollView):
    """Content (built with `contested.tui.safe`) wrapped to the view's width."""

    DEFAULT_CSS = """
    TextView { scrollbar-size-vertical: 1; }
    """

    def __init__(self, content: Content | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content: Content | None = content or Content("")
        self._given: list[Content] | None = None
        """The content's lines, as given or once split."""
        self._lines: list[Content] = []
        self._strips: dict[int, Strip] = {}
        """The lines drawn so far (a plot of forty lines shows twelve)."""
        self._wrapped_at = -1
        self._style: Style | None = None
        """The view's style, asked once per wrap (Textual works it out from every
        ancestor's styles at each asking: a tenth of a millisecond a line)."""

    def update(self, content: Content | Sequence[Content]) -> None:
        """Show other content (or its lines, which spares splitting it), from its first
        line."""
        if isinstance(content, Content):
            self._content, self._given = content, None
        else:  # joined only if asked for (`content`)
            self._content, self._given = None, list(content)
        self._wrapped_at = -1
        self.scroll_to(y=0, animate=False, immediate=True)
        self._wrap()

    @property
    def content(self) -> Content:
        """What the view shows, as one content."""
        if self._content is None:
            self._content = Content("\n").join(self._given or [])
        return self._content

    def on_resize(self) -> None:
        self._wrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_at = -1  # the lines carry the old style (a theme changed)
        self._style = None
        self._wrap()

    def _wrap(self) -> None:
        width = max(self.scrollable_content_region.width, 1)
        if width == self._wrapped_at:
            return
        self._wrapped_at = width
        # Lines that fit are kept as they are; only the others are wrapped (a plot's
        # twenty lines of the view's width cost a third of a keypress to wrap). Each is
        # made a strip when first drawn.
        given = self._given
        if given is None:
            given = self._given = self.content.split("\n", allow_blank=True)
        self._lines = [part for line in given
                       for part in ([line] if line.cell_length <= width else line.wrap(width))]
        self._strips.clear()
        resize_quietly(self, Size(width, len(self._lines)))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        if self._style is None:
            self._style = self.rich_style
        style = self._style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        strip = self._strips.get(index)
        if strip is None:
            line = self._lines[index]
            strip = self._strips[index] = Strip(
                line.render_segments(), line.cell_length).apply_style(style).adjust_cell_length(
                    self._wrapped_at, style)
        return strip

    def plain_text(self) -> str:
        """What the view shows, as text (for tests and copying)."""
        return self.content.plain
