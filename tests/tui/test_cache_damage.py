"""The cache failing while the explorer shows an item (`CacheDamaged`: a cached file
changed or was damaged after the catalog was read) is said to the user, once, and the
catalog is read again: the app does not end with a traceback mid-paint."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from contested.catalog.cache.parts import CacheDamaged
from contested.catalog.entities import Entities
from contested.present.rows import RowKind
from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen
from contested.tui.screens.main import SEARCH_INDEX_WORKER, MainScreen
from contested.tui.widgets.rows import VirtualTable
from tests.tui.helpers import app_on, focused_table, main_screen, ready, until

SAID = "a cached file changed or was damaged while the explorer read it"


def on_the_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def damage_once(monkeypatch: pytest.MonkeyPatch,
                where: Callable[[], bool] = on_the_main_thread) -> list[int]:
    """From now on, the first entity made where `where()` holds (by default the
    explorer's own thread: a worker's, such as the search index's, is left alone) raises
    `CacheDamaged`; the rows asked for are listed."""
    original: Callable[[Entities[Any], int], Any] = Entities.at
    raised: list[int] = []

    def at(self: Entities[Any], row: int) -> Any:
        if not raised and where():
            raised.append(row)
            raise CacheDamaged("x.yaml: its cache entry was damaged after it was read, "
                               "and the file changed since: open the catalog again")
        return original(self, row)

    monkeypatch.setattr(Entities, "at", at)
    return raised


def said(app: ContestedApp) -> list[str]:
    return [n.message for n in app._notifications if SAID in n.message]


async def read_again(pilot: Pilot[int], app: ContestedApp, after: int = 0) -> None:
    """Wait for the reload that the damage started (the first after `after` reloads)."""
    await until(pilot, lambda: app.reloads > after, "the catalog read again", seconds=20)
    await pilot.pause()


def survived(app: ContestedApp, raised: list[int], what: str) -> None:
    """The damage was met (`what` read the cache), the app runs on, and said so once."""
    assert raised, f"{what} made nothing: the test reached nothing"
    assert app.is_running
    assert app.return_code is None
    assert len(said(app)) == 1, [n.message for n in app._notifications]


async def test_a_row_made_from_a_damaged_cache_is_said_and_the_catalog_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        raised = damage_once(monkeypatch)
        await pilot.press("down")  # another event: its claims are made when shown
        await pilot.press("2")
        await pilot.pause()
        survived(app, raised, "the claims list")
        assert isinstance(app.screen, MainScreen)
        claims = focused_table(app)
        assert claims.id == "claims"
        notice = next(n for n in app._notifications if SAID in n.message)
        assert notice.severity == "warning"
        assert not notice.markup
        assert "--no-cache" in notice.message
        await read_again(pilot, app)
        table = main_screen(app).query_one("#claims", VirtualTable)
        kinds = {row.kind for row in map(table.row_at, range(len(table.rows))) if row}
        assert RowKind.DAMAGED not in kinds  # the rows were made again from the new catalog
        assert len(said(app)) == 1  # once


async def test_a_preview_of_a_damaged_item_is_said_not_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await ready(pilot)
        raised = damage_once(monkeypatch)
        await pilot.press("down")  # the preview follows the cursor
        await pilot.pause()
        survived(app, raised, "the preview")
        await read_again(pilot, app)


async def test_a_detail_of_a_damaged_item_is_said_and_not_opened(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        raised = damage_once(monkeypatch)
        await pilot.press("enter")  # the event's detail
        await pilot.pause()
        survived(app, raised, "the detail")
        assert not isinstance(app.screen, DetailScreen)
        await read_again(pilot, app)
        await pilot.press("enter")  # read again: it opens
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)


def damage_once_in_worker(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """As `damage_once`, on the thread of the worker named `name` instead."""
    from textual.worker import NoActiveWorker, get_current_worker

    def in_worker() -> bool:
        try:
            return get_current_worker().name == name
        except NoActiveWorker:
            return False

    return damage_once(monkeypatch, in_worker)


async def test_a_figure_drawn_from_a_damaged_cache_is_said_not_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        raised = damage_once(monkeypatch)
        await pilot.press("5")  # the Figures pane draws the question's figure
        await pilot.pause()
        survived(app, raised, "the figure")
        assert main_screen(app).pane == "figures"
        await read_again(pilot, app)
        assert len(said(app)) == 1  # once


async def test_a_search_index_built_from_a_damaged_cache_is_said_not_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raised = damage_once_in_worker(monkeypatch, SEARCH_INDEX_WORKER)
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        # the index is built once the engine is done
        await until(pilot, lambda: bool(raised), "the search index built")
        await pilot.pause()
        survived(app, raised, "the search index")
        await read_again(pilot, app)
        await pilot.press("slash", *"Syrsky", "enter")  # the search works again
        await pilot.pause()
        assert main_screen(app).hits


async def test_a_search_in_a_damaged_cache_is_said_not_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.reload()  # a catalog read again: its index is built by the first search
        await read_again(pilot, app)
        reloads = app.reloads
        raised = damage_once(monkeypatch)
        await pilot.press("slash", *"Syrsky", "enter")
        await pilot.pause()
        survived(app, raised, "the search")
        assert isinstance(app.screen, MainScreen)
        assert not main_screen(app).hits
        await read_again(pilot, app, after=reloads)


async def test_a_filter_applied_to_a_damaged_cache_is_said_not_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        raised = damage_once(monkeypatch)
        await pilot.press("f", *"side:russia", "enter")
        await pilot.pause()
        survived(app, raised, "the filter")
        assert not main_screen(app).filter.active  # not applied
        await read_again(pilot, app)
        await pilot.press("f", *"side:russia", "enter")  # read again: it applies
        await pilot.pause()
        assert main_screen(app).filter.text == "side:russia"
