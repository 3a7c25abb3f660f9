"""The contradiction engine: which claims cannot all be true, which figures are a trend,
and which agreement is independent.

Rules (docs/timeline-format.md, "When claims contradict"):
- declared: an entry in `contradictions` (keeps its own id and all its claims);
- disputes: a `disputes` link, either direction;
- category: same category question, different values, overlapping `as_of`;
- quantity: same quantity question, overlapping `as_of`, intervals that do not meet even
  when widened by the question's tolerance (`about` by max(tolerance, 10%)).

Declared entries and disputes links are the analyst's word and need no overlapping
dates. A claim with no date at all (no as_of, event or said) may hold at any time.

Pairs are found per question over `as_of` with array operations (`contested.pairs`):
every pair at overlapping dates is either a contradiction or an agreement, and both are
reported. Contradictions, series and corroboration are held as arrays and made into
objects when read, so the cost follows what is shown, not the size of the catalog.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import overload

import numpy as np

from contested.collector import collector_paused
from contested.columns import ALWAYS, NEVER
from contested.dates import FuzzyDate
from contested.diagnostics import Diagnostic, Location, Severity, sort_diagnostics
from contested.model import Catalog, Claim
from contested.pairs import (
    Bools,
    ClaimTable,
    Ints,
    Pairs,
    Runs,
    by_question,
    claim_table,
    find_pairs,
    keyed,
    placeholder_table,
)
from contested.quantities import format_number

RULES: tuple[str, ...] = ("declared", "category", "quantity", "disputes")
"""In the order a contradiction names them; the first is its `rule`."""


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Claims that cannot all be true, with the rules that say so and why.

    The one-line explanation and the reason are written when first read: a catalog
    with 160,000 contradictions shows a screenful of them.
    """

    id: str
    rules: tuple[str, ...]
    claims: tuple[str, ...]
    question: str | None
    note: str | None = None
    catalog: Catalog | None = field(default=None, compare=False, repr=False)
    rows: tuple[int, ...] | None = field(default=None, compare=False, repr=False)
    """The rows of its claims that are in the catalog, if known (then explaining it needs
    no index of 300,000 claim ids)."""
    _words: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def rule(self) -> str:
        return self.rules[0]

    @property
    def explanation(self) -> str:
        """`Zombie: rout (2025-03?) vs Oleksandr Syrsky: under-control (2025-03?)`."""
        return self._written()[0]

    @property
    def reason(self) -> str:
        """Why the rules say so, in a sentence."""
        return self._written()[1]

    def _written(self) -> list[str]:
        if not self._words and self.catalog is not None:
            self._words.extend(_explain(self.catalog, self))
        return self._words or ["", ""]


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
        """Relative change from the previous step (-0.4 is a fall of 40%)."""
        if self.change is None or self.figure is None:
            return None
        previous = self.figure - self.change
        return None if previous == 0 else self.change / previous


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


@dataclass(frozen=True, slots=True)
class Corroboration:
    """For one claim: who agrees and who contradicts, counted by independent origin."""

    claim: str
    agreeing: tuple[str, ...] = ()
    independent_agreeing: tuple[str, ...] = ()
    agreeing_origins: int = 0
    contradicting: tuple[str, ...] = ()
    contradicting_origins: int = 0


@dataclass
class Analysis:
    """Everything the engine found in one catalog."""

    catalog: Catalog
    contradictions: Contradictions
    series: Mapping[str, Series]
    corroboration: Mapping[str, Corroboration]
    complete: bool = True
    """False for `pending`'s stand-in, shown while the engine runs."""

    @cached_property
    def warnings(self) -> list[Diagnostic]:
        """What looks wrong though it is valid: worked out when first asked (the
        explorer never asks; at 300,000 claims it locates thousands)."""
        assert isinstance(self.corroboration, CorroborationIndex)
        with collector_paused():
            return sanity_warnings(self.catalog, self.corroboration)

    def contradictions_of(self, claim_id: str) -> list[Contradiction]:
        """The contradictions a claim is part of."""
        return self.contradictions.of(claim_id)


