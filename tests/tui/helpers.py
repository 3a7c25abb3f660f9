"""Helpers for driving the explorer with Textual's Pilot."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from contested.tui.app import ContestedApp
from contested.tui.screens.errors import ErrorsScreen
from contested.tui.screens.main import MainScreen
from contested.tui.widgets.rows import VirtualTable


async def ready(pilot: Pilot[int]) -> None:
    """Wait until the catalog has loaded and the first real screen is up, with the
    engine's findings (the main screen shows the catalog while the engine runs)."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause(0.02)
        screen = app.screen
        if isinstance(screen, ErrorsScreen) or (isinstance(screen, MainScreen)
                                                and screen.analysis.complete):
            await pilot.pause()
            return
    raise AssertionError(f"the explorer did not finish loading: {app.screen!r}")


def main_screen(app: ContestedApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def focused_table(app: ContestedApp) -> VirtualTable:
    focused = app.focused
    assert isinstance(focused, VirtualTable), focused
    return focused


def app_on(paths: list[Path] | None = None, tmp_config: Path | None = None,
           notes: Path | None = None, view: str | None = None) -> ContestedApp:
    keymap = (tmp_config / "keymap.toml") if tmp_config else Path("/nonexistent/keymap.toml")
    return ContestedApp([str(p) for p in paths or []], keymap_path=keymap, notes_path=notes,
                        view=view)


_SVG_TEXT = re.compile(r'<text [^>]*?x="([\d.]+)"[^>]*?'
                       r'clip-path="url\(#terminal-[^)]*?line-(\d+)\)"[^>]*>([^<]*)</text>')


def screen_lines(app: ContestedApp) -> list[str]:
    """What the screen shows, line by line, as text: the SVG screenshot's pieces of
    text put back in order (a styled character is a piece of its own)."""
    lines: dict[int, list[tuple[float, str]]] = {}
    for x, line, text in _SVG_TEXT.findall(app.export_screenshot()):
        lines.setdefault(int(line), []).append((float(x), html.unescape(text)))
    return ["".join(t for _, t in sorted(lines.get(n, []))).replace("\xa0", " ")
            for n in range(max(lines, default=-1) + 1)]


def screen_text(app: ContestedApp) -> str:
    return "\n".join(screen_lines(app))


async def palette(pilot: Pilot[int], query: str) -> None:
    """Open the command palette and type `query`; return once its hits are listed (the
    palette searches in a worker)."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    for _ in range(200):
        await pilot.pause(0.01)
        screen = pilot.app.screen
        if isinstance(screen, CommandPalette) and screen.query_one(CommandList).option_count:
            await pilot.pause()
            return
    raise AssertionError(f"the palette listed nothing for {query!r}")


async def choose(pilot: Pilot[int], query: str) -> None:
    """Run the palette's first hit for `query`."""
    await palette(pilot, query)
    await pilot.press("enter")
    await pilot.pause()


def cursor_rows(app: ContestedApp, table: VirtualTable) -> int:
    """How many lines of the screen (the SVG screenshot, as a terminal would show it)
    have `table`'s cursor background: one, unless a row kept a stale highlight."""
    colour = table.get_component_rich_style("rows--cursor").bgcolor
    assert colour is not None
    fill = colour.get_truecolor().hex.lower()
    lines = {y for found, y in re.findall(r'<rect fill="(#[0-9a-f]{6})" x="[\d.]+" y="([\d.]+)"',
                                          app.export_screenshot()) if found == fill}
    return len(lines)


@contextlib.asynccontextmanager
async def explorer(size: tuple[int, int] = (80, 24), *, notifications: bool = False,
                   **given: Any) -> AsyncIterator[tuple[ContestedApp, Pilot[int]]]:
    """The explorer (`app_on(**given)`) at `size`, its catalog on screen."""
    app = app_on(**given)
    async with app.run_test(size=size, notifications=notifications) as pilot:
        await ready(pilot)
        yield app, pilot


async def until(pilot: Pilot[int], check: Callable[[], bool], what: str,
                seconds: float = 10.0) -> None:
    """Wait until `check()` holds, checking between frames; else fail with the screen."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    app = pilot.app
    assert isinstance(app, ContestedApp)
    raise AssertionError(f"{what} never happened; the screen was:\n{screen_text(app)}")


def counts(text: str, kept: int, total: int, noun: str) -> bool:
    """`text` says `kept` (maybe `kept of total`) and never the whole `total` alone."""
    said = re.search(rf"(?<![\d.]){kept}(?: of {total})? {noun}", text) is not None
    whole = re.search(rf"(?<!of )(?<![\d.]){total} {noun}", text) is not None
    return said and (kept == total or not whole)
