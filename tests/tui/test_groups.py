"""The explorer on a question whose 20,000 claims disagree: the Contradictions pane shows
the group, enter lists its 100,000,000 pairs a screenful at a time, and a pair opens and
takes notes like any other."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from contested.review.store import NotesStore
from contested.tui.screens.detail import DetailScreen
from contested.tui.screens.group import GroupScreen
from contested.tui.screens.main import MainScreen
from tests.engine.test_crowds import alternating
from tests.tui.helpers import app_on, focused_table


async def analysed(pilot: Pilot[int]) -> MainScreen:
    """The main screen once the engine's findings are in (20,000 claims are shown
    first and analysed in a worker)."""
    for _ in range(1500):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, MainScreen) and screen.analysis.complete:
            await pilot.pause()
            return screen
    raise AssertionError(f"the explorer did not finish loading: {pilot.app.screen!r}")


async def test_the_pane_shows_a_group_and_enter_lists_its_pairs(tmp_path: Path) -> None:
    folder = alternating(tmp_path / "crowd", 20_000)
    notes = tmp_path / "notes.yaml"
    app = app_on([folder], notes=notes)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        found = screen.analysis.contradictions
        await pilot.press("4")
        table = focused_table(app)
        assert len(table.rows) == 2  # the question's heading, its one group
        row = table.current
        assert row is not None
        assert row.key == "group:bridge:1"
        assert row.cells[1] == ("10,000 claims say x vs 10,000 say y, overlapping 2030-05: "
                                "100,000,000 pairs")
        assert screen.contradiction_count == 100_000_000
        assert found.made_in_groups == 0

        await pilot.press("enter")
        assert isinstance(app.screen, GroupScreen)
        pairs = focused_table(app)
        assert len(pairs.rows) == 100_000_000
        assert pairs.current is not None
        assert pairs.current.key == "category~c0~c1"
        assert found.made_in_groups < 1_000  # a screenful (and a sample for the widths)
        await pilot.press("m")  # a note on the pair under the cursor
        await pilot.press("G")
        assert pairs.cursor == 100_000_000 - 1
        last = pairs.current.key
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail.id == last
        assert ("rules", "category") in app.screen.detail.fields
        await pilot.press("asterisk")
        await pilot.press("escape")
        assert isinstance(app.screen, GroupScreen)
        await pilot.press("escape")
        back: object = app.screen  # (isinstance above narrowed app.screen for mypy)
        assert back is screen
        assert screen.pane == "contradictions"
        assert found.made_in_groups < 1_000
    kept = NotesStore(notes).notes
    assert kept.get("contradiction", "category~c0~c1").status == "explained"
    assert kept.get("contradiction", last).star


async def test_a_claim_of_the_crowd_links_to_its_group(tmp_path: Path) -> None:
    folder = alternating(tmp_path / "crowd", 4_000)
    app = app_on([folder], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analysed(pilot)
        await pilot.press("2", "A")
        claims = focused_table(app)
        assert claims.current is not None
        assert claims.current.cells[0] == "!2000"
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        links = [(link.kind, link.id) for link in app.screen.detail.links]
        assert ("group", "group:bridge:1") in links
        assert sum(1 for kind, _ in links if kind == "contradiction") == 0  # 2,000: not one by one
        assert screen.analysis.contradictions.made_in_groups == 0
        link_table = focused_table(app)  # the links have the focus
        assert link_table.id == "links"
        link_table.move_to(links.index(("group", "group:bridge:1")))
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, GroupScreen)
        assert len(focused_table(app).rows) == 2_000 * 2_000
