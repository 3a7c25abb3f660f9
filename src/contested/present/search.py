"""Search across every text field, sources' aliases included: "Gadi" finds the claims of
Franz-Stefan Gady, who is also spelled Franz-Stephan Gadi."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from contested.present.browse import Browser
from contested.present.wording import date_text, explain, value_text
from contested.support.collector import collector_paused


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    id: str


def _folded(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p).casefold()


_PAUSE_EVERY = 50
"""Entries between two hand-backs of the interpreter (about a millisecond)."""
_WAIT = 0.02
"""How long the build sleeps at a time while the person is busy."""


class SearchIndex:
    """One folded string per entity; a query is a case-insensitive substring."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self._pause: Callable[[], None] | None = None

    def build_in_background(self, busy: Callable[[], bool] = lambda: False) -> None:
        """Build the index in a worker thread, handing the interpreter back every few
        dozen entries, and waiting while `busy()` (a key was just pressed): otherwise
        the keys typed meanwhile wait for it, and every repaint is several times slower
        while a big catalog is indexed."""

        def pause() -> None:
            time.sleep(0)  # releases the GIL: the UI thread, if waiting, takes it now
            while busy():
                time.sleep(_WAIT)

        self._pause = pause
        _ = self.entries

    @cached_property
    def entries(self) -> list[tuple[Hit, str]]:
        """(Built with the collector paused, as loading is: it makes every entity of
        a cached catalog, and full collections amid that took most of the time.)"""
        with collector_paused():
            return self._entries()

    def _entries(self) -> list[tuple[Hit, str]]:
        pause = self._pause
        catalog = self.browser.catalog
        names = {s.id: _folded(s.id, *s.names) for s in catalog.sources.values()}
        entries: list[tuple[Hit, str]] = []
        for event in self.browser.events_in_order:
            entries.append((Hit("event", event.id), _folded(
                event.id, event.title, event.place, event.summary, event.note,
                event.date.text, *event.tags)))
            if pause is not None and not len(entries) % _PAUSE_EVERY:
                pause()
        for claim in catalog.claims.each():  # read, not kept: see `Entities.each`
            if pause is not None and not len(entries) % _PAUSE_EVERY:
                pause()
            entries.append((Hit("claim", claim.id), _folded(
                claim.id, claim.text, claim.quote, claim.note, date_text(claim.when),
                value_text(catalog, claim) if claim.value is not None else None,
                *(names.get(s, s) for s in [*claim.source, *claim.via]))))
        for source in catalog.sources.values():
            entries.append((Hit("source", source.id), _folded(
                names[source.id], source.kind, source.side, source.note)))
        for question in catalog.questions.values():
            entries.append((Hit("question", question.id), _folded(
                question.id, question.text, question.note, *(question.values or []))))
        for found in self.browser.analysis.contradictions.declared:
            entries.append((Hit("contradiction", found.id), _folded(
                found.id, *explain(catalog, found), found.note)))
        return entries

    def find(self, query: str) -> list[Hit]:
        """Every entity whose text holds `query`, in pane order.

        A contradiction found by the rules is found through its claims (its explanation
        is made of their sources, values and dates): it is a hit when one of its claims
        is, so that 300,000 of them need no text of their own in the index. The pairs of
        a grouped question are not hits (a claim of it may have thousands): its claims are.
        """
        needle = query.strip().casefold()
        if not needle:
            return []
        hits = [hit for hit, text in self.entries if needle in text]
        contradictions = self.browser.analysis.contradictions
        declared = {h.id for h in hits if h.kind == "contradiction"}
        positions = sorted({p for hit in hits if hit.kind == "claim"
                            for p in contradictions.held_positions_of(hit.id)})
        found = (contradictions[p] for p in positions)
        hits += [Hit("contradiction", c.id) for c in found if c.id not in declared]
        return hits
