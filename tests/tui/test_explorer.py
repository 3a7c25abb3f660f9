"""The explorer driven key by key with Pilot: every pane, key and screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from contested.catalog.catalog import Catalog
from contested.present.rows import RowKind
from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen
from contested.tui.screens.errors import ContextScreen, ErrorsScreen
from contested.tui.screens.help import TASKS, HelpScreen
from contested.tui.screens.main import MainScreen
from contested.tui.screens.prompt import Prompt
from contested.tui.widgets.rows import VirtualTable
from contested.tui.widgets.text_view import ReadingView, TextView
from tests.helpers import SOURCES, Write
from tests.tui.helpers import (
    app_on,
    choose,
    cursor_rows,
    explorer,
    focused_table,
    main_screen,
    ready,
    screen_lines,
    screen_text,
    until,
)


async def test_opens_on_the_timeline_with_a_gap_marker() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = main_screen(app)
        table = focused_table(app)
        assert (screen.pane, table.id) == ("timeline", "timeline")
        kinds = [table.rows[i].kind for i in range(len(table.rows))]
        assert "gap" in kinds
        gap = table.rows[kinds.index(RowKind.GAP)]
        assert gap.cells[1] == "⋯ 6 months later ⋯"
        first = table.rows[0]
        assert first.cells[0] == "2024-08"


@pytest.mark.parametrize(("key", "pane", "table_id"), [
    ("1", "timeline", "timeline"), ("2", "claims", "claims"), ("3", "sources", "sources"),
    ("4", "contradictions", "contradictions"), ("5", "figures", "questions"),
])
async def test_number_keys_jump_to_panes(key: str, pane: str, table_id: str) -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(key)
        assert main_screen(app).pane == pane
        assert focused_table(app).id == table_id


async def test_tab_and_shift_tab_cycle_panes() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab")
        assert main_screen(app).pane == "claims" or main_screen(app).pane == "sources"
        await pilot.press("shift+tab")
        panes = []
        for _ in range(5):
            await pilot.press("tab")
            panes.append(main_screen(app).pane)
        assert sorted(panes) == sorted(["timeline", "claims", "sources", "contradictions",
                                        "figures"])


async def test_motion_keys_move_the_cursor() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        table = focused_table(app)
        stops = [i for i in range(len(table.rows)) if table.rows[i].kind != "gap"]
        await pilot.press("j", "j", "down")
        assert table.cursor == stops[3]  # a gap is passed over
        await pilot.press("k", "up")
        assert table.cursor == stops[1]
        await pilot.press("G")
        assert table.cursor == len(table.rows) - 1
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("pagedown")
        assert table.cursor > 5
        await pilot.press("pageup")
        assert table.cursor == 0


async def test_the_rows_scroll_to_keep_the_cursor_in_view() -> None:
    app = app_on()
    async with app.run_test(size=(80, 12)) as pilot:  # fewer lines than rows
        await ready(pilot)
        table = focused_table(app)
        assert len(table.rows) > table.scrollable_content_region.height
        await pilot.press("G")
        assert table.scroll_offset.y > 0
        bottom = table.render_line(table.scrollable_content_region.height - 1).text
        assert bottom.startswith(table.rows[table.cursor].cells[0])  # the last line
        await pilot.press("g")
        assert table.scroll_offset.y == 0
        page = table.scrollable_content_region.height - 1  # under the header
        table.move_to(page - 2)
        await pilot.press("j")
        assert (table.cursor, table.scroll_offset.y) == (page - 1, 0)  # the last row shown
        table.move_to(page)
        assert (table.cursor, table.scroll_offset.y) == (page, 1)  # scrolled by one


async def test_claims_follow_the_selected_event_and_toggle_to_all() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        table = focused_table(app)
        pipeline = table.index_of("pipeline-operation")
        assert pipeline is not None
        table.move_to(pipeline)
        await pilot.press("2")
        claims = focused_table(app)
        keys = {claims.rows[i].key for i in range(len(claims.rows))}
        assert keys == {c.id for c in main_screen(app).analysis.catalog.claims.values()
                        if c.event == "pipeline-operation"}
        marked = [claims.rows[i] for i in range(len(claims.rows))
                  if claims.rows[i].key == "ru-media-pipeline-success"]
        assert marked[0].cells[0] == "!1"
        await pilot.press("A")
        assert len(claims.rows) == 40
        await pilot.press("A")
        assert len(claims.rows) == len(keys)


async def test_contradictions_pane_lists_zombie_against_syrsky() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        table = focused_table(app)
        rows = [table.rows[i] for i in range(len(table.rows))]
        explanations = [r.cells[1] for r in rows if r.kind != "heading"]
        assert "Oleksandr Syrsky: under-control vs Zombie: rout (2025-03?)" in explanations
        assert len(explanations) == 9
        assert [r.cells[1] for r in rows if r.kind == "heading"] == [
            "── How did the Russian operation through the gas pipeline end? ──",
            "── State of the Ukrainian forces in the Kursk region in March 2025 ──",
            "── declared across questions ──",
        ]
        assert table.current is not None
        assert table.current.kind != "heading"


async def test_enter_opens_details_and_escape_goes_back_through_history() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        table = focused_table(app)
        index = table.index_of("category~syrsky-under-control~zombie-rout")
        assert index is not None
        table.move_to(index)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail.id == "category~syrsky-under-control~zombie-rout"
        fields = dict(app.screen.detail.fields)
        assert fields["quote 1"] == (
            '“Oleksandr Syrsky assured that the situation was "under control"”')
        # follow the first link: the Syrsky claim, then its source
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail.kind == "claim"
        assert "relay chain" in dict(app.screen.detail.fields)
        await pilot.press("enter")
        assert app.screen.detail.kind == "source"
        await pilot.press("escape")
        assert app.screen.detail.kind == "claim"
        await pilot.press("backspace", "escape")
        assert isinstance(app.screen, MainScreen)
        assert main_screen(app).pane == "contradictions"


async def test_claim_detail_shows_the_relay_chain() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.push_screen_detail("claim", "zombie-rout")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        fields = dict(app.screen.detail.fields)
        assert fields["relay chain"] == "Zombie → Russian television → AFP → BTA → us"
        assert fields["quote"].startswith("“The enemy is retreating in panic and disorder.")


async def test_search_finds_gady_by_the_other_spelling_and_n_moves_on() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, Prompt)
        await pilot.press(*"Gadi", "enter")
        screen = main_screen(app)
        assert screen.pane == "claims"
        first = focused_table(app).current
        assert first is not None
        assert app_claim_source(screen, first.key) == ["gady"]
        await pilot.press("n")
        second = focused_table(app).current
        assert second is not None
        assert second.key != first.key
        await pilot.press("N")
        assert focused_table(app).current == first
        assert {h.kind for h in screen.hits} >= {"claim", "source"}


def app_claim_source(screen: MainScreen, claim_id: str) -> list[str]:
    return screen.analysis.catalog.claims[claim_id].source


async def test_search_without_a_match_says_so() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"zzzqqq", "enter")
        assert [n.message for n in app._notifications] == ["no match for 'zzzqqq'"]
        assert main_screen(app).pane == "timeline"


async def test_backspace_returns_to_where_search_started() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("j", "j")
        started = focused_table(app).cursor
        await pilot.press("slash", *"Sudzha", "enter")
        assert main_screen(app).pane != "timeline" or focused_table(app).cursor != started
        await pilot.press("backspace")
        assert main_screen(app).pane == "timeline"
        assert focused_table(app).cursor == started


async def test_help_is_generated_from_the_bindings() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {b.id for b in app.screen.bindings}
        assert {"pane.timeline", "pane.contradictions", "search", "help", "quit", "back",
                "cursor.down", "open"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_reaches_every_action() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        titles = [c.title for c in app.palette_entries(app.screen)]
        for expected in ("Timeline", "Claims", "Sources", "Contradictions", "Figures",
                         "Search", "Help", "Quit", "Back", "Who contradicts whom (sources, sides)",
                         "Filter every pane", "Claims x questions"):
            assert expected in titles
        await choose(pilot, "Figures")
        assert main_screen(app).pane == "figures"


async def test_keymap_file_remaps_a_binding_by_id(tmp_path: Path) -> None:
    (tmp_path / "keymap.toml").write_text('[keys]\n"pane.contradictions" = "x"\n')
    app = app_on(tmp_config=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("x")
        assert main_screen(app).pane == "contradictions"
        await pilot.press("1", "4")
        assert main_screen(app).pane == "timeline"  # 4 no longer jumps


async def test_a_broken_keymap_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "keymap.toml").write_text("[keys\n")
    app = app_on(tmp_config=tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert any("was ignored" in n.message for n in app._notifications)
        await pilot.press("4")
        assert main_screen(app).pane == "contradictions"


async def test_sources_pane_and_who_contradicts_whom() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        table = focused_table(app)
        names = [table.rows[i].cells[0] for i in range(len(table.rows))]
        assert "Franz-Stefan Gady" in names
        gady = table.rows[names.index("Franz-Stefan Gady")]
        assert gady.cells[1] == "Franz-Stephan Gadi"
        await pilot.press("w")
        pairs = [table.rows[i].cells for i in range(len(table.rows))]
        assert ("Oleksandr Syrsky", "[ukraine]", "vs", "Zombie", "[russia]", "1") in pairs
        index = next(i for i, cells in enumerate(pairs) if cells[3] == "Zombie"
                     and cells[0] == "Oleksandr Syrsky")
        table.move_to(index)
        await pilot.press("enter")
        screen = main_screen(app)
        assert screen.pane == "contradictions"
        assert screen.filter.text == "source:syrsky vs:zombie"
        listed = focused_table(app).rows
        assert [listed[i].key for i in range(len(listed)) if listed[i].kind != "heading"] == [
            "category~syrsky-under-control~zombie-rout"]  # the one the row counted


async def test_which_sides_contradict_which() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("3", "w", "w")
        table = focused_table(app)
        rows = [table.rows[i].cells for i in range(len(table.rows))]
        assert rows[0] == ("russia", "vs", "ukraine", "3", "")
        assert ("ukraine", "vs", "ukraine", "2", "(same side)") in rows
        assert sum(int(cells[3]) for cells in rows) == 9  # each contradiction once
        assert "which sides contradict which" in str(table.border_title)
        await pilot.press("enter")
        screen = main_screen(app)
        assert screen.pane == "contradictions"
        assert screen.filter.text == "side:russia vs-side:ukraine"
        await pilot.press("3", "w")
        assert str(focused_table(app).border_title) == "3 Sources"  # back to the list


async def test_contradictions_filter() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("4", "f")
        assert isinstance(app.screen, Prompt)
        await pilot.press(*"rule:declared", "enter")
        table = focused_table(app)
        assert [table.rows[i].key for i in range(len(table.rows))] == [
            "heading:None", "syrsky-vs-deepstate"]
        await pilot.press("f", "ctrl+u", "enter")
        assert len([i for i in range(len(table.rows)) if table.rows[i].kind != "heading"]) == 9


async def test_figures_plot_the_falling_area_and_the_matrix() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("5")
        table = focused_table(app)
        assert table.current is not None
        assert table.current.key == "ukraine-held-area-kursk"
        plot = str(app.screen.query_one("#plot", TextView).content)
        assert "series: falling, 1400 → 500 → 300 km2" in plot
        await pilot.press("j")  # the plot follows the cursor (drawn as it moves)
        assert table.current is not None
        question = main_screen(app).analysis.catalog.questions[table.current.key]
        assert str(app.screen.query_one("#plot", TextView).content).startswith(question.text)
        await pilot.press("k")
        await pilot.press("x")
        assert table.columns[0].title == "SOURCE"
        assert len(table.columns) == 1 + len(main_screen(app).analysis.catalog.questions)
        await pilot.press("x")
        assert table.columns[0].title == "QUESTION"


async def test_wide_terminal_shows_a_preview() -> None:
    app = app_on()
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        preview = app.screen.query_one("#preview", TextView).plain_text()
        assert "CONTRADICTION" in preview
        assert app.screen.query_one("#preview").display


async def test_q_quits() -> None:
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_errors_screen_then_partial_catalog(write: Write) -> None:
    write("sources.yaml", SOURCES)
    broken = write("broken.yaml", "contested: 1\nclaims:\n  - {id: c1, source: nobody, text: x}\n")
    write("fine.yaml", "contested: 1\nclaims:\n  - {id: c2, source: afp, text: x}\n")
    app = app_on([broken.parent])
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ErrorsScreen)
        table = focused_table(app)
        assert table.rows[0].cells == (f"{broken}:3:22",
                                       "unknown source 'nobody' [unknown-id]")
        context = str(app.screen.query_one("#errors-context").render())
        assert ">3 │   - {id: c1, source: nobody, text: x}" in context
        await pilot.press("enter")
        assert isinstance(app.screen, ContextScreen)
        await pilot.press("escape", "c")
        screen = main_screen(app)
        assert screen.partial == [str(broken)]
        assert set(screen.analysis.catalog.claims) == {"c2"}
        assert "PARTIAL" in str(screen.query_one("#tabs").render())


async def test_a_bug_while_loading_ends_the_app_for_a_report(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a loading screen up for ever: the app ends with the internal-error status and
    keeps the error for `run_explorer` to report (as a bug anywhere else is)."""
    import contested.catalog.loading

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in loading")

    monkeypatch.setattr(contested.catalog.loading, "load_catalog", broken)
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.failure is not None, "the failure being kept")
        await pilot.pause()
        assert isinstance(app.failure, RuntimeError)
        assert app.return_code == 70


