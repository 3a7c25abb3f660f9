"""What the screens and widgets ask of the app, as Textual messages.

A screen never calls a method of `ContestedApp` (it would have to know the app's class,
and the type checker could not see the call): it posts one of these, which bubbles from
the widget that posts it, through its screen, to the app (a `Message` bubbles by
default, and a screen's parent is the app). The app handles each with the method Textual
names after the class: `on_open_detail`, `on_go_on_with_clean_files`,
`on_catalog_damaged`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.message_pump import MessagePump

from contested.errors import CacheError

if TYPE_CHECKING:
    from contested.catalog.loading import LoadResult


class OpenDetail(Message):
    """Open the detail of one item over the screen shown (the screen stack is the
    history that esc walks back); a group (`kind` "group") opens the list of its pairs."""

    def __init__(self, kind: str, item_id: str) -> None:
        super().__init__()
        self.kind = kind
        """"event", "claim", "source", "question", "document", "contradiction" or "group"."""
        self.item_id = item_id


class GoOnWithCleanFiles(Message):
    """Some files had errors: show the catalog of those that loaded cleanly, marked
    PARTIAL (the `c` of the errors screen)."""

    def __init__(self, result: LoadResult) -> None:
        super().__init__()
        self.result = result


class CatalogDamaged(Message):
    """An item could not be read back from the cache while it was shown (a cached file
    changed or was damaged after the catalog was read: `contested.errors.CacheError`).
    The app says so once and reads the catalog again."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
        """The error's own message (data: shown as plain text)."""


def report_damage(pump: MessagePump, error: CacheError) -> None:
    """Tell the app that the cache failed while `pump` (a widget or screen) read an
    item. Sent by `pump` itself: a message takes the active message pump as its sender,
    one made while the screen runs a watcher would stop at the screen (Textual bubbles
    no message past its sender), and a worker thread has no active pump at all."""
    pump.post_message(CatalogDamaged(str(error)).set_sender(pump))
