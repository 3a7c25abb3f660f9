"""Start-up: what the explorer does before its first screen, and what it leaves for after.

A quick load goes straight to the catalog (no loading screen drawn only to be replaced);
a slow one shows the loading screen with its progress; the engine runs once the catalog
is on screen; what no first screen needs is not imported before it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

import contested.catalog.loading
import contested.tui.app
from contested.tui.app import ContestedApp
from contested.tui.screens.loading import LoadingScreen
from contested.tui.screens.main import MainScreen
from tests.tui.helpers import app_on, main_screen, ready, until


def _screens_pushed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The class name of every screen the app pushes or switches to, in order."""
    pushed: list[str] = []
    push: Callable[..., object] = ContestedApp.push_screen
    switch: Callable[..., object] = ContestedApp.switch_screen

    def pushing(self: ContestedApp, screen: Screen[object], *args: object,
                **kwargs: object) -> object:
        pushed.append(type(screen).__name__)
        return push(self, screen, *args, **kwargs)

    def switching(self: ContestedApp, screen: Screen[object]) -> object:
        pushed.append(type(screen).__name__)
        return switch(self, screen)

    monkeypatch.setattr(ContestedApp, "push_screen", pushing)
    monkeypatch.setattr(ContestedApp, "switch_screen", switching)
    return pushed


async def test_a_quick_load_goes_straight_to_the_catalog(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No loading screen flashes before the catalog: the load was over before the
    moment the app gives it (made long here, so that a slow test machine is "quick")."""
    monkeypatch.setattr(contested.tui.app, "LOADING_SCREEN_AFTER", 60.0)
    pushed = _screens_pushed(monkeypatch)
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert pushed == ["MainScreen"]
        assert not any(isinstance(s, LoadingScreen) for s in app.screen_stack)
        await pilot.press("2", "j", "enter")  # the catalog works as ever
        assert type(app.screen).__name__ == "DetailScreen"
        await pilot.press("escape")
        assert app.screen is app.main


async def test_a_slow_load_shows_the_loading_screen_with_the_progress_so_far(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A load still going after a moment gets the loading screen, showing the files done
    before it was up; the catalog then takes its place."""
    release = threading.Event()
    real = contested.catalog.loading.load_catalog

    def slow(*args: object, **kwargs: object) -> object:
        progress = kwargs.get("progress")
        if callable(progress):
            progress(1, 4)
        release.wait(10)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(contested.catalog.loading, "load_catalog", slow)
    monkeypatch.setattr(contested.tui.app, "LOADING_SCREEN_AFTER", 0.05)
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoadingScreen), "the loading screen")
        assert "loading the bundled Kursk timelines" in str(
            app.screen.query_one("#loading-text", Static).render())
        bar = app.screen.query_one(ProgressBar)
        await until(pilot, lambda: (bar.total, bar.progress) == (4, 1), "the progress so far")
        release.set()
        await ready(pilot)
        assert not any(isinstance(s, LoadingScreen) for s in app.screen_stack)
        main_screen(app)


async def test_the_bundled_catalog_is_drawn_before_the_engine_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a small catalog is shown first and analysed after: the engine, numpy with
    it, would delay the first screen; its findings then arrive."""
    complete_when_mounted: list[bool] = []
    mount = MainScreen.on_mount

    def on_mount(self: MainScreen) -> None:
        complete_when_mounted.append(self.analysis.complete)
        mount(self)

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert complete_when_mounted == [False]
        screen = main_screen(app)
        assert screen.analysis.complete
        assert "9 contradictions" in str(screen.query_one("#status", Static).render())


FIRST_SCREEN = """
import asyncio, json, sys
from pathlib import Path
from contested.tui.app import ContestedApp
from contested.tui.screens.main import MainScreen

watched = sys.argv[2:]
seen = {}
mount = MainScreen.on_mount

def on_mount(self):
    seen.update({name: name in sys.modules for name in watched})
    mount(self)

MainScreen.on_mount = on_mount

async def first_screen():
    app = ContestedApp([], keymap_path=Path("/nonexistent/keymap.toml"),
                       notes_path=Path(sys.argv[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        while not seen:
            await pilot.pause(0.02)

asyncio.run(first_screen())
print(json.dumps(seen))
"""


def test_the_first_screen_waits_for_neither_the_notes_lock_nor_the_help(
        tmp_path: Path) -> None:
    """What only a saved note (the lock) or `?` (the help screen) needs is imported then,
    not before the catalog is on screen."""
    deferred = ["filelock", "contested.tui.screens.help"]
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FIRST_SCREEN), str(tmp_path / "notes.yaml"),
         *deferred], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == dict.fromkeys(deferred, False)