async def test_the_catalog_is_shown_while_the_engine_runs_then_filled_in(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first screen does not wait for the analysis: the Timeline is up, and keys
    work, while the engine runs; its findings then fill in every pane."""
    import threading

    import contested.engine.analysis

    release = threading.Event()
    real = contested.engine.analysis.analyse

    def slow(catalog: Catalog) -> contested.engine.analysis.Analysis:
        release.wait(10)
        return real(catalog)

    monkeypatch.setattr(contested.engine.analysis, "analyse", slow)
    app = app_on()
    async with app.run_test(size=(80, 14)) as pilot:  # lists longer than their panes
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await pilot.pause()
        screen = main_screen(app)
        assert not screen.analysis.complete
        status = str(screen.query_one("#status", Static).render())
        assert "finding contradictions…" in status
        timeline = screen.query_one("#timeline", VirtualTable)
        assert len(timeline.rows) == 16  # 15 events and a gap
        assert not any(timeline.rows[n].cells[3] for n in range(len(timeline.rows)))
        for pane in "345":  # every pane works without the findings
            await pilot.press(pane, "j", "enter", "escape")
        await pilot.press("1", "j", "j", "2")
        assert screen.pane == "claims"
        assert isinstance(app.screen, MainScreen)
        release.set()
        await ready(pilot)
        assert screen.analysis.complete
        assert "9 contradictions" in str(screen.query_one("#status", Static).render())
        assert screen.pane == "claims"  # where the analyst was
        assert sum(1 for n in range(len(timeline.rows)) if timeline.rows[n].cells[3]) == 5
        contradictions = screen.query_one("#contradictions", VirtualTable)
        assert len(contradictions.rows) > 9
        await pilot.press("4")  # filled while hidden: shown from its first row
        assert contradictions.rows[0].kind == "heading"
        assert (contradictions.cursor, contradictions.scroll_offset.y) == (1, 0)
        assert contradictions.render_line(1).text.startswith("── ")


def shown(app: ContestedApp) -> tuple[str, list[tuple[str, ...]]]:
    """The focused list's title and rows (hidden panes are filled when shown)."""
    table = focused_table(app)
    return str(table.border_title), [table.rows[n].cells for n in range(len(table.rows))]


async def test_a_warm_cache_shows_the_same_explorer() -> None:
    """The second launch reads the catalog back from the cache: every pane, filter,
    search and detail is the same as on the first."""
    seen = []
    for launch in range(2):
        app = app_on()
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            catalog = main_screen(app).analysis.catalog
            assert catalog.claims.chunked == (0 if launch == 0 else 40)
            rows = [shown(app)]
            for keys in (["2"], ["A"], ["3"], ["4"], ["5"], ["f", *"side:russia", "enter"],
                         ["1"], ["f", "ctrl+u", "enter", "slash", *"Gadi", "enter"]):
                await pilot.press(*keys)
                rows.append(shown(app))
            await pilot.press("1", "j", "enter")
            assert isinstance(app.screen, DetailScreen)
            body = app.screen.query_one("#detail-body", ReadingView).plain_text()
            links = app.screen.query_one("#links", VirtualTable)
            seen.append((rows, body, [links.rows[n].cells for n in range(len(links.rows))]))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("keys", [("3", "G", "k", "k", "k"), ("5", "G", "k", "k", "k"),
                                  ("1", "G", "k", "k", "k", "pageup", "j")])
async def test_one_row_is_highlighted_after_moving_in_a_scrolled_list(
        keys: tuple[str, ...]) -> None:
    """Moving the cursor in a scrolled list repainted the wrong lines: the rows it left
    kept their highlight (four highlighted rows after `3 G k k k` at 80x24)."""
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        assert cursor_rows(app, focused_table(app)) == 1


async def test_the_cursor_passes_over_a_gap_either_way() -> None:
    app = app_on()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        table = focused_table(app)
        kinds = [table.rows[i].kind for i in range(len(table.rows))]
        gap = kinds.index(RowKind.GAP)
        table.move_to(gap - 1)
        await pilot.press("j")
        assert table.cursor == gap + 1
        await pilot.press("k")
        assert table.cursor == gap - 1
        table.move_to(gap)  # asked for the gap itself: the next row it can stop on
        assert table.cursor == gap + 1
        for _ in range(len(kinds)):
            await pilot.press("j")
            assert table.current is not None
            assert table.current.kind != "gap"


async def test_the_detail_view_switches_focus_and_scrolls_with_the_list_keys() -> None:
    """`tab` (detail.switch) did nothing, focus moved with shift+tab did not show, and
    `j k g G space ctrl+f ctrl+b` did not scroll the text."""
    app = app_on()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # the first event: longer than its view at 80x24
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        body = app.screen.query_one("#detail-body", ReadingView)
        links = app.screen.query_one("#links")
        assert links.has_focus
        await pilot.press("tab")
        assert body.has_focus
        assert body.styles.border_top[0] == "double"  # the focused one shows it
        assert links.styles.border_top[0] != "double"
        assert body.max_scroll_y > 0, "the detail fits: this test needs one that scrolls"
        for keys, expected in ((("j",), 1), (("j", "j"), 3), (("k",), 2), (("G",), None),
                               (("g",), 0), (("space",), "page"), (("ctrl+b",), 0),
                               (("ctrl+f",), "page"), (("end",), None), (("home",), 0)):
            await pilot.press(*keys)
            await pilot.pause()
            page = body.scrollable_content_region.height - 1
            want = (body.max_scroll_y if expected is None
                    else min(page, body.max_scroll_y) if expected == "page" else expected)
            assert body.scroll_y == want, keys
        await pilot.press("shift+tab")
        assert links.has_focus
        await pilot.press("j")
        assert body.scroll_y == 0  # the keys go to what has the focus


async def test_adding_a_comment_does_not_move_the_detail_s_lines(tmp_path: Path) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("4", "enter")
        await pilot.pause()
        body = app.screen.query_one("#detail-body", ReadingView)
        before = body.plain_text().splitlines()
        await pilot.press("a")
        await pilot.press(*"checked against the map", "enter")
        await pilot.pause()
        after = body.plain_text().splitlines()
        assert after[: len(before)] == before  # the new lines come after; none moved
        assert any("checked against the map" in line for line in after[len(before):])


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_help_is_grouped_by_task_readable_and_scrolls(size: tuple[int, int]) -> None:
    """Description and id ran together, ids wrapped to column 0 at 80 columns, `*`
    showed as `asterisk`, Textual's own bindings had no id, `g G space` did nothing,
    and it was sorted by id."""
    app = app_on()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box", ReadingView)
        lines = box.plain_text().splitlines()
        width = box.scrollable_content_region.width - 1
        assert all(len(line) <= width for line in lines)
        headings = [line for line in lines if line in dict(TASKS)]
        assert headings == ["Moving", "Panes", "Documents", "Review", "Search and filter",
                            "Copy and export", "App"]
        star = next(line for line in lines if "Star / unstar" in line)
        assert star.split()[0] == "*"
        assert "asterisk" not in box.plain_text()
        for binding in app.screen.bindings:
            if binding.id and binding.description:  # each shown with its id
                assert any(line.rstrip().endswith(binding.id) for line in lines), binding.id
        ids = {b.id for b in app.screen.bindings if b.description}
        assert {"quit", "palette", "app.copy-or-quit", "app.suspend"} <= ids
        for line in lines:  # an id never wraps back to the first column
            assert not line.lstrip(" ").startswith(("cursor.", "pane.", "notes.")) \
                or line.startswith(" " * 18)
        if box.max_scroll_y > 0:
            await pilot.press("G")
            assert box.scroll_y == box.max_scroll_y
            await pilot.press("g")
            assert box.scroll_y == 0
            await pilot.press("space")
            assert box.scroll_y > 0
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_lists_the_keys_that_work_where_it_was_opened() -> None:
    async with explorer((100, 30)) as (app, pilot):
        await pilot.press("enter", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {b.id for b in app.screen.bindings}
        assert "detail.switch" in ids
        assert "pane.timeline" not in ids  # the detail has no panes


async def test_a_filter_is_always_in_sight_and_the_counts_are_the_filtered_ones() -> None:
    async with explorer() as (app, pilot):
        screen = main_screen(app)
        await pilot.press("f", "ctrl+u", *"side:russia", "enter")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        shown = focused_table(app)
        events = len([i for i in range(len(shown.rows)) if shown.rows[i].kind != "gap"])
        total = len(screen.analysis.catalog.events)
        assert events < total
        lines = screen_lines(app)
        bar = next(line for line in lines if "FILTER" in line)
        assert "side:russia" in bar
        assert f"{events} of {total} events" in bar  # ("esc clears" too, where it fits)
        assert f"1 Timeline: {events} of {total} events" in screen_text(app)
        status = str(screen.query_one("#status").render())
        assert f"{events} of {total} events" in status
        await pilot.press("escape")  # clears the filter before anything else
        await pilot.pause()
        assert not screen.filter.active
        assert all("FILTER" not in line for line in screen_lines(app))
        assert f"1 Timeline: {total} events" in screen_text(app)


async def test_a_rejected_filter_keeps_what_was_typed() -> None:
    async with explorer() as (app, pilot):
        await pilot.press("f", "ctrl+u", *"side:russia reliability:Z", "enter")
        await pilot.pause()
        assert isinstance(app.screen, Prompt)  # still asking, with the reason
        assert "reliability is a letter" in screen_text(app)
        assert app.screen.query_one(Input).value == "side:russia reliability:Z"
        await pilot.press("backspace", "B", "enter")
        await pilot.pause()
        assert main_screen(app).filter.text == "side:russia reliability:B"


async def test_esc_goes_back_then_clears_the_search_then_says_so() -> None:
    async with explorer(notifications=True) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("slash", *"zzzz-nothing", "enter", "n")
        await pilot.pause()
        assert any("no match for 'zzzz-nothing'" in n.message for n in app._notifications)
        assert not any("no search yet" in n.message for n in app._notifications)
        await pilot.press("escape")
        assert screen.last_query is None
        await pilot.press("escape")
        assert "nothing to go back to" in str(screen.query_one("#status").render())


async def test_search_reaches_a_source_from_a_who_contradicts_whom_view() -> None:
    async with explorer((100, 30)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("3", "w")
        assert screen.show_pairs == "sources"
        await pilot.press("slash", *"Gadi", "enter")
        await pilot.pause()
        assert ("source", "gady") in [(hit.kind, hit.id) for hit in screen.hits]
        for _ in range(len(screen.hits)):  # every match is the row the cursor is on
            hit = screen.hits[screen.hit_index]
            assert screen.current_item() == (hit.kind, hit.id)
            if hit.kind == "source":
                assert screen.show_pairs == ""
                row = focused_table(app).current
                assert row is not None
                assert row.key == hit.id
                if hit.id == "gady":
                    assert row.cells[0] == "Franz-Stefan Gady"
            await pilot.press("3", "w", "n")  # from the who-contradicts-whom view again


async def test_the_mouse_switches_panes_moves_opens_and_scrolls() -> None:
    async with explorer((100, 30)) as (app, pilot):
        screen = main_screen(app)
        start, _, _ = next(span for span in screen.tab_spans if span[2] == "sources")
        await pilot.click("#tabs", offset=(start + 2, 0))
        assert screen.pane == "sources"
        table = focused_table(app)
        await pilot.click(table, offset=(5, 4))  # the third row (a border, the header)
        assert table.cursor == 2
        await pilot.double_click(table, offset=(5, 5))
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail.id == table.rows[3].key
        await pilot.press("escape")
        await pilot.click("#tabs", offset=(next(s for s in screen.tab_spans
                                                if s[2] == "timeline")[0] + 1, 0))
        timeline = focused_table(app)
        before = timeline.cursor
        timeline.post_message(events.MouseScrollDown(timeline, 5, 5, 0, 0, 0, False, False,
                                                     False))
        await pilot.pause()
        assert timeline.cursor > before


async def test_columns_take_the_width_they_need_at_80_columns(tmp_path: Path) -> None:
    """An empty ALIASES column took 18 cells from the names."""
    long_name = "The Institute for the Study of War, Washington"
    (tmp_path / "t.yaml").write_text(f"""\
contested: 1
sources:
  - {{id: isw, name: "{long_name}", kind: analyst}}
  - {{id: afp, name: AFP, kind: news-agency}}
events:
  - {{id: e, date: 2025-03, title: Something happened}}
claims:
  - {{id: c1, source: isw, event: e, text: It happened.}}
  - {{id: c2, source: afp, event: e, text: It did.}}
""")
    async with explorer((80, 24), paths=[tmp_path]) as (app, pilot):
        await pilot.press("3")
        table = focused_table(app)
        header = table.render_line(0).text
        assert "ALIASES" in header
        widths = table._widths(table.scrollable_content_region.width - 1)
        aliases = [c.title for c in table.columns].index("ALIASES")
        assert widths[aliases] == len("ALIASES")
        assert "The Institute for the Study of War, …" in screen_text(app)  # the room
        # the aliases left: with 18 cells for an empty ALIASES, the name was cut at 26


async def test_claims_x_questions_scrolls_sideways_at_80_columns() -> None:
    """At 80 columns the questions past the fourth could not be reached, and their
    headers were cut without an ellipsis."""
    async with explorer((80, 24)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("5", "x")
        table = focused_table(app)
        questions = [c.title for c in table.columns[1:]]
        left, right = table.columns_hidden()
        assert (left, right) == (0, right)
        assert right > 0, "every question fits: this test needs more than fit"
        assert f"1-{len(questions) - right} of {len(questions)}" in str(table.border_title)
        header = table.render_line(0).text
        assert "…" in header  # a long question id is cut with an ellipsis
        assert header.startswith("SOURCE")
        for _ in range(len(questions)):
            await pilot.press("l")
        left, right = table.columns_hidden()
        assert right == 0
        assert left > 0
        header = table.render_line(0).text
        assert header.startswith("SOURCE")  # the source stays
        assert questions[-1][:5] in header  # the last question is in sight
        await pilot.press("h")
        assert table.columns_hidden()[0] == left - 1
        await pilot.press("x")  # back to the questions: no column is scrolled out
        assert screen.query_one("#questions", type(table)).columns_hidden() == (0, 0)


async def test_z_shows_the_whole_row_at_80_columns() -> None:
    async with explorer((80, 24)) as (app, pilot):
        row = focused_table(app).current
        assert row is not None
        title = row.cells[1]
        assert title not in screen_text(app)  # cut in the list at 80 columns
        await pilot.press("z")
        assert title in " ".join(screen_text(app).split())  # whole, wrapped under the list
        await pilot.press("j")
        row = focused_table(app).current
        assert row is not None
        assert row.cells[1] in " ".join(screen_text(app).split())  # it follows the cursor
        await pilot.press("z")
        assert row.cells[1] not in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_figure_s_lines_fit_the_pane(size: tuple[int, int]) -> None:
    """The last date of the axis wrapped to column 0 of the next line."""
    async with explorer(size) as (app, pilot):
        await pilot.press("5")
        plot = app.screen.query_one("#plot", TextView)
        lines = plot.plain_text().splitlines()
        room = plot.scrollable_content_region.width - 1
        assert lines
        assert all(len(line) <= room for line in lines if "┤" in line or "└" in line)
        dates = next(lines[i + 1] for i, line in enumerate(lines) if "└" in line)
        assert dates.rstrip().endswith("2025-03")
        assert len(dates) <= room


async def test_a_field_of_megabytes_is_cut_and_opens_whole(tmp_path: Path) -> None:
    """A 4 MB title made the detail take seconds to open and each key seconds more."""
    huge = "word " * 800_000
    (tmp_path / "t.yaml").write_text(f"""\
contested: 1
sources:
  - {{id: a, name: AFP}}
events:
  - {{id: e, date: 2025-03, title: "{huge}"}}
claims:
  - {{id: c, source: a, event: e, text: "{huge}"}}
""")
    async with explorer((80, 24), paths=[tmp_path]) as (app, pilot):
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        body = app.screen.query_one("#detail-body", ReadingView).plain_text()
        assert len(body) < 10_000
        assert "(4,000,000 characters: o opens it whole)" in body
        await pilot.press("o")
        whole = app.screen.query_one("#whole", ReadingView)
        await pilot.press("G")
        assert whole.scroll_y == whole.max_scroll_y > 1000  # every word is there
        text = whole.plain_text()
        assert text.count("word") == 800_000
        await pilot.press("escape")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("escape", "3", "enter", "o")  # a source: nothing cut, said so
        assert isinstance(app.screen, DetailScreen)
