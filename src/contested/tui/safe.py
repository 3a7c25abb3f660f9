"""The one way data reaches a widget: as inert text with visible stand-ins.

A plain `str` handed to most Textual widgets is parsed as markup (`[@click=...]` runs an
action, an unbalanced `[/]` raises), and control characters reach the terminal. Every
string that came from a timeline goes through `plain` or `plain_lines` (Textual
`Content`) or `notify`: built from the characters, never parsed, after
`contested.support.text.printable` has replaced control, escape and bidi characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel

from contested.support.text import printable

if TYPE_CHECKING:
    from contested.review.store import NotesStore


def plain(text: str | None) -> Content:
    """Data as Textual content: literal, one line."""
    return Content(printable(text or ""))


def plain_lines(text: str | None) -> Content:
    """Data as Textual content, keeping its line breaks."""
    return Content(printable(text or "", keep_newlines=True))


def notify(node: MessagePump, text: str, *, severity: SeverityLevel = "information",
           timeout: float | None = None, title: str = "") -> None:
    """A notification whose text is data: never markup, controls made visible."""
    app = node.app
    app.notify(printable(text), title=printable(title), severity=severity, timeout=timeout,
               markup=False)


def notify_notes_notice(node: MessagePump, store: NotesStore | None) -> None:
    """Tell what the last save of notes did that the user should hear of (the file was
    deleted and written again), once."""
    notice = None if store is None else store.take_notice()
    if notice is not None:
        notify(node, notice, title="Notes file", severity="warning", timeout=12)