# --- describing claims for people -------------------------------------------------------

def source_names(catalog: Catalog, claim: Claim) -> str:
    names = [catalog.sources[s].name if s in catalog.sources else s for s in claim.source]
    return " and ".join(names) if len(names) <= 2 else ", ".join(names)


def value_text(catalog: Catalog, claim: Claim) -> str:
    """The claimed value as a person writes it: `rout`, `about 800 soldiers`."""
    if claim.quantity is not None:
        question = catalog.questions.get(claim.about or "")
        unit = f" {question.unit}" if question and question.unit else ""
        return claim.quantity.text + unit
    if isinstance(claim.value, str):
        return claim.value
    text = claim.text if len(claim.text) <= 60 else claim.text[:59] + "…"
    return f'"{text}"'


def date_text(when: FuzzyDate | None) -> str:
    return when.text if when is not None else "undated"


def describe(catalog: Catalog, claim: Claim) -> str:
    """`Zombie: rout (2025-03?)`."""
    return f"{source_names(catalog, claim)}: {value_text(catalog, claim)} ({date_text(claim.when)})"


# --- independence -------------------------------------------------------------------------

def independent(a: Claim, b: Claim) -> bool:
    """Two claims are independent unless they share an original source, one relays the
    other's source, or both reached us only through the same `via` chain."""
    return independent_voices((a.source, a.via), (b.source, b.via))


def independent_voices(a: tuple[Sequence[object], Sequence[object]],
                       b: tuple[Sequence[object], Sequence[object]]) -> bool:
    """`independent` on (sources, relays), as ids or as the numbers the claims'
    columns keep (`ClaimColumns.voice`)."""
    (a_sources, a_via), (b_sources, b_via) = a, b
    for source in a_sources:  # lists of one to three ids: no sets needed
        if source in b_sources or source in b_via:
            return False
    if any(source in a_via for source in b_sources):
        return False
    return not (a_via and a_via == b_via)  # both lists (claims) or both tuples (columns)


def origins(claims: Sequence[Claim]) -> int:
    """How many independent origins a set of claims stands for: the connected groups
    under "not independent" (a shared source, a relay, the same via chain)."""
    if len(claims) <= 1:
        return len(claims)
    if len(claims) == 2:
        return 2 if independent(claims[0], claims[1]) else 1
    by_source: dict[str, list[int]] = defaultdict(list)
    by_relay: dict[str, list[int]] = defaultdict(list)
    by_chain: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, claim in enumerate(claims):
        for source in claim.source:
            by_source[source].append(index)
        for relay in claim.via:
            by_relay[relay].append(index)
        if claim.via:
            by_chain[tuple(claim.via)].append(index)
    seen = [False] * len(claims)
    groups = 0
    for start in range(len(claims)):
        if seen[start]:
            continue
        groups += 1
        seen[start] = True
        stack = [start]
        while stack:
            claim = claims[stack.pop()]
            neighbours: list[int] = []
            for source in claim.source:
                neighbours += by_source[source] + by_relay[source]
            for relay in claim.via:
                neighbours += by_source.get(relay, [])
            if claim.via:
                neighbours += by_chain[tuple(claim.via)]
            for other in neighbours:
                if not seen[other]:
                    seen[other] = True
                    stack.append(other)
    return groups


# --- contradictions -----------------------------------------------------------------------

_CATEGORY, _QUANTITY, _DISPUTES = 1, 2, 4
_PAIR_RULES = ((_CATEGORY, "category"), (_QUANTITY, "quantity"), (_DISPUTES, "disputes"))


def pair_id(rule: str, a: str, b: str) -> str:
    """`category~syrsky-under-control~zombie-rout`: readable, and the same for the same
    pair whatever the order of files or claims (`~` never occurs in an id)."""
    first, second = sorted((a, b))
    return f"{rule}~{first}~{second}"


