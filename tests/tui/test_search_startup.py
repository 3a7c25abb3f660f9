"""The first search, made as soon as the catalog is on screen: it finds the right rows,
from the text the cache kept when the catalog was opened again (no entity made for it),
and before the background work of the first opening is done."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from contested.tui.app import ContestedApp
from tests.helpers import write_generated
from tests.tui.helpers import app_on, focused_table, main_screen, until


def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "generated"
    write_generated(folder, events=300, claims=900, questions_count=30, sources=20, files=2,
                    seed=5)
    return folder


async def on_screen(pilot: Pilot[int], app: ContestedApp) -> None:
    """Until the main screen is mounted (not until the background work is done)."""
    await until(pilot, lambda: app.main is not None and app.main.is_mounted,
                "the main screen", seconds=30)


async def search_at_once(app: ContestedApp, claim: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, app)
        await pilot.press("slash", *claim.upper(), "enter")
        await pilot.pause()
        screen = main_screen(app)
        assert [(h.kind, h.id) for h in screen.hits][:1] == [("claim", claim)]
        assert screen.pane == "claims"
        row = focused_table(app).current
        assert row is not None
        assert row.key == claim


async def test_the_first_search_finds_the_row_before_the_background_work_ends(
        tmp_path: Path) -> None:
    folder = catalog(tmp_path)
    app = app_on([folder], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, app)
        ids = main_screen(app).analysis.catalog.claims.ids
        first = ids[len(ids) // 2]
        await pilot.press("slash", *first.upper(), "enter")
        await pilot.pause()
        row = focused_table(app).current
        assert row is not None
        assert row.key == first
    # Opened again: the text comes back from the cache (no entity made for it).
    again = app_on([folder], notes=tmp_path / "notes.yaml")
    await search_at_once(again, ids[-1])
    screen = again.main
    assert screen is not None
    assert screen.search_index.text.read_back



async def test_a_search_made_while_the_engine_runs_stands_once_it_is_done() -> None:
    from contested.engine.analysis import analyse

    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main is not None and app.main.is_mounted,
                    "the main screen")
        await pilot.press("slash", *"Gadi", "enter", "n")
        await pilot.pause()
        screen = main_screen(app)
        before = (list(screen.hits), screen.hit_index)
        # The engine's findings for the catalog on screen, as a big catalog gets them.
        screen.reload(analyse(screen.analysis.catalog), quietly=True)
        await pilot.pause()
        assert (list(screen.hits), screen.hit_index) == before
        assert screen.last_query == "Gadi"
        # The status still says where the search stands (the findings' counts did not
        # replace it: the analyst would lose 'match k of n' as the engine finished).
        status = str(screen.query_one("#status", Static).render())
        assert f"match {before[1] + 1} of {len(before[0])}" in status
        await pilot.press("n")
        assert screen.hit_index == before[1] + 1
