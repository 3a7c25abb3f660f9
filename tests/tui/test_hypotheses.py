"""The Hypotheses view: opened with H on a contradiction, at 80x24; a rating key writes
the notes file and the scores follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from contested.review.store import NotesStore
from contested.tui.screens.hypotheses import HypothesesScreen
from tests.tui.helpers import app_on, focused_table, ready, screen_text

ZOMBIE_SYRSKY = "category~syrsky-under-control~zombie-rout"


async def on_hypotheses(pilot: Pilot[Any]) -> None:
    """The contradictions pane, the cursor on Zombie vs Syrsky, then H."""
    await ready(pilot)
    await pilot.press("4")
    table = focused_table(pilot.app)  # type: ignore[arg-type]
    index = table.index_of(ZOMBIE_SYRSKY)
    assert index is not None
    table.move_to(index)
    await pilot.pause()
    await pilot.press("H")
    await pilot.pause()


async def test_h_opens_the_question_and_a_key_rates_a_cell(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    app = app_on(notes=notes)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_hypotheses(pilot)
        screen = app.screen
        assert isinstance(screen, HypothesesScreen), screen
        assert screen.question_id == "ukraine-situation-kursk"
        text = screen_text(app)
        assert "Leads: serious" in text
        assert "Sensitivity:" in text
        # The cursor starts on the first rating: the heaviest claim (the soldier's,
        # 0.30) against the first hypothesis, under-control.
        assert screen.current_cell() == ("ua-soldier-situation-serious", "under-control")
        await pilot.press("underscore")
        await pilot.pause()
        ratings = NotesStore(notes).get("claim", "ua-soldier-situation-serious").ratings
        assert ratings == {"under-control": "II"}
        # II counts 2 x 0.30: under-control 0.80 + 0.30.
        scores = dict(zip([h.label for h in screen.matrix.hypotheses],
                          [round(s, 6) for s in screen.matrix.scores], strict=True))
        assert scores["under-control"] == 1.1
        await pilot.press("l", "plus")
        await pilot.pause()
        ratings = NotesStore(notes).get("claim", "ua-soldier-situation-serious").ratings
        assert ratings == {"under-control": "II", "serious": "CC"}
        await pilot.press("h", "delete")
        await pilot.pause()
        ratings = NotesStore(notes).get("claim", "ua-soldier-situation-serious").ratings
        assert ratings == {"serious": "CC"}
        table = screen.query_one("#hypotheses-matrix", DataTable)
        assert table.row_count == len(screen.matrix.evidence) + 1  # and the scores
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HypothesesScreen)


async def test_h_where_no_question_is_says_so(tmp_path: Path) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("3", "H")  # a source answers no question
        await pilot.pause()
        assert not isinstance(app.screen, HypothesesScreen)
        assert any("Hypotheses: put the cursor" in str(n.message)
                   for n in app._notifications)


def test_hypotheses_view_80x24(snap_compare: Any) -> None:
    assert snap_compare(app_on(), terminal_size=(80, 24), run_before=on_hypotheses)