def _reason(catalog: Catalog, rules: Sequence[str], a: Claim, b: Claim) -> str:
    question = catalog.questions.get(a.about or "") if a.about == b.about else None
    parts = []
    if "category" in rules and question is not None:
        parts.append(f"different answers to '{question.text}' at overlapping dates")
    if "quantity" in rules and question is not None and a.quantity and b.quantity:
        tolerance = question.tolerance
        widened = [q.compared(tolerance) for q in (a.quantity, b.quantity)]
        unit = f" {question.unit}" if question.unit else ""
        parts.append(
            f"{widened[0]} and {widened[1]}{unit} do not meet "
            f"(tolerance {format_number(tolerance * 100)}%, about ±10% at least)"
        )
    if "disputes" in rules:
        disputer, disputed = (a, b) if b.id in a.disputes else (b, a)
        parts.append(f"{source_names(catalog, disputer)} disputes '{disputed.id}'")
    return "; ".join(parts)


def _explain(catalog: Catalog, item: Contradiction) -> tuple[str, str]:
    """The explanation and the reason of a contradiction."""
    claims = catalog.claims
    members = ([claims.at(row) for row in item.rows] if item.rows is not None
               else [claims[c] for c in item.claims if c in claims])
    explanation = " vs ".join(describe(catalog, c) for c in members)
    if "declared" not in item.rules:
        return explanation, _reason(catalog, item.rules, members[0], members[1])
    reason = item.note or "declared by the analyst"
    if len(members) == 2 and len(item.rules) > 1:
        reason = _reason(catalog, item.rules, members[0], members[1]) + "; " + reason
    return explanation, reason


