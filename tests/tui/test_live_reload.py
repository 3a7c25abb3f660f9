"""Live reload: a timeline edited under the running explorer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from contested.tui.screens.errors import ErrorsScreen
from contested.tui.screens.main import MainScreen
from tests.helpers import TIMELINES
from tests.tui.helpers import app_on, focused_table, main_screen, ready

OLD_TITLE = "Ukraine still claims to control 500 sq. km of the Kursk region"


async def wait_for(pilot: Pilot[int], check: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if callable(check) and check():
            return
        await pilot.pause(0.05)
    raise AssertionError("it never happened")


async def test_an_edited_file_reloads_and_the_cursor_stays(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    figures = catalog / "kursk-2025-02-figures.yaml"
    app = app_on([catalog], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        timeline = focused_table(app)
        index = next(i for i in range(len(timeline.rows))
                     if timeline.rows[i].cells[1] == OLD_TITLE)
        timeline.move_to(index)
        await pilot.press("asterisk")  # a note, attached by the event's id
        key = timeline.rows[index].key
        figures.write_text(figures.read_text().replace(
            f"title: {OLD_TITLE}", "title: Ukraine says it holds 500 sq. km (edited)"))
        await wait_for(pilot, lambda: app.reloads == 1)
        await pilot.pause()
        current = focused_table(app).current
        assert current is not None
        assert current.key == key  # the cursor stayed on the same event
        assert current.cells[1] == "Ukraine says it holds 500 sq. km (edited)"
        assert current.cells[-1] == "★"  # the note followed by id
        assert "reloaded" in str(main_screen(app).query_one("#status").render())

        figures.write_text(figures.read_text() + "\n  - [broken\n")
        await wait_for(pilot, lambda: any("Not reloaded" in (n.title or "")
                                          for n in app._notifications))
        assert app.reloads == 1
        still = focused_table(app).current
        assert still is not None
        assert still.cells[1] == "Ukraine says it holds 500 sq. km (edited)"
        assert any("after the change: " in n.message and ".yaml:" in n.message
                   for n in app._notifications)
        status = str(main_screen(app).query_one("#status").render())
        assert "NOT RELOADED: " in status
        assert "reloaded:" not in status  # it said "reloaded" after the change broke it
        await pilot.press("E")
        assert isinstance(app.screen, ErrorsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        figures.write_text(figures.read_text().replace("\n  - [broken\n", ""))
        await wait_for(pilot, lambda: app.reloads == 2)  # still watching: mended, reloaded
        assert "NOT RELOADED" not in str(main_screen(app).query_one("#status").render())


async def test_after_going_on_with_the_clean_files_a_mended_file_ends_partial(
        tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    figures = catalog / "kursk-2025-02-figures.yaml"
    good = figures.read_text()
    figures.write_text(good + "\n  - [broken\n")
    app = app_on([catalog], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ErrorsScreen)
        await pilot.press("c")
        await ready(pilot)
        screen = main_screen(app)
        assert "PARTIAL" in str(screen.query_one("#tabs").render())
        assert "PARTIAL" in str(screen.query_one("#status").render())
        await pilot.press("E")  # the way back to the error list
        assert isinstance(app.screen, ErrorsScreen)
        await pilot.press("escape")
        back: object = app.screen  # (isinstance above narrowed app.screen for mypy)
        assert back is screen
        figures.write_text(good)
        await wait_for(pilot, lambda: app.reloads == 1)
        assert "PARTIAL" not in str(screen.query_one("#tabs").render())
        assert "PARTIAL" not in str(screen.query_one("#status").render())


async def test_a_reload_that_fails_says_so_and_the_files_stay_watched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory running out (or any failure of the load itself) while a change is loaded:
    the explorer says so, keeps the last good catalog, answers keys and loads the next
    change."""
    import contested.catalog.loading

    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    figures = catalog / "kursk-2025-02-figures.yaml"
    real_load = contested.catalog.loading.load_catalog

    def exhausted(*args: object, **kwargs: object) -> object:
        raise MemoryError

    app = app_on([catalog], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        shown = focused_table(app).current
        assert shown is not None
        monkeypatch.setattr(contested.catalog.loading, "load_catalog", exhausted)
        figures.write_text(figures.read_text().replace(
            f"title: {OLD_TITLE}", "title: Ukraine says it holds 500 sq. km (edited)"))
        await wait_for(pilot, lambda: any("Not reloaded" in (n.title or "")
                                          for n in app._notifications))
        assert any("out of memory" in n.message for n in app._notifications)
        status = str(main_screen(app).query_one("#status").render())
        assert "NOT RELOADED" in status
        assert focused_table(app).current == shown  # the last good catalog, still there
        await pilot.press("2")  # keys are answered
        assert main_screen(app).current_item() is not None
        await pilot.press("1")

        monkeypatch.setattr(contested.catalog.loading, "load_catalog", real_load)
        figures.write_text(figures.read_text() + "\n")
        await wait_for(pilot, lambda: app.reloads == 1)  # the next change is loaded
        assert "NOT RELOADED" not in str(main_screen(app).query_one("#status").render())
        titles = [focused_table(app).rows[i].cells[1] for i in range(len(focused_table(app).rows))]
        assert "Ukraine says it holds 500 sq. km (edited)" in titles


async def test_a_change_over_a_limit_is_refused_at_its_place_and_watched_on(
        tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    figures = catalog / "kursk-2025-02-figures.yaml"
    good = figures.read_text()
    app = app_on([catalog], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        figures.write_text("contested: 1\nx: [" + "{}, " * 3_000_000 + "]\n")
        await wait_for(pilot, lambda: any("Not reloaded" in (n.title or "")
                                          for n in app._notifications), seconds=60)
        assert any("[too-many-nodes]" in n.message and ":2:" in n.message
                   for n in app._notifications)
        figures.write_text(good)
        await wait_for(pilot, lambda: app.reloads == 1, seconds=30)


async def test_a_sources_file_that_does_not_load_is_the_one_error_shown(
        tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    (catalog / "sources.yaml").write_bytes(b"contested: 1\nsources:\n  - {id: afp, name: \xff}\n")
    app = app_on([catalog], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, ErrorsScreen)
        assert [d.code for d in screen.result.diagnostics] == ["encoding"]
        head = str(screen.query_one("#errors-head").render())
        assert "references to unknown ids were not reported" in head
        assert "sources.yaml, which could not be checked" in head
