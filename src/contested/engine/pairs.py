"""Pairs of claims at overlapping dates, found with array operations.

The claims that answer a question become columns: their question, first and last day,
category value and compared interval. Sorted by (question, first day), the claims whose
dates overlap a claim's and come after it are the run that begins before its last day:
one binary search per claim finds where each run ends, and the pairs are those runs laid
end to end. Deciding which pairs conflict is then a comparison of columns. A catalog of
300,000 claims has its 800,000 pairs in tens of milliseconds instead of seconds of
Python loops, and the cost follows the number of pairs, not the square of the claims.
But the pairs of one question can be the square of its claims (20,000 claims at one date:
200,000,000 pairs): a question with too many is not laid out here but left to
`contested.engine.crowds`, which counts its pairs without listing them.

numpy does the array work; this module and `crowds` hold everything that knows about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from contested.catalog.catalog import Catalog
from contested.catalog.columns import WIDTH, ClaimColumns
from contested.format.model import Claim

_STRIDE = np.int64(1 << 32)  # question * _STRIDE + day: one sorted key, questions apart

PAIRED_PER_QUESTION = 50_000
"""A question with more pairs at overlapping dates than this is not laid out pair by
pair: it is counted and listed on demand (`contested.engine.crowds`)."""
PAIRED_IN_ALL = 4_000_000
"""Nor are the questions with most pairs, beyond this many pairs in all: what is laid out
is bounded whatever the catalog."""

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


@dataclass(eq=False)
class ClaimTable:
    """The catalog's claims as columns; row n is the n-th claim of `catalog.claims`.

    The columns are those of `contested.catalog.columns.ClaimColumns`, with each figure's
    interval already widened as the quantity rule compares it.
    """

    claims: Sequence[Claim]
    ids: list[str]
    about: Ints
    question: Ints
    quantity: Bools
    low: Ints
    high: Ints
    code: Ints
    compared_low: Floats
    compared_high: Floats
    low_closed: Bools
    high_closed: Bools
    credibility: Ints
    source: Ints
    columns: ClaimColumns
    id_rank: Ints

    def row_of(self, claim_id: str) -> int | None:
        """The row of a claim, or None."""
        claims = self.columns.claims
        return claims.row(claim_id) if claims is not None else None

    @property
    def question_ids(self) -> list[str]:
        return self.columns.question_ids

    @property
    def question_index(self) -> dict[str, int]:
        return self.columns.question_index

    @property
    def disputes(self) -> list[tuple[int, int]]:
        """(row, disputed row) of every `disputes` link."""
        return self.columns.disputes

    @property
    def answered(self) -> Ints:
        """The rows of claims that answer a question."""
        return np.flatnonzero(self.question >= 0)


def claim_table(catalog: Catalog) -> ClaimTable:
    """The claims' columns as arrays: noted while linking, or read now if they were not."""
    columns = ClaimColumns.of(catalog)
    grid = np.frombuffer(columns.numbers, dtype=np.float64).reshape((columns.count, WIDTH))
    whole = grid[:, :5].astype(np.int64)
    lows, highs, relative = grid[:, 5], grid[:, 6], grid[:, 9]
    with np.errstate(invalid="ignore"):  # inf * 0 at open ends, replaced just below
        compared_low = np.where(np.isfinite(lows), lows - np.abs(lows) * relative, lows)
        compared_high = np.where(np.isfinite(highs), highs + np.abs(highs) * relative, highs)
    question = whole[:, 1].copy()
    is_quantity = np.array([*columns.is_quantity, False], dtype=np.bool_)
    id_rank = np.empty(columns.count, dtype=np.int64)
    id_rank[np.asarray(columns.rows_by_rank, dtype=np.int64)] = np.arange(columns.count)
    return ClaimTable(
        claims=catalog.claims.values(),
        ids=catalog.claims.ids,
        about=whole[:, 0].copy(),
        question=question,
        quantity=is_quantity[question],  # -1 reads the False appended
        low=whole[:, 2].copy(),
        high=whole[:, 3].copy(),
        code=whole[:, 4].copy(),
        compared_low=compared_low,
        compared_high=compared_high,
        low_closed=grid[:, 7] != 0,
        high_closed=grid[:, 8] != 0,
        credibility=grid[:, 10].astype(np.int64),
        source=grid[:, 11].astype(np.int64),
        columns=columns,
        id_rank=id_rank,
    )


def placeholder_table(catalog: Catalog) -> ClaimTable:
    """The claims, with their columns as empty arrays: what the stand-in analysis shown
    while the engine runs holds (`contested.engine.analysis.pending`). It finds nothing, so
    nothing reads a row of it; making the arrays cost a tenth of a second of the first
    screen."""
    ints, bools = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_)
    floats = np.zeros(0, dtype=np.float64)
    return ClaimTable(
        claims=catalog.claims.values(), ids=catalog.claims.ids, about=ints, question=ints,
        quantity=bools, low=ints, high=ints, code=ints, compared_low=floats,
        compared_high=floats, low_closed=bools, high_closed=bools, credibility=ints,
        source=ints, columns=ClaimColumns.of(catalog), id_rank=ints)


def by_question(table: ClaimTable) -> Ints:
    """The rows of answering claims ordered by question, then first day, then catalog
    order."""
    rows = table.answered
    return rows[np.lexsort((table.high[rows], table.low[rows], table.question[rows]))]


