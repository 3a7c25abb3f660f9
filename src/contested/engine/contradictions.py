"""Contradictions as the engine holds them: claims that cannot all be true (`Contradiction`),
the sequence of every one of a catalog (`Contradictions`), and the groups of a question
too crowded to list pair by pair (`ContradictionGroup`).

The pairs are held as arrays and made into objects when read, so the cost follows what is
shown, not the size of the catalog. A question whose claims disagree in more than
`contested.engine.rules.LISTED_PER_QUESTION` pairs is not listed pair by pair: its pairs are
counted (`contested.engine.crowds`) and held in **groups**, the pairs between the claims of
one answer and those of another. A group gives its pairs a page at a time, and any pair is
found by its id without the others, so that 20,000 claims alternating between two answers
cost n log n, not 100,000,000 pairs. Every pair keeps its id, its rules and its place in
`Contradictions`.

Data only: what people read about a contradiction is written by `contested.present.wording`;
who contradicts whom is counted in `contested.engine.sources`.

Longer than most modules, and on purpose: `Contradictions` is one index (an order over
held pairs, declared ones and groups, with the places that map between them), and a
`ContradictionGroup` reads its pairs through it; split, the two would import each other.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import overload

import numpy as np

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ALWAYS, NEVER
from contested.engine.crowds import POOL, Crowd, Group
from contested.engine.pairs import ClaimTable, Ints
from contested.support.sequences import MadeWhenRead

PAGE = 100
"""Pairs of a group made at a time."""


CATEGORY, QUANTITY, DISPUTES = 1, 2, 4
"""The bits of a found pair's rules (`Contradictions.rules`)."""
PAIR_RULES = ((CATEGORY, "category"), (QUANTITY, "quantity"), (DISPUTES, "disputes"))


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Claims that cannot all be true, with the rules that say so: data only. What people
    read about it (its explanation and reason) is written by `contested.present.wording`."""

    id: str
    rules: tuple[str, ...]
    claims: tuple[str, ...]
    question: str | None
    note: str | None = None
    rows: tuple[int, ...] | None = field(default=None, compare=False, repr=False)
    """The rows of its claims that are in the catalog, if known (then explaining it needs
    no index of 300,000 claim ids)."""

    @property
    def rule(self) -> str:
        return self.rules[0]


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


class GroupPairs(MadeWhenRead[Contradiction]):
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


class Listing(MadeWhenRead[Listed]):
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
        return np.append(ranks(self.table.question_ids), len(self.table.question_ids))

    def _entry_keys(self) -> Ints:
        """Per place of `order`, question rank * 4 + (0 declared, 1 category, 2 quantity,
        3 disputes only): sorted, as `order` is."""
        rank = self._question_ranks()
        declared = np.array([self.table.question_index.get(f.question or "", -1)
                             for f in self.declared], dtype=np.int64)
        questions = np.concatenate([declared, self.question])
        kinds = np.concatenate([np.zeros(len(self.declared), dtype=np.int64),
                                np.where(self.rules & CATEGORY, 1,
                                         np.where(self.rules & QUANTITY, 2, 3))])
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
            question=self.table.question_ids[crowd.question], rows=(rows[0], rows[1]))

    def _make(self, entry: int) -> Contradiction:
        if entry < len(self.declared):
            return self.declared[entry]
        pair = entry - len(self.declared)
        mask = int(self.rules[pair])
        rules = tuple(name for bit, name in PAIR_RULES if mask & bit)
        ids = self.table.ids
        first, second = ids[self.first[pair]], ids[self.second[pair]]
        question = int(self.question[pair])
        return Contradiction(
            id=f"{rules[0]}~{first}~{second}", rules=rules, claims=(first, second),
            question=self.table.question_ids[question] if question >= 0 else None,
            rows=(int(self.first[pair]), int(self.second[pair])),
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

    def excluded_rows(self) -> list[tuple[int, int]]:
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
        for a, b in self.excluded_rows():  # held by a declared one, counted there
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

    def held_of_rows(self, rows: Sequence[int]) -> tuple[Ints, Ints]:
        """For many claim rows at once (the thousands of a source): where their held
        contradictions are in the sequence, each once, in the order of the rows; and
        those of the rows that are also in grouped ones. Array work, not a call per
        claim, so that a detail can count them without making them."""
        offsets, positions, _ = self._membership()
        picked = np.asarray(rows, dtype=np.int64)
        starts = offsets[picked]
        lengths = offsets[picked + 1] - starts
        total = int(lengths.sum())
        grouped: Ints = picked[self.per_row()[picked] != lengths] if self.groups else \
            np.empty(0, dtype=np.int64)
        if not total:
            return np.empty(0, dtype=np.int64), grouped
        within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        found: Ints = positions[np.repeat(starts, lengths) + within]
        _, first = np.unique(found, return_index=True)
        return found[np.sort(first)], grouped

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


def ranks(words: Sequence[str]) -> Ints:
    """Each word's place in sorted order."""
    rank = np.empty(len(words), dtype=np.int64)
    rank[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
    return rank
