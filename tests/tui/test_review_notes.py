"""Review notes from the keyboard: every key, every state of the notes file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot

from contested.review.notes import View
from contested.review.store import NotesStore
from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen
from contested.tui.screens.main import MainScreen
from contested.tui.screens.orphans import OrphansScreen
from contested.tui.screens.prompt import Prompt
from contested.tui.widgets.text_view import ReadingView
from tests.tui.helpers import (
    app_on,
    choose,
    focused_table,
    main_screen,
    palette,
    ready,
    screen_text,
)

ZOMBIE_SYRSKY = "category~syrsky-under-control~zombie-rout"


async def on_zombie_vs_syrsky(pilot: Pilot[int]) -> None:
    """Open the contradictions pane with the cursor on Zombie vs Syrsky."""
    await pilot.press("4")
    table = focused_table(pilot.app)  # type: ignore[arg-type]
    index = table.index_of(ZOMBIE_SYRSKY)
    assert index is not None
    table.move_to(index)
    await pilot.pause()


@asynccontextmanager
async def reviewing(notes: Path, size: tuple[int, int] = (100, 30), *,
                    notifications: bool = False,
                    ) -> AsyncIterator[tuple[ContestedApp, Pilot[int]]]:
    """The explorer on the bundled catalog with the notes file `notes`, the cursor on
    Zombie vs Syrsky in the contradictions pane."""
    app = app_on(notes=notes)
    async with app.run_test(size=size, notifications=notifications) as pilot:
        await ready(pilot)
        await on_zombie_vs_syrsky(pilot)
        yield app, pilot


def notes_in(path: Path) -> NotesStore:
    return NotesStore(path)


async def answer(pilot: Pilot[int], text: str) -> None:
    assert isinstance(pilot.app.screen, Prompt), pilot.app.screen
    await pilot.press("ctrl+u", *text, "enter")
    await pilot.pause()


async def test_review_a_contradiction_end_to_end(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with reviewing(notes) as (app, pilot):
        await pilot.press("asterisk")
        await pilot.pause()
        assert notes_in(notes).get("contradiction", ZOMBIE_SYRSKY).star
        table = focused_table(app)
        assert table.current is not None
        assert table.current.cells[-1].startswith("★")  # the list shows it at once
        await pilot.press("m")
        await pilot.press("t")
        await answer(pilot, "follow-up, check")
        await pilot.press("a")
        await answer(pilot, "Syrsky spoke on Monday; the rout claim is later.")
        await pilot.press("p")
        await answer(pilot, "1")  # the first claim in id order: Syrsky's
        await answer(pilot, "unit withdrawals confirm a retreat, not a rout")
        note = notes_in(notes).get("contradiction", ZOMBIE_SYRSKY)
        assert note.star
        assert note.status == "explained"
        assert note.tags == ("follow-up", "check")
        assert [c.text for c in note.comments] == [
            "Syrsky spoke on Monday; the rout claim is later."]
        assert note.preferred == "syrsky-under-control"
        assert note.reason == "unit withdrawals confirm a retreat, not a rout"
        assert "explained" in table.current.cells[-1]
        # m cycles: explained -> resolved -> open
        await pilot.press("m", "m")
        assert notes_in(notes).get("contradiction", ZOMBIE_SYRSKY).status == "open"
        # the detail view shows the notes, and the keys work there too
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        body = app.screen.query_one("#detail-body", ReadingView).plain_text()
        assert "follow-up" in body
        assert "Syrsky spoke on Monday" in body
        await pilot.press("asterisk")
        await pilot.pause()
        assert not notes_in(notes).get("contradiction", ZOMBIE_SYRSKY).star
        assert "★" not in app.screen.query_one("#detail-body", ReadingView).plain_text()


async def test_notes_keys_on_events_claims_and_sources(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    app = app_on(notes=notes)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        event = focused_table(app).current
        assert event is not None
        await pilot.press("asterisk", "2")
        claim = focused_table(app).current
        assert claim is not None
        await pilot.press("t")
        await answer(pilot, "#quote")
        await pilot.press("3")
        source = focused_table(app).current
        assert source is not None
        await pilot.press("a")
        await answer(pilot, "check the BTA translation")
        store = notes_in(notes)
        assert store.get("event", event.key).star
        assert store.get("claim", claim.key).tags == ("quote",)
        assert store.get("source", source.key).comments[0].text == "check the BTA translation"
        # status and preferred claims belong to contradictions
        await pilot.press("m")
        await pilot.pause()
        assert store.get("source", source.key).status == "open"
        assert any("for contradictions" in n.message for n in app._notifications)


async def test_a_corrupt_notes_file_makes_notes_read_only_and_is_left_alone(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("contested-notes: 1\nnotes: [unclosed\n")
    app = app_on(notes=notes)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        assert any("notes.yaml:" in n.message and "read-only" in n.message
                   for n in app._notifications)
        assert "NOTES READ-ONLY" in str(main_screen(app).query_one("#status").render())
        await on_zombie_vs_syrsky(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
        assert app.is_running
        assert notes.read_text() == "contested-notes: 1\nnotes: [unclosed\n"


async def test_a_folder_that_cannot_be_written_offers_another_notes_file(
        tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n")
    elsewhere = tmp_path / "elsewhere.yaml"
    app = app_on(notes=blocked / "notes.yaml")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        await on_zombie_vs_syrsky(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
        assert any("cannot save notes" in n.message for n in app._notifications)
        await answer(pilot, str(elsewhere))
        assert notes_in(elsewhere).get("contradiction", ZOMBIE_SYRSKY).star
        assert isinstance(app.screen, MainScreen)


async def test_orphaned_notes_are_shown(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("contested-notes: 1\nnotes:\n  claims:\n"
                     "    gone-claim: {star: true, comments: [{at: x, text: '[/] kept'}]}\n")
    app = app_on(notes=notes)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("O")
        await pilot.pause()
        assert isinstance(app.screen, OrphansScreen)
        table = focused_table(app)
        assert [table.rows[i].cells for i in range(len(table.rows))] == [
            ("claims", "gone-claim", "★ ✎1", "[/] kept")]
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_two_explorers_on_one_notes_file_keep_both_notes(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    first, second = app_on(notes=notes), app_on(notes=notes)
    async with first.run_test(size=(100, 30)) as one, \
            second.run_test(size=(100, 30)) as two:
        await ready(one)
        await ready(two)  # both read the notes file before either saved
        await on_zombie_vs_syrsky(one)
        await one.press("asterisk")
        await two.press("2", "asterisk")
        await one.pause()
        await two.pause()
        claim = focused_table(second).current
    store = notes_in(notes)
    assert store.get("contradiction", ZOMBIE_SYRSKY).star
    assert claim is not None
    assert store.get("claim", claim.key).star


async def test_hostile_tags_and_comments_are_shown_literally(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with reviewing(notes, size=(160, 50), notifications=True) as (app, pilot):
        await pilot.press("t")
        await answer(pilot, "[@click=app.quit]x[/] [/]")
        await pilot.press("a")
        await answer(pilot, "[red]x[/red] \\x1b[2J")
        assert app.is_running
        svg = app.export_screenshot()
        assert "\x1b" not in svg
        assert "\u202e" not in svg
        table = focused_table(app)
        assert table.current is not None
        assert "#[@click=app.quit]x[/]" in table.current.cells[-1]
        await pilot.press("enter")
        await pilot.pause()
        body = app.screen.query_one("#detail-body", ReadingView).plain_text()
        assert "[red]x[/red] \\x1b[2J" in body
        assert app.is_running


async def test_y_copies_the_item_and_e_writes_the_report(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with reviewing(notes, notifications=True) as (app, pilot):
        await pilot.press("asterisk", "y")
        await pilot.pause()
        copied = app.clipboard
        assert copied.startswith(f"contradiction {ZOMBIE_SYRSKY}\n")
        assert "Oleksandr Syrsky: under-control" in copied
        assert "noted: ★" in copied
        await pilot.press("e")
        await pilot.pause()
        assert app.exported is not None
        assert app.exported.parent == tmp_path
        report = app.exported.read_text()
        assert "**Review:** ★ starred · status: open" in report
        assert any(str(app.exported) in n.message for n in app._notifications)


async def test_a_newcomer_reviews_kursk_end_to_end(tmp_path: Path) -> None:
    """Issue 6, done when: star Zombie vs Syrsky, mark it explained with a reason,
    filter to Ukrainian sources, save that view, quit, reopen with --view, export."""
    notes = tmp_path / "notes.yaml"
    async with reviewing(notes) as (app, pilot):
        await pilot.press("asterisk", "m", "p")
        await answer(pilot, "1")
        await answer(pilot, "withdrawals, not a rout")
        await pilot.press("f")
        await answer(pilot, "side:ukraine")
        screen = main_screen(app)
        assert "FILTER  side:ukraine" in screen_text(app)
        shown = focused_table(app)
        keys = [shown.rows[i].key for i in range(len(shown.rows))]
        assert ZOMBIE_SYRSKY in keys
        assert "category~gady-already-difficult~zombie-rout" not in keys
        await pilot.press("V")
        await answer(pilot, "ukrainian sources")
        await pilot.press("q")
    assert notes_in(notes).notes.views["ukrainian sources"].filter == "side:ukraine"

    again = app_on(notes=notes, view="ukrainian sources")
    async with again.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = main_screen(again)
        assert screen.filter.text == "side:ukraine"
        await pilot.press("3")
        sources = focused_table(again)
        names = [sources.rows[i].cells[0] for i in range(len(sources.rows))]
        assert "Oleksandr Syrsky" in names
        assert "Zombie" not in names
        await pilot.press("e")
        await pilot.pause()
        assert again.exported is not None
        report = again.exported.read_text()
    assert "View: `side:ukraine`." in report
    assert "category~gady-already-difficult~zombie-rout" not in report  # filtered out
    review = report[report.index(ZOMBIE_SYRSKY):]
    assert "**Review:** ★ starred · status: explained" in review
    assert "Preferred: `syrsky-under-control`, because withdrawals, not a rout" in review


async def test_an_unknown_view_or_a_bad_filter_is_reported(tmp_path: Path) -> None:
    app = app_on(notes=tmp_path / "notes.yaml", view="nothing")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        assert any("no view named 'nothing'" in n.message for n in app._notifications)
        await pilot.press("f")
        await answer(pilot, "colour:red")
        assert isinstance(app.screen, Prompt)  # the prompt says why and keeps the text
        assert "'colour' is not a filter" in screen_text(app)
        await pilot.press("escape")
        assert not main_screen(app).filter.active


async def test_saved_views_are_in_the_palette(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    NotesStore(notes).save_view("[/] russian", View(filter="side:russia"))
    app = app_on(notes=notes)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        commands = {c.title: c for c in app.palette_entries(app.screen)}
        assert "View: [/] russian" in commands
        commands["View: [/] russian"].run()
        await pilot.pause()
        assert main_screen(app).filter.text == "side:russia"


async def test_an_empty_notes_file_is_no_notes_and_takes_the_first(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("")
    app = app_on(notes=notes)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert "NOTES READ-ONLY" not in str(main_screen(app).query_one("#status").render())
        await on_zombie_vs_syrsky(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
    assert notes_in(notes).get("contradiction", ZOMBIE_SYRSKY).star


async def test_a_notes_file_deleted_under_the_explorer_is_written_again_and_said(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    NotesStore(notes).change("claim", "syrsky-under-control", lambda n: n.model_copy(
        update={"tags": ("kept",)}))
    async with reviewing(notes, notifications=True) as (app, pilot):
        notes.unlink()
        await pilot.press("asterisk")
        await pilot.pause()
        after = notes_in(notes)
        assert after.get("claim", "syrsky-under-control").tags == ("kept",)
        assert after.get("contradiction", ZOMBIE_SYRSKY).star
        assert any("was deleted while open" in n.message and "the 1 note loaded" in n.message
                   for n in app._notifications)


async def test_a_read_only_notes_file_is_said_at_start_and_kept(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    NotesStore(notes).change("contradiction", ZOMBIE_SYRSKY, lambda n: n.model_copy(
        update={"tags": ("kept",)}))
    notes.chmod(0o444)
    before = notes.read_bytes()
    async with reviewing(notes, notifications=True) as (app, pilot):
        assert any("read-only (mode 0444)" in n.message for n in app._notifications)
        table = focused_table(app)
        assert table.current is not None
        assert "#kept" in table.current.cells[-1]  # its notes are shown
        await pilot.press("asterisk")
        await pilot.pause()
        assert notes.read_bytes() == before
        assert notes.stat().st_mode & 0o777 == 0o444


async def test_the_palette_shows_hostile_views_and_keys_as_text(tmp_path: Path) -> None:
    """A view named `x[/]` (saved in the notes file) stopped the app at every ctrl+p;
    `[@click=...]` in a filter or a keymap value was markup the palette acted on."""
    notes = tmp_path / "notes.yaml"
    NotesStore(notes).save_view("x[/]", View(filter="side:russia [@click=app.quit]q[/]"))
    NotesStore(notes).save_view("\x1b]0;owned\x07 \u202eview", View(filter="[b]bold[/b]"))
    config = tmp_path / "config"
    config.mkdir()
    (config / "keymap.toml").write_text('[keys]\n"pane.figures" = "5,[@click=app.quit]"\n')
    app = app_on(notes=notes, tmp_config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await palette(pilot, "View")
        shown = screen_text(app)
        assert app.is_running
        assert "View: x[/]" in shown
        assert "side:russia [@click=app.quit]q[/]" in shown
        assert "[b]bold[/b]" in shown
        assert "\x1b" not in shown
        assert "\u202e" not in shown
        assert "View: ␛]0;owned␇ <U+202E>view" in shown
        await pilot.press("escape")
        await palette(pilot, "Figures")
        shown = screen_text(app)
        assert "[@click=app.quit]" in shown  # the keymap's value, as typed
        await pilot.press("escape")
        await choose(pilot, "x[/]")
        assert app.is_running
        assert main_screen(app).filter.text == "side:russia [@click=app.quit]q[/]"


async def test_every_palette_entry_does_what_its_key_does(tmp_path: Path) -> None:
    """Chosen from the palette, the app's own actions (help, export, orphans, star)
    ran on the screen, which has none of them, and did nothing."""
    notes = tmp_path / "notes.yaml"
    async with reviewing(notes, size=(120, 40)) as (app, pilot):
        entries = {e.title: e for e in app.palette_entries(app.screen)}
        assert all("id: None" not in e.help for e in entries.values())
        entries["Star / unstar"].run()
        await pilot.pause()
        assert notes_in(notes).get("contradiction", ZOMBIE_SYRSKY).star
        entries["Export the report, with the notes"].run()
        await pilot.pause()
        assert app.exported is not None
        assert app.exported.exists()
        entries["Orphaned notes"].run()
        await pilot.pause()
        assert isinstance(app.screen, OrphansScreen)
        await pilot.press("escape")
        await pilot.pause()
        entries["Help"].run()
        await pilot.pause()
        from contested.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
