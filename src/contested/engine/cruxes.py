"""What a question's dispute turns on (its **crux**): the fewest speakers whose claims,
removed, leave the question without a contradiction.

The speakers of a claim are its `source`s (a joint claim is each of its sources'; a
`via` relay is no speaker). A contradiction is removed when one of its claims is, so a
contradiction is an edge joining every speaker of its claims (more than two only for
joint claims and declared contradictions of three claims or more), and the crux is the
smallest set of speakers touching every edge: a minimum vertex cover. A speaker whose
claims contradict each other joins an edge of one, and is always in it.

Edges are counted, never listed: a question's held pairs and declared contradictions are
read from the engine's arrays, and a grouped question's pairs between the claims of two
sets of speakers are counted as `contested.engine.sources` counts them (the pairs among
both less those within either; `Crowd.pairs_within`). A grouped question with more sets
of speakers than are counted pair by pair is swept in date order instead, keeping each
speaker whose claims agree with those kept: a cover, with no proof that it is the
smallest.

The cover is exact while each connected part left after the reductions (a speaker
contradicting itself is in; a speaker in one contradiction alone gives way to the other
speaker of it) has at most `EXACT_SPEAKERS` speakers and the search stays within
`SEARCH_STEPS`; beyond, it is the speakers of a maximal set of disjoint contradictions,
pruned: at most twice the smallest (as many times as the largest edge has speakers).

Data only: `contested.present.wording` says it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from weakref import ref

import numpy as np

from contested.engine.contradictions import Contradictions
from contested.engine.crowds import Crowd
from contested.engine.pairs import Ints
from contested.engine.sources import SOURCE_PAIRS_PER_QUESTION

EXACT_SPEAKERS = 40
"""Speakers of one connected part (after the reductions) up to which the crux is searched
exhaustively; beyond, a cover at most twice the smallest."""

SEARCH_STEPS = 10_000
"""Branches the exhaustive search may take in one question before it keeps the best cover
found so far, with the bound of the approximation."""

Edge = frozenset[str]


@dataclass(frozen=True)
class Crux:
    """The speakers a question's contradictions turn on."""

    question: str
    speakers: tuple[str, ...]
    """Source ids, those in most of its contradictions first."""
    contradictions: int
    """How many contradictions the question has: removing the speakers' claims removes
    them all."""
    within: tuple[int, ...] | None
    """Per speaker, how many of the question's contradictions have a claim of it (None:
    not counted, for a question swept)."""
    exact: bool
    """The smallest such set (one of them, when several are as small)."""
    at_least: int
    """The smallest set has at least this many speakers."""
    factor: int | None
    """When not exact: proven at most this many times the smallest (None: not proven)."""
    instead: tuple[str, ...] = ()
    """Another set of speakers, as small, that would do as well (the first found), when
    the smallest is not the only one: a single contradiction turns on either side."""

    def as_dict(self) -> dict[str, Any]:
        """Its JSON object (`contested contradictions --json`, the JSON export)."""
        return {"speakers": list(self.speakers), "exact": self.exact,
                "or_equally": list(self.instead) or None,
                "at_least": self.at_least, "at_most_times": self.factor,
                "contradictions": self.contradictions,
                "within": list(self.within) if self.within is not None else None}


def crux_record(found: Contradictions, question_id: str | None) -> dict[str, Any] | None:
    """The JSON object of a question's crux; None for no question or no contradiction."""
    crux = cruxes(found).of(question_id) if question_id is not None else None
    return None if crux is None else crux.as_dict()


def cruxes(found: Contradictions) -> Cruxes:
    """The cruxes of an analysis' contradictions, worked out per question when first
    asked and kept with the contradictions (the explorer, the JSON and the report ask
    the same questions many times)."""
    known = _HELD.get(id(found))
    if known is not None and known[0]() is found:
        return known[1]
    for key in [key for key, (alive, _) in _HELD.items() if alive() is None]:
        del _HELD[key]
    held = Cruxes(found)
    _HELD[id(found)] = (ref(found), held)
    return held


