"""The one module that touches Textual's private API.

Textual keeps no promise about names that start with `_`: a minor release may rename or
remove them. Every such use in the TUI goes through a function here, which says why the
public API is not enough, and `RELIES_ON` lists each private attribute, so that
`tests/tui/test_compat.py` fails with the attribute's name and Textual's version as soon
as an installed Textual lacks one (`textual` is pinned `~=8.2` for the same reason).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget

RELIES_ON: tuple[tuple[type, str], ...] = (
    (Widget, "_scroll_update"),
    (Widget, "_check_disabled"),
)
"""(class, attribute) of every private name used below: what the test checks."""


def update_scrollbars(widget: Widget, virtual_size: Size) -> None:
    """Do for `widget` what Textual's layout does once its virtual size has changed:
    size its scrollbars to `virtual_size`, and keep its scroll offset within it.

    Why private: setting `virtual_size` publicly asks for a layout of the whole screen,
    at every key that changes a preview or a list, for a view whose place on screen has
    not changed. A view whose own size does not change sets the reactive quietly
    (`text_view.resize_quietly`) and needs only this step of the layout, which Textual
    has no public method for (`Widget._scroll_update`)."""
    widget._scroll_update(virtual_size)


def input_disabled(widget: Widget) -> bool:
    """Whether Textual treats `widget` as disabled for input: disabled, or loading.

    Why private: a view that overrides `allow_vertical_scroll` must refuse to scroll
    when Textual's own version would, and Textual asks `Widget._check_disabled` for that
    (today `disabled or loading`; asking the same method keeps any condition a later
    Textual adds)."""
    return bool(widget._check_disabled())
