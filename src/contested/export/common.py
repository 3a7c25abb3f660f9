"""What the exports share: a date as ISO text, the claims a claim contradicts (the
JSON's `contradicts`, the CSV's column of the same name), what repeats across claims
worked out once, and the timeline an entity was written in."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Generic, TypeVar

from contested.engine.analysis import Analysis
from contested.engine.corroboration import LISTED_PER_CLAIM
from contested.format.model import Claim, Entity

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

REMEMBERED = 1 << 12
"""Entries a `Remembered` holds before it starts again: what an export says of a date,
a source or a question repeats across thousands of claims, but a catalog of distinct
values must not make the memory grow with it."""


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def contradicted_by(analysis: Analysis, claim: Claim) -> list[str] | int:
    """The ids of the claims a claim contradicts, sorted; past LISTED_PER_CLAIM, their
    number."""
    return ContradictedBy(analysis)(claim)


class ContradictedBy:
    """`contradicted_by` for one pass over every claim: the counts per claim are read
    once, not for each claim."""

    def __init__(self, analysis: Analysis) -> None:
        found = self.found = analysis.contradictions
        self.row_of = found.table.row_of
        self.ids = found.table.ids
        self.per_row: list[int] = found.per_row().tolist()
        self.rows_are_the_catalogs = found.table.columns.claims is analysis.catalog.claims
        """The engine's rows are the catalog's: a pass in the catalog's order need not
        look each claim's row up by its id."""

    def __call__(self, claim: Claim, row: int | None = None) -> list[str] | int:
        """Given `row`, the claim's row in the catalog (where the pass is)."""
        if row is None or not self.rows_are_the_catalogs:
            row = self.row_of(claim.id)
        if row is None or row >= len(self.per_row) or not self.per_row[row]:
            return []
        if self.per_row[row] > LISTED_PER_CLAIM:  # perhaps: count the claims
            others = self.found.against_count(row)
            if others > LISTED_PER_CLAIM:
                return others
        ids = self.ids
        return sorted(ids[other] for other in self.found.against(row))


class Remembered(Generic[K, V]):
    """What `make` gives for a key, worked out once per key (up to `REMEMBERED` keys
    at a time): the words for a source, the record of a date."""

    __slots__ = ("_known", "_make")

    def __init__(self, make: Callable[[K], V]) -> None:
        self._make = make
        self._known: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        known = self._known
        try:
            return known[key]
        except KeyError:
            if len(known) >= REMEMBERED:
                known.clear()
            made = known[key] = self._make(key)
            return made


def timeline_of(entity: Entity) -> str | None:
    """The timeline an entity was written in, without placing it: an entity read back
    from the cache holds `(PackedOrigins, index)` until its `origin` is asked, and
    working that out (line, column, every field's place) is most of what an export of
    every claim would spend on it."""
    packed = entity.__dict__.get("_origin")
    if type(packed) is tuple:
        timeline: str | None = packed[0].timeline
        return timeline
    return entity.origin.timeline
