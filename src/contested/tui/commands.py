"""The command palette's entries for contested: every action and every saved view.

Textual's own palette source (`SystemCommandsProvider`) parses each title and help line
as markup: a view named `x[/]` (saved in the notes file, so at every ctrl+p from then
on) stopped the app, and `[@click=...]` in a filter or a keymap value ran an action.
This source builds each line as `Content` from `printable` text, highlights the
matched characters itself, and so never lets the palette parse data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.screen import Screen

from contested.support.text import printable


@dataclass(frozen=True)
class PaletteEntry:
    """One line of the palette: its title and help (data allowed), and what it does."""

    title: str
    help: str
    run: Callable[[], object]


@runtime_checkable
class HasPalette(Protocol):
    """An app that lists its own palette entries (`ContestedApp`)."""

    def palette_entries(self, screen: Screen[Any]) -> list[PaletteEntry]: ...


def _help(text: str) -> str:
    """Help as content. Textual types it `str` and parses a `str` as markup; a
    `Content` it shows as it is."""
    return cast(str, Content(printable(text)))


def highlighted(title: str, matcher: Matcher) -> Content:
    """`title` as literal content, with the characters the query matched styled as
    Textual's own palette styles them."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ContestedCommands(Provider):
    """Every action in force on the screen and every saved view, shown as text."""

    def _entries(self) -> list[PaletteEntry]:
        app = self.app
        return app.palette_entries(self.screen) if isinstance(app, HasPalette) else []

    async def discover(self) -> Hits:
        for entry in sorted(self._entries(), key=lambda e: e.title.casefold()):
            title = printable(entry.title)
            yield DiscoveryHit(Content(title), entry.run, text=title, help=_help(entry.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            title = printable(entry.title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlighted(title, matcher), entry.run, text=title,
                          help=_help(entry.help))
