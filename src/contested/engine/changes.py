"""What changed between two analyses of a catalog (`compare`): claims added, removed and
changed, contradictions opened and closed, series whose trend turned, figures revised.

A daily reviewer asks what moved since yesterday, not what the catalog holds: this is
the answer as data (`Changes`), for `contested diff` and for the explorer's `--since`,
which marks the new and changed rows (`ChangeMarks`). Items are matched by id, as the
notes are: a claim given a new id is one removed and one added. What people read about
it is written by `contested.present.changes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.engine.contradictions import ContradictionGroup
from contested.format.model import Claim, Event

CLAIM_FIELDS: tuple[str, ...] = ("value", "dates", "source", "via", "credibility",
                                 "question", "event", "text", "quote")
"""What is compared of a claim kept under its id, in the order a change names them:
`dates` is when the claimed state holds (its `as_of`, else its event's date) and when
it was said."""

Mark = Literal["+", "~"]

NEW: Mark = "+"
CHANGED: Mark = "~"
"""The marks of a new item and of a changed one, readable without colour."""

MARKED_PAIRS_PER_CLAIM = 1_000
"""A changed claim marks the contradictions it is part of, up to this many (a claim of
a grouped question may be in thousands: its group is marked instead)."""


@dataclass(frozen=True, slots=True)
class ClaimChange:
    """A claim kept under its id whose `fields` (of `CLAIM_FIELDS`) differ."""

    claim: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FigureRevision:
    """A claim's figure moved: from `old` to `new` (the figure each plots)."""

    claim: str
    question: str | None
    old: float
    new: float

    @property
    def change(self) -> float:
        return self.new - self.old

    @property
    def direction(self) -> Literal["up", "down"]:
        return "up" if self.new > self.old else "down"


@dataclass(frozen=True, slots=True)
class TrendChange:
    """A question whose series' trend is not what it was (None: no series)."""

    question: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class GroupedChange:
    """A grouped question (too many pairs to list) whose number of pairs changed."""

    question: str
    old: int
    new: int


@dataclass
class ChangeMarks:
    """Per kind of item (`event`, `claim`, `contradiction`, `group`, `source`,
    `question`), the ids of the new (`+`) and changed (`~`) ones."""

    marks: dict[str, dict[str, Mark]] = field(default_factory=dict)

    def mark(self, kind: str, item_id: str) -> str:
        """`+`, `~` or ``."""
        return self.marks.get(kind, {}).get(item_id, "")

    def ids(self, kind: str) -> set[str]:
        return set(self.marks.get(kind, {}))

    def _set(self, kind: str, ids: Iterable[str], mark: Mark) -> None:
        kept = self.marks.setdefault(kind, {})
        for item_id in ids:
            if kept.get(item_id) != NEW:
                kept[item_id] = mark


@dataclass
class Changes:
    """What changed from `old` to `new`; `contradictions_compared` is False while the
    new analysis is the explorer's stand-in (its contradictions not found yet)."""

    old: Analysis
    new: Analysis
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ClaimChange] = field(default_factory=list)
    revised: list[FigureRevision] = field(default_factory=list)
    events_added: list[str] = field(default_factory=list)
    events_removed: list[str] = field(default_factory=list)
    events_changed: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    grouped: list[GroupedChange] = field(default_factory=list)
    trends: list[TrendChange] = field(default_factory=list)
    contradictions_compared: bool = True

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.events_added
                    or self.events_removed or self.events_changed or self.opened
                    or self.closed or self.grouped or self.trends)

    def marks(self) -> ChangeMarks:
        """The new and changed items of the new catalog, for the explorer's rows and its
        `changed` filter: a claim new or changed; an event new, changed, or holding a
        claim that is (or lost one); a contradiction opened, or of a changed claim; a
        source new, or the speaker of a new or changed claim; a question new, or with
        such a claim, or whose trend changed."""
        marks = ChangeMarks()
        catalog, before = self.new.catalog, self.old.catalog
        touched = [*self.added, *(c.claim for c in self.changed)]
        marks._set("claim", self.added, NEW)
        marks._set("claim", (c.claim for c in self.changed), CHANGED)
        marks._set("event", self.events_added, NEW)
        marks._set("event", self.events_changed, CHANGED)
        claims = [catalog.claims[c] for c in touched]
        lost = [before.claims[c] for c in self.removed]
        marks._set("event", (c.event for c in [*claims, *lost]
                             if c.event is not None and c.event in catalog.events), CHANGED)
        marks._set("source", (s for s in catalog.sources.ids if s not in before.sources), NEW)
        marks._set("source", (s for c in claims for s in c.source), CHANGED)
        marks._set("question", (q for q in catalog.questions.ids
                                if q not in before.questions), NEW)
        marks._set("question", (c.about for c in [*claims, *lost]
                                if c.about is not None and c.about in catalog.questions),
                   CHANGED)
        marks._set("question", (t.question for t in self.trends
                                if t.question in catalog.questions), CHANGED)
        if self.contradictions_compared:
            found = self.new.contradictions
            marks._set("contradiction", self.opened, NEW)
            marks._set("contradiction", (
                pair.id for claim_id in touched
                if found.count_of(claim_id) <= MARKED_PAIRS_PER_CLAIM
                for pair in found.of(claim_id)), CHANGED)
            grouped = {g.question for g in self.grouped}
            marks._set("group", (g.key for g in found.groups if g.question in grouped),
                       CHANGED)
        return marks


