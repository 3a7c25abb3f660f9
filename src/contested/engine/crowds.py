"""Questions whose claims are too many to pair one by one: counted by sorting, listed on
demand.

Two claims of one question contradict when their dates overlap and their answers cannot
both hold: different category values, or figures whose widened intervals do not meet.
Listing every pair of 20,000 claims that alternate between two answers would write
100,000,000 of them; counting them needs no list. Sorted by first day, the claims a
claim overlaps and that start after it are the run up to the first claim starting after
its last day; how many of a run have another answer is a difference of two binary
searches, and for figures, how many lie wholly below or above is a count of points under
a corner (`dominance`). So a question costs n log n (n log² n for figures) whatever it
holds, and a pair is listed only when it is read.

Such a question's contradictions are shown as **groups**: the pairs between the claims of
one answer and those of another (`Group`), the answers being the six given by most
claims, the others pooled. A group knows how many pairs it holds, gives its k-th pair,
and finds the place of a pair in it, each with a few binary searches; the pairs of one
claim are found with array operations over its question. numpy does the work; the
engine (`contested.engine.rules`) decides what is listed and what is grouped.

Longer than most modules, and on purpose: the counting, the k-th pair and the place of a
pair are one algorithm over one sorted layout, whose invariants are kept in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from contested.catalog.columns import NEVER
from contested.engine.pairs import Bools, ClaimTable, Ints

NAMED_ANSWERS = 6
"""Answers of a grouped question shown by name, those given by most claims; the others
are pooled ("other answers")."""

POOL = -1
"""The side of a group that stands for the pooled answers."""

_SPAN = np.int64(1 << 32)  # answer * _SPAN + day - NEVER: one sorted key, answers apart


def dominance(px: Ints, py: Ints, qx: Ints, qy: Ints) -> Ints:
    """For each query j, how many points i have px[i] < qx[j] and py[i] < qy[j].

    The points sorted by x, those below a query's x are a prefix; a prefix is a few
    aligned blocks (one per bit of its length), and a block's ys, sorted, answer with a
    binary search. Each level of blocks is one sort and one search over every query:
    O((n + m) log² n) array work, never a comparison of every point with every query.
    """
    result = np.zeros(len(qx), dtype=np.int64)
    count = len(px)
    if count == 0 or len(qx) == 0:
        return result
    order = np.argsort(px, kind="stable")
    xs = px[order]
    values = np.unique(py)
    ys = np.searchsorted(values, py[order]).astype(np.int64)
    below = np.searchsorted(values, qy, side="left").astype(np.int64)  # y < qy: rank < this
    prefix = np.searchsorted(xs, qx, side="left").astype(np.int64)
    width = np.int64(len(values) + 1)
    places = np.arange(count, dtype=np.int64)
    level = 0
    while (1 << level) <= count:
        chosen = ((prefix >> level) & 1).astype(np.bool_)
        if chosen.any():
            block = (prefix[chosen] >> level) - 1
            keys = np.sort((places >> level) * width + ys)
            found = np.searchsorted(keys, block * width + below[chosen], side="left")
            result[chosen] += found - (block << level)
        level += 1
    return result


def _in_range(sorted_positions: Ints, low: Ints, high: Ints) -> Ints:
    """How many of `sorted_positions` lie strictly between low and high, per pair."""
    counts: Ints = (np.searchsorted(sorted_positions, high, side="left")
                    - np.searchsorted(sorted_positions, low, side="right"))
    return np.maximum(counts, 0)


class Crowd:
    """The answering claims of one question, sorted by first day, last day and id (so
    the order does not depend on the order of files), with what decides a conflict.

    Positions are places in that order; `rows` maps them to the claim table's rows.
    """

    def __init__(self, table: ClaimTable, rows: Ints, question: int,
                 answer_names: Sequence[str] = ()) -> None:
        self.question = question
        order = np.lexsort((table.id_rank[rows], table.high[rows], table.low[rows]))
        self.rows: Ints = rows[order]
        self.size = len(self.rows)
        self.low: Ints = table.low[self.rows]
        self.high: Ints = table.high[self.rows]
        self.reach: Ints = np.searchsorted(self.low, self.high, side="right").astype(np.int64)
        """Per position, the first position whose claim starts after its last day: the
        claims between overlap it."""
        self.by_high: Ints = np.sort(self.high)
        self.quantity = bool(len(self.rows)) and bool(table.quantity[self.rows[0]])
        self._row_order = np.argsort(self.rows)
        if self.quantity:
            lows, highs = table.compared_low[self.rows], table.compared_high[self.rows]
            low_closed = table.low_closed[self.rows].astype(np.int64)
            high_closed = table.high_closed[self.rows].astype(np.int64)
            ends = np.unique(np.concatenate([lows, highs]))
            low_rank = np.searchsorted(ends, lows).astype(np.int64)
            high_rank = np.searchsorted(ends, highs).astype(np.int64)
            # q lies wholly below p when below_key[q] < below_limit[p], and wholly above
            # when above_key[q] < above_limit[p]: ends ranked, an open end a half step in.
            self.below_key: Ints = 2 * high_rank + high_closed
            self.below_limit: Ints = 2 * low_rank + 2 - low_closed
            self.above_key: Ints = -(2 * low_rank + 1 - low_closed)
            self.above_limit: Ints = -(2 * high_rank - 1 + high_closed)
            keys = ((low_rank * (len(ends) + 1) + high_rank) * 2 + low_closed) * 2 + high_closed
            self.answer_keys, inverse = np.unique(keys, return_inverse=True)
        else:
            codes = table.code[self.rows]
            self.answer_keys, inverse = np.unique(codes, return_inverse=True)
        self.answer: Ints = inverse.astype(np.int64).reshape(-1)
        self.answer_names = list(answer_names)
        """Category: the value of each code (`ClaimColumns.codes`), to rank answers by."""
        self._conflicts: Ints | None = None
        self._overlaps: Ints | None = None
        self._groups: list[Group] | None = None
        self._group_of: dict[tuple[int, int], Group] = {}
        self._ranks: dict[int, int] = {}
        self.side: Ints = np.zeros(0, dtype=np.int64)
        """Per position, its answer if named, else POOL (set with the groups)."""
        self.paired = True
        """Its pairs at overlapping dates were laid out with the others' (`Runs`)."""
        self.grouped = False
        """Its contradictions are shown in groups, not pair by pair."""

    # --- positions and rows -------------------------------------------------------------

    def position_of(self, row: int) -> int | None:
        """The position of a claim row in this crowd, or None."""
        at = int(np.searchsorted(self.rows, row, sorter=self._row_order))
        if at < self.size and int(self.rows[self._row_order[at]]) == row:
            return int(self._row_order[at])
        return None

    def positions_of(self, rows: Ints) -> Ints:
        """The positions of rows that are in this crowd (others are -1)."""
        if not self.size:
            return np.full(len(rows), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.rows, rows, sorter=self._row_order),
                        self.size - 1)
        found = self._row_order[at]
        located: Ints = np.where(self.rows[found] == rows, found, -1)
        return located

    # --- the rule -----------------------------------------------------------------------

    def conflicting(self, p: int, others: Ints) -> Bools:
        """Whether the claim at p and each claim at `others` cannot both hold (their
        dates aside)."""
        if self.quantity:
            result: Bools = ((self.below_key[others] < self.below_limit[p])
                             | (self.above_key[others] < self.above_limit[p]))
            return result
        found: Bools = self.answer[others] != self.answer[p]
        return found

    def answers_conflict(self, first: int, second: int) -> bool:
        """Whether two answers (by index) cannot both hold."""
        if first == second:
            return False
        if not self.quantity:
            return True
        p = int(np.flatnonzero(self.answer == first)[0])
        q = int(np.flatnonzero(self.answer == second)[0])
        return bool(self.conflicting(p, np.array([q]))[0])

    def overlap(self, p: int, q: int) -> bool:
        return bool(self.low[q] <= self.high[p] and self.high[q] >= self.low[p])

    def conflict(self, p: int, q: int) -> bool:
        """Whether the claims at p and q contradict by the question's rule."""
        return p != q and self.overlap(p, q) and bool(self.conflicting(p, np.array([q]))[0])

    # --- counting -----------------------------------------------------------------------

    def overlaps_within(self, members: Ints) -> Ints:
        """Per member, how many other members overlap its dates."""
        low, high = self.low[members], self.high[members]
        counts: Ints = (np.searchsorted(np.sort(low), high, side="right")
                        - np.searchsorted(np.sort(high), low, side="left") - 1)
        return counts

    def conflicts_within(self, members: Ints) -> Ints:
        """Per member, how many other members it contradicts (`members`: positions)."""
        low, high = self.low[members], self.high[members]
        if not self.quantity:
            keyed = self.answer[members] * _SPAN - NEVER
            starts, ends = keyed + low, keyed + high
            same = (np.searchsorted(np.sort(starts), ends, side="right")
                    - np.searchsorted(np.sort(ends), starts, side="left"))
            overlapping = (np.searchsorted(np.sort(low), high, side="right")
                           - np.searchsorted(np.sort(high), low, side="left"))
            counted: Ints = overlapping - same
            return counted
        total = np.zeros(len(members), dtype=np.int64)
        for key, limit in ((self.below_key, self.below_limit),
                           (self.above_key, self.above_limit)):
            keys, limits = key[members], limit[members]
            total += dominance(low, keys, high + 1, limits) - dominance(high, keys, low, limits)
            total -= keys < limits  # a claim never contradicts itself
        return total

    def conflicts(self) -> Ints:
        """Per position, how many claims of the question it contradicts."""
        if self._conflicts is None:
            self._conflicts = self.conflicts_within(np.arange(self.size, dtype=np.int64))
        return self._conflicts

    def overlaps(self) -> Ints:
        """Per position, how many claims of the question overlap its dates."""
        if self._overlaps is None:
            self._overlaps = (self.reach - np.searchsorted(self.by_high, self.low, side="left")
                              - 1)
        return self._overlaps

    def total(self) -> int:
        """How many pairs of the question contradict."""
        return int(self.conflicts().sum()) // 2

    def pairs_within(self, members: Ints) -> int:
        """How many pairs of `members` (positions) contradict."""
        if len(members) < 2:
            return 0
        return int(self.conflicts_within(np.unique(members)).sum()) // 2

    # --- listing ------------------------------------------------------------------------

    def partners(self, p: int) -> Ints:
        """The positions of the claims that the one at p contradicts, in order."""
        span = np.arange(int(self.reach[p]), dtype=np.int64)
        near = span[self.high[:len(span)] >= self.low[p]]
        near = near[near != p]
        found: Ints = near[self.conflicting(p, near)]
        return found

    def agreeing(self, p: int) -> Ints:
        """The positions of the claims at overlapping dates whose answer can hold with the
        one at p, in order."""
        span = np.arange(int(self.reach[p]), dtype=np.int64)
        near = span[self.high[:len(span)] >= self.low[p]]
        near = near[near != p]
        found: Ints = near[~self.conflicting(p, near)]
        return found

    def every_pair(self) -> tuple[Ints, Ints]:
        """Every contradicting pair as (earlier, later) positions: what a question with
        few of them lists. The work follows the claims that contradict one at least,
        times the claims they overlap."""
        firsts: list[Ints] = []
        seconds: list[Ints] = []
        for p in np.flatnonzero(self.conflicts() > 0).tolist():
            after = np.arange(p + 1, int(self.reach[p]), dtype=np.int64)
            after = after[self.conflicting(p, after)]
            firsts.append(np.full(len(after), p, dtype=np.int64))
            seconds.append(after)
        if not firsts:
            none = np.zeros(0, dtype=np.int64)
            return none, none
        return np.concatenate(firsts), np.concatenate(seconds)

    # --- groups -------------------------------------------------------------------------

    def ranked_answers(self) -> Ints:
        """The answers (indexes) by how many claims give them, most first; ties in the
        order of the answers themselves (values by text, figures by their ends)."""
        counts = np.bincount(self.answer, minlength=len(self.answer_keys))
        if self.quantity or not self.answer_names:
            tie = np.arange(len(self.answer_keys))
        else:
            names = [self.answer_names[int(code)] for code in self.answer_keys.tolist()]
            tie = np.empty(len(names), dtype=np.int64)
            tie[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
        ranked: Ints = np.lexsort((tie, -counts))
        return ranked

    def groups(self) -> list[Group]:
        """The contradicting pairs in groups, each pair in one: named answer against
        named answer, each named answer against the pool, then the pool against itself;
        empty groups left out."""
        if self._groups is not None:
            return self._groups
        ranked = self.ranked_answers().tolist()
        self._ranks = {answer: n for n, answer in enumerate(ranked)}
        named, pooled = ranked[:NAMED_ANSWERS], ranked[NAMED_ANSWERS:]
        side = np.full(len(self.answer_keys), POOL, dtype=np.int64)
        side[named] = named
        self.side = side[self.answer]
        pool = np.flatnonzero(self.side == POOL)
        found: list[Group] = []
        for n, a in enumerate(named):
            for b in named[n + 1:]:
                if self.answers_conflict(a, b):
                    found.append(Group(self, a, b, [
                        _Part(self, np.flatnonzero(self.answer == a),
                              np.flatnonzero(self.answer == b)),
                        _Part(self, np.flatnonzero(self.answer == b),
                              np.flatnonzero(self.answer == a))]))
        for a in named:
            if not len(pool):
                break
            mine = np.flatnonzero(self.answer == a)
            against = pool[self.conflicting(int(mine[0]), pool)]
            found.append(Group(self, a, POOL, [_Part(self, mine, against),
                                               _Part(self, against, mine)]))
        if len(pooled) > 1:
            found.append(Group(self, POOL, POOL, [
                _Part(self, pool, pool, "figures" if self.quantity else "answers")]))
        self._groups = [g for g in found if g.raw]
        for n, group in enumerate(self._groups):
            group.index = n
        self._group_of = {(g.a, g.b): g for g in self._groups}
        return self._groups

    def group_of(self, p: int, q: int) -> Group | None:
        """The group of the pair of positions p and q (None: they do not contradict)."""
        if not self.conflict(p, q):
            return None
        self.groups()
        a, b = int(self.side[p]), int(self.side[q])
        if a == POOL and b == POOL:
            return self._group_of.get((POOL, POOL))
        if POOL in (a, b):
            return self._group_of.get((max(a, b), POOL))
        ranks = self._ranks
        first, second = (a, b) if ranks[a] < ranks[b] else (b, a)
        return self._group_of.get((first, second))


@dataclass(eq=False)
class _Part:
    """Some of a group's pairs: each claim at `starts` with the claims at `others`
    that start after it and overlap it. How the others are checked: "all" contradict
    (answers that cannot both hold), "answers" those with another answer, "figures"
    those wholly below or above."""

    crowd: Crowd
    starts: Ints
    others: Ints
    check: str = "all"

    def __post_init__(self) -> None:
        self._keyed: Ints | None = None

    def count(self, ps: Ints, low: Ints, high: Ints) -> Ints:
        """Per p of `ps` (all in `starts`), its partners at positions strictly between
        low and high."""
        crowd = self.crowd
        counts = _in_range(self.others, low, high)
        if self.check == "answers":
            if self._keyed is None:
                self._keyed = np.sort(crowd.answer[self.others] * _SPAN + self.others)
            base = crowd.answer[ps] * _SPAN
            counts = counts - _in_range(self._keyed, base + low, base + high)
        elif self.check == "figures" and len(ps) <= 4:  # a few: read them
            counts = np.array([len(self.listed(int(p), int(a), int(b)))
                               for p, a, b in zip(ps, low, high, strict=True)],
                              dtype=np.int64)
        elif self.check == "figures":
            counts = np.zeros(len(ps), dtype=np.int64)
            for key, limit in ((crowd.below_key, crowd.below_limit),
                               (crowd.above_key, crowd.above_limit)):
                keys, limits = key[self.others], limit[ps]
                counts += (dominance(self.others, keys, high, limits)
                           - dominance(self.others, keys, low + 1, limits))
        return np.maximum(counts, 0)

    def listed(self, p: int, low: int, high: int) -> Ints:
        """The partners of p at positions strictly between low and high, in order."""
        others = self.others[np.searchsorted(self.others, low, side="right"):
                             np.searchsorted(self.others, high, side="left")]
        if self.check != "all":
            others = others[self.crowd.conflicting(p, others)]
        return others

    def earlier(self, q: int) -> Ints:
        """The claims at `starts` before q whose partners include q, in order."""
        crowd = self.crowd
        at = int(np.searchsorted(self.others, q))
        if at >= len(self.others) or int(self.others[at]) != q:
            return np.zeros(0, dtype=np.int64)
        starts = self.starts[:np.searchsorted(self.starts, q)]
        starts = starts[crowd.reach[starts] > q]
        if self.check != "all":
            starts = starts[crowd.conflicting(q, starts)]
        return starts


@dataclass(eq=False)
class Group:
    """The contradicting pairs of one grouped question between the claims of answer `a`
    and those of answer `b` (POOL: the pooled answers; both POOL: the pooled answers
    against each other), in order: by the earlier claim's position, then the later's."""

    crowd: Crowd
    a: int
    b: int
    parts: list[_Part]
    index: int = 0
    excluded: list[int] = field(default_factory=list)
    """Raw ranks of pairs that belong to a declared contradiction instead (sorted)."""

    def __post_init__(self) -> None:
        crowd = self.crowd
        part_of = np.full(crowd.size, -1, dtype=np.int64)
        counts = np.zeros(crowd.size, dtype=np.int64)
        for n, part in enumerate(self.parts):
            part_of[part.starts] = n
            counts[part.starts] = part.count(part.starts, part.starts,
                                             crowd.reach[part.starts])
        self.part_of = part_of
        self.starts: Ints = np.flatnonzero(counts)
        self.ends: Ints = np.cumsum(counts[self.starts])
        """Raw rank just past each start's pairs."""
        self.raw = int(self.ends[-1]) if len(self.ends) else 0
        self._listed: dict[int, Ints] = {}

    @property
    def count(self) -> int:
        """How many pairs it holds."""
        return self.raw - len(self.excluded)

    # --- sides --------------------------------------------------------------------------

    def members(self) -> tuple[Ints, Ints]:
        """The positions of the claims on each side that contradict one of the other
        side at least (one set twice for the pool against itself)."""
        crowd = self.crowd
        if self.a == POOL and self.b == POOL:
            pool = self.parts[0].starts
            involved = pool[crowd.conflicts_within(pool) > 0]
            return involved, involved
        first, second = self.parts[0].starts, self.parts[0].others
        both = np.sort(np.concatenate([first, second]))
        if not len(both):
            return first, second
        in_first = np.isin(both, first)
        # Every claim of one side contradicts every claim of the other it overlaps.
        across = crowd.overlaps_within(both) - _side_overlaps(crowd, both, in_first)
        involved = both[across > 0]
        return involved[np.isin(involved, first)], involved[np.isin(involved, second)]

    # --- pairs --------------------------------------------------------------------------

    def pair_at(self, raw: int) -> tuple[int, int]:
        """The pair at a raw rank (excluded pairs counted)."""
        at = int(np.searchsorted(self.ends, raw, side="right"))
        p = int(self.starts[at])
        before = int(self.ends[at - 1]) if at else 0
        listed = self._listed.get(p)
        if listed is None:
            if len(self._listed) > 64:
                self._listed.clear()
            part = self.parts[int(self.part_of[p])]
            listed = self._listed[p] = part.listed(p, p, int(self.crowd.reach[p]))
        return p, int(listed[raw - before])

    def pair(self, k: int) -> tuple[int, int]:
        """The k-th pair, as positions (earlier, later)."""
        if not 0 <= k < self.count:
            raise IndexError(k)
        raw = k
        for skipped in self.excluded:
            if skipped <= raw:
                raw += 1
        return self.pair_at(raw)

    def page(self, number: int, size: int) -> list[tuple[int, int]]:
        """The pairs of page `number` (from 0) of `size` pairs each."""
        start = number * size
        return [self.pair(k) for k in range(start, min(start + size, self.count))]

    def raw_rank(self, p: int, q: int) -> int | None:
        """The place of the pair of positions p < q among all the group's pairs, the
        excluded ones included; None if it is not one of them."""
        part = int(self.part_of[p])
        if part < 0 or q >= int(self.crowd.reach[p]):
            return None
        chosen = self.parts[part]
        at = int(np.searchsorted(chosen.others, q))
        if at >= len(chosen.others) or int(chosen.others[at]) != q:
            return None
        if chosen.check != "all" and not chosen.crowd.conflicting(p, np.array([q]))[0]:
            return None
        start = int(np.searchsorted(self.starts, p))
        before = int(self.ends[start - 1]) if start else 0
        between = chosen.count(np.array([p]), np.array([p]), np.array([q]))
        return before + int(between[0])

    def rank(self, p: int, q: int) -> int | None:
        """The place of the pair of positions p < q in the group, or None."""
        raw = self.raw_rank(p, q)
        if raw is None or raw in self.excluded:
            return None
        return raw - sum(1 for skipped in self.excluded if skipped < raw)

    def ranks_with(self, p: int) -> tuple[Ints, Ints]:
        """The partners of the claim at p in this group (positions) and the place of
        each pair, in order of place."""
        crowd = self.crowd
        others: list[Ints] = []
        raws: list[Ints] = []
        part = int(self.part_of[p])
        if part >= 0:
            listed = self.parts[part].listed(p, p, int(crowd.reach[p]))
            at = int(np.searchsorted(self.starts, p))  # p's place, if it has pairs
            before = int(self.ends[at - 1]) if at else 0
            others.append(listed)
            raws.append(before + np.arange(len(listed), dtype=np.int64))
        for chosen in self.parts:
            earlier = chosen.earlier(p)
            if not len(earlier):
                continue
            places = np.searchsorted(self.starts, earlier)
            ahead = np.where(places > 0, self.ends[np.maximum(places - 1, 0)], 0)
            between = chosen.count(earlier, earlier, np.full(len(earlier), p))
            others.append(earlier)
            raws.append(ahead + between)
        if not others:
            none = np.zeros(0, dtype=np.int64)
            return none, none
        found, ranks = np.concatenate(others), np.concatenate(raws)
        if self.excluded:
            excluded = np.array(self.excluded, dtype=np.int64)
            keep = ~np.isin(ranks, excluded)
            found, ranks = found[keep], ranks[keep]
            ranks = ranks - np.searchsorted(excluded, ranks)
        order = np.argsort(ranks)
        return found[order], ranks[order]


def _side_overlaps(crowd: Crowd, ordered: Ints, in_first: Bools) -> Ints:
    """Per position of `ordered`, how many others on its own side overlap it."""
    counts = np.zeros(len(ordered), dtype=np.int64)
    for chosen in (in_first, ~in_first):
        members = ordered[chosen]
        if len(members):
            counts[chosen] = crowd.overlaps_within(members)
    return counts
