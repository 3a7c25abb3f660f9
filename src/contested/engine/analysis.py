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

Pairs are found per question over `as_of` with array operations (`contested.engine.pairs`):
every pair at overlapping dates is either a contradiction or an agreement, and both are
reported. Contradictions, series and corroboration are held as arrays and made into
objects when read, so the cost follows what is shown, not the size of the catalog.

A question whose claims disagree in more than `LISTED_PER_QUESTION` pairs is not listed
pair by pair: its pairs are counted (`contested.engine.crowds`) and held in **groups**, the pairs
between the claims of one answer and those of another (`ContradictionGroup`). A group
gives its pairs a page at a time, and any pair is found by its id without the others,
so that 20,000 claims alternating between two answers cost n log n, not 100,000,000
pairs. Every pair keeps its id, its rules and its place in `Contradictions`.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import TypeVar, overload

import numpy as np

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ALWAYS, NEVER, Voice
from contested.engine.crowds import POOL, Crowd, Group
from contested.engine.pairs import (
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
from contested.format.dates import FuzzyDate
from contested.format.diagnostics import Diagnostic, Location, Severity, sort_diagnostics
from contested.format.model import Claim, Question
from contested.format.quantities import ABOUT_MINIMUM, Quantity, format_number
from contested.support.collector import collector_paused

LISTED_PER_QUESTION = 1_000
"""A question with more contradictions than this found by the category or quantity rule
shows them in groups (docs/timeline-format.md, "Groups"); up to it, pair by pair."""

LISTED_PER_CLAIM = 100
"""Past this many, the claims one claim contradicts (or agrees with) are given as a number
in the exports, not as a list of ids."""

PAGE = 100
"""Pairs of a group made at a time."""

_FEW = 64
"""Claims read one by one when counting origins; past this, with array work."""


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
    return count_origins([(claim.source, claim.via) for claim in claims])


def count_origins(voices: Sequence[tuple[Sequence[object], Sequence[object]]]) -> int:
    """`origins` on (sources, relays) of each claim, as ids or as the numbers of
    `ClaimColumns.voice`: each claim joined to the first with one of its sources, to the
    first with the same via chain, and to the first whose source it relays, so the cost
    follows the claims, not their pairs."""
    if len(voices) <= 1:
        return len(voices)
    parent = list(range(len(voices)))

    def root(at: int) -> int:
        while parent[at] != at:
            parent[at] = parent[parent[at]]
            at = parent[at]
        return at

    def join(a: int, b: int) -> None:
        parent[root(a)] = root(b)

    first_with: dict[object, int] = {}
    chains: dict[tuple[object, ...], int] = {}
    for index, (sources, via) in enumerate(voices):
        for source in sources:
            join(index, first_with.setdefault(source, index))
        if via:
            join(index, chains.setdefault(tuple(via), index))
    for index, (_, via) in enumerate(voices):
        for relay in via:
            if relay in first_with:
                join(index, first_with[relay])
    return sum(1 for index in range(len(voices)) if root(index) == index)


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
        parts.append(_apart(question, a.quantity, b.quantity))
    if "disputes" in rules:
        disputer, disputed = (a, b) if b.id in a.disputes else (b, a)
        parts.append(f"{source_names(catalog, disputer)} disputes '{disputed.id}'")
    return "; ".join(parts)


def _apart(question: Question, a: Quantity, b: Quantity) -> str:
    """Why two figures contradict: `less than 10 and at least 200 people do not meet
    even with the tolerance (5%): below 10.5 vs 190 or more`. The 10% that widens an
    `about` figure is said only when one of them is."""
    tolerance = question.tolerance
    widened = [q.compared(tolerance).words() for q in (a, b)]
    unit = f" {question.unit}" if question.unit else ""
    allowed = f"{format_number(tolerance * 100)}%"
    if "about" in (a.form, b.form):
        allowed += f"; at least {format_number(ABOUT_MINIMUM * 100)}% for an `about` figure"
    return (f"{a.text} and {b.text}{unit} do not meet even with the tolerance ({allowed}): "
            f"{widened[0]} vs {widened[1]}")


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


@dataclass(frozen=True, slots=True)
class GroupSide:
    """One side of a group: the claims of one answer, or of the pooled answers."""

    answer: str | None
    """A claim that gives this side's answer (its value says it); None for pooled answers
    that are more than one."""
    claims: int
    """How many claims of this side contradict one of the other side at least."""
    answers: int
    """How many different answers those claims give (1 for a named answer)."""


class ContradictionGroup:
    """The contradictions of one grouped question between the claims of one answer and
    those of another (or of the pooled answers), each pair made when read.

    `key` (`group:QUESTION:N`) names it among the listed entries; its pairs keep their
    own ids and places. Every pair's common days lie between `earliest` and `latest`
    (None: open), where the two sides' dates meet.
    """

    def __init__(self, found: Contradictions, group: Group, question: str, rule: str,
                 start: int) -> None:
        self.found = found
        self.group = group
        self.question = question
        self.rule = rule
        self.key = f"group:{question}:{group.index + 1}"
        self.start = start
        """The place of its first pair in `found`."""
        crowd = group.crowd
        ids = found.table.ids
        first, second = group.members()

        def side(members: Ints, answer: int) -> GroupSide:
            answers = len(np.unique(crowd.answer[members]))
            said = len(members) and (answer != POOL or answers == 1)  # one answer: say it
            example = ids[int(crowd.rows[members[0]])] if said else None
            return GroupSide(example, len(members), answers)

        self.sides = (side(first, group.a), side(second, group.b))
        earliest = max(int(crowd.low[first].min()), int(crowd.low[second].min()))
        latest = min(int(crowd.high[first].max()), int(crowd.high[second].max()))
        self.earliest = date.fromordinal(earliest) if NEVER < earliest < ALWAYS else None
        self.latest = date.fromordinal(latest) if NEVER < latest < ALWAYS else None
        self._members = (first, second)

    @property
    def count(self) -> int:
        """How many contradictions (pairs) it holds."""
        return self.group.count

    @property
    def id(self) -> str:
        return self.key

    @property
    def rules(self) -> tuple[str, ...]:
        return (self.rule,)

    @property
    def claim_count(self) -> int:
        """How many claims it sets against each other."""
        first, second = self._members
        return len(np.union1d(first, second))

    def rows(self) -> Ints:
        """The rows of its claims."""
        first, second = self._members
        found: Ints = self.group.crowd.rows[np.union1d(first, second)]
        return found

    def side_rows(self) -> tuple[Ints, Ints]:
        """The rows of each side's claims."""
        first, second = self._members
        rows = self.group.crowd.rows
        return rows[first], rows[second]

    def pair(self, k: int) -> Contradiction:
        """Its k-th pair."""
        return self.found[self.start + k]

    def page(self, number: int, size: int = PAGE) -> list[Contradiction]:
        """The pairs of page `number` (from 0), `size` to a page."""
        begin = number * size
        return [self.pair(k) for k in range(begin, min(begin + size, self.count))]

    @cached_property
    def pairs(self) -> GroupPairs:
        """Its pairs as a sequence, each made when read."""
        return GroupPairs(self)

    def rank_of(self, contradiction_id: str) -> int | None:
        """The place of a pair among the group's, by its id, or None."""
        position = self.found.position_of(contradiction_id)
        if position is None or not self.start <= position < self.start + self.count:
            return None
        return position - self.start


@dataclass(frozen=True)
class Kept:
    """Some of the contradictions (those a filter keeps), as the engine holds them, so
    that counting them (`Contradictions.source_pairs`) need not make them."""

    held: Ints
    """Places in `Contradictions.order`: declared contradictions and found pairs."""
    groups: tuple[ContradictionGroup, ...] = ()
    """Groups kept whole."""
    pairs: tuple[Contradiction, ...] = ()
    """Pairs of groups kept one by one."""


_Item = TypeVar("_Item")


class _MadeWhenRead(Sequence[_Item]):
    """A sequence whose items are made when read (`_at`): slices, negative indices and
    bounds are handled once here for the lazy lists of contradictions."""

    def _at(self, index: int) -> _Item:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> _Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[_Item]: ...

    def __getitem__(self, index: int | slice) -> _Item | list[_Item]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._at(index)


class GroupPairs(_MadeWhenRead[Contradiction]):
    """A group's pairs, made when read (a list of the explorer reads the screenful)."""

    def __init__(self, group: ContradictionGroup) -> None:
        self.group = group

    def __len__(self) -> int:
        return self.group.count

    def _at(self, index: int) -> Contradiction:
        return self.group.pair(index)

    def index_of(self, contradiction_id: str) -> int | None:
        return self.group.rank_of(contradiction_id)


Listed = Contradiction | ContradictionGroup
"""What a list of contradictions shows: a pair (or a declared entry), or a group."""


class Listing(_MadeWhenRead[Listed]):
    """The contradictions as listed: each pair of a question that is not grouped, and
    each group of one that is, in the order of `Contradictions`."""

    def __init__(self, found: Contradictions) -> None:
        self.found = found

    def __len__(self) -> int:
        return self.found.listed_count()

    def _at(self, index: int) -> Listed:
        return self.found.listed_at(index)

    def index_of(self, key: str) -> int | None:
        """The place of a listed pair or group by its id or key; a grouped pair's is its
        group's."""
        return self.found.listed_index_of(key)


class Contradictions(Sequence[Contradiction]):
    """Every contradiction of a catalog, ordered by question (undecided last), declared
    ones first, then by rule and claim ids; each made when first read.

    The pairs are held as rows of the claim table, so a catalog with 300,000 of them
    costs arrays, and the explorer makes the screenful it shows. The pairs of a grouped
    question are not held at all: they come after its declared ones, group by group,
    made from the group's counts when read.
    """

    def __init__(self, catalog: Catalog, table: ClaimTable, declared: list[Contradiction], *,
                 first: Ints, second: Ints, rules: Ints, question: Ints, order: Ints,
                 crowds: Mapping[int, Crowd] | None = None,
                 disputed: frozenset[int] = frozenset()) -> None:
        self.catalog = catalog
        self.table = table
        self.declared = declared
        self.first, self.second, self.rules, self.question = first, second, rules, question
        self.order = order  # entry n < len(declared) is declared[n], else pair n - len(declared)
        self.member_rows = table.columns.declared_rows(catalog.contradictions) if declared else []
        """The rows of each declared contradiction's claims (`declared` holds all of the
        catalog's, or none: the stand-in `pending`)."""
        self.crowds: dict[int, Crowd] = dict(crowds or {})
        """Question index → its crowd, for the questions too dense to lay out or grouped."""
        self.disputed = disputed
        """`disputes` links between claims of a grouped question, as pair keys (the
        pairs say so in their rules)."""
        self._made: dict[int, Contradiction] = {}
        self._made_in_groups: OrderedDict[int, Contradiction] = OrderedDict()
        self.made_in_groups = 0
        """How many grouped pairs were made so far (each read makes one)."""
        self._members: tuple[Ints, Ints, Ints] | None = None
        self._position: Ints | None = None
        self.groups: list[ContradictionGroup] = []
        self._group_at: list[int] = []  # per group, the entry of `order` it comes before
        self._layout()

    # --- layout: the held entries with the groups between them ----------------------------

    def _layout(self) -> None:
        """Place each grouped question's groups after its declared entries and found
        pairs (before its `disputes` links, as the rules order them)."""
        grouped = sorted((q for q, crowd in self.crowds.items() if crowd.grouped),
                         key=lambda q: self.table.question_ids[q])
        self._shifts: Ints = np.zeros(1, dtype=np.int64)
        if not grouped:
            self._seq_starts: list[int] = []
            self._list_starts: list[int] = []
            return
        keys = self._entry_keys()
        rank = self._question_ranks()
        found: list[ContradictionGroup] = []
        at: list[int] = []
        for question in grouped:
            crowd = self.crowds[question]
            before = int(np.searchsorted(keys, rank[question] * 4 + 3, side="left"))
            rule = "quantity" if crowd.quantity else "category"
            for held in crowd.groups():
                if held.count:  # not all of it held by declared contradictions
                    found.append(ContradictionGroup(
                        self, held, self.table.question_ids[question], rule, 0))
                    at.append(before)
        self.groups, self._group_at = found, at
        # Sequence places: an entry of `order` moves on by the pairs of the groups before it.
        seq, listed, shift = [], [], 0
        for n, entry in enumerate(found):
            entry.start = at[n] + shift
            seq.append(entry.start)
            listed.append(at[n] + n)
            shift += entry.count
        self._seq_starts, self._list_starts = seq, listed
        self._shifts = np.cumsum(np.array([0, *(g.count for g in found)], dtype=np.int64))

    def _question_ranks(self) -> Ints:
        """Per question index, its place in id order (none: after all)."""
        return np.append(_ranks(self.table.question_ids), len(self.table.question_ids))

    def _entry_keys(self) -> Ints:
        """Per place of `order`, question rank * 4 + (0 declared, 1 category, 2 quantity,
        3 disputes only): sorted, as `order` is."""
        rank = self._question_ranks()
        declared = np.array([self.table.question_index.get(f.question or "", -1)
                             for f in self.declared], dtype=np.int64)
        questions = np.concatenate([declared, self.question])
        kinds = np.concatenate([np.zeros(len(self.declared), dtype=np.int64),
                                np.where(self.rules & _CATEGORY, 1,
                                         np.where(self.rules & _QUANTITY, 2, 3))])
        keys: Ints = (rank[questions] * 4 + kinds)[self.order]
        return keys

    def _grouped_pairs(self) -> int:
        return int(self._shifts[-1]) if self.groups else 0

    def _place(self, held: int) -> int:
        """The place in the sequence of the entry at `held` in `order`."""
        if not self.groups:
            return held
        return held + int(self._shifts[bisect_right(self._group_at, held)])

    def listed_count(self) -> int:
        return len(self.order) + len(self.groups)

    @property
    def group_places(self) -> list[int]:
        """Per group, the held entry it comes before (`held`)."""
        return self._group_at

    def held(self, index: int) -> Contradiction:
        """The index-th held contradiction (declared ones and the pairs listed one by
        one, in order; the groups' pairs are not held)."""
        return self[self._place(index)]

    def listed_at(self, index: int) -> Listed:
        """The index-th listed entry (`Listing`)."""
        if self.groups:
            n = bisect_right(self._list_starts, index) - 1
            if n >= 0 and self._list_starts[n] == index:
                return self.groups[n]
            index -= n + 1
        return self[self._place(index)]

    def listing(self) -> Listing:
        """The contradictions as a list shows them: pairs, and groups of pairs."""
        return Listing(self)

    def listed_index_of(self, key: str) -> int | None:
        """The listed place of a group (its key) or of a pair (a grouped one: its
        group's)."""
        for n, group in enumerate(self.groups):
            if group.key == key:
                return self._list_starts[n]
        position = self.position_of(key)
        if position is None:
            return None
        n = bisect_right(self._seq_starts, position) - 1 if self.groups else -1
        if n >= 0 and position < self.groups[n].start + self.groups[n].count:
            return self._list_starts[n]
        # a held entry: its place among the held ones, plus the groups before it
        held = position - (int(self._shifts[n + 1]) if n >= 0 else 0)
        return held + n + 1

    def group_of(self, position: int) -> ContradictionGroup | None:
        """The group holding the contradiction at `position`, if it is grouped."""
        if not self.groups:
            return None
        n = bisect_right(self._seq_starts, position) - 1
        if n >= 0 and position < self.groups[n].start + self.groups[n].count:
            return self.groups[n]
        return None

    # --- the sequence -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.order) + self._grouped_pairs()

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
        if made is not None:
            return made
        if self.groups:
            n = bisect_right(self._seq_starts, index) - 1
            if n >= 0 and index < self.groups[n].start + self.groups[n].count:
                return self._grouped(self.groups[n], index)
            index_held = index - (int(self._shifts[n + 1]) if n >= 0 else 0)
        else:
            index_held = index
        made = self._made[index] = self._make(int(self.order[index_held]))
        return made

    def __iter__(self) -> Iterator[Contradiction]:
        return (self[n] for n in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                         strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def _grouped(self, group: ContradictionGroup, position: int) -> Contradiction:
        """The grouped pair at `position` (the last few made are kept, so that reading
        one again gives the same object; reading every pair keeps none of them)."""
        made = self._made_in_groups.get(position)
        if made is not None:
            self._made_in_groups.move_to_end(position)
            return made
        p, q = group.group.pair(position - group.start)
        made = self._pair_of(group.group.crowd, p, q)
        self.made_in_groups += 1
        self._made_in_groups[position] = made
        if len(self._made_in_groups) > 4 * PAGE:
            self._made_in_groups.popitem(last=False)
        return made

    def _pair_of(self, crowd: Crowd, p: int, q: int) -> Contradiction:
        """The contradiction of the claims at positions p and q of a grouped question."""
        rows = [int(crowd.rows[p]), int(crowd.rows[q])]
        rank = self.table.id_rank
        if rank[rows[0]] > rank[rows[1]]:
            rows.reverse()
        ids = self.table.ids
        rule = "quantity" if crowd.quantity else "category"
        size = max(len(self.table.claims), 1)
        rules: tuple[str, ...] = (rule,)
        if min(rows) * size + max(rows) in self.disputed:
            rules = (rule, "disputes")
        first, second = ids[rows[0]], ids[rows[1]]
        return Contradiction(
            id=f"{rule}~{first}~{second}", rules=rules, claims=(first, second),
            question=self.table.question_ids[crowd.question], catalog=self.catalog,
            rows=(rows[0], rows[1]))

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

    # --- the held entries of each claim -------------------------------------------------------

    def _membership(self) -> tuple[Ints, Ints, Ints]:
        """For each claim row, the positions of its held contradictions and the other
        claim of each (-1 for a declared one: see its claims): (offsets, positions,
        others)."""
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
            by_row = np.argsort(rows * max(len(self), 1) + positions)  # one key
            offsets = np.searchsorted(rows[by_row], np.arange(len(self.table.claims) + 1))
            self._members = (offsets, positions[by_row], others[by_row])
        return self._members

    def _crowd_of(self, row: int) -> tuple[Crowd, int] | None:
        """The grouped crowd of a claim row and its position there, if it is in one."""
        question = int(self.table.question[row]) if row < len(self.table.question) else -1
        crowd = self.crowds.get(question)
        if crowd is None or not crowd.grouped:
            return None
        position = crowd.position_of(row)
        return None if position is None else (crowd, position)

    def _excluded_rows(self) -> list[tuple[int, int]]:
        """The rows of grouped pairs that a declared contradiction holds instead."""
        found = []
        for crowd in self.crowds.values():
            for group in crowd.groups() if crowd.grouped else []:
                for raw in group.excluded:  # (a group may hold nothing else)
                    p, q = group.pair_at(raw)
                    found.append((int(crowd.rows[p]), int(crowd.rows[q])))
        return found

    def against(self, row: int) -> list[int]:
        """The rows of the claims that contradict the claim in `row`, each once: those
        of its held contradictions in this sequence's order, then those of its question's
        groups by date."""
        offsets, positions, others = self._membership()
        start, end = offsets[row], offsets[row + 1]
        found: dict[int, None] = {}
        for position, other in zip(positions[start:end].tolist(), others[start:end].tolist(),
                                   strict=True):
            if other >= 0:
                found[other] = None
                continue
            at = self._held(position)
            for member in self.member_rows[int(self.order[at])]:  # a declared one
                if member != row:
                    found[member] = None
        located = self._crowd_of(row)
        if located is not None:
            crowd, p = located
            found.update(dict.fromkeys(crowd.rows[crowd.partners(p)].tolist()))
        return list(found)

    def against_rows(self, row: int) -> Ints:
        """`against`, as rows in no particular order: array work for a claim of a
        grouped question."""
        located = self._crowd_of(row)
        offsets, _, _ = self._membership()
        if located is None or offsets[row + 1] > offsets[row]:
            return np.array(self.against(row), dtype=np.int64)
        crowd, p = located
        found: Ints = crowd.rows[crowd.partners(p)]
        return found

    def against_count(self, row: int) -> int:
        """`len(against(row))`, read from the counts for a claim of a grouped question."""
        located = self._crowd_of(row)
        offsets, _, _ = self._membership()
        if located is None or offsets[row + 1] > offsets[row]:
            return len(self.against(row))
        crowd, p = located
        return int(crowd.conflicts()[p])

    def _held(self, position: int) -> int:
        """The entry of `order` at a (held) place in the sequence."""
        if not self.groups:
            return position
        n = bisect_right(self._seq_starts, position) - 1
        return position - (int(self._shifts[n + 1]) if n >= 0 else 0)

    def count_of(self, claim_id: str) -> int:
        """How many contradictions a claim is part of."""
        row = self.table.row_of(claim_id)
        if row is None:
            return 0
        return int(self.per_row()[row])

    @cached_property
    def _per_row(self) -> Ints:
        offsets, _, _ = self._membership()
        sizes: Ints = np.diff(offsets)
        for crowd in self.crowds.values():
            if crowd.grouped:
                sizes[crowd.rows] += crowd.conflicts()
        for a, b in self._excluded_rows():  # held by a declared one, counted there
            sizes[a] -= 1
            sizes[b] -= 1
        return sizes

    def per_row(self) -> Ints:
        """Per claim row, how many contradictions it is part of."""
        return self._per_row

    def of(self, claim_id: str) -> list[Contradiction]:
        """The contradictions a claim is part of, in this sequence's order."""
        return [self[p] for p in self.positions_of(claim_id)]

    def listed_of(self, claim_id: str) -> list[Contradiction]:
        """The held contradictions a claim is part of (not the grouped ones), in order."""
        return [self[p] for p in self.held_positions_of(claim_id)]

    def held_positions_of(self, claim_id: str) -> list[int]:
        """Where the held contradictions a claim is part of are in the sequence."""
        row = self.table.row_of(claim_id)
        if row is None:
            return []
        offsets, positions, _ = self._membership()
        found: list[int] = positions[offsets[row]:offsets[row + 1]].tolist()
        return found

    def positions_of(self, claim_id: str) -> list[int]:
        """Where the contradictions a claim is part of are in the sequence."""
        row = self.table.row_of(claim_id)
        if row is None:
            return []
        offsets, positions, _ = self._membership()
        found: list[int] = positions[offsets[row]:offsets[row + 1]].tolist()
        located = self._crowd_of(row)
        if located is not None:
            crowd, p = located
            for group in self.groups:
                if group.group.crowd is crowd:
                    _, ranks = group.group.ranks_with(p)
                    found += (ranks + group.start).tolist()
            found.sort()
        return found

    def get(self, contradiction_id: str) -> Contradiction | None:
        """The contradiction with this id, or None."""
        position = self.position_of(contradiction_id)
        return None if position is None else self[position]

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return self.position_of(item) is not None
        return isinstance(item, Contradiction) and self.get(item.id) == item

    def position_of(self, contradiction_id: str) -> int | None:
        """Where the contradiction with this id is in the sequence, or None: a few
        lookups, whether it is held or grouped."""
        for n, found in enumerate(self.declared):
            if found.id == contradiction_id:
                return int(self._positions()[n])
        rule, _, rest = contradiction_id.partition("~")
        first, _, second = rest.partition("~")
        row = self.table.row_of(first)
        if row is None:
            return None
        offsets, positions, _ = self._membership()
        held: int | None = next((p for p in positions[offsets[row]:offsets[row + 1]].tolist()
                                 if self[p].id == contradiction_id), None)
        if held is not None:
            return held
        return self._grouped_position(rule, first, second, row)

    def _grouped_position(self, rule: str, first: str, second: str, row: int) -> int | None:
        other = self.table.row_of(second)
        located = self._crowd_of(row)
        if other is None or located is None or first >= second:
            return None
        crowd, p = located
        if rule != ("quantity" if crowd.quantity else "category"):
            return None
        q = crowd.position_of(other)
        if q is None:
            return None
        group = crowd.group_of(p, q)
        if group is None:
            return None
        rank = group.rank(min(p, q), max(p, q))
        if rank is None:
            return None
        entry = next((g for g in self.groups if g.group is group), None)
        return None if entry is None else entry.start + rank

    def _positions(self) -> Ints:
        """Per held entry (declared ones, then pairs), its place in the sequence."""
        if self._position is None:
            self._position = np.empty(len(self.order), dtype=np.int64)
            places = np.arange(len(self.order), dtype=np.int64)
            if self.groups:
                places += self._shifts[np.searchsorted(self._group_at, places, side="right")]
            self._position[self.order] = places
        return self._position

    # --- counts ---------------------------------------------------------------------------

    def _entry_questions(self) -> Ints:
        """Per held place, the question's position (-1: none)."""
        declared = [self.table.question_index.get(f.question or "", -1) for f in self.declared]
        entries = np.concatenate([np.array(declared, dtype=np.int64), self.question])
        return entries[self.order]

    def runs(self) -> list[tuple[str | None, int, int]]:
        """(question, start, end) of each question's stretch of the sequence, in order."""
        return self._runs(listed=False)

    def listed_runs(self) -> list[tuple[str | None, int, int]]:
        """The same stretches in the listing (a group is one entry)."""
        return self._runs(listed=True)

    def _runs(self, *, listed: bool) -> list[tuple[str | None, int, int]]:
        questions = self._entry_questions()
        if not len(questions) and not self.groups:
            return []
        # Stretches of held entries (start, end, question), then the groups put in place.
        stretches: list[tuple[int, int, int]] = []
        if len(questions):
            starts = np.flatnonzero(np.concatenate([[True], questions[1:] != questions[:-1]]))
            stretches = [(int(a), int(b), int(questions[a])) for a, b in zip(
                starts.tolist(), [*starts[1:].tolist(), len(questions)], strict=True)]
        pieces: list[tuple[int, int]] = []  # (question, length), in order
        at = 0
        for n, group in enumerate(self.groups):
            cut = self._group_at[n]
            while at < len(stretches) and stretches[at][1] <= cut:
                pieces.append((stretches[at][2], stretches[at][1] - stretches[at][0]))
                at += 1
            if at < len(stretches) and stretches[at][0] < cut:  # a stretch cut in two
                first, end, question = stretches[at]
                pieces.append((question, cut - first))
                stretches[at] = (cut, end, question)
            pieces.append((self.table.question_index[group.question],
                           1 if listed else group.count))
        pieces += [(question, end - first) for first, end, question in stretches[at:]]
        found: list[tuple[str | None, int, int]] = []
        ids = self.table.question_ids
        place = 0
        for question, length in pieces:
            name = ids[question] if question >= 0 else None
            if found and found[-1][0] == name:
                found[-1] = (name, found[-1][1], place + length)
            else:
                found.append((name, place, place + length))
            place += length
        return found

    def per_question(self) -> dict[str, int]:
        """Question id → how many contradictions are about it."""
        questions = self._entry_questions()
        counts = np.bincount(questions[questions >= 0], minlength=len(self.table.question_ids))
        for group in self.groups:
            counts[self.table.question_index[group.question]] += group.count
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
        for crowd in self.crowds.values():
            if crowd.grouped:
                counts.update(self._crowd_per_label(crowd, None))
        return counts

    def _labels(self, crowd: Crowd, group: Mapping[str, str] | None
                ) -> dict[str, Ints]:
        """Per source (or its name in `group`), the positions of a crowd's claims that
        name it."""
        found: dict[str, list[int]] = defaultdict(list)
        for p, row in enumerate(crowd.rows.tolist()):
            for label in dict.fromkeys(
                    group.get(s, s) if group is not None else s for s in self._sources_of(row)):
                found[label].append(p)
        return {label: np.array(places, dtype=np.int64) for label, places in found.items()}

    def _crowd_per_label(self, crowd: Crowd, group: Mapping[str, str] | None
                         ) -> Counter[str]:
        """Per source (or name), the grouped contradictions of a crowd with a claim
        from it: its claims' contradictions, less those between two of them."""
        conflicts = crowd.conflicts()
        excluded = [(a, b) for a, b in self._excluded_rows()
                    if crowd.position_of(a) is not None]
        counts: Counter[str] = Counter()
        for label, places in self._labels(crowd, group).items():
            total = int(conflicts[places].sum()) - crowd.pairs_within(places)
            members = set(crowd.rows[places].tolist())
            total -= sum(1 for a, b in excluded if a in members or b in members)
            if total:
                counts[label] = total
        return counts

    def source_pairs(self, group: Mapping[str, str] | None = None, kept: Kept | None = None
                     ) -> Counter[tuple[str, str]]:
        """(source, source) in order → how many contradictions set them against each other
        (a claim's sources against the other claims'). With `group` (source id → a name,
        such as its side), the same between groups; each contradiction counts once. With
        `kept`, only those contradictions.

        In a grouped question, the SOURCE_PAIRS_PER_QUESTION sources (or names) with most
        claims are counted pair by pair; pairs of two others are not."""
        first, second, members = self.first, self.second, self.member_rows
        crowds = [crowd for crowd in self.crowds.values() if crowd.grouped]
        if kept is not None:
            entries = self.order[kept.held]
            declared = len(self.declared)
            pairs = entries[entries >= declared] - declared
            first, second = first[pairs], second[pairs]
            members = [*(members[n] for n in entries[entries < declared].tolist()),
                       *(list(item.rows or ()) for item in kept.pairs)]
            whole = {id(group.group.crowd) for group in kept.groups}
            crowds = [crowd for crowd in crowds if id(crowd) in whole]
        ids = self.table.columns.source_ids
        names = [group.get(s, s) for s in ids] if group is not None else ids
        labels, code = np.unique(np.array(names, dtype=object), return_inverse=True)
        labels = labels.tolist()
        counts: Counter[tuple[str, str]] = Counter()
        source = self.table.source
        a, b = source[first], source[second]
        single = (a >= 0) & (b >= 0)
        if len(ids):
            a, b = code[a[single]], code[b[single]]
            low, high = np.minimum(a, b), np.maximum(a, b)
            keys, tally = np.unique(low * len(labels) + high, return_counts=True)
            for key, n in zip(keys.tolist(), tally.tolist(), strict=True):
                counts[(labels[key // len(labels)], labels[key % len(labels)])] += n
        name = dict(zip(ids, names, strict=True))
        groups = [[x, y] for x, y in zip(first[~single].tolist(),
                                          second[~single].tolist(), strict=True)]
        for rows in [*groups, *members]:
            sides = [[name.get(s, s) for s in self._sources_of(r)] for r in rows]
            counts.update({
                (s, t) if s <= t else (t, s)
                for i, one in enumerate(sides) for other in sides[i + 1:]
                for s in one for t in other
            })
        for crowd in crowds:
            counts.update(self._crowd_pairs(crowd, group))
        return counts

    def _crowd_pairs(self, crowd: Crowd, group: Mapping[str, str] | None
                     ) -> Counter[tuple[str, str]]:
        """`source_pairs` within one grouped crowd: the pairs across two labels' claims
        are those among all of them less those within either alone."""
        by_label = self._labels(crowd, group)
        ranked = sorted(by_label, key=lambda label: (-len(by_label[label]), label))
        chosen = sorted(ranked[:SOURCE_PAIRS_PER_QUESTION])
        excluded = [(a, b) for a, b in self._excluded_rows()
                    if crowd.position_of(a) is not None]
        labels_of: dict[int, set[str]] = {}
        for label in chosen:
            for row in crowd.rows[by_label[label]].tolist():
                labels_of.setdefault(row, set()).add(label)
        counts: Counter[tuple[str, str]] = Counter()
        for n, s in enumerate(chosen):
            for t in chosen[n:]:
                mine, theirs = by_label[s], by_label[t]
                if s == t:
                    total = crowd.pairs_within(mine)
                else:
                    total = (crowd.pairs_within(np.union1d(mine, theirs))
                             - crowd.pairs_within(np.setdiff1d(mine, theirs))
                             - crowd.pairs_within(np.setdiff1d(theirs, mine)))
                for a, b in excluded:
                    one, other = labels_of.get(a, set()), labels_of.get(b, set())
                    if (s in one and t in other) or (t in one and s in other):
                        total -= 1
                if total:
                    counts[(s, t)] = total
        return counts


SOURCE_PAIRS_PER_QUESTION = 32
"""In a grouped question, how many of its sources (those with most claims) "who
contradicts whom" counts pair by pair."""


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


def _answer_names(table: ClaimTable) -> list[str]:
    """The category value of each code."""
    names = [""] * len(table.columns.codes)
    for value, code in table.columns.codes.items():
        names[code] = str(value)
    return names


def _crowds(table: ClaimTable, pairs: Pairs, counts: Ints) -> dict[int, Crowd]:
    """The crowds of a catalog: its dense questions (not laid out), and the questions
    laid out whose contradictions (`counts`, per question) are more than listed; each
    marked `grouped` when it is shown in groups."""
    ordered, questions = pairs.runs.ordered, pairs.runs.questions
    wanted = sorted({*pairs.dense.tolist(),
                     *np.flatnonzero(counts > LISTED_PER_QUESTION).tolist()})
    if not wanted:
        return {}
    names = _answer_names(table)
    dense = set(pairs.dense.tolist())
    found: dict[int, Crowd] = {}
    for question in wanted:
        begin, end = np.searchsorted(questions, [question, question + 1])
        crowd = Crowd(table, ordered[begin:end], question, names)
        crowd.paired = question not in dense
        crowd.grouped = (crowd.total() if question in dense
                         else int(counts[question])) > LISTED_PER_QUESTION
        found[question] = crowd
    return found


def find_contradictions(catalog: Catalog, pairs: Pairs | None = None) -> Contradictions:
    """Every contradiction in the catalog, each pair once with all its rules."""
    pairs = find_pairs(claim_table(catalog)) if pairs is None else pairs
    table = pairs.table
    size = np.int64(max(len(table.claims), 1))
    first, second = pairs.first[pairs.conflict], pairs.second[pairs.conflict]
    counts = np.bincount(table.question[first], minlength=len(table.question_ids))
    crowds = _crowds(table, pairs, counts)
    grouped = np.array([q for q, c in crowds.items() if c.grouped], dtype=np.int64)
    if len(grouped):  # their pairs are counted, not held
        held = ~np.isin(table.question[first], grouped)
        first, second = first[held], second[held]
    listed = [crowd for crowd in crowds.values() if not crowd.grouped and not crowd.paired]
    for crowd in listed:  # dense, but with few contradictions: held as the others
        earlier, later = crowd.every_pair()
        first = np.concatenate([first, crowd.rows[earlier]])
        second = np.concatenate([second, crowd.rows[later]])
    rules = np.where(table.quantity[first], _QUANTITY, _CATEGORY)
    keys = np.minimum(first, second) * size + np.maximum(first, second)

    def grouped_pair(a: int, b: int) -> tuple[Crowd, int, int] | None:
        """The crowd and positions of two rows if a group holds their pair."""
        crowd = crowds.get(int(table.question[a]))
        if crowd is None or not crowd.grouped or table.question[b] != table.question[a]:
            return None
        p, q = crowd.position_of(a), crowd.position_of(b)
        if p is None or q is None or not crowd.conflict(p, q):
            return None
        return crowd, p, q

    disputes: list[int] = []
    disputed: set[int] = set()
    for a, b in table.disputes:
        key = min(a, b) * int(size) + max(a, b)
        if grouped_pair(a, b) is not None:
            disputed.add(key)  # its group's pair says so
        else:
            disputes.append(key)
    keys = np.concatenate([keys, np.array(disputes, dtype=np.int64)])
    rules = np.concatenate([rules, np.full(len(disputes), _DISPUTES, dtype=np.int64)])
    keys, where = np.unique(keys, return_inverse=True)
    merged = np.zeros(len(keys), dtype=np.int64)
    np.bitwise_or.at(merged, where, rules)

    declared = _declared(catalog, table)
    keep = np.ones(len(keys), dtype=np.bool_)
    absorbed: list[tuple[Crowd, int, int]] = []
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
            continue
        found = grouped_pair(*members)
        if found is not None and not any(found[0] is c and {p, q} == {found[1], found[2]}
                                         for c, p, q in absorbed):
            crowd, p, q = found
            absorbed.append(found)
            mask = (_QUANTITY if crowd.quantity else _CATEGORY) | (
                _DISPUTES if key in disputed else 0)
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
    for crowd, p, q in absorbed:  # the declared one holds the pair, not its group
        group = crowd.group_of(p, q)
        raw = group.raw_rank(min(p, q), max(p, q)) if group is not None else None
        if group is not None and raw is not None:
            group.excluded = sorted({*group.excluded, raw})
    return Contradictions(catalog, table, declared, first=first, second=second, rules=merged,
                          question=question, order=order, crowds=crowds,
                          disputed=frozenset(disputed))


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
    left until a claim is shown or exported, so the cost follows what is looked at. The
    claims of a dense question (`contested.engine.crowds`) find theirs when asked, from their
    question's columns.
    """

    def __init__(self, catalog: Catalog, pairs: Pairs, agree: Bools,
                 contradictions: Contradictions,
                 opposed: Mapping[int, set[int]] | None = None) -> None:
        self.catalog = catalog
        self.table = pairs.table
        self.pairs, self.agree = pairs, agree  # agree[k]: the claims of pair k agree
        self.contradictions = contradictions
        self.opposed = dict(opposed or {})
        """Per claim row of a dense question, the rows that a `disputes` link or a
        declared contradiction sets against it (they do not agree, whatever they say)."""
        self._involved: Bools | None = None
        self._keys: list[str] | None = None
        self._made: dict[str, Corroboration] = {}
        self._voice_of: Ints | None = None
        self._voices: dict[Voice, int] = {}
        self._voice_list: list[Voice] = []
        self._tallies: dict[tuple[int, ...], tuple[int, int, int, int, int]] = {}

    def _dense(self, row: int) -> tuple[Crowd, int] | None:
        """The dense crowd of a claim row and its position there, if it is in one."""
        question = int(self.table.question[row]) if row < len(self.table.question) else -1
        crowd = self.contradictions.crowds.get(question)
        if crowd is None or crowd.paired:
            return None
        position = crowd.position_of(row)
        return None if position is None else (crowd, position)

    def involved(self) -> Bools:
        """Per row: does the claim agree with, or contradict, another?"""
        if self._involved is None:
            size, pairs, agree = len(self.table.claims), self.pairs, self.agree
            agreeing = (np.bincount(pairs.first[agree], minlength=size)
                        + np.bincount(pairs.second[agree], minlength=size))
            for crowd in self.contradictions.crowds.values():
                if not crowd.paired:
                    agreeing[crowd.rows] += crowd.overlaps() - crowd.conflicts()
            for row, others in self.opposed.items():
                located = self._dense(row)
                if located is None:
                    continue
                crowd, p = located
                for other in others:
                    q = crowd.position_of(other)
                    if q is not None and crowd.overlap(p, q) and not crowd.conflict(p, q):
                        agreeing[row] -= 1
            self._involved = (agreeing > 0) | (self.contradictions.per_row() > 0)
        return self._involved

    def _voice_ids(self, rows: Ints) -> Ints:
        """A number per distinct voice (sources and relays) of each row's claim."""
        if self._voice_of is None:
            self._voice_of = np.full(len(self.table.claims), -1, dtype=np.int64)
        known, voice = self._voice_of, self.table.columns.voice
        for row in np.unique(rows[known[rows] < 0]).tolist():  # each row once, ever
            said = voice(row)
            number = self._voices.get(said)
            if number is None:
                number = self._voices[said] = len(self._voice_list)
                self._voice_list.append(said)
            known[row] = number
        found: Ints = known[rows]
        return found

    def _free(self, row: int, rows: Sequence[int]) -> tuple[list[int], int]:
        """Those of `rows` independent of the claim in `row`, in order, and the origins
        they stand for. Past a few, claims with the same sources and relays are asked
        about once, with array work (a claim of a crowd agrees with thousands)."""
        voice = self.table.columns.voice
        mine = voice(row)
        if len(rows) <= _FEW:
            free = [other for other in rows if independent_voices(mine, voice(other))]
            return free, count_origins([voice(other) for other in free])
        given: Ints = np.asarray(rows, dtype=np.int64)
        numbers = self._voice_ids(given)
        chosen = [n for n in np.unique(numbers).tolist()
                  if independent_voices(mine, self._voice_list[n])]
        kept: list[int] = given[np.isin(numbers, chosen)].tolist() if chosen else []
        return kept, count_origins([self._voice_list[n] for n in chosen])

    def __getitem__(self, claim_id: str) -> Corroboration:
        made = self._made.get(claim_id)
        if made is not None:
            return made
        row = self.table.row_of(claim_id)
        if row is None or not self.involved()[row]:
            raise KeyError(claim_id)
        ids = self.table.ids
        agreeing = self._agreeing(row)
        free, agreeing_origins = self._free(row, agreeing)
        contradicting = self.contradictions.against(row)
        _, contradicting_origins = self._free(row, contradicting)
        made = Corroboration(
            claim=claim_id,
            agreeing=tuple(ids[r] for r in agreeing),
            independent_agreeing=tuple(ids[r] for r in free),
            agreeing_origins=agreeing_origins,
            contradicting=tuple(ids[r] for r in contradicting),
            contradicting_origins=contradicting_origins,
        )
        if len(agreeing) + len(contradicting) <= LISTED_PER_CLAIM:  # a crowd's, not kept
            self._made[claim_id] = made
        return made

    def tally(self, claim_id: str) -> tuple[int, int, int, int, int] | None:
        """A claim's corroboration as numbers (agreeing, independent agreeing, their
        origins, contradicting, their origins), with no list of ids: what an export
        gives for a claim of a crowd. None when nothing agrees or contradicts.

        Claims of a dense question with the same answer, dates and voice, and nothing
        but the rule setting them against others, have the same numbers: worked out
        once for them all."""
        row = self.table.row_of(claim_id)
        if row is None or not self.involved()[row]:
            return None
        located = self._dense(row)
        if located is None:  # a few claims: the corroboration itself (kept)
            made = self[claim_id]
            return (len(made.agreeing), len(made.independent_agreeing),
                    made.agreeing_origins, len(made.contradicting),
                    made.contradicting_origins)
        key: tuple[int, ...] | None = None
        crowd, p = located
        if row not in self.opposed and not self.contradictions.held_positions_of(claim_id):
            key = (crowd.question, int(crowd.answer[p]), int(crowd.low[p]),
                   int(crowd.high[p]), int(self._voice_ids(np.array([row]))[0]))
            known = self._tallies.get(key)
            if known is not None:
                return known
        agreeing = self._agreeing(row)
        free, agreeing_origins = self._free(row, agreeing)
        contradicting: list[int] = self.contradictions.against_rows(row).tolist()
        _, contradicting_origins = self._free(row, contradicting)
        found = (len(agreeing), len(free), agreeing_origins, len(contradicting),
                 contradicting_origins)
        if key is not None:
            self._tallies[key] = found
        return found

    def independently_agreed(self, claim_id: str) -> bool:
        """Does a claim from another origin agree with this one? (Without counting.)"""
        row = self.table.row_of(claim_id)
        if row is None:
            return False
        if self._dense(row) is not None:  # counted once for claims alike
            counted = self.tally(claim_id)
            return counted is not None and counted[1] > 0
        agreeing = self._agreeing(row)
        if len(agreeing) > _FEW:  # each voice once
            free, _ = self._free(row, agreeing)
            return bool(free)
        voice = self.table.columns.voice  # who each claim comes from: no claim is made
        mine = voice(row)
        return any(independent_voices(mine, voice(other)) for other in agreeing)

    def _agreeing(self, row: int) -> list[int]:
        """The rows of the claims that agree with the claim in `row`, in order."""
        located = self._dense(row)
        if located is None:
            return sorted(self.pairs.runs.paired_with(row, self.agree))
        crowd, p = located
        rows = np.sort(crowd.rows[crowd.agreeing(p)])
        opposed = self.opposed.get(row)
        if opposed:
            rows = rows[~np.isin(rows, np.array(sorted(opposed), dtype=np.int64))]
        found: list[int] = rows.tolist()
        return found

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
    opposed: dict[int, set[int]] = defaultdict(set)
    if len(contradictions.declared) or pairs.table.disputes:
        # Only disputes links and declared entries can oppose claims that agree: check
        # the agreeing pairs between claims they name, not all of them.
        disputed = (contradictions.rules & _DISPUTES) != 0
        named = list(zip(contradictions.first[disputed].tolist(),
                         contradictions.second[disputed].tolist(), strict=True))
        named += [(a, b) for rows in contradictions.member_rows for a in rows
                  for b in rows if a != b]
        if named:
            opposed_keys = np.array([min(a, b) * size + max(a, b) for a, b in named],
                                    dtype=np.int64)
            involved = np.zeros(size, dtype=np.bool_)
            involved[[row for pair in named for row in pair]] = True
            candidates = np.flatnonzero(agree & involved[pairs.first] & involved[pairs.second])
            low = np.minimum(pairs.first[candidates], pairs.second[candidates])
            high = np.maximum(pairs.first[candidates], pairs.second[candidates])
            agree[candidates[np.isin(low * size + high, opposed_keys)]] = False
            dense = {q for q, crowd in contradictions.crowds.items() if not crowd.paired}
            question = pairs.table.question
            for a, b in named:
                if question[a] == question[b] and int(question[a]) in dense:
                    opposed[a].add(b)
                    opposed[b].add(a)
    return CorroborationIndex(catalog, pairs, agree, contradictions, opposed)


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

