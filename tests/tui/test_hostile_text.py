"""Every widget that shows data, fed hostile strings: shown literally, never acted on."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from textual.pilot import Pilot

from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen
from contested.tui.screens.errors import ErrorsScreen
from contested.tui.screens.main import MainScreen
from contested.tui.widgets.text_view import ReadingView, TextView
from tests.hostile import assert_graphemes_whole, assert_terminal_safe, write_catalog
from tests.tui.helpers import app_on, main_screen, ready
from tests.tui.helpers import screen_text as screen_text_of

CLICK = "[@click=app.quit]x[/]"
UNBALANCED = "[/]"
RED = "[red]x[/red]"
CLEAR = "\x1b[2J"
OSC52 = "\x1b]52;c;aGk=\x07"
BELL = "\x07"
RLO = "\u202e"
HOSTILE = f"{CLICK} {UNBALANCED} {RED} {CLEAR} {OSC52} {BELL} {RLO}evil"
SHOWN = ["[@click=app.quit]x[/]", "[/]", "[red]x[/red]", "␛[2J", "␛]52;c;aGk=␇", "<U+202E>evil"]


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def hostile_catalog(folder: Path) -> Path:
    h = q(HOSTILE)
    (folder / "hostile.yaml").write_text(f"""\
contested: 1
timeline: {{id: t, title: {h}, summary: {h}}}
sources:
  - {{id: s1, name: {h}, aliases: [{h}], side: {h}, note: {h}, url: {h}}}
  - {{id: s2, name: {q("Plain " + HOSTILE)}, side: other}}
questions:
  - {{id: q1, text: {h}, kind: category, values: [{h}, plain]}}
  - {{id: q2, text: {h}, kind: quantity, unit: {h}}}
events:
  - {{id: e1, date: 2025-03, title: {h}, place: {h}, summary: {h}, note: {h}, tags: [{h}]}}
claims:
  - {{id: c1, source: s1, event: e1, text: {h}, quote: {h}, note: {h}, about: q1, value: {h}}}
  - {{id: c2, source: s2, event: e1, text: {h}, about: q1, value: plain}}
  - {{id: c3, source: s1, event: e1, text: {h}, about: q2, value: 5, as_of: 2025-01}}
  - {{id: c4, source: s2, event: e1, text: {h}, about: q2, value: 9, as_of: 2025-03}}
contradictions:
  - {{id: d1, claims: [c1, c3], note: {h}}}
""", encoding="utf-8")
    return folder


def screen_text(app: ContestedApp) -> str:
    """What the screen shows, as text (from the SVG screenshot)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def check_screen(app: ContestedApp) -> None:
    svg = app.export_screenshot()
    assert "\x1b" not in svg
    assert "\x07" not in svg
    assert RLO not in svg


async def visit(pilot: Pilot[int], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()
    assert pilot.app.is_running, "hostile data stopped the app"
    check_screen(pilot.app)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_every_pane_shows_hostile_text_literally(tmp_path: Path,
                                                       size: tuple[int, int]) -> None:
    app = app_on([hostile_catalog(tmp_path)])
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, MainScreen), app.screen
        screen = main_screen(app)
        for key in ("1", "2", "3", "4", "5"):
            await visit(pilot, key)
            table = app.focused
            assert table is not None
            title = str(table.border_title or "")
            assert "\x1b" not in title
        # the cells themselves: the data, as text
        await visit(pilot, "1")
        assert "[@click=app.quit]x[/]" in screen_text(app)
        await visit(pilot, "2", "enter")
        assert isinstance(app.screen, DetailScreen)
        body = app.screen.query_one("#detail-body", ReadingView).plain_text()
        for literal in SHOWN:
            assert literal in body, literal
        await visit(pilot, "enter")  # follow a link
        await visit(pilot, "escape", "escape")
        await visit(pilot, "3", "w", "w")  # who contradicts whom: sources, then sides
        if size == (160, 50):
            assert "[@click=app.quit]x[/]" in screen_text(app)  # a side, as written
        await visit(pilot, "w", "4", "f")
        await visit(pilot, *"[/]", "enter")
        await visit(pilot, "f", "ctrl+u", "enter", "5", "x", "x")
        plot = str(screen.query_one("#plot", TextView).content)
        assert "␛[2J" in plot
        await visit(pilot, "slash", *"[/]", "enter")
        await visit(pilot, "slash", *"evil", "enter", "n", "N")
        await visit(pilot, "question_mark")
        await visit(pilot, "escape", "ctrl+p")
        await visit(pilot, *"[/]")
        await visit(pilot, "escape")
        assert app.is_running


async def test_the_click_action_in_data_does_nothing_when_clicked(tmp_path: Path) -> None:
    app = app_on([hostile_catalog(tmp_path)])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for y in range(3, 8):
            for x in range(1, 60, 4):
                await pilot.click(offset=(x, y))
        await pilot.pause()
        assert app.is_running


async def test_hostile_errors_screen(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'contested: 1\nsources:\n  - {id: a, name: b, "' + CLICK + ' \\e[2J": 1}\n'
        "# " + CLICK + " " + RED + "\n",
        encoding="utf-8",
    )
    app = app_on([tmp_path])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ErrorsScreen)
        check_screen(app)
        assert "unknown field '[@click=app.quit]x[/] ␛[2J'" in screen_text(app)
        await visit(pilot, "enter")
        await visit(pilot, "escape", "c")
        assert isinstance(app.screen, MainScreen)


async def test_notifications_are_literal(tmp_path: Path) -> None:
    (tmp_path / "keymap.toml").write_text(f'[keys]\n"{CLICK}" = 5\n')
    app = app_on(tmp_config=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await visit(pilot, "slash", *"[/]zz", "enter")
        messages = [n.message for n in app._notifications]
        assert "no match for '[/]zz'" in messages
        assert all(not n.markup for n in app._notifications)


async def test_the_hostile_corpus_in_every_pane_the_palette_and_help(tmp_path: Path) -> None:
    """tests/hostile.py's corpus, in every text field and a file name: every screen
    the explorer shows holds no raw control, escape, bidi or invisible character, and
    the emoji sequences are whole where the text is not cut."""
    app = app_on([write_catalog(tmp_path)])
    seen: list[str] = []

    async def look(*keys: str) -> None:
        await visit(pilot, *keys)
        text = screen_text_of(app)
        assert_terminal_safe(text)
        seen.append(text)

    async with app.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        for key in ("1", "2", "A", "3", "w", "w", "w", "4", "5", "x", "x"):
            await look(key)
        await look("2", "enter")  # a claim's detail: every field, its file's name
        await look("escape", "ctrl+p")
        await look(*"View")
        await look("escape", "question_mark")
        await look("escape", "slash", *"evil", "enter")
        await look("f", *"side:s", "enter")
        await look("ctrl+p")
        await look(*"Filter")
        await look("escape")
    shown = "\n".join(seen)
    assert_graphemes_whole(shown)
    assert "␛]0;t␇<U+202E>漢.yaml" in shown  # the file's name, in a detail
    assert "[@click=app.quit]x[/]" in shown
