"""The explorer app: loads the catalog in a worker, then shows it (or its errors)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from contested.errors import CacheError
from contested.support.text import printable
from contested.tui.commands import ContestedCommands, PaletteEntry
from contested.tui.keymap import default_keymap_path, load_keymap
from contested.tui.messages import CatalogDamaged, GoOnWithCleanFiles, OpenDetail
from contested.tui.safe import notify, notify_notes_notice
from contested.tui.screens.loading import LoadingScreen
from contested.tui.serve import served_read_only

if TYPE_CHECKING:
    from contested.catalog.cache.store import CatalogCache
    from contested.catalog.loading import LoadResult
    from contested.catalog.preload import Preload
    from contested.catalog.same_events import SameEventRule
    from contested.engine.analysis import Analysis
    from contested.engine.changes import Baseline
    from contested.present.details import Detail
    from contested.review.notes import Note
    from contested.review.store import NotesStore
    from contested.tui.live_notes import NotesFollower
    from contested.tui.screens.main import MainScreen

# The core (pydantic, PyYAML) is imported by the load's own thread (`contested.catalog.preload`)
# and the main screen in the loading worker, while the first screen paints: that is a
# third of the start-up time.


LOADING_SCREEN_AFTER = 0.4
"""Seconds a load may take before the loading screen is shown: a quick load (a small or
a cached catalog) goes straight to the catalog, not through a screen drawn only to be
replaced at once, which would delay the catalog by as long as it takes to draw."""


class ContestedApp(App[int], inherit_bindings=False):
    """`contested [PATHS…]`: the catalog's events, claims, sources, contradictions and
    figures, one key away."""

    TITLE = "contested"
    CSS_PATH = "contested.tcss"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        *App.COMMANDS, ContestedCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,ctrl+q", "quit", "Quit", id="quit", priority=False),
        Binding("ctrl+c", "copy_or_quit", "Copy the selected text; with none, quit",
                show=False, id="app.copy-or-quit", priority=True),
        Binding("ctrl+z", "suspend_process", "Suspend to the shell (fg comes back)",
                show=False, id="app.suspend"),
        Binding("ctrl+p", "command_palette", "palette", show=False, id="palette",
                key_display="^p", priority=True,
                tooltip="The command palette: every command, by name"),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("asterisk", "note_star", "Star / unstar", show=False, id="notes.star"),
        Binding("t", "note_tags", "Tags", show=False, id="notes.tags"),
        Binding("a", "note_comment", "Add a comment", show=False, id="notes.comment"),
        Binding("m", "note_status", "Status: open, explained, resolved", show=False,
                id="notes.status"),
        Binding("p", "note_prefer", "Prefer a side's claim (with the reason)", show=False,
                id="notes.prefer"),
        Binding("O", "orphans", "Orphaned notes", show=False, id="notes.orphans"),
        Binding("L", "history", "History: who changed the item's notes, and when",
                show=False, id="notes.history"),
        Binding("u", "undo", "Undo your own last note change", show=False,
                id="notes.undo"),
        Binding("D", "documents", "Documents: each archived copy and its quotes verified",
                show=False, id="documents"),
        Binding("y", "copy", "Copy the item (OSC 52: works over SSH and in tmux)",
                show=False, id="copy"),
        Binding("e", "export_report", "Export the report, with the notes", show=False,
                id="export"),
        Binding("E", "show_errors", "The errors of the files left out or not reloaded",
                show=False, id="errors.show"),
        Binding("H", "hypotheses", "Hypotheses: the question's answers ranked (ACH)",
                show=False, id="hypotheses"),
    ]

    def __init__(self, paths: Sequence[str | Path] = (), *,
                 keymap_path: Path | None = None, notes_path: Path | None = None,
                 view: str | None = None, cache: bool = True,
                 preload: Preload | None = None,
                 same_events: SameEventRule | None = None,
                 since: Baseline | None = None, analyst: str | None = None) -> None:
        # NO_COLOR: Textual's own answer is grey levels, still sent as 256-colour codes.
        # Asked for the terminal's own colours, it removes colour altogether instead;
        # the CSS then marks the cursor row in reverse video (`App:nocolor`).
        super().__init__(ansi_color="NO_COLOR" in os.environ)
        self.preload = preload
        """The load started with the command, if it was (else `load` starts it)."""
        self.start_view = view
        self.use_cache = cache
        self.same_events = same_events
        """The same-event rule asked for (`--same-event-km`), None for the default."""
        self.since = since
        """What the catalog shown is compared with (`--since REV`), if anything."""
        self.paths = list(paths)
        self.notes_path = notes_path
        self.analyst = analyst
        """`--analyst NAME`, if given (else the store finds the name: `review.analyst`)."""
        self.notes: NotesStore | None = None
        self.exported: Path | None = None
        self.keymap_path = keymap_path or default_keymap_path()
        self.analysis: Analysis | None = None
        self.main: MainScreen | None = None
        self.result: LoadResult | None = None
        self.watched: list[str | Path] = []
        self.stamps: dict[str, tuple[int, int]] = {}
        self.reloads = 0
        self.watching = False
        self.follower: NotesFollower | None = None
        """Follows the notes file for others' changes, once the catalog is up."""
        self.failure: BaseException | None = None
        self.progress: tuple[int, int] | None = None
        """Files loaded so far, of how many (the loading screen shows them once up)."""
        self.reading_again = False
        """The catalog is being read again because the cache failed while an item was
        shown (`read_again`): said once, until that reload is over."""
        """A bug met while loading: the app ends, and `run_explorer` reports it."""

    def on_mount(self) -> None:
        keymap, problem = load_keymap(self.keymap_path)
        if keymap:
            self.set_keymap(keymap)
        if problem:
            notify(self, problem, severity="warning", timeout=8)
        self.set_timer(LOADING_SCREEN_AFTER, self.show_loading)
        self.load()

    def show_loading(self) -> None:
        """The loading screen, for a load that was not over in a moment (until it is,
        the terminal shows the app's empty default screen)."""
        if self.main is not None or self.result is not None or len(self.screen_stack) > 1:
            return  # the catalog, its errors, or a screen over them is up already
        names = ", ".join(Path(p).name for p in self.paths) or "the bundled Kursk timelines"
        self.push_screen(LoadingScreen(names, self.progress))

    def on_loading_screen_progress(self, message: LoadingScreen.Progress) -> None:
        """Files loaded so far: kept for a loading screen still to come, else shown."""
        self.progress = (message.done, message.total)
        if isinstance(self.screen, LoadingScreen):
            self.screen.show_progress(message.done, message.total)

    def cache(self) -> CatalogCache | None:
        """The cache of validated files (a changed file is parsed again alone)."""
        from contested.catalog.cache.store import CatalogCache

        return CatalogCache() if self.use_cache else None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug while loading ends the app with a report, as a bug anywhere else does,
        instead of leaving the loading screen up for ever."""
        if event.worker.name == "load" and event.state is WorkerState.ERROR:
            from contested.support.crash import EXIT_INTERNAL

            self.failure = event.worker.error
            self.exit(EXIT_INTERNAL, return_code=EXIT_INTERNAL)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        from contested.catalog.preload import Preload
        from contested.engine.analysis import analyse, pending
        from contested.present.search import remember_files
        from contested.review.store import NotesStore
        from contested.support.dirs import default_notes_path
        from contested.tui.screens.main import (  # (imported here, off the UI)
            FIRST_PAINT_WAIT,
        )

        preload = self.preload or Preload(self.paths, cache=self.use_cache).start()
        self.preload = None  # a reload loads anew
        self.notes = NotesStore(self.notes_path or default_notes_path(self.paths),
                                analyst=self.analyst)
        self.notes.read_only = self.notes.read_only or served_read_only()

        def progress(done: int, total: int) -> None:
            self.post_message(LoadingScreen.Progress(done, total))  # thread-safe

        result = preload.result(progress)
        self.watched, self.stamps = preload.watched, preload.stamps
        if not result.ok:
            self.call_from_thread(self.show_errors, result)
            return
        remember_files(result.catalog, result.keys)  # its search text is kept under them
        # The catalog is shown at once and the engine's findings fill it in: the
        # Timeline of 100,000 events is up while 300,000 claims are compared; and even
        # the bundled catalog's first screen would wait on the engine (and numpy, which
        # it imports) longer than drawing it again with the findings costs.
        self.call_from_thread(self.show_catalog, pending(result.catalog), [])
        if self.main is not None:
            self.main.painted.wait(FIRST_PAINT_WAIT)
        analysis = analyse(result.catalog)  # frozen out of the collector's passes
        self.call_from_thread(self.analysed, analysis)

    def analysed(self, analysis: Analysis) -> None:
        """The engine's findings for the catalog on screen (shown while it ran)."""
        if self.analysis is not None and self.analysis.catalog is not analysis.catalog:
            return  # a reload came first, with its own findings
        self.analysis = analysis
        if self.main is not None:
            self.main.reload(analysis, quietly=True)

    def show_catalog(self, analysis: Analysis, partial: list[str]) -> None:
        from contested.tui.screens.main import MainScreen

        self.analysis = analysis
        self.main = MainScreen(analysis, partial=partial, notes=self.notes,
                               start_view=self.start_view, since=self.since)
        self.replace_screen(self.main)
        self.watch_files()
        self.follow_notes()
        if self.notes is not None and self.notes.read_only:
            notify(self, self.notes.read_only, title="Notes are read-only",
                   severity="error", timeout=15)

    # --- live reload ----------------------------------------------------------------------

    def watch_files(self) -> None:
        """Look at the timeline files' stamps ten times a second (a few stat calls)."""
        if self.main is not None and not self.watching:
            self.watching = True
            self.set_interval(0.1, self.check_files)

    def follow_notes(self) -> None:
        """Show the notes others save to the same file as they save them."""
        from contested.tui.live_notes import NotesFollower

        if self.notes is not None and self.follower is None:
            self.follower = NotesFollower(self, lambda: self.notes, self.show_notes)
            self.follower.start()

    def show_notes(self) -> None:
        """Repaint what shows notes (the lists, the preview, the screen on top) after
        others changed them: every cursor stays where it is."""
        if self.main is not None:
            self.main.notes_changed()
        refresh = getattr(self.screen, "notes_changed", None)
        if refresh is not None and self.screen is not self.main:
            item = self.focused_item()
            refresh(self.detail_of(*item) if item is not None else None)

    def check_files(self) -> None:
        from contested.catalog.discover import stamps, unchanged

        if not unchanged(self.stamps):
            self.stamps = stamps(self.watched)
            self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reload")
    def reload(self) -> None:
        """Load again in a worker. A change that breaks a file, or a load that fails
        on its own (memory ran out, a bug), leaves the last good catalog on screen and
        says so; the files stay watched, so the next change is loaded."""
        from textual.worker import get_current_worker

        from contested.catalog.loading import load_catalog
        from contested.engine.analysis import analyse
        from contested.present.search import remember_files

        worker = get_current_worker()
        failure = None
        try:
            result = load_catalog(self.watched, cache=self.cache(),
                                  same_events=self.same_events)
            if worker.is_cancelled:  # a newer change is being loaded
                return
            if not result.ok:
                self.call_from_thread(self.not_reloaded, result)
                return
            remember_files(result.catalog, result.keys)
            analysis = analyse(result.catalog)
        except Exception as error:  # said on screen, never raised
            failure = _failure(error)
        if failure is not None:  # (out of the handler: what the frames held is freed)
            if not worker.is_cancelled:
                self.call_from_thread(self.reload_failed, *failure)
            return
        if not worker.is_cancelled:
            self.call_from_thread(self.reloaded, analysis)

    def reload_failed(self, code: str, message: str) -> None:
        """A reload that failed on its own is said as a broken file is (a notice, the
        status bar, `E`), at the first path watched."""
        from contested.catalog.catalog import Catalog
        from contested.catalog.loading import LoadResult
        from contested.format.diagnostics import Diagnostic, Location

        where = Location(str(self.watched[0]) if self.watched else ".")
        catalog = self.analysis.catalog if self.analysis is not None else Catalog()
        self.not_reloaded(LoadResult(catalog, [Diagnostic(where, code, message)]))

    def reloaded(self, analysis: Analysis) -> None:
        """Every file loaded: the catalog on screen is whole again (PARTIAL and a
        failed reload are over)."""
        self.analysis = analysis
        self.result = None
        self.reading_again = False
        if self.main is not None:
            self.main.reload(analysis, whole=True)
        self.reloads += 1

    def not_reloaded(self, result: LoadResult) -> None:
        """A change broke a file: the last catalog that loaded stays on screen, the
        status bar says so until it is mended, and `E` lists the problems."""
        self.result = result
        self.reading_again = False
        count = len(result.diagnostics)
        notify(self, f"{count} problem{'s' * (count != 1)} after the change: "
               f"{result.diagnostics[0].headline()}", title="Not reloaded (E: the errors)",
               severity="error", timeout=15)
        if self.main is not None:
            self.main.show_problems(result)

    def action_show_errors(self) -> None:
        """The problems of the files left out (PARTIAL) or of a change that did not
        reload, with the line of each; esc comes back."""
        from contested.tui.screens.errors import ErrorsScreen

        if self.result is None or self.result.ok:
            notify(self, "no errors: every file loaded", timeout=4)
            return
        self.push_screen(ErrorsScreen(self.result, pushed=True))

    def show_errors(self, result: LoadResult) -> None:
        from contested.tui.screens.errors import ErrorsScreen

        self.result = result
        self.replace_screen(ErrorsScreen(result))

    def replace_screen(self, screen: Screen[None]) -> None:
        """`screen` in place of the one on top: the loading screen, the errors, or, after
        a quick load, the app's empty default screen (which stays under it: Textual
        keeps one screen on the stack)."""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def continue_partial(self, result: LoadResult) -> None:
        from contested.engine.analysis import analyse

        self.result = result
        self.show_catalog(analyse(result.catalog), result.failed_paths)

    def on_go_on_with_clean_files(self, message: GoOnWithCleanFiles) -> None:
        """`c` on the errors screen: the catalog of the files that loaded cleanly."""
        self.continue_partial(message.result)

    def on_catalog_damaged(self, message: CatalogDamaged) -> None:
        """A list or the preview could not read an item back from the cache."""
        self.read_again(message.reason)

    def read_again(self, reason: str) -> None:
        """The cache failed while an item was being shown (a cached file changed or was
        damaged after the catalog was read: `contested.errors.CacheError`): say so, once,
        and load the catalog again as a changed file does (`reload`), instead of ending
        the app."""
        from contested.catalog.discover import stamps

        if self.reading_again:
            return
        self.reading_again = True
        notify(self, "a cached file changed or was damaged while the explorer read it: the "
               "catalog is read again (if this keeps happening, start contested with "
               f"--no-cache). {reason}", title="Catalog read again", severity="warning",
               timeout=15)
        self.stamps = stamps(self.watched)  # this change is read now, not once more
        self.reload()

    def detail_of(self, kind: str, entity_id: str) -> Detail | None:
        """The detail of an item of the catalog on screen; None when there is none, or
        when the cache it is read from failed (said, and the catalog read again)."""
        if self.main is None:
            return None
        try:
            return self.main.details.of(kind, entity_id)
        except CacheError as error:
            self.read_again(str(error))
            return None

    # --- navigation shared by the screens ------------------------------------------------

    def on_open_detail(self, message: OpenDetail) -> None:
        """A screen asked for an item's detail (enter on a row or a link)."""
        self.push_screen_detail(message.kind, message.item_id)

    def push_screen_detail(self, kind: str, entity_id: str) -> None:
        """Open the detail view of one item (the screen stack is the history)."""
        from contested.tui.screens.detail import DetailScreen

        if self.main is None or not self.main.details.exists(kind, entity_id):
            notify(self, f"{kind} {entity_id} is not in this catalog", severity="warning")
            return
        group = self.main.details.group_of(entity_id) if kind == "group" else None
        if group is not None:  # a group: its pairs, listed
            from contested.tui.screens.group import GroupScreen

            self.push_screen(GroupScreen(group, self.main.browser))
            return
        detail = self.detail_of(kind, entity_id)
        if detail is not None:
            self.push_screen(DetailScreen(detail))

    # --- review notes -------------------------------------------------------------------

    def focused_item(self) -> tuple[str, str] | None:
        """(kind, id) of the focused row, or of the detail shown."""
        from contested.tui.screens.detail import DetailScreen
        from contested.tui.screens.group import GroupScreen
        from contested.tui.screens.main import MainScreen

        screen = self.screen
        if isinstance(screen, MainScreen):
            return screen.current_item()
        if isinstance(screen, DetailScreen):
            return (screen.detail.kind, screen.detail.id)
        if isinstance(screen, GroupScreen):
            pair = screen.current_pair()
            return ("contradiction", pair) if pair is not None else None
        return None

    def noted_item(self) -> tuple[str, str] | None:
        """The item the notes keys act on, if notes can be kept on it."""
        from contested.review.notes import SECTION_OF

        item = self.focused_item()
        if item is None or self.notes is None:
            return None
        if item[0] not in SECTION_OF:
            notify(self, "notes are kept on events, claims, sources and contradictions",
                   severity="warning")
            return None
        return item

    def change_note(self, item: tuple[str, str], edit: Callable[[Note], Note]) -> None:
        from contested.review.store import NotesReadOnly

        assert self.notes is not None
        try:
            note = self.notes.change(*item, edit)
        except NotesReadOnly as error:
            self.notes_refused(str(error), item, edit)
            return
        notify_notes_notice(self, self.notes)
        if self.main is not None:
            self.main.notes_changed()
        refresh = getattr(self.screen, "notes_changed", None)
        if refresh is not None and self.screen is not self.main:
            refresh(self.detail_of(*item))
        notify(self, f"{item[0]} {item[1]}: {note.marks() or 'no notes'}", timeout=3)

    def notes_refused(self, reason: str, item: tuple[str, str],
                      edit: Callable[[Note], Note]) -> None:
        """A save failed: say why; where the folder cannot be written, offer another file."""
        from contested.tui.screens.prompt import Prompt

        notify(self, reason, title="Note not saved", severity="error", timeout=12)
        if self.notes is None or self.notes.read_only or "choose another" not in reason:
            if self.main is not None:
                self.main.notes_changed()
            return

        def moved(answer: str | None) -> None:
            if not answer or self.notes is None:
                return
            self.notes.move_to(Path(answer).expanduser())
            self.change_note(item, edit)

        self.push_screen(Prompt("Save the notes in another file (path):",
                                str(Path.home() / "contested-notes.yaml")), moved)

    def action_note_star(self) -> None:
        from contested.review.notes import toggled_star

        item = self.noted_item()
        if item is not None:
            self.change_note(item, toggled_star)

    def ask_then_change(self, item: tuple[str, str], question: str,
                        edit_of: Callable[[str], Callable[[Note], Note] | None],
                        value: str = "") -> None:
        """Ask for a line; `edit_of(answer)` is the change to save (None: nothing)."""
        from contested.tui.screens.prompt import Prompt

        def answered(text: str | None) -> None:
            edit = edit_of(text) if text is not None else None
            if edit is not None:
                self.change_note(item, edit)

        self.push_screen(Prompt(question, value), answered)

    def action_note_tags(self) -> None:
        from contested.review.notes import with_tags

        item = self.noted_item()
        if item is not None and self.notes is not None:
            self.ask_then_change(item, f"Tags of {item[0]} {item[1]} (space or comma "
                                 "between):", with_tags, " ".join(self.notes.get(*item).tags))

    def action_note_comment(self) -> None:
        from contested.review.notes import with_comment

        item = self.noted_item()
        if item is not None:
            self.ask_then_change(item, f"Comment on {item[0]} {item[1]}:",
                                 lambda text: with_comment(text.strip()) if text.strip()
                                 else None)

    def contradiction_item(self) -> tuple[str, str] | None:
        item = self.noted_item()
        if item is not None and item[0] != "contradiction":
            notify(self, "status and preferred claims are for contradictions (4)",
                   severity="warning")
            return None
        return item

    def action_note_status(self) -> None:
        from contested.review.notes import next_status

        item = self.contradiction_item()
        if item is not None:
            self.change_note(item, next_status)

    def action_note_prefer(self) -> None:
        from contested.present.wording import describe
        from contested.review.notes import with_preferred
        from contested.tui.screens.detail import DetailScreen
        from contested.tui.screens.prompt import Prompt

        item = self.contradiction_item()
        if item is None or self.analysis is None:
            return
        found = self.analysis.contradictions.get(item[1])
        if found is None:
            return
        catalog = self.analysis.catalog
        claims = [c for c in found.claims if c in catalog.claims]
        screen = self.screen
        focused = None  # in a contradiction's detail, the claim link under the cursor
        link = screen.focused_link() if isinstance(screen, DetailScreen) else None
        if link is not None:
            kind, target = link
            focused = target if kind == "claim" and target in claims else None

        def because(claim_id: str) -> None:
            self.ask_then_change(item, f"Why is {claim_id} preferred?",
                                 lambda reason: with_preferred(claim_id, reason.strip()))

        if focused is not None:
            because(focused)
            return
        choices = "  ".join(f"{n}: {describe(catalog, catalog.claims[c])}"
                            for n, c in enumerate(claims, 1))

        def chosen(answer: str | None) -> None:
            if answer is None:
                return
            picked = answer.strip()
            if picked.isdigit() and 1 <= int(picked) <= len(claims):
                because(claims[int(picked) - 1])
            elif picked in claims:
                because(picked)
            else:
                notify(self, f"no side {picked!r}: give 1 to {len(claims)}", severity="warning")

        self.push_screen(Prompt(f"Prefer which side? {choices}"), chosen)

    def action_copy(self) -> None:
        """Copy the focused item (id, text, quote, sources) to the clipboard: by OSC 52
        (Textual's `copy_to_clipboard`; works over SSH), and inside tmux through tmux
        itself (`tmux_copy`), which drops an application's OSC 52 as it comes; the
        message says where the text went."""
        from contested.support.clipboard import in_tmux, tmux_copy

        item = self.focused_item()
        detail = self.detail_of(*item) if item is not None else None
        if item is None or detail is None:
            return
        lines = [f"{detail.kind} {detail.id}", detail.title]
        lines += [f"{label}: {value}" for label, value in detail.fields]
        text = printable("\n".join(lines), keep_newlines=True)
        self.copy_to_clipboard(text)
        where = "sent to the terminal's clipboard (OSC 52)"
        severity: SeverityLevel = "information"
        if in_tmux():
            took, where = tmux_copy(text)
            severity = "information" if took else "warning"
        notify(self, f"copied {item[0]} {item[1]} ({len(text)} characters): {where}",
               severity=severity, timeout=5)

    def action_copy_or_quit(self) -> None:
        """ctrl+c as a terminal user expects it: copy what the mouse selected, or, with
        nothing selected, quit."""
        selected = self.screen.get_selected_text()
        if selected:
            self.copy_to_clipboard(selected)
            notify(self, f"copied the selection ({len(selected)} characters)", timeout=3)
            return
        self.exit()

    def action_export_report(self) -> None:
        """Write the markdown report, notes included, beside the notes file."""
        import time

        from contested.export.markdown import to_markdown
        from contested.support.files import Refused, replace

        if self.analysis is None or self.notes is None or self.main is None:
            return
        view = self.main.filtered
        folder = self.notes.path.parent
        path = folder / f"contested-report-{time.strftime('%Y%m%d-%H%M%S')}.md"
        try:
            replace(path, to_markdown(self.analysis, notes=self.notes.notes, view=view))
        except (Refused, OSError) as error:
            reason = error.reason if isinstance(error, Refused) else error.strerror or error
            notify(self, f"cannot write {path}: {reason}", severity="error", timeout=10)
            return
        self.exported = path
        notify(self, f"report written: {path}", title="Exported", timeout=10)

    def action_hypotheses(self) -> None:
        from contested.tui.screens.hypotheses import open_hypotheses

        open_hypotheses(self, self.analysis, self.focused_item(), self.notes)

    def action_orphans(self) -> None:
        from contested.tui.screens.orphans import OrphansScreen

        if self.notes is None or self.main is None:
            return
        details = self.main.details
        singular = {"contradictions": "contradiction", "claims": "claim",
                    "events": "event", "sources": "source"}
        self.push_screen(OrphansScreen(self.notes.orphans(
            lambda section, target: details.exists(singular[section], target))))

    def action_history(self) -> None:
        from contested.tui.screens.history import open_history

        open_history(self, self.focused_item())

    def action_undo(self) -> None:
        from contested.tui.screens.history import undo_last

        undo_last(self)

    def action_documents(self) -> None:
        """The catalog's documents, each with its archived copy's state and how many
        of its quotes were verified; enter opens one."""
        from contested.present.documents import document_rows
        from contested.tui.screens.documents import DocumentsScreen

        if self.main is None or isinstance(self.screen, DocumentsScreen):
            return
        self.push_screen(DocumentsScreen(document_rows(self.main.details.catalog)))

    def action_help(self) -> None:
        from contested.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen([b for b, _ in self._bindings_in_force(self.screen)]))

    def _bindings_in_force(self, screen: Screen[object]) -> list[tuple[Binding, DOMNode]]:
        """One binding per action, with every key that triggers it and the node whose
        action it runs, ours (with ids) before Textual's own."""
        merged: dict[str, tuple[Binding, DOMNode]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            name = binding.action
            known = merged.get(name)
            if known is None:
                merged[name] = (binding, active.node)
                continue
            first, node = known
            keys = ",".join(dict.fromkeys([*first.key.split(","), *binding.key.split(",")]))
            merged[name] = (replace(first, key=keys, id=first.id or binding.id,
                                    description=first.description or binding.description),
                            node)
        return sorted(merged.values(),
                      key=lambda pair: (pair[0].id is None, pair[0].id or "", pair[0].action))

    def palette_entries(self, screen: Screen[object]) -> list[PaletteEntry]:
        """Every action in force on `screen`, named as in help, and every saved view:
        the command palette shows them as text (`contested.tui.commands`)."""
        entries = []
        for binding, node in self._bindings_in_force(screen):
            if not binding.description or binding.action == "command_palette":
                continue
            keys = binding.key.replace("question_mark", "?").replace("slash", "/")
            about = f"{keys} · id: {binding.id}" if binding.id else keys

            def run(action: str = binding.action, target: DOMNode = node) -> None:
                self.call_later(self.run_action, action, target)

            entries.append(PaletteEntry(binding.description, about, run))
        if self.notes is not None and self.main is not None:
            from contested.tui.screens.history import open_history

            entries.append(PaletteEntry("History: every note change in the review",
                                        "who changed what, and when",
                                        lambda: open_history(self, None)))
            for name, view in self.notes.notes.views.items():
                def show(name: str = name) -> None:
                    if self.main is not None:
                        self.main.open_view(name)
                entries.append(PaletteEntry(f"View: {name}", view.filter, show))
        return entries


def _failure(error: Exception) -> tuple[str, str]:
    """(code, message) of a load that failed on its own: memory running out is said as
    such (it is the size of what was given, not a bug); a bug leaves a report."""
    if isinstance(error, MemoryError):
        return "out-of-memory", ("out of memory while loading the change: the files "
                                 "need more memory than this process may use")
    from contested.support.crash import write_report

    where = write_report(error, sys.argv)
    report = f"; the report is in {where}" if where else ""
    return "reload-failed", (f"the reload failed on a bug ({type(error).__name__}){report}. "
                             "Please send it to the developers.")


def run_explorer(paths: Sequence[str], *, mouse: bool = True,
                 notes: Path | None = None, view: str | None = None, cache: bool = True,
                 preload: Preload | None = None,
                 same_events: SameEventRule | None = None,
                 since: Baseline | None = None, analyst: str | None = None) -> int:
    """Run the app in this terminal; the exit status of the process."""
    app = ContestedApp(paths, notes_path=notes, view=view, cache=cache, preload=preload,
                       same_events=same_events, since=since, analyst=analyst)
    status = app.run(mouse=mouse)
    if app.failure is not None:
        from contested.support.crash import report_crash

        return report_crash(app.failure, sys.argv)
    return status if isinstance(status, int) else 0
