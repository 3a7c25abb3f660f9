"""The position indicator that lists and views draw in their last column.

A scrollbar widget is a widget of its own: moving it is a refresh the compositor
handles separately, a second region of the screen to paint again at every key, where a
view that draws its position with its lines paints only its lines. The indicator is
text (`┃` on `│`), so it reads without colour too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget


def thumb(top: float, page: int, total: int) -> range | None:
    """The lines of the view (from 0) where the thumb is drawn, with `page` lines shown
    from line `top` of `total`; None when every line fits."""
    if total <= page:
        return None
    size = max(1, page * page // total)
    start = round(top / max(total - page, 1) * (page - size))
    return range(start, start + size)


@dataclass(frozen=True)
class Styles:
    """A widget's own style and its indicator's (the component classes `PREFIX--thumb`
    and `PREFIX--track`): asked of Textual once until the widget's styles change, as
    Textual works each out from every ancestor's styles at each asking."""

    own: Style
    thumb: Style
    track: Style

    @classmethod
    def of(cls, widget: Widget, prefix: str) -> Styles:
        return cls(widget.rich_style, widget.get_component_rich_style(f"{prefix}--thumb"),
                   widget.get_component_rich_style(f"{prefix}--track"))


def marked(line: Strip, in_thumb: bool | None, styles: Styles) -> Strip:
    """`line` with the indicator's cell after it: thumb, track, or blank (None)."""
    mark = " " if in_thumb is None else ("┃" if in_thumb else "│")
    style = styles.thumb if in_thumb else styles.track
    return Strip([*line, Segment(mark, style)], line.cell_length + 1)
