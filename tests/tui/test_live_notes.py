"""Analysts sharing one notes file see each other's notes as they are saved: two explorers
in one test, an explorer and another writer, and two real `contested` processes in tmux."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from contested.review.merge import merge_note
from contested.review.notes import Note, next_status, toggled_star, with_comment
from contested.review.store import NotesStore
from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen
from contested.tui.widgets.text_view import ReadingView
from tests.tui.helpers import app_on, focused_table, ready
from tests.tui.test_review_notes import ZOMBIE_SYRSKY, on_zombie_vs_syrsky

CONTESTED = Path(sys.executable).parent / "contested"


async def until(pilot: Pilot[int], check: Callable[[], object], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("it never happened")


def note_cell(app: ContestedApp, target: str) -> str:
    table = focused_table(app)
    index = table.index_of(target)
    assert index is not None
    return str(table.rows[index].cells[-1])


def taken(app: ContestedApp) -> int:
    return app.follower.taken if app.follower is not None else 0


async def test_two_explorers_see_each_others_notes_and_the_cursors_stay(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    first, second = app_on(notes=notes), app_on(notes=notes)
    async with first.run_test(size=(100, 30)) as one, \
            second.run_test(size=(100, 30)) as two:
        await ready(one)
        await ready(two)
        await on_zombie_vs_syrsky(one)
        await two.press("4", "j", "j")  # another row than the first explorer's
        mine = focused_table(second).current
        assert mine is not None
        assert mine.key != ZOMBIE_SYRSKY
        await one.press("asterisk")
        await until(two, lambda: "★" in note_cell(second, ZOMBIE_SYRSKY))
        current = focused_table(second).current
        assert current is not None
        assert current.key == mine.key
        await two.press("asterisk")  # and back the other way
        await until(one, lambda: "★" in note_cell(first, mine.key))
        assert "★" in note_cell(first, ZOMBIE_SYRSKY)
        current = focused_table(first).current
        assert current is not None
        assert current.key == ZOMBIE_SYRSKY
    store = NotesStore(notes)
    assert store.get("contradiction", ZOMBIE_SYRSKY).star
    assert store.get("contradiction", mine.key).star


async def test_an_open_detail_shows_another_analyst_s_comment(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    app = app_on(notes=notes)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await on_zombie_vs_syrsky(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        other = NotesStore(notes, analyst="[@click=app.quit]Bo")
        other.change("contradiction", ZOMBIE_SYRSKY, with_comment("[/]seen \x1b[2J twice"))
        await until(pilot, lambda: taken(app) >= 1)
        await pilot.pause()
        body = app.screen.query_one("#detail-body", ReadingView).plain_text()
        assert "[/]seen ␛[2J twice" in body  # as text, the escape made visible
        assert isinstance(app.screen, DetailScreen)
        assert app.is_running


async def test_a_broken_notes_file_is_said_once_and_the_last_good_notes_stay(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    NotesStore(notes).change("contradiction", ZOMBIE_SYRSKY, toggled_star)
    app = app_on(notes=notes)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await on_zombie_vs_syrsky(pilot)
        assert "★" in note_cell(app, ZOMBIE_SYRSKY)
        good = notes.read_text()
        notes.write_text(good + "  oops: [\n")  # a hand edit that breaks it
        await until(pilot, lambda: any(n.title == "Notes file changed"
                                       for n in app._notifications))
        notes.write_text(good + "  oops: [\n\n")  # broken again: not said again
        await pilot.pause(1.0)
        assert [n.title for n in app._notifications].count("Notes file changed") == 1
        assert "★" in note_cell(app, ZOMBIE_SYRSKY)  # the last good notes stay
        assert app.notes is not None
        assert app.notes.read_only
        await pilot.press("asterisk")  # refused: the hand-edited file is not overwritten
        await pilot.pause()
        assert notes.read_text() == good + "  oops: [\n\n"
        notes.write_text(good.replace("star: true", "star: true\n      tags: [\"mended\"]"))
        await until(pilot, lambda: "#mended" in note_cell(app, ZOMBIE_SYRSKY))
        assert any(n.title == "Notes file mended" for n in app._notifications)
        assert app.notes.read_only is None
        await pilot.press("asterisk")  # saved again
        await until(pilot, lambda: not NotesStore(notes).get("contradiction",
                                                             ZOMBIE_SYRSKY).star)


async def test_a_merge_conflict_is_marked_in_the_row_and_told_in_the_detail(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    app = app_on(notes=notes)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await on_zombie_vs_syrsky(pilot)
        merged, _ = merge_note(Note(), next_status(Note()), next_status(next_status(Note())))
        NotesStore(notes).change("contradiction", ZOMBIE_SYRSKY, lambda _: merged)
        await until(pilot, lambda: "⚠conflict" in note_cell(app, ZOMBIE_SYRSKY))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        body = app.screen.query_one("#detail-body", ReadingView).plain_text()
        assert "status: explained / resolved: set it again to settle" in body
        await pilot.press("m")  # setting the status again settles it
        await pilot.pause()
        assert NotesStore(notes).get("contradiction", ZOMBIE_SYRSKY).conflict == {}
        body = app.screen.query_one("#detail-body", ReadingView).plain_text()
        assert "set it again" not in body


# --- two real processes -----------------------------------------------------------------------


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=20, check=True).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{what} never showed; the screen was:\n{screen}")


@contextmanager
def explorer(tmp_path: Path, notes: Path, analyst: str) -> Iterator[Terminal]:
    socket = f"contested-live-{uuid.uuid4().hex[:8]}"
    environ = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR")}
    environ.update(TERM="xterm-256color", XDG_CACHE_HOME=str(tmp_path / f"cache-{analyst}"))
    command = f"{CONTESTED} --notes {notes} --analyst {analyst}"
    subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s",
                    "main", "-x", "100", "-y", "30", command], check=True, env=environ,
                   timeout=20)
    try:
        yield Terminal(socket)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True,
                       check=False, timeout=20)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_two_analysts_in_two_processes_both_see_both(tmp_path: Path) -> None:
    notes = tmp_path / "contested-notes.yaml"
    with explorer(tmp_path, notes, "Ana") as ana, explorer(tmp_path, notes, "Bo") as bo:
        for term in (ana, bo):
            term.wait_for(lambda s: "Ukraine launches a" in s, "the timeline")
            term.keys("4")
            term.wait_for(lambda s: "4 Contradictions: 9" in s, "the contradictions")
        ana.keys("*")  # the first contradiction
        bo.keys("j", "j", "*")  # the third
        for term in (ana, bo):
            term.wait_for(lambda s: s.count("★") == 2, "both stars")
    store = NotesStore(notes)
    starred = store.notes.sections["contradictions"]
    assert len(starred) == 2
    assert {note.changed["star"].by for note in starred.values()} == {"Ana", "Bo"}
