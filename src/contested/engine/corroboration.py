"""Corroboration: per claim, who agrees and who contradicts, counted by independent
origin (`corroborate`). Two claims are independent unless they share an original source,
one relays the other's source, or both reached us through the same `via` chain.

Counting origins is left until a claim is shown or exported, so the cost follows what is
looked at.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ClaimColumns, Voice
from contested.engine.contradictions import DISPUTES, Contradictions
from contested.engine.crowds import Crowd
from contested.engine.pairs import Bools, Ints, Pairs, find_pairs
from contested.format.model import Claim

LISTED_PER_CLAIM = 100
"""Past this many, the claims one claim contradicts (or agrees with) are given as a number
in the exports, not as a list of ids."""


_BLOCK = 1 << 17
"""Pairs of claims judged at once by `CorroborationIndex.every` (whole rows' worth):
enough for array work to pay, few enough that its arrays stay small."""

Tally = tuple[int, int, int, int, int]
"""A claim's corroboration as numbers (`CorroborationIndex.tally`)."""

_FEW = 64
"""Claims read one by one when counting origins; past this, with array work."""


@dataclass(frozen=True, slots=True)
class Corroboration:
    """For one claim: who agrees and who contradicts, counted by independent origin."""

    claim: str
    agreeing: tuple[str, ...] = ()
    independent_agreeing: tuple[str, ...] = ()
    agreeing_origins: int = 0
    contradicting: tuple[str, ...] = ()
    contradicting_origins: int = 0


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


@dataclass(frozen=True, slots=True)
class _Voices:
    """Who each claim comes from, as arrays over the columns' numbers (`who`): where
    each row's sources start and how many, where its relays start and how many, and a
    number per distinct relay chain (-1: none), for the tests of `independent_voices`
    and `count_origins` on many claims at once."""

    who: Ints
    sources_at: Ints
    sources: Ints
    via_at: Ints
    via: Ints
    chain: Ints

    @staticmethod
    def of(columns: ClaimColumns) -> _Voices:
        who = np.asarray(columns.who, dtype=np.int64)
        ends = np.asarray(columns.who_ends, dtype=np.int64)
        sources_at, via_at = ends[0:-1:2], ends[1::2]
        sources, via = via_at - sources_at, ends[2::2] - via_at
        chain = np.full(len(sources_at), -1, dtype=np.int64)
        relayed = np.flatnonzero(via)
        if len(relayed):
            longest = int(via[relayed].max())
            padded = np.full((len(relayed), longest + 1), -1, dtype=np.int64)
            padded[:, 0] = via[relayed]
            for n in range(longest):
                has = via[relayed] > n
                padded[has, n + 1] = who[via_at[relayed[has]] + n]
            _, number = np.unique(padded, axis=0, return_inverse=True)
            chain[relayed] = number.reshape(-1)
        return _Voices(who, sources_at, sources, via_at, via, chain)

    def _share(self, a_at: Ints, a_count: Ints, b_at: Ints, b_count: Ints) -> Bools:
        """Per k: do the numbers who[a_at[k]:][:a_count[k]] and who[b_at[k]:][:b_count[k]]
        have one in common?"""
        counts = a_count * b_count
        pair = np.repeat(np.arange(len(counts)), counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        across = b_count[pair]
        who = self.who
        hit = who[a_at[pair] + within // across] == who[b_at[pair] + within % across]
        shared: Bools = np.bincount(pair[hit], minlength=len(counts)) > 0
        return shared

    def independent(self, a: Ints, b: Ints) -> Bools:
        """`independent_voices` of the claims of rows a[k] and b[k], for each k."""
        sources_at, sources = self.sources_at, self.sources
        heard = sources + self.via  # a claim's sources, then its relays
        tied = self._share(sources_at[a], sources[a], sources_at[b], heard[b])
        tied |= self._share(sources_at[b], sources[b], self.via_at[a], self.via[a])
        tied |= (self.chain[a] >= 0) & (self.chain[a] == self.chain[b])
        free: Bools = ~tied
        return free

    def origins(self, owner: Ints, member: Ints, size: int) -> Ints:
        """Per row r (of `size`), `count_origins` of the claims member[k] where
        owner[k] == r: the groups joined by a shared source, the same relay chain or a
        relay of another's source, found by label propagation over all rows at once."""
        found = np.zeros(size, dtype=np.int64)
        if not len(owner):
            return found
        who, sources_at, sources = self.who, self.sources_at, self.sources
        width = int(who.max()) + 1
        chains = int(self.chain.max()) + 2
        members = np.arange(len(owner))
        # each member's sources, as (owner, source) keys
        by_source = np.repeat(members, sources[member])
        within = np.arange(len(by_source)) - np.repeat(
            np.cumsum(sources[member]) - sources[member], sources[member])
        source_key = owner[by_source] * width + who[sources_at[member[by_source]] + within]
        # each member's relays that are a source of another member of the same owner
        via_count = self.via[member]
        by_relay = np.repeat(members, via_count)
        within = np.arange(len(by_relay)) - np.repeat(np.cumsum(via_count) - via_count,
                                                      via_count)
        relay_key = owner[by_relay] * width + who[self.via_at[member[by_relay]] + within]
        reached = np.isin(relay_key, source_key)
        by_relay, relay_key = by_relay[reached], relay_key[reached]
        # each member's relay chain, if any
        chain = self.chain[member]
        by_chain = members[chain >= 0]
        chain_key = owner[by_chain] * chains + chain[by_chain]
        keys, key_of = np.unique(np.concatenate([source_key, relay_key]),
                                 return_inverse=True)
        chain_keys, chain_of = np.unique(chain_key, return_inverse=True)
        linked = np.concatenate([by_source, by_relay, by_chain])
        node = np.concatenate([key_of.reshape(-1), len(keys) + chain_of.reshape(-1)])
        label = members.copy()
        nodes = np.empty(len(keys) + len(chain_keys), dtype=np.int64)
        while True:
            nodes.fill(len(members))
            np.minimum.at(nodes, node, label[linked])
            joined = label.copy()
            np.minimum.at(joined, linked, nodes[node])
            joined = joined[joined]
            if np.array_equal(joined, label):
                break
            label = joined
        groups = np.unique(owner * len(members) + label)
        counted: Ints = np.bincount(groups // len(members), minlength=size)
        return counted


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
        self._tallies: dict[tuple[int, ...], Tally] = {}
        self._who: _Voices | None = None

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

    def tally(self, claim_id: str) -> Tally | None:
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

    def every(self) -> Iterator[tuple[str, Corroboration | Tally]]:
        """Every claim that agrees or contradicts, in the order of ids, with its
        corroboration, or past LISTED_PER_CLAIM agreeing or contradicting claims its
        `tally`: what an export gives for each claim.

        Worked out for all the claims at once, so that an export does not pay a lookup,
        a list and a count per claim: whether two claims are independent is asked once
        per pair of voices, origins are counted once per set of voices and only where
        there are two or more. The claims of a dense question are asked one by one, as
        their crowd answers for them (`tally`); none is kept (`__getitem__` keeps)."""
        size = len(self.table.claims)
        involved = self.involved()
        dense = np.zeros(size, dtype=np.bool_)
        for crowd in self.contradictions.crowds.values():
            if not crowd.paired:
                dense[crowd.rows] = True
        plain = involved & ~dense
        agree_from, agree_to = self._agreeing_pairs(plain)
        against_from, against_to = self._contradicting_pairs(plain)
        agree_free, agree_origins = self._judged(agree_from, agree_to)
        _, against_origins = self._judged(against_from, against_to)
        every_id = np.asarray(self.table.ids, dtype=object)
        agreeing = every_id[agree_to].tolist()
        free_agreeing = every_id[agree_to[agree_free]].tolist()
        contradicting = every_id[against_to].tolist()
        bounds = np.arange(size + 1)
        agree_at = np.searchsorted(agree_from, bounds).tolist()
        free_at = np.searchsorted(agree_from[agree_free], bounds).tolist()
        against_at = np.searchsorted(against_from, bounds).tolist()
        agreeing_origins, contradicting_origins = agree_origins.tolist(), against_origins.tolist()
        ids = self._claim_ids()
        rows = np.flatnonzero(involved).tolist()
        for at in sorted(range(len(ids)), key=ids.__getitem__):
            claim_id, row = ids[at], rows[at]
            if dense[row]:
                counts = self.tally(claim_id)
                if counts is not None and max(counts[0], counts[3]) > LISTED_PER_CLAIM:
                    yield claim_id, counts
                else:
                    yield claim_id, self[claim_id]
                continue
            start, end = agree_at[row], agree_at[row + 1]
            first, last = against_at[row], against_at[row + 1]
            if max(end - start, last - first) > LISTED_PER_CLAIM:
                yield claim_id, (end - start, free_at[row + 1] - free_at[row],
                                 agreeing_origins[row], last - first,
                                 contradicting_origins[row])
                continue
            yield claim_id, Corroboration(
                claim=claim_id,
                agreeing=tuple(agreeing[start:end]),
                independent_agreeing=tuple(free_agreeing[free_at[row]:free_at[row + 1]]),
                agreeing_origins=agreeing_origins[row],
                contradicting=tuple(contradicting[first:last]),
                contradicting_origins=contradicting_origins[row],
            )

    def _agreeing_pairs(self, chosen: Bools) -> tuple[Ints, Ints]:
        """(row, agreeing row) for each claim of `chosen` rows (not those of a dense
        question) and each that agrees with it, by row, then by the other's row: the
        order of `_agreeing`."""
        pairs, agree = self.pairs, self.agree
        first, second = pairs.first[agree], pairs.second[agree]
        mine, theirs = np.concatenate([first, second]), np.concatenate([second, first])
        kept = chosen[mine]
        mine, theirs = mine[kept], theirs[kept]
        order = np.lexsort((theirs, mine))
        return mine[order], theirs[order]

    def _contradicting_pairs(self, chosen: Bools) -> tuple[Ints, Ints]:
        """(row, contradicting row) for each claim of `chosen` rows and each that
        contradicts it, by row, then in the order of `Contradictions.against`."""
        against = self.contradictions.against
        rows = np.flatnonzero(chosen & (self.contradictions.per_row() > 0)).tolist()
        found = [against(row) for row in rows]
        lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        mine: Ints = np.repeat(np.asarray(rows, dtype=np.int64), lengths)
        theirs: Ints = np.fromiter(chain.from_iterable(found), dtype=np.int64,
                                   count=int(lengths.sum()))
        return mine, theirs

    def _judged(self, mine: Ints, theirs: Ints) -> tuple[Bools, Ints]:
        """For each pair (mine[k], theirs[k]) of claim rows: is the second claim
        independent of the first (`independent_voices`); and per row, how many origins
        the claims independent of it among its `theirs` stand for (`count_origins`),
        all with array work on the columns' numbers of sources and relays."""
        size = len(self.table.claims)
        if not len(mine):
            return np.zeros(0, dtype=np.bool_), np.zeros(size, dtype=np.int64)
        if self._who is None:
            self._who = _Voices.of(self.table.columns)
        voices = self._who
        free = np.empty(len(mine), dtype=np.bool_)
        found = np.zeros(size, dtype=np.int64)
        start = 0
        while start < len(mine):  # a block of rows at a time: the arrays stay small
            end = min(start + _BLOCK, len(mine))
            if end < len(mine):
                end = max(int(np.searchsorted(mine, mine[end])),
                          int(np.searchsorted(mine, mine[start], side="right")))
            part = slice(start, end)
            free[part] = held = voices.independent(mine[part], theirs[part])
            found += voices.origins(mine[part][held], theirs[part][held], size)
            start = end
        return free, found

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
        disputed = (contradictions.rules & DISPUTES) != 0
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
