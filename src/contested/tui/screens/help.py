"""Help generated from the bindings themselves, so it always tells the keys in force
where it was opened (after the keymap file) and the id to remap each, grouped by task."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen

from contested.tui.keymap import default_keymap_path
from contested.tui.widgets.text_view import ReadingView

START = (
    "contested shows where sources disagree.",
    "• 4 Contradictions: the claims that cannot all be true (enter: details, quotes, "
    "where each claim came from).",
    "• 5 Figures: each question's figures over time (a series is a trend, not a "
    "contradiction).",
    "• 1 Timeline, 2 Claims, 3 Sources; / searches everything, n/N next/previous; enter "
    "opens, esc goes back; ctrl+p lists every command.",
    "• ! marks a claim in a contradiction; +N counts agreement by independent origin.",
    "• Review: * star, t tags, a comment; on a contradiction m status and p the side you "
    "prefer. Notes are saved at once in their own file, never in the timelines.",
)

TASKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Moving", ("cursor.", "open", "back", "history.", "detail.switch", "row.wrap")),
    ("Panes", ("pane.", "claims.", "sources.", "figures.")),
    ("Documents", ("documents", "detail.paragraph")),
    ("Review", ("notes.",)),
    ("Search and filter", ("search", "filter", "view.")),
    ("Copy and export", ("copy", "export")),
    ("App", ("",)),
)
"""Each task and the binding ids (or their beginnings) it holds, in the order shown; the
first that matches takes a binding, so "App" takes what is left."""

ORDER = (
    "cursor.down", "cursor.up", "cursor.first", "cursor.last", "cursor.page-down",
    "cursor.page-up", "open", "back", "history.back", "detail.switch", "row.wrap",
    "pane.timeline", "pane.claims", "pane.sources", "pane.contradictions", "pane.figures",
    "pane.next", "pane.previous", "claims.toggle-all", "sources.who-contradicts-whom",
    "figures.matrix", "documents", "detail.paragraph",
    "notes.star", "notes.tags", "notes.comment", "notes.status", "notes.prefer",
    "notes.orphans",
    "search", "search.next", "search.previous", "filter", "view.save",
    "copy", "export",
    "help", "palette", "app.copy-or-quit", "app.suspend", "quit",
)
"""The order of the keys within a task: as a person learns them (an id not listed
comes after, by id)."""

KEYS_WIDTH = 18
"""The keys' column; a description's later lines start after it."""


def key_display(app: App[Any], key: str) -> str:
    """One key as help names it: as Textual does (`App.get_key_display`: `asterisk` is
    `*`, `pagedown` is `pgdn`), except a key with a modifier, which help names as it is
    written (in the keymap file too), as it always has: Textual draws `ctrl+pagedown`
    as `^pgdn` and `shift+down` as `shift+↓`."""
    modifiers, _ = Binding(key, "").parse_key()
    if modifiers:
        return key
    return app.get_key_display(Binding(key, ""))  # (not the binding's own key_display)


def describe_keys(app: App[Any], keys: str) -> str:
    """`asterisk,f1` as a person reads it: `*, f1`."""
    return ", ".join(key_display(app, k.strip()) for k in keys.split(","))


def task_of(binding: Binding) -> str:
    marker = binding.id or ""
    return next(name for name, starts in TASKS if any(marker.startswith(s) for s in starts))


def help_lines(app: App[Any], bindings: Sequence[Binding], width: int) -> list[Content]:
    """The help at `width` cells (the keys named by `app`): the start, then each task's
    keys, one binding a line, its description wrapped under itself (never back to the
    first column), its id after it in dim when it fits, else on the next line under the
    description."""
    lines: list[Content] = [Content.styled("Start here", "bold")]
    for paragraph in START:
        lines += [Content(line) for line in textwrap.wrap(paragraph, max(width, 20),
                                                          subsequent_indent="  ")]
    room = max(width - KEYS_WIDTH, 16)
    shown = sorted((b for b in bindings if b.id and b.description),  # ours: each has an id
                   key=lambda b: (ORDER.index(b.id) if b.id in ORDER else len(ORDER),
                                  b.id or ""))
    for task, _ in TASKS:
        members = [b for b in shown if task_of(b) == task]
        if not members:
            continue
        lines += [Content(""), Content.styled(task, "bold")]
        for binding in members:
            keys = describe_keys(app, binding.key)
            said = textwrap.wrap(binding.tooltip or binding.description, room) or [""]
            head = Content.styled(f"  {keys}".ljust(KEYS_WIDTH - 1) + " ", "bold")
            if len(keys) + 3 > KEYS_WIDTH:  # long keys: the description starts below
                lines.append(head)
                head = Content(" " * KEYS_WIDTH)
            ident = f"  {binding.id}"
            if len(said[-1]) + len(ident) <= room:
                last = Content.assemble(said[-1], (ident, "dim"))
                said_lines = [Content(s) for s in said[:-1]] + [last]
            else:
                said_lines = [Content(s) for s in said]
                said_lines.append(Content.styled(binding.id or "", "dim"))
            lines.append(head + said_lines[0])
            lines += [Content(" " * KEYS_WIDTH) + line for line in said_lines[1:]]
    lines += [Content(""), Content(f"Remap any key by its id in {default_keymap_path()}:"),
              Content('  [keys]'), Content('  "pane.contradictions" = "4,c"')]
    return lines


class HelpScreen(ModalScreen[None], inherit_bindings=False):
    """Every key binding in force where help was asked, by task, with its id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help", id="help.close"),
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings
        self._width = -1

    def compose(self) -> ComposeResult:
        yield ReadingView(id="help-box")

    def on_mount(self) -> None:
        box = self.query_one("#help-box", ReadingView)
        box.border_title = "Help: esc closes"
        box.focus()
        # Laid out at once, at the width the box will have (92% of the screen, less its
        # border and position column): a key typed at once (G) finds the whole help.
        self._lay_out(int(self.app.size.width * 0.92) - 3)

    def on_resize(self) -> None:
        """Lay the help out again if the box's width is not the one it was laid at."""
        width = self.query_one("#help-box", ReadingView).scrollable_content_region.width - 1
        if width > 0:
            self._lay_out(width)

    def _lay_out(self, width: int) -> None:
        if width != self._width:
            self._width = width
            self.query_one("#help-box", ReadingView).update(
                help_lines(self.app, self.bindings, width))

    def action_close(self) -> None:
        self.dismiss()
