"""Series: claims on one question at dates that do not overlap, a trend in time order
(`find_series`). Each question's series is made when first read."""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ALWAYS, NEVER
from contested.engine.pairs import ClaimTable, Ints, by_question, claim_table, keyed
from contested.format.model import Claim


@dataclass(frozen=True, slots=True)
class SeriesStep:
    """Claims on one question at overlapping dates: one point of a series."""

    earliest: date | None
    latest: date | None
    claims: tuple[str, ...]
    figure: float | None = None
    values: tuple[str, ...] = ()
    change: float | None = None

    @property
    def change_ratio(self) -> float | None:
        """Relative change from the previous step (-0.4 is a fall of 40%), measured
        against the size of the previous figure: from -10 to -5 is a rise of 50%, not a
        fall."""
        if self.change is None or self.figure is None:
            return None
        previous = self.figure - self.change
        return None if previous == 0 else self.change / abs(previous)


@dataclass(frozen=True, slots=True)
class Series:
    """Claims on one question at dates that do not overlap: a trend, in time order."""

    question: str
    steps: tuple[SeriesStep, ...]

    @property
    def trend(self) -> str:
        """`falling`, `rising`, `flat` or `mixed` for figures; `changing` for categories."""
        changes = [s.change for s in self.steps[1:] if s.change is not None]
        if not changes:
            values = [s.values for s in self.steps]
            return "changing" if len(set(values)) > 1 else "flat"
        if all(c < 0 for c in changes):
            return "falling"
        if all(c > 0 for c in changes):
            return "rising"
        return "flat" if all(c == 0 for c in changes) else "mixed"


class SeriesIndex(Mapping[str, Series]):
    """Per question with two steps or more, its `Series`, made when first read."""

    def __init__(self, table: ClaimTable, ordered: Ints, starts: Ints, counts: Ints) -> None:
        self.table = table
        self.ordered = ordered  # rows by question, then dates
        self.starts = starts  # where each step begins in `ordered`, with the end appended
        first = (np.cumsum(counts) - counts).tolist()
        self.steps = {table.question_ids[q]: (first[q], int(counts[q]))
                      for q in np.flatnonzero(counts >= 2).tolist()}
        self._made: dict[str, Series] = {}

    def __getitem__(self, question_id: str) -> Series:
        made = self._made.get(question_id)
        if made is not None:
            return made
        step, count = self.steps[question_id]  # KeyError for a question without a series
        steps: list[SeriesStep] = []
        previous: float | None = None
        low, high = self.table.low, self.table.high
        # A claim is read for its step and let go (the series keeps ids and figures):
        # kept, the claims of every series would hold most of a big catalog in memory.
        section = self.table.columns.claims
        read = section.peek if section is not None else self.table.claims.__getitem__
        for n in range(step, step + count):
            rows = self.ordered[self.starts[n]:self.starts[n + 1]]
            group = [read(r) for r in rows.tolist()]
            earliest, latest = int(low[rows].min()), int(high[rows].max())
            figure = _representative(group)
            change = None if figure is None or previous is None else figure - previous
            steps.append(SeriesStep(
                earliest=date.fromordinal(earliest) if earliest != NEVER else None,
                latest=date.fromordinal(latest) if latest != ALWAYS else None,
                claims=tuple(c.id for c in group),
                figure=figure,
                values=tuple(sorted({c.value for c in group if isinstance(c.value, str)}))
                if figure is None else (),
                change=change,
            ))
            previous = figure if figure is not None else previous
        made = self._made[question_id] = Series(question_id, tuple(steps))
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self.steps


def find_series(catalog: Catalog, table: ClaimTable | None = None,
                ordered: Ints | None = None) -> SeriesIndex:
    """Per question, the claims grouped into steps of overlapping dates, in time order;
    a question with two steps or more has a series."""
    table = claim_table(catalog) if table is None else table
    ordered = by_question(table) if ordered is None else ordered
    starts, ends = keyed(table, ordered)
    reach = np.maximum.accumulate(ends)
    begins = np.flatnonzero(np.concatenate([[True], starts[1:] > reach[:-1]]))
    begins = np.append(begins, len(ordered)) if len(ordered) else np.zeros(1, np.int64)
    counts = np.bincount(table.question[ordered[begins[:-1]]],
                         minlength=len(table.question_ids))
    return SeriesIndex(table, ordered, begins, counts)


def _representative(group: Sequence[Claim]) -> float | None:
    """The figure a step stands for: the median of its point figures (exact, about,
    between), else of whatever figures it has."""
    quantities = [c.quantity for c in group if c.quantity is not None]
    points = [q.plotted for q in quantities if q.form in ("exact", "about", "between")]
    figures = [p for p in points if p is not None] or [
        q.plotted for q in quantities if q.plotted is not None
    ]
    return float(statistics.median(figures)) if figures else None