def compare(old: Analysis, new: Analysis) -> Changes:
    """What changed from `old` to `new`: claims and events by id, contradictions by
    their stable ids (a grouped question by its number of pairs), series by trend."""
    changes = Changes(old, new, contradictions_compared=old.complete and new.complete)
    _compare_claims(old.catalog, new.catalog, changes)
    _compare_events(old.catalog, new.catalog, changes)
    if changes.contradictions_compared:
        _compare_contradictions(old, new, changes)
    _compare_series(old, new, changes)
    return changes


def _claim_state(claim: Claim) -> tuple[object, ...]:
    """A claim's `CLAIM_FIELDS`, comparable."""
    quantity = claim.quantity
    value: object = quantity.text if quantity is not None else claim.value
    when, said = claim.when, claim.said
    return (value, (when.text if when else None, said.text if said else None),
            tuple(claim.source), tuple(claim.via), claim.credibility, claim.about,
            claim.event, claim.text, claim.quote)


def _compare_claims(old: Catalog, new: Catalog, changes: Changes) -> None:
    before: dict[str, tuple[tuple[object, ...], float | None]] = {
        claim.id: (_claim_state(claim), _figure(claim)) for claim in old.claims.each()}
    for claim in new.claims.each():
        known = before.pop(claim.id, None)
        if known is None:
            changes.added.append(claim.id)
            continue
        state, figure = known
        now = _claim_state(claim)
        differ = tuple(name for name, a, b in zip(CLAIM_FIELDS, state, now, strict=True)
                       if a != b)
        if differ:
            changes.changed.append(ClaimChange(claim.id, differ))
        moved = _figure(claim)
        if figure is not None and moved is not None and moved != figure:
            changes.revised.append(FigureRevision(claim.id, claim.about, figure, moved))
    changes.removed = list(before)


def _figure(claim: Claim) -> float | None:
    return claim.quantity.plotted if claim.quantity is not None else None


def _event_state(event: Event) -> tuple[object, ...]:
    return (event.date.text, event.title, event.place, event.kind, event.summary)


def _compare_events(old: Catalog, new: Catalog, changes: Changes) -> None:
    before = {event.id: _event_state(event) for event in old.events.each()}
    for event in new.events.each():
        known = before.pop(event.id, None)
        if known is None:
            changes.events_added.append(event.id)
        elif known != _event_state(event):
            changes.events_changed.append(event.id)
    changes.events_removed = list(before)


def _listed(analysis: Analysis) -> Iterator[tuple[str, ContradictionGroup | None]]:
    for item in analysis.contradictions.listing():
        yield (item.question or "", item) if isinstance(item, ContradictionGroup) \
            else (item.id, None)


def _compare_contradictions(old: Analysis, new: Analysis, changes: Changes) -> None:
    def split(analysis: Analysis) -> tuple[list[str], dict[str, int]]:
        ids: list[str] = []
        grouped: dict[str, int] = {}
        for key, group in _listed(analysis):
            if group is None:
                ids.append(key)
            else:
                grouped[key] = grouped.get(key, 0) + group.count
        return ids, grouped

    old_ids, old_groups = split(old)
    new_ids, new_groups = split(new)
    known, now = set(old_ids), set(new_ids)
    changes.opened = [c for c in new_ids if c not in known]
    changes.closed = [c for c in old_ids if c not in now]
    changes.grouped = [GroupedChange(q, old_groups.get(q, 0), new_groups.get(q, 0))
                       for q in dict.fromkeys([*old_groups, *new_groups])
                       if old_groups.get(q, 0) != new_groups.get(q, 0)]


def _compare_series(old: Analysis, new: Analysis, changes: Changes) -> None:
    for question in dict.fromkeys([*old.series, *new.series]):
        before = old.series[question].trend if question in old.series else None
        after = new.series[question].trend if question in new.series else None
        if before != after:
            changes.trends.append(TrendChange(question, before, after))


@dataclass
class Baseline:
    """The analysis a catalog is compared with (`--since REV`), named as the user named
    it: what the explorer compares each catalog it shows with."""

    name: str
    analysis: Analysis

    def compare(self, analysis: Analysis) -> Changes:
        return compare(self.analysis, analysis)
