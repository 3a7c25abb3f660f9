"""The line under the tabs that says what moved since the revision compared with
(`--since REV`): a daily reviewer reads it before anything else."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Static

from contested.engine.changes import Changes
from contested.present.changes import summary_parts
from contested.support.text import fit, printable, width
from contested.tui.safe import plain


class SinceBar(Static):
    """`SINCE HEAD~1  claims +2 ~2 -1 · contradictions +1 -1  f changed: only these`."""

    DEFAULT_CSS: ClassVar[str] = """
    SinceBar { height: 1; background: $accent 25%; }
    """

    def show(self, name: str, changes: Changes) -> None:
        label = f" SINCE {fit(printable(name), 24)} "  # (a folder's name is data)
        words = " · ".join(summary_parts(changes)) or "nothing changed"
        hint = "  f changed: only these"
        room = max(self.size.width or self.app.size.width, 20) - width(label) - 1
        shown = words + hint if width(words + hint) <= room else fit(words, room)
        self.update(Content.assemble((label, "bold reverse"), " ", plain(shown)))
