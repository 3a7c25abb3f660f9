"""The private Textual API that `contested.tui.compat` relies on is in the Textual
installed: a release that renames or removes it fails here, by name, not as an
AttributeError in the middle of a paint."""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget

from contested.tui import compat

TEXTUAL = version("textual")
TUI = Path(compat.__file__).parent


def missing(owner: type, name: str) -> str:
    return (f"contested.tui.compat relies on the private {owner.__name__}.{name}, "
            f"which Textual {TEXTUAL} does not have: adapt compat.py to this Textual "
            "(or keep textual pinned to the versions that have it)")


@pytest.mark.parametrize(("owner", "name"), compat.RELIES_ON,
                         ids=[f"{o.__name__}.{n}" for o, n in compat.RELIES_ON])
def test_each_private_attribute_is_there(owner: type, name: str) -> None:
    assert hasattr(owner, name), missing(owner, name)
    assert callable(getattr(owner, name)), (
        f"{owner.__name__}.{name} is no longer a method in Textual {TEXTUAL}")


def test_the_private_methods_take_what_compat_gives_them() -> None:
    scroll_update = list(inspect.signature(Widget._scroll_update).parameters)
    assert scroll_update == ["self", "virtual_size"], (
        f"Widget._scroll_update takes {scroll_update} in Textual {TEXTUAL}; "
        "compat.update_scrollbars gives it (virtual_size)")
    check_disabled = list(inspect.signature(Widget._check_disabled).parameters)
    assert check_disabled == ["self"], (
        f"Widget._check_disabled takes {check_disabled} in Textual {TEXTUAL}; "
        "compat.input_disabled gives it nothing")


def test_only_compat_touches_the_private_names() -> None:
    """Every private name of `RELIES_ON` is used in compat.py alone."""
    names = {name for _, name in compat.RELIES_ON}
    users = sorted(f"{path.relative_to(TUI)}: {name}" for path in TUI.rglob("*.py")
                   if path.name != "compat.py" for name in names
                   if re.search(rf"\.{name}\b", path.read_text(encoding="utf-8")))
    assert not users, f"Textual's private API used outside compat.py: {users}"


def test_input_disabled_follows_disabled_and_loading() -> None:
    widget = Widget()
    assert not compat.input_disabled(widget)
    widget.disabled = True
    assert compat.input_disabled(widget), f"Textual {TEXTUAL}: disabled is not disabled"


class _Tall(ScrollView):
    """A view 10 lines high whose virtual size is set without a layout."""

    DEFAULT_CSS = "_Tall { height: 10; overflow-y: hidden; scrollbar-size-vertical: 0; }"


class _One(App[None]):
    def compose(self) -> ComposeResult:
        yield _Tall()


async def test_update_scrollbars_keeps_the_scroll_within_the_new_size() -> None:
    """What `resize_quietly` needs of it: a view made shorter without a layout does
    not stay scrolled past its new end (a preview that follows the cursor would show
    blank lines)."""
    from contested.tui.widgets.text_view import resize_quietly

    app = _One()
    async with app.run_test(size=(40, 20)) as pilot:
        view = app.query_one(_Tall)
        resize_quietly(view, Size(30, 100))
        await pilot.pause()
        view.scroll_to(y=200, animate=False, force=True, immediate=True)
        assert view.scroll_y == 90
        resize_quietly(view, Size(30, 30))
        assert view.scroll_y == 20, (
            f"Textual {TEXTUAL}: after compat.update_scrollbars (Widget._scroll_update) "
            f"the view is scrolled to line {view.scroll_y} of 30 lines, 10 shown")