class Cruxes:
    """The crux of each question of one analysis, each worked out when first asked."""

    def __init__(self, found: Contradictions) -> None:
        self.found = found
        table = found.table
        self._ids = table.columns.source_ids
        picked = np.flatnonzero(found.question >= 0)
        by_question = picked[np.argsort(found.question[picked], kind="stable")]
        self._pairs = by_question
        self._pair_questions = found.question[by_question]
        self._declared: dict[str, list[int]] = {}
        for n, item in enumerate(found.declared):
            if item.question is not None:
                self._declared.setdefault(item.question, []).append(n)
        self._made: dict[str, Crux | None] = {}
        self._totals: dict[str, int] | None = None

    def of(self, question_id: str) -> Crux | None:
        """The crux of a question; None when it has no contradiction."""
        if question_id not in self._made:
            self._made[question_id] = self._crux(question_id)
        return self._made[question_id]

    # --- the edges ----------------------------------------------------------------------

    def _speakers(self, row: int) -> tuple[str, ...]:
        source = int(self.found.table.source[row])
        if 0 <= source < len(self._ids):
            return (self._ids[source],)
        return tuple(self.found.table.columns.sources_of(row))

    def _edges(self, question: int, question_id: str) -> Counter[Edge]:
        """The question's contradictions as edges of speakers, each with how many
        contradictions it stands for; a grouped question's only when counted."""
        found = self.found
        edges: Counter[Edge] = Counter()
        begin, end = np.searchsorted(self._pair_questions, [question, question + 1])
        places = self._pairs[begin:end]
        for a, b in zip(found.first[places].tolist(), found.second[places].tolist(),
                        strict=True):
            edges[frozenset((*self._speakers(a), *self._speakers(b)))] += 1
        for n in self._declared.get(question_id, []):
            rows = found.member_rows[n]
            edges[frozenset(s for row in rows for s in self._speakers(row))] += 1
        return edges

    def _crowd_edges(self, crowd: Crowd) -> Counter[Edge] | None:
        """A grouped question's pairs as edges, counted between the sets of speakers of
        its claims; None when it has more sets than are counted pair by pair."""
        places_of: dict[tuple[str, ...], list[int]] = {}
        for p, row in enumerate(crowd.rows.tolist()):
            places_of.setdefault(self._speakers(row), []).append(p)
        if len(places_of) > SOURCE_PAIRS_PER_QUESTION:
            return None
        labels = sorted(places_of)
        places = {label: np.array(places_of[label], dtype=np.int64) for label in labels}
        excluded: Counter[Edge] = Counter(
            frozenset((*self._speakers(a), *self._speakers(b)))
            for a, b in self.found.excluded_rows() if crowd.position_of(a) is not None)
        edges: Counter[Edge] = Counter()
        within = {label: crowd.pairs_within(places[label]) for label in labels}
        for n, one in enumerate(labels):
            if within[one]:
                edges[frozenset(one)] += within[one]
            for other in labels[n + 1:]:
                across = (crowd.pairs_within(np.concatenate([places[one], places[other]]))
                          - within[one] - within[other])
                if across:
                    edges[frozenset((*one, *other))] += across
        edges.subtract(excluded)  # held by declared contradictions, counted there
        return +edges

    # --- the cover ----------------------------------------------------------------------

    def _crux(self, question_id: str) -> Crux | None:
        if self._totals is None:
            self._totals = self.found.per_question()
        total = self._totals.get(question_id, 0)
        question = self.found.table.question_index.get(question_id)
        if not total or question is None:
            return None
        edges = self._edges(question, question_id)
        crowd = self.found.crowds.get(question)
        if crowd is not None and crowd.grouped:
            counted = self._crowd_edges(crowd)
            if counted is None:
                return _swept(question_id, total, *self._sweep(crowd), edges)
            edges.update(counted)
        cover = smallest_cover(edges)
        within = Counter({s: sum(n for edge, n in edges.items() if s in edge)
                          for s in cover.speakers})
        ordered = sorted(cover.speakers, key=lambda s: (-within[s], s))
        instead = _another_cover(edges, cover) if cover.exact else None
        return Crux(question_id, tuple(ordered), total, tuple(within[s] for s in ordered),
                    cover.exact, cover.at_least, cover.factor,
                    tuple(sorted(instead)) if instead else ())

    def _sweep(self, crowd: Crowd) -> tuple[set[str], int]:
        """A grouped question's speakers that no consistent set could keep, taken in
        order of their answers' popularity (the most common answer's speakers first,
        so that claims all at one time keep the most common answer): a cover; and how
        many of them contradict themselves."""
        rank = np.empty(len(crowd.answer_keys), dtype=np.int64)
        rank[crowd.ranked_answers()] = np.arange(len(crowd.answer_keys))
        if crowd.quantity:
            lows: Ints = crowd.below_limit - 1
            highs: Ints = crowd.below_key - 1
        else:
            lows = highs = crowd.answer * 2
        claims_of: dict[str, list[int]] = {}
        speakers_of: list[tuple[str, ...]] = []
        for p, row in enumerate(crowd.rows.tolist()):
            speakers = self._speakers(row)
            speakers_of.append(speakers)
            for speaker in speakers:
                claims_of.setdefault(speaker, []).append(p)
        first_rank = {s: min(int(rank[crowd.answer[p]]) for p in ps)
                      for s, ps in claims_of.items()}
        order = sorted(claims_of, key=lambda s: (first_rank[s], len(claims_of[s]), s))
        kept: set[str] = set()
        dropped: set[str] = set()
        themselves = 0
        agreed = _Agreement()
        low, high = crowd.low.tolist(), crowd.high.tolist()
        value_low, value_high = lows.tolist(), highs.tolist()
        for speaker in order:
            # A claim stands once all its speakers are kept; one of a dropped one's is gone.
            ready = [p for p in claims_of[speaker]
                     if all(s in kept or s == speaker for s in speakers_of[p])]
            alone = _Agreement()
            fits = True
            for p in ready:
                claim = (low[p], high[p], value_low[p], value_high[p])
                if not alone.fits(*claim):
                    themselves += 1
                    fits = False
                    break
                if not agreed.fits(*claim):
                    fits = False
                    break
                alone.add(*claim)
            if fits:
                kept.add(speaker)
                for p in ready:
                    agreed.add(low[p], high[p], value_low[p], value_high[p])
            else:
                dropped.add(speaker)
        return dropped, themselves


