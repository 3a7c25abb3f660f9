"""The catalog: every file loaded together and linked.

What is worked out from a catalog once (the engine's column arrays, the events' order)
is kept beside it by the module that works it out (`contested.catalog.columns`), not in
it: the catalog is the format's entities, nothing derived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contested.catalog.entities import Entities
from contested.format.model import (
    Claim,
    DeclaredContradiction,
    Document,
    Event,
    EventMatch,
    Question,
    Source,
    TimelineHeader,
)
from contested.vocabulary import PER_EVENT_MARK


@dataclass(eq=False)
class Catalog:
    """All files loaded together, linked: every id resolves, every claim has its figure.

    Two catalogs are the same only if they are one object (what is kept beside a
    catalog is kept by identity)."""

    paths: list[str] = field(default_factory=list)
    timelines: Entities[TimelineHeader] = field(default_factory=Entities)
    sources: Entities[Source] = field(default_factory=Entities)
    documents: Entities[Document] = field(default_factory=Entities)
    questions: Entities[Question] = field(default_factory=Entities)
    events: Entities[Event] = field(default_factory=Entities)
    claims: Entities[Claim] = field(default_factory=Entities)
    contradictions: Entities[DeclaredContradiction] = field(default_factory=Entities)
    matches: Entities[EventMatch] = field(default_factory=Entities)
    _declared: tuple[int, int] = field(default=(0, 0), init=False, repr=False)
    """(questions, of which declared) when last counted: the explorer's status line
    asks on each change, and a catalog may hold 100,000 per-event questions."""

    def section(self, name: str) -> Entities[Any]:
        section: Entities[Any] = getattr(self, name)
        return section

    def counts(self) -> dict[str, int]:
        """What a summary line counts (documents only in a catalog that has some; the
        questions as declared, not the per-event questions loading makes)."""
        counts = {"files": len(self.paths), "sources": len(self.sources)}
        if self.documents:
            counts["documents"] = len(self.documents)
        questions = len(self.questions)
        if self._declared[0] != questions:  # questions are only ever added
            self._declared = (questions, sum(PER_EVENT_MARK not in q
                                             for q in self.questions.ids))
        declared = self._declared[1]
        counts.update(questions=declared, events=len(self.events), claims=len(self.claims))
        return counts
