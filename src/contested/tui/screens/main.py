"""The main screen: five panes over one catalog, a preview when the terminal is wide."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from contested.catalog.loading import LoadResult
from contested.engine.analysis import Analysis
from contested.engine.changes import Baseline, ChangeMarks
from contested.engine.contradictions import Listed
from contested.errors import CacheError
from contested.present.browse import Browser, pair_of
from contested.present.changes import MarkedRows
from contested.present.details import Details
from contested.present.figures import category_lines, quantity_plot
from contested.present.filters import (
    Filter,
    Filtered,
    FilterError,
    pair_filter,
    pairs_in,
    parse_filter,
)
from contested.present.filters import apply as apply_filter
from contested.present.search import Hit, SearchIndex
from contested.review.notes import View
from contested.review.store import NotesReadOnly, NotesStore
from contested.support.collector import FullCollections
from contested.support.text import fit, printable, width
from contested.tui.messages import OpenDetail, report_damage
from contested.tui.safe import notify, notify_notes_notice, plain
from contested.tui.screens.prompt import Prompt
from contested.tui.widgets.detail import detail_lines
from contested.tui.widgets.rows import PASSED_OVER, Column, VirtualTable
from contested.tui.widgets.since import SinceBar
from contested.tui.widgets.text_view import TextView

PANES: tuple[tuple[str, str], ...] = (
    ("timeline", "Timeline"),
    ("claims", "Claims"),
    ("sources", "Sources"),
    ("contradictions", "Contradictions"),
    ("figures", "Figures"),
)
PANE_OF_KIND = {"event": "timeline", "claim": "claims", "source": "sources",
                "contradiction": "contradictions", "question": "figures"}
TABLE_OF_PANE = {"timeline": "timeline", "claims": "claims", "sources": "sources",
                 "contradictions": "contradictions", "figures": "questions"}

TIMELINE_COLUMNS = [Column("DATE", 18), Column("EVENT", 30, flex=True), Column("CLAIMS", 6),
                    Column("!", 3), Column("TIMELINE", 16)]
CLAIM_COLUMNS = [Column("!", 2), Column("SOURCE", 20), Column("SAID", 10),
                 Column("VALUE", 16), Column("CRED", 4), Column("AGREE", 5),
                 Column("TEXT", 20, flex=True)]
SOURCE_COLUMNS = [Column("NAME", 22, flex=True), Column("ALIASES", 18), Column("KIND", 13),
                  Column("SIDE", 10), Column("REL", 11), Column("CLAIMS", 14), Column("!", 3)]
PAIR_COLUMNS = [Column("SOURCE", 20, flex=True), Column("SIDE", 10), Column("", 2),
                Column("SOURCE", 20, flex=True), Column("SIDE", 10), Column("N", 4)]
SIDE_PAIR_COLUMNS = [Column("SIDE", 16, flex=True), Column("", 2), Column("SIDE", 16, flex=True),
                     Column("N", 6), Column("", 14)]
CONTRADICTION_COLUMNS = [Column("RULE", 17), Column("WHO SAYS WHAT, WHEN", 30, flex=True)]
NOTE_COLUMN = Column("NOTE", 12)
CHANGE_COLUMN = Column("Δ", 1)
"""First in the Timeline, Claims and Contradictions under `--since`: + new, ~ changed."""
"""Last in a list, once something in it has a note (rows always carry the cell)."""
NOTED_TABLES = (("timeline", "events", TIMELINE_COLUMNS), ("claims", "claims", CLAIM_COLUMNS),
                ("sources", "sources", SOURCE_COLUMNS),
                ("contradictions", "contradictions", CONTRADICTION_COLUMNS))
SEARCH_INDEX_WORKER = "search index"
"""The name of the worker that builds the search index (`_index_when_complete`)."""
SEARCH_TEXT_WORKER = "search text"
"""The name of the worker that reads the search text back from the cache."""
FIRST_PAINT_WAIT = 2.0
"""Seconds the reading of the search text, and the engine (`ContestedApp.load`), wait
for the first screen to be drawn before they start anyway."""
QUESTION_COLUMNS = [Column("QUESTION", 24, flex=True), Column("KIND", 8), Column("CLAIMS", 6),
                    Column("SERIES", 8), Column("!", 3)]


@dataclass
class Place:
    """Where the analyst was: a pane and the row under the cursor (for going back)."""

    pane: str
    key: str | None


class MainScreen(Screen[None], inherit_bindings=False):
    """Timeline, claims, sources, contradictions and figures, one key away each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pane('timeline')", "Timeline", show=False, id="pane.timeline"),
        Binding("2", "pane('claims')", "Claims", show=False, id="pane.claims"),
        Binding("3", "pane('sources')", "Sources", show=False, id="pane.sources"),
        Binding("4", "pane('contradictions')", "Contradictions", show=False,
                id="pane.contradictions"),
        Binding("5", "pane('figures')", "Figures", show=False, id="pane.figures"),
        # The tabs show the panes' keys: the footer keeps its room for the others.
        Binding("tab", "cycle(1)", "Next pane", show=False, id="pane.next"),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False, id="pane.previous"),
        Binding("slash", "search", "Search", id="search"),
        Binding("n", "next_hit(1)", "Next match", show=False, id="search.next"),
        Binding("N", "next_hit(-1)", "Previous match", show=False, id="search.previous"),
        Binding("A", "toggle_all", "All claims / this event", show=False,
                id="claims.toggle-all"),
        Binding("w", "toggle_pairs", "Who contradicts whom (sources, sides)", show=False,
                id="sources.who-contradicts-whom"),
        Binding("f", "filter", "Filter every pane", id="filter", key_display="f"),
        Binding("V", "save_view", "Save the filter as a view", show=False, id="view.save"),
        Binding("x", "toggle_matrix", "Claims x questions", show=False,
                id="figures.matrix"),
        Binding("z", "toggle_wrap", "Whole row", id="row.wrap",
                tooltip="The row under the cursor, whole, under the list (again: hide)"),
        Binding("escape", "escape", "Clear the filter; else back; else clear the search",
                show=False, id="back"),
        Binding("backspace", "back", "Back", show=False, id="history.back"),
    ]

    # What the screen shows, as Textual reactive attributes: a change, wherever it is
    # made, refreshes what depends on it (their `watch_` methods). `var`, not
    # `reactive`: the screen paints nothing itself, its widgets do (no repaint of it).
    pane: var[str] = var("timeline", init=False, always_update=True)
    """The pane shown: setting it shows it, its tab, preview and status (`watch_pane`),
    even when it is the pane already shown (as a key that opens it does)."""
    filter: var[Filter] = var(Filter, init=False, always_update=True)
    """The filter of every pane, set by `set_filter` once the panes hold what it keeps:
    the titles, tabs, filter bar and status follow (`watch_filter`), also when the same
    filter is set again over a catalog read again."""
    show_pairs: var[str] = var("", init=False)
    """The Sources pane: "" the list; "sources" or "sides" who contradicts whom
    (`watch_show_pairs` fills it)."""

    def __init__(self, analysis: Analysis, *, partial: list[str] | None = None,
                 notes: NotesStore | None = None, start_view: str | None = None,
                 since: Baseline | None = None) -> None:
        super().__init__()
        self.start_view = start_view
        self.notes = notes
        self.since = since
        self.changes: ChangeMarks | None = None
        """What is new or changed since `since` (`--since REV`), set by `_use`."""
        self._use(analysis)
        self.partial = partial or []
        self.not_reloaded: LoadResult | None = None
        """The problems of the last change, while the catalog shown is the one before."""
        self.event_filter: str | None = None
        self.all_claims = False
        self.show_matrix = False
        self.filtered = Filtered()
        self.contradiction_count = 0
        self.history: list[Place] = []
        self.collections = FullCollections()
        self.last_key = 0.0
        self.claims_stale = False
        self.index_started = False
        self.filled = False
        self.painted = threading.Event()
        """Set once the screen has been drawn: the engine waits for it, as it would
        otherwise take half the interpreter from the first paint."""

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Classed for the terminal's size before the first styling: classed on mount,
        # every widget would be styled a second time before the first paint.
        self._size_classes(self.app.size.width, self.app.size.height, update=False)
        yield Static(id="tabs")
        yield Static(id="filterbar")
        if self.since is not None:
            yield SinceBar()
        with Horizontal(id="body"):
            with ContentSwitcher(initial="timeline", id="panes"):
                yield VirtualTable(TIMELINE_COLUMNS, id="timeline")
                yield VirtualTable(CLAIM_COLUMNS, id="claims")
                yield VirtualTable(SOURCE_COLUMNS, id="sources")
                yield VirtualTable(CONTRADICTION_COLUMNS, id="contradictions")
                with Vertical(id="figures"):
                    yield VirtualTable(QUESTION_COLUMNS, id="questions")
                    yield TextView(id="plot")
            yield TextView(id="preview")
        yield Static(id="whole-row")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#questions", VirtualTable).follow = self._draw_figure
        if not (self.start_view and self.open_view(self.start_view)):
            self.set_filter("")  # fills every pane
        self._to_first_series()
        self.pane = "timeline"
        self.on_resize()
        self.collections.hold()
        self.set_interval(1.0, self._collect_when_idle)
        self.filled = True
        self.call_after_refresh(self.painted.set)
        self.run_worker(self._read_search_text, name=SEARCH_TEXT_WORKER, thread=True,
                        exit_on_error=False)
        self._index_when_complete()

    def _read_search_text(self) -> None:
        """Once the screen is drawn, the search text kept in the cache is read back (a
        fraction of a second): a search made at once need not wait for it to be made."""
        self.painted.wait(FIRST_PAINT_WAIT)
        try:
            self.search_index.read_back()
        except CacheError as error:  # the app says so and reads the catalog again
            report_damage(self, error)  # (thread-safe)

    def _index_when_complete(self) -> None:
        """The search text of a big catalog takes seconds to make when the cache does
        not hold it: make it while the analyst reads, not when they first press /; once
        the engine is done (it would slow it)."""
        if self.analysis.complete and not self.index_started:
            self.index_started = True
            self.run_worker(self._build_search_index, name=SEARCH_INDEX_WORKER, thread=True,
                            exit_on_error=False)

    def _to_first_series(self) -> None:
        """The Figures pane opens on the first question whose figures make a series."""
        with_series = next((q for q in self.analysis.catalog.questions
                            if q in self.analysis.series), None)
        questions = self.query_one("#questions", VirtualTable)
        questions.move_to(questions.index_of(with_series) or 0 if with_series else 0)

    def _note_columns(self) -> None:
        """A NOTE column in the lists whose items have notes (at 80 columns the space
        is the text's until then)."""
        sections = self.notes.notes.sections if self.notes is not None else {}
        for table_id, section, columns in NOTED_TABLES:
            if table_id == "sources" and self.show_pairs:
                continue
            noted = [*columns, NOTE_COLUMN] if sections.get(section) else list(columns)
            if self.changes is not None and table_id != "sources":
                noted.insert(0, CHANGE_COLUMN)
            table = self.query_one(f"#{table_id}", VirtualTable)
            if table.columns != noted:
                table.columns = noted

    def reload(self, analysis: Analysis, *, quietly: bool = False, whole: bool = False,
               ) -> None:
        """Show a catalog loaded again after a file changed, or the engine's findings
        for the one on screen (`quietly`): the same panes, filter and history, the
        cursors on the same ids (notes follow by id). `whole`: every file loaded, so
        what was left out (PARTIAL) or did not reload is over."""
        if whole:
            self.partial, self.not_reloaded = [], None
        if not self.filled:  # before on_mount: it fills the panes with this one
            self._use(analysis)
            return
        at = {t.id: t.current.key for t in self.query(VirtualTable) if t.current is not None}
        first_findings = not self.analysis.complete and analysis.complete
        searched, hit_index = self.last_query, self.hit_index
        self._use(analysis)
        self._search_again(searched, hit_index)
        self.set_filter(self.filter.text)
        for table in self.query(VirtualTable):
            index = table.index_of(at[table.id]) if table.id in at else None
            if index is not None:
                table.move_to(index)
        questions = self.query_one("#questions", VirtualTable)
        if first_findings and questions.cursor == 0:  # the series are known now
            self._to_first_series()
        self._draw_figure()
        self._preview()
        self._index_when_complete()
        if quietly:  # the status was refreshed with the filter (`watch_filter`)...
            if searched is not None and self.hits:  # ... which would drop the search's
                self._status(self._match_status())
            return
        counts = analysis.catalog.counts()
        self._status(f"reloaded: {counts['events']} events, {counts['claims']} claims")

    def _use(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.browser = Browser(analysis, self.notes)
        self.details = Details(self.browser)
        self.compared = self.since.compare(analysis) if self.since is not None else None
        self.changes = self.compared.marks() if self.compared is not None else None
        known = getattr(self, "search_index", None)  # its text, if of the same catalog
        self.search_index = SearchIndex(self.browser, known.text if known else None)
        self.hits: Sequence[Hit] = []
        self.hit_index = -1
        self.last_query: str | None = None
        """The last search, matched or not (`n` says which)."""

    def notes_changed(self) -> None:
        """Show a changed note in every list and in the preview."""
        self.browser.notes_changed()  # track records follow the notes
        self._note_columns()
        for table in self.query(VirtualTable):
            forget = getattr(table.rows, "forget", None)
            if forget is not None:
                forget()
            table.repaint_rows()
        self._preview()
        self._status()

    def on_key(self) -> None:
        self.last_key = time.monotonic()

    def _collect_when_idle(self) -> None:
        if time.monotonic() - self.last_key >= 1.0:
            self.collections.collect_if_due()

    def on_unmount(self) -> None:
        self.collections.release()

    def _build_search_index(self) -> None:
        # Keys come first: the build waits while they are being typed.
        try:
            self.search_index.build_in_background(
                busy=lambda: time.monotonic() - self.last_key < 0.3)
        except CacheError as error:  # the app says so and reads the catalog again
            report_damage(self, error)  # (thread-safe)

    def on_resize(self) -> None:
        self._size_classes(self.size.width, self.size.height)
        self._draw_figure()
        self._filter_bar()

    def _size_classes(self, width: int, height: int, *, update: bool = True) -> None:
        self.set_class(width >= 120, "-wide", update=update)
        self.set_class(height < 30, "-short", update=update)

    # --- panes --------------------------------------------------------------------------

    def table(self, pane: str | None = None) -> VirtualTable:
        return self.query_one(f"#{TABLE_OF_PANE[pane or self.pane]}", VirtualTable)

    def watch_pane(self, pane: str) -> None:
        if pane == "claims" and self.claims_stale:
            self._fill_claims()
        self.query_one(ContentSwitcher).current = pane
        # Focused at once, not after the keys already typed: `4` and enter typed
        # together open the contradiction, not the row of the pane being left.
        self.set_focus(self.table(pane))
        if pane == "figures":
            self._draw_figure()
        self._tabs()
        self._preview()
        self._status()

    def _tabs(self) -> None:
        parts: list[str | tuple[str, str] | Content] = [" "]
        at = 1
        self.tab_spans: list[tuple[int, int, str]] = []
        """Where each pane's tab is in the line (start, end, pane): a click opens it."""
        for number, (pane, title) in enumerate(PANES, 1):
            label = f"[{number} {title}]" if pane == self.pane else f" {number} {title} "
            parts.append((label, "reverse bold") if pane == self.pane else label)
            self.tab_spans.append((at, at + len(label), pane))
            at += len(label) + 1
            parts.append(" ")
        if self.partial:
            parts.append((f" PARTIAL: {len(self.partial)} file(s) left out (E) ", "bold"))
        if self.not_reloaded is not None:
            parts.append((" NOT RELOADED (E) ", "bold reverse"))
        self.query_one("#tabs", Static).update(Content.assemble(*parts))
        self._filter_bar()

    def _filter_bar(self) -> None:
        """The active filter, always in sight: its own line under the tabs, with what it
        keeps of the catalog and how to clear it (what fits, the filter first)."""
        self.set_class(self.filter.active, "-filtered")
        if not self.filter.active:
            return
        bar = self.query_one("#filterbar", Static)
        words = printable(self.filter.text)
        room = self.size.width - len(" FILTER  ")
        tail = next((t for t in (f"  {self._counted()}  esc clears", f"  {self._counted()}",
                                 f"  {self._counted(short=True)}")
                     if width(words) + len(t) <= room), f"  {self._counted(short=True)}")
        shown = fit(words, max(room - len(tail), 10))
        bar.update(Content.assemble((" FILTER ", "bold reverse"), " ", plain(shown),
                                    (tail, "bold")))

    def _counted(self, *, short: bool = False) -> str:
        """`3 of 15 events · 5 of 25 claims · 2 of 5 contradictions`: what the panes
        show, out of the catalog's (all of it when no filter is set); `short`:
        `3/15 events`."""
        counts = self.analysis.catalog.counts()
        shown = self.filtered
        complete = self.analysis.complete
        parts = []
        for name, kept in (("events", shown.events), ("claims", shown.claims)):
            total = counts[name]
            parts.append(f"{total} {name}" if kept is None else
                         f"{len(kept)}{'/' if short else ' of '}{total} {name}")
        if not complete:
            parts.append("finding contradictions…")
        else:
            total = len(self.analysis.contradictions)
            parts.append(f"{total} contradictions" if shown.contradictions is None else
                         f"{pairs_in(shown.contradictions)}{'/' if short else ' of '}{total} "
                         "contradictions")
        return " · ".join(parts)

    def _titles(self) -> None:
        counts = self.analysis.catalog.counts()
        events = self.filtered.events
        titles = {
            "timeline": ("1 Timeline: " + (f"{counts['events']} events" if events is None
                                           else f"{len(events)} of {counts['events']} events"),
                         ""),
            "sources": ("3 Sources" + {"": "", "sources": ": who contradicts whom",
                                       "sides": ": which sides contradict which"}[self.show_pairs],
                        "w: " + {"": "who contradicts whom", "sources": "between sides",
                                 "sides": "list"}[self.show_pairs]),
            "contradictions": (f"4 Contradictions: {self.contradiction_count}", "f: filter"),
            "questions": (self._matrix_title() if self.show_matrix
                          else "5 Figures: questions", "x: claims x questions"),
        }
        for table_id, (title, subtitle) in titles.items():
            table = self.query_one(f"#{table_id}", VirtualTable)
            table.border_title = plain(title)
            table.border_subtitle = plain(subtitle)

    def on_click(self, event: events.Click) -> None:
        """A click on a tab opens its pane."""
        tabs = self.query_one("#tabs", Static)
        if event.widget is not tabs:
            return
        offset = event.get_content_offset(tabs)
        if offset is None:
            return
        pane = next((p for start, end, p in self.tab_spans if start <= offset.x < end), None)
        if pane is not None and pane != self.pane:
            self.action_pane(pane)

    def _matrix_title(self) -> str:
        """`5 Figures: claims x questions 3-5 of 9 (h/l: more)` when some do not fit."""
        table = self.query_one("#questions", VirtualTable)
        left, right = table.columns_hidden()
        total = len(table.columns) - 1
        if not left and not right:
            return "5 Figures: claims x questions"
        return (f"5 Figures: claims x questions {left + 1}-{total - right} of {total} "
                "(h/l or ←/→: more)")

    def action_pane(self, pane: str) -> None:
        self._remember()
        self.pane = pane

    def action_cycle(self, step: int) -> None:
        names = [p for p, _ in PANES]
        self.pane = names[(names.index(self.pane) + step) % len(names)]

    # --- filling ------------------------------------------------------------------------

    def _fill_claims(self) -> None:
        self.claims_stale = False
        table = self.query_one("#claims", VirtualTable)
        event_id = None if self.all_claims else self.event_filter
        table.set_rows(self._marked(self.browser.claim_rows(event_id, self.filtered.claims)))
        event = self.analysis.catalog.events.get(event_id) if event_id else None
        scope = f"event {event.date.text}: {event.title[:200]}" if event else "all"
        table.border_title = plain(f"2 Claims: {len(table.rows)} ({scope})")
        table.border_subtitle = plain("A: " + ("this event" if self.all_claims else "all"))
        table.empty_message = "no claims for this event (a: all claims)"

    def _fill_contradictions(self) -> None:
        table = self.query_one("#contradictions", VirtualTable)
        found: Sequence[Listed] = self.analysis.contradictions.listing()
        if self.filtered.contradictions is not None:
            found = self.filtered.contradictions
        self.contradiction_count = pairs_in(found)  # a group counts its pairs
        rows = self._marked(self.browser.contradiction_rows(found))
        table.set_rows(rows, cursor=1 if rows else 0)
        table.empty_message = "no contradictions match (f: change the filter)"

    def on_virtual_table_highlighted(self, message: VirtualTable.Highlighted) -> None:
        if message.table.id == "questions" and self.show_matrix:
            self._titles()  # the columns may have scrolled sideways
        row = message.row if message.table.id == "timeline" else None
        if row and row.kind not in PASSED_OVER and row.key != self.event_filter:
            self.event_filter = row.key
            if not self.all_claims:
                self.claims_stale = True  # filled when the claims pane is shown
        self._preview()

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        row = message.row
        if row is None or row.kind in PASSED_OVER:
            return
        table_id = message.table.id or ""
        if table_id == "sources" and self.show_pairs:
            self._remember()
            if self.set_filter(pair_filter(self.filter, self.show_pairs, pair_of(row.key))):
                self.pane = "contradictions"
            return
        if row.item is not None:  # a group opens on its pairs, a screenful at a time
            self.post_message(OpenDetail(*row.item))

    # --- preview and figures ------------------------------------------------------------

    def current_item(self) -> tuple[str, str] | None:
        table = self.table()
        row = table.current
        if row is None or row.kind in PASSED_OVER:
            return None
        if self.pane == "sources" and self.show_pairs == "sides":
            return None
        if self.pane == "sources" and self.show_pairs:
            return ("source", pair_of(row.key)[0])
        return row.item

    def action_toggle_wrap(self) -> None:
        self.set_class(not self.has_class("-whole-row"), "-whole-row")
        self._whole_row()

    def _whole_row(self) -> None:
        """The row under the cursor, every cell whole and named by its column, wrapped
        under the list: at 80 columns a list cuts what matters."""
        if not self.has_class("-whole-row"):
            return
        table = self.table()
        row = table.current
        shown = self.query_one("#whole-row", Static)
        if row is None:
            shown.update(plain("nothing selected"))
            return
        parts: list[str | tuple[str, str] | Content] = []
        for column, cell in zip(table.columns, row.cells, strict=False):
            if not cell:
                continue
            if parts:
                parts.append("  ")
            parts += [(f"{column.title or '·'} ", "bold"), plain(cell)]
        shown.update(Content.assemble(*parts))

    def _preview(self) -> None:
        self._whole_row()
        if not self.has_class("-wide"):
            return
        item = self.current_item()
        view = self.query_one("#preview", TextView)
        if item is None:
            view.update(plain("nothing selected"))
            return
        try:
            detail = self.details.of(*item)
        except CacheError as error:  # the app says so and reads the catalog again
            view.update(plain(f"{item[0]} {item[1]}: not readable, the catalog is being "
                              "read again"))
            report_damage(self, error)
            return
        region = view.scrollable_content_region  # (its last column shows the position)
        view.update(detail_lines(detail, links_in=(region.width - 1, region.height)))

    def _draw_figure(self) -> None:
        """Draw the figure of the question under the cursor, if the Figures pane is
        shown (`watch_pane` draws it when it is)."""
        if not self.is_mounted or self.pane != "figures":
            return
        row = self.query_one("#questions", VirtualTable).current
        plot = self.query_one("#plot", TextView)
        if row is None or self.show_matrix:
            plot.update(plain(""))
            return
        try:
            figure = self._figure(row.key, plot)
        except CacheError as error:  # the app says so and reads the catalog again
            plot.update(plain(f"question {row.key}: not readable, the catalog is being "
                              "read again"))
            report_damage(self, error)
            return
        if figure is not None:
            plot.update(figure)  # (each line made content when shown)

    def _figure(self, question_id: str, plot: TextView) -> list[Content | str] | None:
        """The lines of a question's figure, sized to the plot (None: no such question);
        `CacheError` if the cache failed."""
        question = self.analysis.catalog.questions.get(question_id)
        if question is None:
            return None
        # Its content's width less the position indicator's column: a line that long
        # would wrap (the last date of the axis went to column 0).
        width = max(plot.scrollable_content_region.width - 1, 30)
        height = max(min(plot.size.height - 10, 14), 5)
        if question.kind == "quantity":
            lines = quantity_plot(self.analysis, question.id, width, height)
        else:
            lines = category_lines(self.analysis, question.id)
        header = question.text + (f" ({question.unit})" if question.unit else "")
        return [plain(header).stylize("bold"), *lines]

    def action_toggle_matrix(self) -> None:
        if self.pane != "figures":
            return
        self.show_matrix = not self.show_matrix
        table = self.query_one("#questions", VirtualTable)
        if self.show_matrix:
            questions, rows = self.browser.matrix_rows()
            columns = [Column("SOURCE", 18)] + [Column(q.upper(), 14) for q in questions]
            table.set_rows(rows, columns)  # (a header too long ends in …)
            table.frozen = 1  # the source stays as the questions scroll sideways
        else:
            table.set_rows(self.browser.question_rows(self.filtered.questions),
                           QUESTION_COLUMNS)
            table.frozen = 0
        self.set_class(self.show_matrix, "-matrix")
        self._titles()
        self._draw_figure()

    # --- toggles ------------------------------------------------------------------------

    def action_toggle_all(self) -> None:
        if self.pane not in ("claims", "timeline"):
            return
        self.all_claims = not self.all_claims
        self._fill_claims()
        self._status()

    def action_toggle_pairs(self) -> None:
        if self.pane != "sources":
            return
        self.show_pairs = {"": "sources", "sources": "sides", "sides": ""}[self.show_pairs]

    def watch_show_pairs(self) -> None:
        self._fill_sources()
        self._titles()
        self._status()

    def _fill_sources(self) -> None:
        """The Sources pane as a list (""), who contradicts whom ("sources"), or which
        sides contradict which ("sides")."""
        table = self.query_one("#sources", VirtualTable)
        if self.show_pairs == "sources":
            table.set_rows(self.browser.who_contradicts_whom_rows(self.filtered.kept),
                           PAIR_COLUMNS)
            table.empty_message = "no two sources contradict each other"
        elif self.show_pairs == "sides":
            table.set_rows(self.browser.side_pairs_rows(self.filtered.kept), SIDE_PAIR_COLUMNS)
            table.empty_message = "no contradiction between sources with a side"
        else:
            table.set_rows(self.browser.source_rows(self.filtered.sources), SOURCE_COLUMNS)
            self._note_columns()

    def _marked(self, rows: Any) -> Any:
        """A list's rows, with the marks of what changed first under `--since`."""
        return rows if self.changes is None else MarkedRows(rows, self.changes)

    def set_filter(self, text: str) -> bool:
        """Filter every pane; False (and a message) when the filter cannot be read."""
        try:
            chosen = parse_filter(text)
        except FilterError as error:
            notify(self, str(error), title="Filter not applied", severity="error", timeout=8)
            return False
        try:
            self.filtered = apply_filter(self.analysis, chosen,
                                         self.notes.notes if self.notes is not None else None,
                                         changes=self.changes)
        except FilterError as error:  # `changed` without --since
            notify(self, str(error), title="Filter not applied", severity="error", timeout=8)
            return False
        except CacheError as error:  # the app says so and reads the catalog again
            report_damage(self, error)
            return False
        self.query_one("#timeline", VirtualTable).set_rows(
            self._marked(self.browser.timeline_rows(self.filtered.events)))
        self._fill_sources()  # the list or who contradicts whom, filtered
        if not self.show_matrix:
            self.query_one("#questions", VirtualTable).set_rows(
                self.browser.question_rows(self.filtered.questions))
            self._draw_figure()
        self._fill_claims()
        self._fill_contradictions()
        self._note_columns()
        self.filter = chosen  # the titles, tabs and status follow (`watch_filter`)
        return True

    def watch_filter(self) -> None:
        self._titles()
        self._tabs()
        self._status()

    def action_filter(self) -> None:
        def answered(text: str | None) -> None:
            if text is not None:
                self.set_filter(text)

        def problem(text: str) -> str | None:
            try:
                parse_filter(text)
            except FilterError as error:
                return f"not applied: {error}"
            return None

        self.app.push_screen(Prompt(
            "Filter every pane: side:S source:NAME kind:K reliability:B credibility:3 "
            "tag:T starred status:S rule:R question:ID timeline:ID from:DATE to:DATE "
            "(empty: all)", self.filter.text, check=problem), answered)

    def action_save_view(self) -> None:
        if self.notes is None:
            return
        if not self.filter.active:
            notify(self, "no filter to save: f sets one", severity="warning")
            return

        def answered(name: str | None) -> None:
            if not name or not name.strip() or self.notes is None:
                return
            try:
                self.notes.save_view(name.strip(), View(filter=self.filter.text))
            except NotesReadOnly as error:
                notify(self, str(error), severity="error", timeout=10)
                return
            notify_notes_notice(self, self.notes)
            notify(self, f"view '{name.strip()}' saved: {self.filter.text}", timeout=4)

        self.app.push_screen(Prompt(f"Save the filter '{self.filter.text}' as the view:"),
                             answered)

    def open_view(self, name: str) -> bool:
        view = self.notes.notes.views.get(name) if self.notes is not None else None
        if view is None:
            known = ", ".join(self.notes.notes.views) if self.notes is not None else ""
            notify(self, f"no view named '{name}'" + (f" (saved: {known})" if known else ""),
                   severity="error", timeout=8)
            return False
        return self.set_filter(view.filter)

    # --- search -------------------------------------------------------------------------

    def action_search(self) -> None:
        def run(query: str | None) -> None:
            if not query:
                return
            self.last_query = query
            self.hit_index = -1
            try:
                self.hits = self.search_index.find(query)  # (waits for its text, if need be)
            except CacheError as error:  # the app says so and reads the catalog again
                self.hits = []
                report_damage(self, error)
                self._status(f"/{query}: not searched, the catalog is being read again")
                return
            if not self.hits:
                notify(self, f"no match for {query!r}", severity="warning")
                self._status(f"/{query}: no match")
                return
            self._remember()
            self.action_next_hit(1, query)

        self.app.push_screen(Prompt("Search every field (names, aliases, quotes, notes):"),
                             run)

    def _search_again(self, query: str | None, hit_index: int) -> None:
        """The search made before the catalog was shown again stands (the first one may
        be made while the engine runs): n/N go on from the same match."""
        if query is None or self.search_index.text.sections is None:
            return  # (a catalog read again: its text is not made on this thread)
        self.last_query = query
        try:
            self.hits = self.search_index.find(query)
        except CacheError as error:  # the app says so and reads the catalog again
            report_damage(self, error)
            return
        self.hit_index = min(hit_index, len(self.hits) - 1)

    def action_next_hit(self, step: int, query: str | None = None) -> None:
        if not self.hits:
            notify(self, "no search yet: press / to search" if self.last_query is None
                   else f"no match for {self.last_query!r}: / searches again")
            return
        self.hit_index = (self.hit_index + step) % len(self.hits)
        hit = self.hits[self.hit_index]
        self.go_to(hit.kind, hit.id)
        self._status(self._match_status())

    def _match_status(self) -> str:
        return f"match {self.hit_index + 1} of {len(self.hits)} (n/N: next/previous)"

    def _passes(self, kind: str, entity_id: str) -> bool:
        chosen = {"event": self.filtered.events, "claim": self.filtered.claims,
                  "source": self.filtered.sources}.get(kind)
        if kind == "contradiction":
            return self.filtered.keeps_contradiction(entity_id)
        return chosen is None or entity_id in chosen

    def go_to(self, kind: str, entity_id: str) -> None:
        """Show the pane of `kind` with the cursor on `entity_id`."""
        pane = PANE_OF_KIND[kind]
        if kind == "claim":
            claim = self.analysis.catalog.claims[entity_id]
            if not self.all_claims and claim.event != self.event_filter:
                self.all_claims = True
                self._fill_claims()
        if kind == "source" and self.show_pairs:
            self.show_pairs = ""  # the list, where the source's row is
        if kind == "question" and self.show_matrix:
            self.pane = "figures"
            self.action_toggle_matrix()
        if self.filter.active and kind != "question" and not self._passes(kind, entity_id):
            self.set_filter("")  # what was asked for is filtered out: show everything
        self.pane = pane
        table = self.table(pane)
        index = table.index_of(entity_id)
        if index is not None:
            table.move_to(index)

    # --- history ------------------------------------------------------------------------

    def _remember(self) -> None:
        row = self.table().current
        self.history.append(Place(self.pane, row.key if row else None))
        del self.history[:-100]

    def action_escape(self) -> None:
        """esc as in other terminal tools: it clears the filter first, then goes back,
        then clears the search; it says "nothing to go back to" only when nothing is
        left to undo."""
        if self.filter.active:
            self.set_filter("")
            self._status("filter cleared")
        elif self.history:
            self.action_back()
        elif self.last_query is not None:
            self.last_query, self.hits, self.hit_index = None, [], -1
            self._status("search cleared")
        else:
            self._status("nothing to go back to")

    def action_back(self) -> None:
        if not self.history:
            self._status("nothing to go back to")
            return
        place = self.history.pop()
        self.pane = place.pane
        if place.key is not None:
            index = self.table().index_of(place.key)
            if index is not None:
                self.table().move_to(index)

    # --- status -------------------------------------------------------------------------

    def show_problems(self, result: LoadResult) -> None:
        """A change did not reload: say so until one does."""
        self.not_reloaded = result
        self._tabs()
        self._status()

    def _status(self, message: str = "") -> None:
        parts = [self._counted()]
        if self.partial:
            parts.append(f"PARTIAL ({len(self.partial)} file(s) with errors left out; "
                         "E: the errors)")
        if self.not_reloaded is not None:
            count = len(self.not_reloaded.diagnostics)
            parts.append(f"NOT RELOADED: {count} problem{'s' * (count != 1)} after the last "
                         "change; showing the catalog before it (E: the errors)")
        if self.notes is not None and self.notes.read_only:
            parts.append("NOTES READ-ONLY")
        if self.since is not None and self.compared is not None:
            self.query_one(SinceBar).show(self.since.name, self.compared)
        if message:
            parts.append(message)
        parts.append("? help")
        self.query_one("#status", Static).update(plain("  │  ".join(parts)))
