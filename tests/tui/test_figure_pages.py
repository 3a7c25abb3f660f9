"""Moving in the Figures pane over questions of thousands of claims: each key draws a
page of the question under the cursor, and makes no more claims than that page."""

from __future__ import annotations

from pathlib import Path

from contested.present.figures import PAGE
from tests.present.test_figure_pages import random_catalog
from tests.tui.helpers import app_on, main_screen, ready, screen_text


async def test_moving_in_the_figures_pane_makes_a_page_not_the_question(
        tmp_path: Path) -> None:
    folder = random_catalog(tmp_path / "big", 7, 3_000)
    for launch in range(2):  # the second reads the catalog back from the cache
        app = app_on([folder])
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            if launch == 0:
                continue
            claims = main_screen(app).analysis.catalog.claims
            await pilot.press("5")
            before = claims.made
            for _ in range(2):
                await pilot.press("j", "j", "k", "k")
            await pilot.pause()
            # Three questions of 3,000 claims, a page or two each (a range chart lists
            # a page by figure and a page in the catalog's order).
            assert claims.made - before <= 3 * (2 * PAGE + 1)
            assert "Area held" in screen_text(app)
