"""Who changed what, in the explorer: the History view (`L`, and the palette for the
whole review), undo (`u`), and attribution in the detail."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from contested.review.history import history_folder
from contested.review.notes import next_status
from contested.review.store import NotesStore
from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen
from contested.tui.screens.history import HistoryScreen
from tests.tui.helpers import choose, focused_table, ready, screen_text

ZOMBIE_SYRSKY = "category~syrsky-under-control~zombie-rout"
PAIR = ("contradiction", ZOMBIE_SYRSKY)


def explorer(notes: Path, analyst: str) -> ContestedApp:
    return ContestedApp([], keymap_path=Path("/nonexistent/keymap.toml"), notes_path=notes,
                        analyst=analyst)


async def on_zombie_vs_syrsky(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("4")
    assert isinstance(pilot.app, ContestedApp)
    table = focused_table(pilot.app)
    index = table.index_of(ZOMBIE_SYRSKY)
    assert index is not None
    table.move_to(index)
    await pilot.pause()


@asynccontextmanager
async def reviewing(notes: Path, analyst: str = "Ana", size: tuple[int, int] = (80, 24)
                    ) -> AsyncIterator[tuple[ContestedApp, Pilot[int]]]:
    app = explorer(notes, analyst)
    async with app.run_test(size=size, notifications=True) as pilot:
        await on_zombie_vs_syrsky(pilot)
        yield app, pilot


async def test_the_history_of_an_item_at_80x24(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    NotesStore(notes, analyst="Bo").change(*PAIR, next_status)  # another analyst first
    async with reviewing(notes) as (app, pilot):
        await pilot.press("asterisk")
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = screen_text(app)
        assert "History: 2 changes by 2 analysts, contradiction" in text
        lines = text.splitlines()
        star = next(n for n, line in enumerate(lines) if "not starred → starred" in line)
        status = next(n for n, line in enumerate(lines) if "open → explained" in line)
        assert star < status  # newest first, the two analysts' files merged
        assert "Ana" in lines[star]
        assert "Bo" in lines[status]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


async def test_the_history_of_the_whole_review_from_the_palette(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    NotesStore(notes, analyst="Bo").change("claim", "deepstate-third-lost", next_status)
    async with reviewing(notes, size=(120, 30)) as (app, pilot):
        await pilot.press("asterisk")
        await pilot.pause()
        await choose(pilot, "History: every")
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.item is None
        text = screen_text(app)
        assert "History: 2 changes by 2 analysts, the review" in text
        assert "claim deepstate-third-lost" in text
        assert "contradiction category~" in text
        await pilot.press("G", "enter")  # the oldest line: its item opens
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail.id == "deepstate-third-lost"


async def test_undo_ones_own_last_change_and_refused_after_anothers(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with reviewing(notes) as (app, pilot):
        await pilot.press("m", "m")  # explained, then resolved
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert NotesStore(notes).get(*PAIR).status == "explained"
        row = focused_table(app).current
        assert row is not None
        assert "explained" in row.cells[-1]  # the list shows it
        NotesStore(notes, analyst="Bo").change(*PAIR, next_status)  # Bo: resolved
        await pilot.press("u")
        await pilot.pause()
        assert NotesStore(notes).get(*PAIR).status == "resolved"  # Bo's change stands
        said = [n.message for n in app._notifications]
        assert any("changed since by Bo" in message for message in said)
        history = NotesStore(notes).history.entries()
        assert [(e.by, e.field, e.undo is not None) for e in history] == [
            ("Bo", "status", False), ("Ana", "status", True), ("Ana", "status", False),
            ("Ana", "status", False)]


async def test_nothing_to_undo_is_said(tmp_path: Path) -> None:
    async with reviewing(tmp_path / "notes.yaml") as (app, pilot):
        await pilot.press("u")
        await pilot.pause()
        assert any("nothing of yours to undo" in n.message for n in app._notifications)


async def test_the_detail_says_who_set_the_status_and_wrote_each_comment(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with reviewing(notes, size=(120, 40)) as (app, pilot):
        await pilot.press("m", "a", *"seen", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        day = NotesStore(notes).get(*PAIR).changed["status"].at[:10]
        text = screen_text(app)
        assert f"explained  — Ana, {day}" in text
        assert "seen  — Ana" in text


async def test_a_hostile_analyst_name_is_shown_as_text(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    name = "[@click=app.quit]x[/]\x1b[2J"
    async with reviewing(notes, analyst=name) as (app, pilot):
        await pilot.press("asterisk")
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.q" in text  # as typed (cut to its column), not a link
        assert "\x1b" not in text
        await pilot.click("#history")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, HistoryScreen)
    assert all(p.parent == history_folder(notes) for p in history_folder(notes).iterdir())


def written_history(notes: Path) -> None:
    """Two analysts' history files as they would be, at fixed times (for the snapshot)."""
    folder = history_folder(notes)
    folder.mkdir()
    lines: dict[str, list[tuple[str, str, str, object, object]]] = {
        "ana.jsonl": [("2025-03-12T10:04:00.000Z", "ana", "status", "open", "explained"),
                      ("2025-03-12T10:06:00.000Z", "ana", "comment", None,
                       {"at": "2025-03-12T10:06:00Z", "by": "ana",
                        "text": "Syrsky spoke on Monday"})],
        "bo-li-00000000.jsonl": [("2025-03-12T10:05:00.000Z", "Bo Li", "star", False, True),
                                 ("2025-03-13T08:00:00.000Z", "Bo Li", "preferred", None,
                                  "syrsky-under-control")],
    }
    for name, records in lines.items():
        with (folder / name).open("w") as file:
            for n, (at, by, field, before, after) in enumerate(records):
                file.write(json.dumps({"at": at, "by": by, "kind": "contradiction",
                                       "id": ZOMBIE_SYRSKY, "field": field,
                                       "before": before, "after": after,
                                       "change": f"{name}{n}"}) + "\n")


def test_history_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    written_history(notes)

    async def run(pilot: Pilot[Any]) -> None:
        await on_zombie_vs_syrsky(pilot)
        await pilot.press("L")
        await pilot.pause()

    assert snap_compare(explorer(notes, "ana"), terminal_size=(80, 24), run_before=run)