def keyed(table: ClaimTable, ordered: Ints) -> tuple[Ints, Ints]:
    """First and last days of the rows `by_question`, offset by question so that one
    sorted key keeps the questions apart (a question's days never reach the next's)."""
    questions = table.question[ordered] * _STRIDE
    return questions + table.low[ordered], questions + table.high[ordered]


@dataclass(eq=False)
class Runs:
    """How the pairs were laid out: the rows `by_question` (`ordered`), and for the row
    at each place n of it, its pairs with the rows placed after it: the pairs `begin[n]`
    to `begin[n] + count[n]`, with the rows at places n + 1 onwards. `questions` holds
    the question of each place."""

    ordered: Ints
    begin: Ints
    count: Ints
    questions: Ints
    _places: Ints | None = field(default=None, init=False, repr=False)
    _starts: Ints | None = field(default=None, init=False, repr=False)

    def paired_with(self, row: int, keep: Bools) -> list[int]:
        """The rows paired with `row` by a pair that `keep` holds, in place order, with
        no sort of all the pairs: the pairs with the rows after it are its run; those
        with the rows before it come from the places of its question whose run reaches
        it."""
        places, starts = self._index()
        place = int(places[row]) if row < len(places) else -1
        if place < 0:
            return []
        begin, count = int(self.begin[place]), int(self.count[place])
        after = np.arange(place + 1, place + 1 + count)[keep[begin:begin + count]]
        earlier = np.arange(int(starts[place]), place)
        earlier = earlier[earlier + self.count[earlier] >= place]
        before = earlier[keep[self.begin[earlier] + (place - 1 - earlier)]]
        found: list[int] = self.ordered[np.concatenate([before, after])].tolist()
        return found

    def _index(self) -> tuple[Ints, Ints]:
        """Each row's place (-1 if it answers no question), and each place's question's
        first place: made on the first lookup."""
        if self._places is None or self._starts is None:
            size = int(self.ordered.max()) + 1 if len(self.ordered) else 0
            self._places = np.full(size, -1, dtype=np.int64)
            self._places[self.ordered] = np.arange(len(self.ordered))
            first = np.ones(len(self.ordered), dtype=np.bool_)
            first[1:] = self.questions[1:] != self.questions[:-1]
            self._starts = np.maximum.accumulate(
                np.where(first, np.arange(len(self.ordered)), 0))
        return self._places, self._starts


@dataclass(eq=False)
class Pairs:
    """Every pair of claims on one question at overlapping dates, as rows of the table:
    `first[k]` and `second[k]`, with `conflict[k]` when their answers cannot both hold;
    but none of the questions in `dense` (too many pairs to lay out: `crowds`)."""

    table: ClaimTable
    first: Ints
    second: Ints
    conflict: Bools
    runs: Runs
    dense: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def dense_questions(per_question: Ints) -> Ints:
    """The questions whose pairs are not laid out: those with more than
    PAIRED_PER_QUESTION, then the biggest until the rest hold PAIRED_IN_ALL at most."""
    order = np.argsort(per_question, kind="stable")
    total = np.cumsum(per_question[order])
    laid = (per_question[order] <= PAIRED_PER_QUESTION) & (total <= PAIRED_IN_ALL)
    dense: Ints = np.sort(order[~laid])
    return dense


def overlapping(table: ClaimTable, ordered: Ints) -> tuple[Ints, Ints, Runs]:
    """The pairs of rows at overlapping dates, given the rows `by_question`."""
    first, second, runs, _ = _laid_out(table, ordered)
    return first, second, runs


def _laid_out(table: ClaimTable, ordered: Ints) -> tuple[Ints, Ints, Runs, Ints]:
    """`overlapping`, and the dense questions left out of it."""
    starts, ends = keyed(table, ordered)
    reach = np.searchsorted(starts, ends, side="right")  # the first row starting after
    count = reach - np.arange(1, len(ordered) + 1)
    questions = table.question[ordered]
    per_question = np.bincount(questions, weights=count,
                               minlength=len(table.question_ids)).astype(np.int64)
    dense = dense_questions(per_question)
    if len(dense):
        count[np.isin(questions, dense)] = 0
    total = int(count.sum())
    begin = np.cumsum(count) - count
    left = np.repeat(np.arange(len(ordered)), count)
    run_start = np.repeat(begin, count)
    right = left + 1 + (np.arange(total) - run_start)
    runs = Runs(ordered, begin, count, questions)
    return ordered[left], ordered[right], runs, dense


def meets(table: ClaimTable, a: Ints, b: Ints) -> Bools:
    """True where the compared intervals of rows a and b share a number."""
    return _below_or_touching(table, a, b) & _below_or_touching(table, b, a)


def _below_or_touching(table: ClaimTable, a: Ints, b: Ints) -> Bools:
    low, high = table.compared_low[a], table.compared_high[b]
    result: Bools = (low < high) | ((low == high) & table.low_closed[a] & table.high_closed[b])
    return result


def find_pairs(table: ClaimTable, ordered: Ints | None = None) -> Pairs:
    """The pairs at overlapping dates and which of them conflict (those of dense
    questions aside)."""
    first, second, runs, dense = _laid_out(
        table, by_question(table) if ordered is None else ordered)
    conflict = np.empty(len(first), dtype=np.bool_)
    quantity = table.quantity[first]
    category = ~quantity
    conflict[category] = table.code[first[category]] != table.code[second[category]]
    conflict[quantity] = ~meets(table, first[quantity], second[quantity])
    return Pairs(table, first, second, conflict, runs, dense)
