"""Rows as the lists show them: what a row is (`Row`, `RowKind`), and sequences that make
each row when it is shown (`LazyRows`), so that a list of 300,000 claims costs the
screenful on it. The contradictions list reads as headings and entries (`Grouped`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar, overload

from contested.engine.contradictions import (
    ContradictionGroup,
    Listed,
    Listing,
)

T = TypeVar("T")

class RowKind(StrEnum):
    """What a row is, for how it is drawn and whether the cursor stops on it."""

    NORMAL = ""
    MARKED = "marked"
    """An item in a contradiction."""
    GAP = "gap"
    """`⋯ 6 months later ⋯`: a jump in time between two events."""
    HEADING = "heading"
    """A question's heading over its contradictions."""
    DAMAGED = "damaged"
    """A row that could not be made: the cache it is read from was damaged or its file
    changed (the TUI shows it in place of the row, `VirtualTable.row_at`)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One row: its key (unique in its list: where a cursor goes back to), its cells
    (plain text), its kind, and the item it stands for (`("claim", id)`; None for a
    gap, a heading, a pair of who contradicts whom), so that what a row opens is never
    read back out of its key."""

    key: str
    cells: tuple[str, ...]
    kind: RowKind = RowKind.NORMAL
    item: tuple[str, str] | None = None


class LazyRows(Generic[T]):
    """Rows made when first asked for: a pane of 300,000 claims formats only the few
    rows on screen, and finds a row by key through an index built on first use."""

    def __init__(self, items: Sequence[T], make: Callable[[T], Row],
                 key: Callable[[T], str]) -> None:
        self.items = items
        self.make = make
        self.key = key
        self._rows: dict[int, Row] = {}
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.items)

    def forget(self) -> None:
        """Make the rows again when next shown (what they show has changed)."""
        self._rows.clear()

    def __getitem__(self, index: int) -> Row:
        row = self._rows.get(index)
        if row is None:
            row = self._rows[index] = self.make(self.items[index])
        return row

    def index_of(self, key: str) -> int | None:
        finder = getattr(self.items, "index_of", None)
        if finder is not None:  # the items know where a key is without a pass over them
            found: int | None = finder(key)
            return found
        if self._index is None:
            self._index = {}
            for position, item in enumerate(self.items):
                self._index.setdefault(self.key(item), position)
        return self._index.get(key)


@dataclass(frozen=True, slots=True)
class Heading:
    """The heading over a question's contradictions (None: declared across questions)."""

    question: str | None

    def key(self) -> str:
        return heading_key(self.question)


def heading_key(question: str | None) -> str:
    """The key of the heading over a question's contradictions."""
    return f"heading:{question}"


Entry = Heading | Listed


class Grouped(Sequence[Entry]):
    """Contradictions (in question order) with a `Heading` before each question's, each
    made when read, so that 300,000 contradictions cost only the ones on screen."""

    def __init__(self, items: Sequence[Listed]) -> None:
        self.items = items
        if isinstance(items, Listing):
            runs = items.found.listed_runs()
        else:  # a filtered list, already made
            runs = []
            for position, item in enumerate(items):
                if not runs or runs[-1][0] != item.question:
                    runs.append((item.question, position, position + 1))
                else:
                    runs[-1] = (item.question, runs[-1][1], position + 1)
        self.questions = [question for question, _, _ in runs]
        self.item_starts = [start for _, start, _ in runs]
        self.row_starts = [start + n for n, start in enumerate(self.item_starts)]

    def __len__(self) -> int:
        return len(self.items) + len(self.questions)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if not 0 <= index < len(self):
            raise IndexError(index)
        run = bisect_right(self.row_starts, index) - 1
        if index == self.row_starts[run]:
            return Heading(self.questions[run])
        return self.items[index - run - 1]

    def index_of(self, key: str) -> int | None:
        """The row of a heading (`heading:QUESTION`), of a contradiction (its id; a
        grouped one's is its group's) or of a group (its key)."""
        heading = next((self.row_starts[n] for n, q in enumerate(self.questions)
                        if heading_key(q) == key), None)
        if heading is not None:
            return heading
        if isinstance(self.items, Listing):
            position = self.items.index_of(key)
        else:
            position = next((n for n, c in enumerate(self.items) if c.id == key or (
                isinstance(c, ContradictionGroup) and c.rank_of(key) is not None)), None)
        if position is None:
            return None
        return position + bisect_right(self.item_starts, position)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """An event of the timeline (by its row in the catalog), or the gap before one
    (`gap`: how much later it is, in words)."""

    event: str
    row: int
    gap: str = ""

    def key(self) -> str:
        return f"gap:{self.gap}|{self.event}" if self.gap else self.event


def entry_key(entry: Entry) -> str:
    return entry.key() if isinstance(entry, Heading) else entry.id


# --- groups, in words -------------------------------------------------------------------
