"""The text view: wraps what it shows, draws its own position, scrolls to the end."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from textual.app import App, ComposeResult
from textual.content import Content
from textual.pilot import Pilot

from contested.tui.widgets.text_view import TextView

WIDTH, HEIGHT = 40, 10  # the view's own: no border here


class Host(App[None]):
    CSS = "TextView { width: 40; height: 10; }"

    def compose(self) -> ComposeResult:
        yield TextView(id="view")


def long_lines(count: int) -> list[Content]:
    """Lines three times the view's width, each ending with its number."""
    return [Content(" ".join(["word"] * 24) + f" end{n}") for n in range(count)]


@asynccontextmanager
async def showing(lines: Sequence[Content | str]
                  ) -> AsyncIterator[tuple[TextView, Pilot[None]]]:
    """A view of 40x10 given `lines`, once it has painted them."""
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(TextView)
        view.update(lines)
        await pilot.pause()
        yield view, pilot


def shown(view: TextView) -> list[str]:
    return [view.render_line(y).text for y in range(HEIGHT)]


async def test_lines_that_do_not_fit_are_wrapped_and_the_position_is_drawn() -> None:
    async with showing(long_lines(30)) as (view, _):
        lines = shown(view)
        assert all(len(line) == WIDTH for line in lines)
        assert lines[0].startswith("word word")
        assert lines[0][-1] == "┃"  # the thumb
        assert lines[-1][-1] == "│"  # the track below it
        assert any(line.rstrip(" │┃").endswith("end0") for line in lines)
        assert view.plain_text().count("\n") == 29  # the content itself is as given


async def test_only_what_is_shown_is_wrapped_until_the_view_is_scrolled() -> None:
    async with showing(long_lines(30)) as (view, pilot):
        assert view._consumed < 10  # (30 lines given: the cost of a key in Figures)
        estimated = view.virtual_size.height  # the lines left, counted by their length
        view.focus()
        await pilot.press("end")  # asks first whether it may scroll: every line is wrapped
        await pilot.wait_for_scheduled_animations()
        assert abs(view.virtual_size.height - estimated) <= estimated // 10
        lines = shown(view)
        assert lines[-1].rstrip(" │┃").endswith("end29")  # the true last line
        assert lines[-1][-1] == "┃"  # and the thumb at the bottom
        await pilot.press("home")
        await pilot.wait_for_scheduled_animations()
        assert shown(view)[0].startswith("word word")


async def test_content_that_fits_has_a_blank_column_and_does_not_scroll() -> None:
    async with showing([Content("short"), Content("lines")]) as (view, pilot):
        lines = shown(view)
        assert lines[0] == "short".ljust(WIDTH)
        assert not view.allow_vertical_scroll
        view.focus()
        await pilot.press("end")
        assert view.scroll_offset.y == 0


async def test_new_content_starts_from_its_first_line() -> None:
    async with showing(long_lines(30)) as (view, pilot):
        view.focus()
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        assert view.scroll_offset.y > 0
        view.update([Content("other")])
        await pilot.pause()
        assert view.scroll_offset.y == 0
        assert shown(view)[0].startswith("other")


async def test_lines_given_as_strings_are_data_never_markup_or_controls() -> None:
    hostile = "[@click=app.quit]hostile[/] \x1b[2J\u202e"
    async with showing([hostile, *(f"l{n}" for n in range(30))]) as (view, pilot):
        first = shown(view)[0]
        assert first.startswith("[@click=app.quit]hostile[/] ")
        assert "\x1b" not in first
        assert "\u202e" not in first
        assert "\x1b" not in view.plain_text()
        assert pilot.app.is_running  # no markup error, no action run
