"""Helpers for driving the explorer with Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

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