class Contradictions(Sequence[Contradiction]):
    """Every contradiction of a catalog, ordered by question (undecided last), declared
    ones first, then by rule and claim ids; each made when first read.

    The pairs are held as rows of the claim table, so a catalog with 300,000 of them
    costs arrays, and the explorer makes the screenful it shows.
    """

    def __init__(self, catalog: Catalog, table: ClaimTable, declared: list[Contradiction], *,
                 first: Ints, second: Ints, rules: Ints, question: Ints, order: Ints) -> None:
        self.catalog = catalog
        self.table = table
        self.declared = declared
        self.first, self.second, self.rules, self.question = first, second, rules, question
        self.order = order  # entry n < len(declared) is declared[n], else pair n - len(declared)
        self.member_rows = table.columns.declared_rows(catalog.contradictions) if declared else []
        """The rows of each declared contradiction's claims (`declared` holds all of the
        catalog's, or none: the stand-in `pending`)."""
        self._made: dict[int, Contradiction] = {}
        self._members: tuple[Ints, Ints, Ints] | None = None
        self._position: Ints | None = None

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> Contradiction: ...

    @overload
    def __getitem__(self, index: slice) -> list[Contradiction]: ...

    def __getitem__(self, index: int | slice) -> Contradiction | list[Contradiction]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        made = self._made.get(index)
        if made is None:
            made = self._made[index] = self._make(int(self.order[index]))
        return made

    def __iter__(self) -> Iterator[Contradiction]:
        return (self[n] for n in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                         strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def _make(self, entry: int) -> Contradiction:
        if entry < len(self.declared):
            return self.declared[entry]
        pair = entry - len(self.declared)
        mask = int(self.rules[pair])
        rules = tuple(name for bit, name in _PAIR_RULES if mask & bit)
        ids = self.table.ids
        first, second = ids[self.first[pair]], ids[self.second[pair]]
        question = int(self.question[pair])
        return Contradiction(
            id=f"{rules[0]}~{first}~{second}", rules=rules, claims=(first, second),
            question=self.table.question_ids[question] if question >= 0 else None,
            catalog=self.catalog, rows=(int(self.first[pair]), int(self.second[pair])),
        )

    def _membership(self) -> tuple[Ints, Ints, Ints]:
        """For each claim row, the positions of its contradictions and the other claim of
        each (-1 for a declared one: see its claims): (offsets, positions, others)."""
        if self._members is None:
            position = self._positions()
            declared_rows = [(row, n) for n, rows in enumerate(self.member_rows)
                             for row in rows]
            extra = len(self.declared)
            rows = np.concatenate([
                np.array([r for r, _ in declared_rows], dtype=np.int64),
                self.first, self.second])
            positions = np.concatenate([
                position[np.array([n for _, n in declared_rows], dtype=np.int64)],
                position[extra:], position[extra:]])
            others = np.concatenate([np.full(len(declared_rows), -1, dtype=np.int64),
                                     self.second, self.first])
            by_row = np.argsort(rows * max(len(self.order), 1) + positions)  # one key
            offsets = np.searchsorted(rows[by_row], np.arange(len(self.table.claims) + 1))
            self._members = (offsets, positions[by_row], others[by_row])
        return self._members

    def against(self, row: int) -> list[int]:
        """The rows of the claims that contradict the claim in `row`, each once, in this
        sequence's order."""
        offsets, positions, others = self._membership()
        start, end = offsets[row], offsets[row + 1]
        found: dict[int, None] = {}
        for position, other in zip(positions[start:end].tolist(), others[start:end].tolist(),
                                   strict=True):
            if other >= 0:
                found[other] = None
                continue
            for at in self.member_rows[int(self.order[position])]:  # a declared one
                if at != row:
                    found[at] = None
        return list(found)

    def count_of(self, claim_id: str) -> int:
        """How many contradictions a claim is part of."""
        row = self.table.row_of(claim_id)
        if row is None:
            return 0
        offsets, _, _ = self._membership()
        return int(offsets[row + 1] - offsets[row])

    def per_row(self) -> Ints:
        """Per claim row, how many contradictions it is part of."""
        offsets, _, _ = self._membership()
        sizes: Ints = np.diff(offsets)
        return sizes

    def of(self, claim_id: str) -> list[Contradiction]:
        """The contradictions a claim is part of, in this sequence's order."""
        return [self[p] for p in self.positions_of(claim_id)]

    def positions_of(self, claim_id: str) -> list[int]:
        """Where the contradictions a claim is part of are in the sequence."""
        row = self.table.row_of(claim_id)
        if row is None:
            return []
        offsets, positions, _ = self._membership()
        found: list[int] = positions[offsets[row]:offsets[row + 1]].tolist()
        return found

    def get(self, contradiction_id: str) -> Contradiction | None:
        """The contradiction with this id, or None."""
        position = self.position_of(contradiction_id)
        return None if position is None else self[position]

    def position_of(self, contradiction_id: str) -> int | None:
        """Where the contradiction with this id is in the sequence, or None."""
        for n, found in enumerate(self.declared):
            if found.id == contradiction_id:
                return int(self._positions()[n])
        first = contradiction_id.partition("~")[2].partition("~")[0]
        row = self.table.row_of(first)
        if row is None:
            return None
        offsets, positions, _ = self._membership()
        return next((p for p in positions[offsets[row]:offsets[row + 1]].tolist()
                     if self[p].id == contradiction_id), None)

    def _positions(self) -> Ints:
        """Per entry (declared ones, then pairs), its place in the sequence."""
        if self._position is None:
            self._position = np.empty(len(self.order), dtype=np.int64)
            self._position[self.order] = np.arange(len(self.order))
        return self._position

    def _entry_questions(self) -> Ints:
        """Per place in the sequence, the question's position (-1: none)."""
        declared = [self.table.question_index.get(f.question or "", -1) for f in self.declared]
        entries = np.concatenate([np.array(declared, dtype=np.int64), self.question])
        return entries[self.order]

    def runs(self) -> list[tuple[str | None, int, int]]:
        """(question, start, end) of each question's stretch of the sequence, in order."""
        questions = self._entry_questions()
        if not len(questions):
            return []
        starts = np.flatnonzero(np.concatenate([[True], questions[1:] != questions[:-1]]))
        ends = np.append(starts[1:], len(questions))
        ids = self.table.question_ids
        return [(ids[q] if q >= 0 else None, start, end) for q, start, end in zip(
            questions[starts].tolist(), starts.tolist(), ends.tolist(), strict=True)]

    def per_question(self) -> dict[str, int]:
        """Question id → how many contradictions are about it."""
        questions = self._entry_questions()
        counts = np.bincount(questions[questions >= 0], minlength=len(self.table.question_ids))
        ids = self.table.question_ids
        return {ids[q]: int(counts[q]) for q in np.flatnonzero(counts).tolist()}

    def _sources_of(self, row: int) -> list[str]:
        return self.table.columns.sources_of(row)  # from the columns: no claim made

    def per_source(self) -> Counter[str]:
        """Source id → how many contradictions have a claim from it."""
        counts: Counter[str] = Counter()
        source, ids = self.table.source, self.table.columns.source_ids
        a, b = source[self.first], source[self.second]
        single = (a >= 0) & (b >= 0)
        tally = np.bincount(a[single], minlength=len(ids)) + np.bincount(
            b[single & (a != b)], minlength=len(ids))
        counts.update({ids[n]: int(tally[n]) for n in np.flatnonzero(tally).tolist()})
        several = [[*self._sources_of(int(x)), *self._sources_of(int(y))] for x, y in zip(
            self.first[~single].tolist(), self.second[~single].tolist(), strict=True)]
        several += [[s for row in rows for s in self._sources_of(row)]
                    for rows in self.member_rows]
        for members in several:
            counts.update(set(members))
        return counts

    def source_pairs(self, group: Mapping[str, str] | None = None
                     ) -> Counter[tuple[str, str]]:
        """(source, source) in order → how many contradictions set them against each other
        (a claim's sources against the other claims'). With `group` (source id → a name,
        such as its side), the same between groups; each contradiction counts once."""
        ids = self.table.columns.source_ids
        names = [group.get(s, s) for s in ids] if group is not None else ids
        labels, code = np.unique(np.array(names, dtype=object), return_inverse=True)
        labels = labels.tolist()
        counts: Counter[tuple[str, str]] = Counter()
        source = self.table.source
        a, b = source[self.first], source[self.second]
        single = (a >= 0) & (b >= 0)
        if len(ids):
            a, b = code[a[single]], code[b[single]]
            low, high = np.minimum(a, b), np.maximum(a, b)
            keys, tally = np.unique(low * len(labels) + high, return_counts=True)
            for key, n in zip(keys.tolist(), tally.tolist(), strict=True):
                counts[(labels[key // len(labels)], labels[key % len(labels)])] += n
        name = dict(zip(ids, names, strict=True))
        groups = [[x, y] for x, y in zip(self.first[~single].tolist(),
                                          self.second[~single].tolist(), strict=True)]
        for rows in [*groups, *self.member_rows]:
            sides = [[name.get(s, s) for s in self._sources_of(r)] for r in rows]
            counts.update({
                (s, t) if s <= t else (t, s)
                for i, one in enumerate(sides) for other in sides[i + 1:]
                for s in one for t in other
            })
        return counts


def _declared(catalog: Catalog, table: ClaimTable) -> list[Contradiction]:
    """The declared contradictions; the question of one whose claims are all about the
    same (read from the claims' columns: their claims need not be made)."""
    found = []
    members = table.columns.declared_rows(catalog.contradictions)
    for declared, rows in zip(catalog.contradictions.values(), members, strict=True):
        abouts = {int(table.about[row]) for row in rows}
        about = abouts.pop() if len(abouts) == 1 else -1
        found.append(Contradiction(
            id=declared.id, rules=("declared",), claims=tuple(declared.claims),
            question=table.question_ids[about] if about >= 0 else None,
            note=declared.note, catalog=catalog, rows=tuple(rows),
        ))
    return found


def find_contradictions(catalog: Catalog, pairs: Pairs | None = None) -> Contradictions:
    """Every contradiction in the catalog, each pair once with all its rules."""
    pairs = find_pairs(claim_table(catalog)) if pairs is None else pairs
    table = pairs.table
    size = np.int64(max(len(table.claims), 1))
    first, second = pairs.first[pairs.conflict], pairs.second[pairs.conflict]
    rules = np.where(table.quantity[first], _QUANTITY, _CATEGORY)
    keys = np.minimum(first, second) * size + np.maximum(first, second)
    disputes = [min(a, b) * int(size) + max(a, b) for a, b in table.disputes]
    keys = np.concatenate([keys, np.array(disputes, dtype=np.int64)])
    rules = np.concatenate([rules, np.full(len(disputes), _DISPUTES, dtype=np.int64)])
    keys, where = np.unique(keys, return_inverse=True)
    merged = np.zeros(len(keys), dtype=np.int64)
    np.bitwise_or.at(merged, where, rules)

    declared = _declared(catalog, table)
    keep = np.ones(len(keys), dtype=np.bool_)
    for n, members in enumerate(table.columns.declared_rows(catalog.contradictions)):
        if len(members) != 2:
            continue
        key = min(members) * int(size) + max(members)
        at = int(np.searchsorted(keys, key))
        if at < len(keys) and keys[at] == key and keep[at]:
            keep[at] = False
            mask = int(merged[at])
            declared[n] = replace(declared[n], rules=("declared", *(
                name for bit, name in _PAIR_RULES if mask & bit)))
    keys, merged = keys[keep], merged[keep]
    first, second = keys // size, keys % size
    swap = table.id_rank[first] > table.id_rank[second]  # in id order, as in the pair's id
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    question = np.where(table.about[first] == table.about[second], table.about[first], -1)

    # Order: by question id (none last), declared first, then by rule, the earlier claim's
    # first day, and the claim ids.
    question_rank = np.append(_ranks(table.question_ids), len(table.question_ids))
    declared_questions = np.array(
        [table.question_index.get(f.question or "", -1) for f in declared], dtype=np.int64)
    first_rule = np.where(merged & _CATEGORY, 1, np.where(merged & _QUANTITY, 2, 3))
    zeros = np.zeros(len(declared), np.int64)
    order = np.lexsort((
        np.concatenate([zeros, table.id_rank[second]]),
        np.concatenate([_ranks([f.id for f in declared]), table.id_rank[first]]),
        np.concatenate([zeros, np.minimum(table.low[first], table.low[second])]),
        np.concatenate([zeros, first_rule]),
        np.concatenate([question_rank[declared_questions], question_rank[question]]),
    ))
    return Contradictions(catalog, table, declared, first=first, second=second, rules=merged,
                          question=question, order=order)


def _ranks(words: Sequence[str]) -> Ints:
    """Each word's place in sorted order."""
    rank = np.empty(len(words), dtype=np.int64)
    rank[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
    return rank


# --- series ---------------------------------------------------------------------------------

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
        claims, low, high = self.table.claims, self.table.low, self.table.high
        for n in range(step, step + count):
            rows = self.ordered[self.starts[n]:self.starts[n + 1]]
            group = [claims[r] for r in rows.tolist()]
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


# --- corroboration ----------------------------------------------------------------------------

class CorroborationIndex(Mapping[str, Corroboration]):
    """Per claim, its `Corroboration`, worked out when first asked for.

    The pairs are found once for the whole catalog; counting origins claim by claim is
    left until a claim is shown or exported, so the cost follows what is looked at.
    """

    def __init__(self, catalog: Catalog, pairs: Pairs, agree: Bools,
                 contradictions: Contradictions) -> None:
        self.catalog = catalog
        self.table = pairs.table
        self.pairs, self.agree = pairs, agree  # agree[k]: the claims of pair k agree
        self.contradictions = contradictions
        self._involved: Bools | None = None
        self._keys: list[str] | None = None
        self._made: dict[str, Corroboration] = {}

    def involved(self) -> Bools:
        """Per row: does the claim agree with, or contradict, another?"""
        if self._involved is None:
            size, pairs, agree = len(self.table.claims), self.pairs, self.agree
            agreeing = (np.bincount(pairs.first[agree], minlength=size)
                        + np.bincount(pairs.second[agree], minlength=size))
            self._involved = (agreeing > 0) | (self.contradictions.per_row() > 0)
        return self._involved

    def __getitem__(self, claim_id: str) -> Corroboration:
        made = self._made.get(claim_id)
        if made is not None:
            return made
        row = self.table.row_of(claim_id)
        if row is None or not self.involved()[row]:
            raise KeyError(claim_id)
        claims = self.table.claims
        claim = claims[row]
        agreeing = [claims[r] for r in self._agreeing(row)]
        free = [c for c in agreeing if independent(claim, c)]
        contradicting = [claims[r] for r in self.contradictions.against(row)]
        made = self._made[claim_id] = Corroboration(
            claim=claim_id,
            agreeing=tuple(c.id for c in agreeing),
            independent_agreeing=tuple(c.id for c in free),
            agreeing_origins=origins(free),
            contradicting=tuple(c.id for c in contradicting),
            contradicting_origins=origins([c for c in contradicting if independent(claim, c)]),
        )
        return made

    def independently_agreed(self, claim_id: str) -> bool:
        """Does a claim from another origin agree with this one? (Without counting.)"""
        row = self.table.row_of(claim_id)
        if row is None:
            return False
        voice = self.table.columns.voice  # who each claim comes from: no claim is made
        mine = voice(row)
        return any(independent_voices(mine, voice(other)) for other in self._agreeing(row))

    def _agreeing(self, row: int) -> list[int]:
        return sorted(self.pairs.runs.paired_with(row, self.agree))

    def _claim_ids(self) -> list[str]:
        if self._keys is None:
            ids = self.table.ids
            self._keys = [ids[r] for r in np.flatnonzero(self.involved()).tolist()]
        return self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._claim_ids())

    def __len__(self) -> int:
        return int(self.involved().sum())

    def __contains__(self, claim_id: object) -> bool:
        row = self.table.row_of(claim_id) if isinstance(claim_id, str) else None
        return row is not None and bool(self.involved()[row])


def corroborate(catalog: Catalog, contradictions: Contradictions,
                pairs: Pairs | None = None) -> CorroborationIndex:
    """Per claim: agreeing claims (same answer, overlapping dates) and contradicting ones,
    with the number of independent origins behind each. Two claims in a contradiction
    (a `disputes` link, or declared) do not also agree, whatever their answers."""
    pairs = find_pairs(contradictions.table) if pairs is None else pairs
    size = len(pairs.table.claims)
    agree = ~pairs.conflict
    if len(contradictions.declared) or pairs.table.disputes:
        # Only disputes links and declared entries can oppose claims that agree: check
        # the agreeing pairs between claims they name, not all of them.
        disputed = (contradictions.rules & _DISPUTES) != 0
        named = list(zip(contradictions.first[disputed].tolist(),
                         contradictions.second[disputed].tolist(), strict=True))
        named += [(a, b) for rows in contradictions.member_rows for a in rows
                  for b in rows if a != b]
        if named:
            opposed = np.array([min(a, b) * size + max(a, b) for a, b in named],
                               dtype=np.int64)
            involved = np.zeros(size, dtype=np.bool_)
            involved[[row for pair in named for row in pair]] = True
            candidates = np.flatnonzero(agree & involved[pairs.first] & involved[pairs.second])
            low = np.minimum(pairs.first[candidates], pairs.second[candidates])
            high = np.maximum(pairs.first[candidates], pairs.second[candidates])
            agree[candidates[np.isin(low * size + high, opposed)]] = False
    return CorroborationIndex(catalog, pairs, agree, contradictions)


# --- warnings -------------------------------------------------------------------------------

def sanity_warnings(catalog: Catalog, corroboration: CorroborationIndex) -> list[Diagnostic]:
    """The checks an experienced analyst makes; reported, never refused."""
    warnings: list[Diagnostic] = []

    def warn(location: Location, code: str, message: str) -> None:
        warnings.append(Diagnostic(location, code, message, Severity.WARNING))

    # Places are read without making the entities (`Entities.origin`).
    table = corroboration.table
    claims, ids, credibility = catalog.claims, table.ids, table.credibility
    for row in np.flatnonzero(credibility == 1).tolist():
        if not corroboration.independently_agreed(ids[row]):
            warn(claims.origin(row).at("credibility"), "credibility-1-unconfirmed",
                 f"claim '{ids[row]}' has credibility 1 (confirmed by other independent "
                 "sources) but no claim from another origin agrees with it")
    contradicted = corroboration.contradictions.per_row()
    for row in np.flatnonzero((credibility == 5) & (contradicted == 0)).tolist():
        warn(claims.origin(row).at("credibility"), "credibility-5-uncontradicted",
             f"claim '{ids[row]}' has credibility 5 (improbable) but no claim "
             "contradicts it")
    said, relayed = table.columns.said, table.columns.relayed
    per_question = table.columns.claims_per_question()
    for source in catalog.sources.values():
        if source.kind == "social-media" and source.reliability == "A":
            warn(source.origin.at("reliability"), "reliability-a-social-media",
                 f"source '{source.id}' is social media with reliability A "
                 "(completely reliable)")
        if source.id not in said and source.id not in relayed:
            warn(source.origin.at("id"), "source-without-claims",
                 f"source '{source.id}' has no claim and relays none")
    events = catalog.events
    with_claims = table.columns.events_with_claims(len(events))
    for row, event_id in enumerate(events.ids):
        if not with_claims[row]:
            warn(events.origin(row).at("id"), "event-without-claims",
                 f"event '{event_id}' has no claim")
    questions = catalog.questions
    for row, (question_id, count) in enumerate(zip(questions.ids, per_question, strict=True)):
        if count <= 1:
            what = "no claim" if count == 0 else "one claim: nothing to compare it with"
            warn(questions.origin(row).at("id"), "question-with-one-claim",
                 f"question '{question_id}' has {what}")
    return sort_diagnostics(warnings)


def pending(catalog: Catalog) -> Analysis:
    """What the explorer shows while `analyse` runs: the catalog, with no
    contradiction, series or agreement found yet (no claim made, no column read)."""
    table = placeholder_table(catalog)
    none = np.zeros(0, dtype=np.int64)
    contradictions = Contradictions(catalog, table, [], first=none, second=none, rules=none,
                                    question=none, order=none)
    pairs = Pairs(table, none, none, np.zeros(0, dtype=np.bool_), Runs(none, none, none, none))
    return Analysis(catalog=catalog, contradictions=contradictions,
                    series=find_series(catalog, table, none),
                    corroboration=corroborate(catalog, contradictions, pairs), complete=False)


def analyse(catalog: Catalog) -> Analysis:
    """Contradictions, series, corroboration and warnings for one catalog."""
    with collector_paused():
        table = claim_table(catalog)
        ordered = by_question(table)  # sorted once, for the pairs and the series
        pairs = find_pairs(table, ordered)
        contradictions = find_contradictions(catalog, pairs)
        corroboration = corroborate(catalog, contradictions, pairs)
        return Analysis(
            catalog=catalog,
            contradictions=contradictions,
            series=find_series(catalog, table, ordered),
            corroboration=corroboration,
        )

