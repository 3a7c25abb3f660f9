"""`contested --since REV`: the explorer marks what is new (`+`) and changed (`~`) in the
Timeline, Claims and Contradictions, says what moved in the status line, and the filter
`changed` keeps only those rows (the versions and their changes: tests/test_diff.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from contested.catalog.loading import load_catalog
from contested.engine.analysis import analyse
from contested.engine.changes import Baseline
from contested.tui.app import ContestedApp
from tests.test_diff import NEW, OLD, OPENED, repository, written
from tests.tui.helpers import main_screen, ready, screen_text

__all__ = ["repository"]  # (the fixture, used by the last test)

MARKED = {"claims": {"ru-area-mar": "+", "ru-town-apr": "+", "ua-area-mar": "~",
                     "ua-town": "~", "ua-area-feb": "", "ru-town": ""},
          "timeline": {"april": "+", "march": "~", "february": ""},
          "contradictions": {OPENED[0]: "+", "category~ru-town~ua-town": "~"}}


def app_since(tmp_path: Path, name: str = "HEAD~1") -> ContestedApp:
    old = load_catalog([written(tmp_path / "old", OLD)])
    assert old.ok, old.diagnostics
    new = written(tmp_path / "new", NEW)
    return ContestedApp([str(new)], keymap_path=Path("/nonexistent/keymap.toml"),
                        notes_path=tmp_path / "notes.yaml",
                        since=Baseline(name, analyse(old.catalog)))


@asynccontextmanager
async def explorer_since(tmp_path: Path) -> AsyncIterator[tuple[ContestedApp, Pilot[int]]]:
    app = app_since(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        yield app, pilot


async def test_the_name_compared_with_is_shown_as_text(tmp_path: Path) -> None:
    """`--since` may name a folder: its name reaches the screen as text, never markup
    or a terminal control."""
    app = app_since(tmp_path, name="[@click=app.quit]x[/]\x1b[2J")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "SINCE [@click=app.quit]x[/]" in text
        assert "\x1b" not in text
        assert app.is_running


def first_cells(app: ContestedApp, table_id: str) -> dict[str, str]:
    """Per row with an item, its first cell (the mark), by the item's id."""
    table = main_screen(app).table(table_id)
    rows = [table.rows[n] for n in range(len(table.rows))]
    assert table.columns[0].title == "Δ"
    return {row.item[1]: row.cells[0] for row in rows if row.item is not None}


async def test_new_and_changed_rows_are_marked_in_three_panes(tmp_path: Path) -> None:
    async with explorer_since(tmp_path) as (app, pilot):
        assert first_cells(app, "timeline") == MARKED["timeline"]
        await pilot.press("2", "A")  # every claim
        assert first_cells(app, "claims") == MARKED["claims"]
        await pilot.press("4")
        assert first_cells(app, "contradictions") == MARKED["contradictions"]
        text = screen_text(app)
        said = "SINCE HEAD~1  claims +2 ~2 -1 · contradictions +1 -1 · figures ↑1 · trends ~2"
        assert said in text
        assert "+ quantity" in text  # the mark is on screen, without colour


async def test_the_changed_filter_keeps_only_what_moved(tmp_path: Path) -> None:
    async with explorer_since(tmp_path) as (app, pilot):
        screen = main_screen(app)
        assert screen.set_filter("changed")
        assert screen.filtered.events == {"april", "march"}
        assert screen.filtered.claims == {"ru-area-mar", "ru-town-apr", "ua-area-mar",
                                          "ua-town"}
        assert screen.filtered.contradictions is not None
        assert sorted(c.id for c in screen.filtered.contradictions) == sorted(
            MARKED["contradictions"])
        await pilot.pause()
        assert set(first_cells(app, "timeline")) == {"april", "march"}
        assert screen.set_filter("changed source:ru-mod")  # with the rest of a filter
        assert screen.filtered.claims == {"ru-area-mar", "ru-town-apr"}


async def test_without_since_changed_is_refused_and_nothing_is_marked(tmp_path: Path
                                                                     ) -> None:
    app = ContestedApp([str(written(tmp_path / "new", NEW))],
                       keymap_path=Path("/nonexistent/keymap.toml"),
                       notes_path=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        assert screen.table("timeline").columns[0].title != "Δ"
        assert not screen.set_filter("changed")
        assert not screen.filter.active


def test_since_a_bad_revision_is_refused_before_the_explorer_opens(
        repository: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    ran = run_cli("--since", "no-such-branch", str(repository / "timelines"))
    assert ran.returncode == 2
    assert "'no-such-branch' is neither a file or folder nor a revision" in ran.stderr


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
            ) -> Callable[..., Any]:
    from tests.helpers import Ran, main_in_process

    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    return lambda *args: Ran(*main_in_process(capsys, *args))


def test_since_marks_rows_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("2", "A")
        await pilot.pause()

    assert snap_compare(app_since(tmp_path), terminal_size=(80, 24), run_before=run)


def test_since_a_git_revision_is_read_from_the_repository(repository: Path,
                                                          run_cli: Callable[..., Any],
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """The option as a user gives it: the revision is read, compared, and handed to the
    explorer (whose run is replaced here by what it was given)."""
    given: dict[str, Any] = {}

    def run(paths: list[str], **options: Any) -> int:
        given.update(options, paths=paths)
        return 0

    monkeypatch.setattr("contested.tui.app.run_explorer", run)
    ran = run_cli("--since", "HEAD~1", str(repository / "timelines"))
    assert ran.returncode == 0, ran.stderr
    baseline = given["since"]
    assert baseline.name == "HEAD~1"
    new = analyse(load_catalog([repository / "timelines"]).catalog)
    assert baseline.compare(new).opened == OPENED
