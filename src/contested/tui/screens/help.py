"""Help generated from the bindings themselves, so it always tells the keys in force
(after the keymap file) and the id to remap each."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from contested.tui.keymap import default_keymap_path

START = (
    "contested shows where sources disagree.\n"
    "• 4 Contradictions: the claims that cannot all be true (enter: details, quotes, "
    "where each claim came from).\n"
    "• 5 Figures: each question's figures over time (a series is a trend, not a "
    "contradiction).\n"
    "• 1 Timeline, 2 Claims, 3 Sources; / searches everything, n/N next/previous; enter "
    "opens, esc goes back; ctrl+p lists every command.\n"
    "• ! marks a claim in a contradiction; +N counts agreement by independent origin.\n"
    "• Review: * star, t tags, a comment; on a contradiction m status and p the side you "
    "prefer. Notes are saved at once in their own file, never in the timelines.\n"
)


def describe_keys(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "escape": "esc", "backspace": "backspace",
             "pagedown": "pgdn", "pageup": "pgup", "shift+tab": "shift+tab"}
    return ", ".join(names.get(k.strip(), k.strip()) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    """Every key binding in force where help was asked, with its id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll('down')", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", show=False, id="help.up"),
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        rows: list[str | tuple[str, str]] = [("Start here\n", "bold"), START, "\n",
                                            ("Keys\n", "bold")]
        seen: set[str] = set()
        for binding in self.bindings:
            label = binding.description or binding.action
            marker = binding.id or binding.action
            if marker in seen:
                continue
            seen.add(marker)
            rows += [(f"  {describe_keys(binding.key):<22}", "bold"), f"{label:<32}",
                     (f"{binding.id or ''}\n", "dim")]
        rows += ["\n", f"Remap any key by its id in {default_keymap_path()}:\n",
                 '  [keys]\n  "pane.contradictions" = "4,c"\n']
        with VerticalScroll(id="help-box"):
            yield Static(Content.assemble(*rows), id="help-body")

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Help: esc closes"
        box.focus()

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        if direction == "down":
            box.scroll_down(animate=False)
        else:
            box.scroll_up(animate=False)

    def action_close(self) -> None:
        self.dismiss()
