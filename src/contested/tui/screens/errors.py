"""When files have errors: the same located messages as `validate`, each line in
context, and the choice to go on with the files that loaded cleanly."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from contested.catalog.loading import LoadResult
from contested.format.diagnostics import Diagnostic, SourceLines, excerpt
from contested.present.rows import Row
from contested.tui.messages import GoOnWithCleanFiles
from contested.tui.safe import plain, plain_lines
from contested.tui.widgets.rows import Column, VirtualTable

ERROR_COLUMNS = [Column("WHERE", 34), Column("PROBLEM", 40, flex=True)]
CONTEXT_LINES = 6


def in_context(problem: Diagnostic, sources: SourceLines, around: int = CONTEXT_LINES
               ) -> str:
    """The lines around a problem, numbered, with a caret under its column: each line
    a window around that column (`diagnostics.excerpt`), so that a line of 60 MB is
    shown as a screenful, not laid out whole."""
    location = problem.location
    if not location.line:
        return "(no line to show)"
    out = []
    width = len(str(location.line + around))
    for number in range(max(location.line - around, 1), location.line + around + 1):
        text = sources.line(location.path, number)
        if text is None:
            break
        marker = ">" if number == location.line else " "
        shown, caret = excerpt(text, location.column)
        out.append(f"{marker}{str(number).rjust(width)} │ {shown}")
        if number == location.line:
            out.append(f" {' ' * width} │ {' ' * caret}^ {problem.message}")
    return "\n".join(out)


class ContextScreen(ModalScreen[None], inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,enter,q", "close", "Back", id="context.close"),
    ]

    def __init__(self, problem: Diagnostic, sources: SourceLines) -> None:
        super().__init__()
        self.problem = problem
        self.sources = sources

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="context-box"):
            yield Static(plain_lines(in_context(self.problem, self.sources, 12)))

    def on_mount(self) -> None:
        box = self.query_one("#context-box")
        box.border_title = plain(str(self.problem.location))
        box.focus()

    def action_close(self) -> None:
        self.dismiss()


class ErrorsScreen(Screen[None], inherit_bindings=False):
    """Lists every problem; `c` goes on with the clean files, marked as partial."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "go_on", "Go on with the clean files", id="errors.continue"),
        Binding("escape", "back", "Back to the catalog", show=False, id="back"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, result: LoadResult, *, pushed: bool = False) -> None:
        super().__init__()
        self.result = result
        self.pushed = pushed
        """Shown over the catalog (`E`): esc goes back to it, and there is nothing to
        go on with."""
        self.sources = SourceLines()

    def compose(self) -> ComposeResult:
        yield Static(id="errors-head")
        yield VirtualTable(ERROR_COLUMNS, [
            Row(str(i), (str(d.location), f"{d.message} [{d.code}]"))
            for i, d in enumerate(self.result.diagnostics)
        ], id="errors")
        yield Static(id="errors-context")
        yield Footer()

    def on_mount(self) -> None:
        failed = self.result.failed_paths
        clean = len(self.result.paths) - len(failed)
        count = len(self.result.diagnostics)
        head = Content.assemble(
            (f" {count} problem{'s' * (count != 1)} in {len(failed)} file(s) ", "bold reverse"),
            f"  {clean} file(s) loaded cleanly. enter: show the line  " +
            ("esc: back to the catalog" if self.pushed else
             "c: go on with the clean files  q: quit"),
        )
        excused = self.result.excused_note()
        if excused:  # what a file that did not load explains, not listed one by one
            head = Content.assemble(head, "\n ", excused)
        self.query_one("#errors-head", Static).update(head)
        table = self.query_one("#errors", VirtualTable)
        table.border_title = plain("Errors (the catalog on screen is the last that loaded;"
                                   " esc: back)" if self.pushed else
                                   "Errors (the catalog was not loaded)")
        table.focus()
        self._show(0)

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.result.diagnostics):
            context = in_context(self.result.diagnostics[index], self.sources)
            self.query_one("#errors-context", Static).update(plain_lines(context))

    def on_virtual_table_highlighted(self, message: VirtualTable.Highlighted) -> None:
        self._show(message.index)

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        self.app.push_screen(ContextScreen(self.result.diagnostics[message.index],
                                           self.sources))

    def action_go_on(self) -> None:
        if self.pushed:
            self.app.pop_screen()
            return
        self.post_message(GoOnWithCleanFiles(self.result))

    def action_back(self) -> None:
        if self.pushed:
            self.app.pop_screen()