_HELD: dict[int, tuple[ref[Contradictions], Cruxes]] = {}
"""Per analysis' contradictions (by identity: they compare by content), its cruxes."""


def _swept(question: str, total: int, dropped: set[str], themselves: int,
           edges: Counter[Edge]) -> Crux:
    """A swept question's crux: the speakers dropped, with those of the question's
    other contradictions (declared, disputes) that they leave standing."""
    cover = set(dropped)
    for edge in sorted(edges, key=lambda e: (len(e), sorted(e))):
        if not edge & cover:
            cover |= edge
    forced = {s for edge in edges if len(edge) == 1 for s in edge}
    return Crux(question, tuple(sorted(cover)), total, None, False,
                max(len(forced), themselves, 1), None)


class _Agreement:
    """Claims that agree, as the days they cover: stretches of days, each with the
    values every claim covering it allows (an answer is the value range [2a, 2a]; a
    figure its widened interval, ends ranked and doubled so that an open end lies a
    half step in). Claims at overlapping dates agree when their values meet, and values
    that meet pairwise meet all at once, so a claim agrees with all of them when its
    values meet each stretch's."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.lows: list[int] = []
        self.highs: list[int] = []

    def _span(self, first: int, last: int) -> tuple[int, int]:
        return bisect_left(self.ends, first), bisect_right(self.starts, last)

    def fits(self, first: int, last: int, low: int, high: int) -> bool:
        begin, end = self._span(first, last)
        return all(self.lows[n] <= high and low <= self.highs[n] for n in range(begin, end))

    def add(self, first: int, last: int, low: int, high: int) -> None:
        """Add a claim that `fits`."""
        begin, end = self._span(first, last)
        pieces: list[tuple[int, int, int, int]] = []
        day = first
        for n in range(begin, end):
            start, stop = self.starts[n], self.ends[n]
            if start < first:
                pieces.append((start, first - 1, self.lows[n], self.highs[n]))
            elif start > day:
                pieces.append((day, start - 1, low, high))
            pieces.append((max(start, first), min(stop, last),
                           max(self.lows[n], low), min(self.highs[n], high)))
            if stop > last:
                pieces.append((last + 1, stop, self.lows[n], self.highs[n]))
            day = stop + 1
        if day <= last:
            pieces.append((day, last, low, high))
        self.starts[begin:end] = [piece[0] for piece in pieces]
        self.ends[begin:end] = [piece[1] for piece in pieces]
        self.lows[begin:end] = [piece[2] for piece in pieces]
        self.highs[begin:end] = [piece[3] for piece in pieces]


# --- the smallest cover of a hypergraph ---------------------------------------------------

@dataclass(frozen=True)
class Cover:
    """A set of speakers touching every edge, and what is proven of its size."""

    speakers: frozenset[str]
    exact: bool
    at_least: int
    factor: int | None


def smallest_cover(edges: Iterable[Edge]) -> Cover:
    """The fewest speakers touching every edge: the reductions, then each connected part
    searched exhaustively when small, else approximated (`Cover.factor`)."""
    left = {edge for edge in edges if edge}
    chosen: set[str] = set()
    while True:
        forced = {s for edge in left if len(edge) == 1 for s in edge}
        # A speaker in one edge alone, of two speakers, gives way to the other one.
        degree = Counter(s for edge in left for s in edge)
        for edge in sorted((e for e in left if len(e) == 2), key=sorted):
            lone = [s for s in sorted(edge) if degree[s] == 1]
            if lone and not edge & forced:
                forced |= edge - {lone[-1]}
        if not forced:
            break
        chosen |= forced
        left = {edge for edge in left if not edge & forced}
    exact, at_least, factor = True, len(chosen), None
    for part in _parts(left):
        speakers = sorted({s for edge in part for s in edge})
        found = _search(speakers, part) if len(speakers) <= EXACT_SPEAKERS else None
        if found is not None:
            chosen |= found
            at_least += len(found)
            continue
        cover, disjoint = _approximate(part)
        chosen |= cover
        exact = False
        at_least += disjoint
        factor = max(factor or 0, *(len(edge) for edge in part))
    return Cover(frozenset(chosen), exact, at_least, factor)


ALTERNATIVES_UP_TO = 12
"""Speakers in a question up to which another smallest crux is looked for."""


def _another_cover(edges: Iterable[Edge], cover: Cover) -> frozenset[str] | None:
    """Another set as small as `cover` (exact), if there is one: for each speaker of the
    cover in turn, the smallest cover that may not take it."""
    edges = [edge for edge in edges if edge]
    if len({s for edge in edges for s in edge}) > ALTERNATIVES_UP_TO:
        return None
    for speaker in sorted(cover.speakers):
        if any(edge == {speaker} for edge in edges):
            continue  # it contradicts itself: every cover holds it
        without = smallest_cover(edge - {speaker} for edge in edges)
        if without.exact and len(without.speakers) == len(cover.speakers):
            return without.speakers
    return None


def _parts(edges: set[Edge]) -> Iterator[list[Edge]]:
    """The edges in connected parts (sharing speakers), in a stable order."""
    parent: dict[str, str] = {}

    def root(s: str) -> str:
        while parent.setdefault(s, s) != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for edge in edges:
        first, *rest = sorted(edge)
        for s in rest:
            parent[root(s)] = root(first)
    parts: dict[str, list[Edge]] = {}
    for edge in sorted(edges, key=sorted):
        parts.setdefault(root(min(edge)), []).append(edge)
    yield from (parts[key] for key in sorted(parts))


def _approximate(edges: list[Edge]) -> tuple[set[str], int]:
    """Every speaker of a maximal set of disjoint edges (each needs one of its own, so
    the smallest cover has at least as many speakers as there are such edges), less
    those whose edges all have another speaker in the cover."""
    ordered = sorted(edges, key=lambda e: (len(e), sorted(e)))
    cover: set[str] = set()
    disjoint = 0
    for edge in ordered:
        if not edge & cover:
            cover |= edge
            disjoint += 1
    degree = Counter(s for edge in edges for s in edge)
    for speaker in sorted(cover, key=lambda s: (degree[s], s)):
        if all(len(edge & cover) > 1 for edge in edges if speaker in edge):
            cover.discard(speaker)
    return cover, disjoint


def _search(speakers: list[str], edges: list[Edge]) -> set[str] | None:
    """The smallest cover of a small part, by branch and bound over bit sets: take the
    speaker in most edges, or leave it and take what its edges then force; a branch is
    cut when what it holds and a count of disjoint edges left reach the best found.
    None when the search ran past `SEARCH_STEPS`."""
    bit = {s: 1 << n for n, s in enumerate(speakers)}
    masks = sorted({sum(bit[s] for s in edge) for edge in edges})
    best_cover, _ = _approximate(edges)
    best = sum(bit[s] for s in best_cover)
    steps = 0

    def disjoint(left: list[int]) -> int:
        used, count = 0, 0
        for mask in left:
            if not mask & used:
                used |= mask
                count += 1
        return count

    def branch(left: list[int], taken: int) -> None:
        nonlocal best, steps
        steps += 1
        if steps > SEARCH_STEPS:
            return
        while True:  # edges of one speaker force it
            single = next((m for m in left if m & (m - 1) == 0), 0)
            if not single:
                break
            taken |= single
            left = [m for m in left if not m & single]
        if not left:
            if taken.bit_count() < best.bit_count():
                best = taken
            return
        if taken.bit_count() + disjoint(left) >= best.bit_count():
            return
        counts: Counter[int] = Counter()
        for mask in left:
            rest = mask
            while rest:
                low = rest & -rest
                counts[low] += 1
                rest ^= low
        pick = max(counts, key=lambda b: (counts[b], -b))
        branch([m for m in left if not m & pick], taken | pick)
        without = [m & ~pick for m in left]
        if all(without):
            branch(sorted(set(without)), taken)

    branch(masks, 0)
    if steps > SEARCH_STEPS:
        return None
    return {s for s in speakers if best & bit[s]}
