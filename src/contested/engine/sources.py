"""Who contradicts whom: per source, and per pair of sources (or of sides, or any
grouping of sources), how many contradictions set them against each other, counted
from the engine's arrays without making the contradictions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

import numpy as np

from contested.engine.contradictions import Contradictions, Kept
from contested.engine.crowds import Crowd
from contested.engine.pairs import Ints

SOURCE_PAIRS_PER_QUESTION = 32
"""In a grouped question, how many of its sources (those with most claims) "who
contradicts whom" counts pair by pair."""


def _sources_of(found: Contradictions, row: int) -> list[str]:
    return found.table.columns.sources_of(row)  # from the columns: no claim made


def per_source(found: Contradictions) -> Counter[str]:
    """Source id → how many contradictions have a claim from it."""
    counts: Counter[str] = Counter()
    source, ids = found.table.source, found.table.columns.source_ids
    a, b = source[found.first], source[found.second]
    single = (a >= 0) & (b >= 0)
    tally = np.bincount(a[single], minlength=len(ids)) + np.bincount(
        b[single & (a != b)], minlength=len(ids))
    counts.update({ids[n]: int(tally[n]) for n in np.flatnonzero(tally).tolist()})
    several = [[*_sources_of(found, int(x)), *_sources_of(found, int(y))] for x, y in zip(
        found.first[~single].tolist(), found.second[~single].tolist(), strict=True)]
    several += [[s for row in rows for s in _sources_of(found, row)]
                for rows in found.member_rows]
    for members in several:
        counts.update(set(members))
    for crowd in found.crowds.values():
        if crowd.grouped:
            counts.update(_crowd_per_label(found, crowd, None))
    return counts


def _labels(found: Contradictions, crowd: Crowd, group: Mapping[str, str] | None
            ) -> dict[str, Ints]:
    """Per source (or its name in `group`), the positions of a crowd's claims that
    name it."""
    places_of: dict[str, list[int]] = defaultdict(list)
    for p, row in enumerate(crowd.rows.tolist()):
        for label in dict.fromkeys(
                group.get(s, s) if group is not None else s for s in _sources_of(found, row)):
            places_of[label].append(p)
    return {label: np.array(places, dtype=np.int64) for label, places in places_of.items()}


def _crowd_per_label(found: Contradictions, crowd: Crowd, group: Mapping[str, str] | None
                     ) -> Counter[str]:
    """Per source (or name), the grouped contradictions of a crowd with a claim
    from it: its claims' contradictions, less those between two of them."""
    conflicts = crowd.conflicts()
    excluded = [(a, b) for a, b in found.excluded_rows()
                if crowd.position_of(a) is not None]
    counts: Counter[str] = Counter()
    for label, places in _labels(found, crowd, group).items():
        total = int(conflicts[places].sum()) - crowd.pairs_within(places)
        members = set(crowd.rows[places].tolist())
        total -= sum(1 for a, b in excluded if a in members or b in members)
        if total:
            counts[label] = total
    return counts


def source_pairs(found: Contradictions, group: Mapping[str, str] | None = None,
                 kept: Kept | None = None
                 ) -> Counter[tuple[str, str]]:
    """(source, source) in order → how many contradictions set them against each other
    (a claim's sources against the other claims'). With `group` (source id → a name,
    such as its side), the same between groups; each contradiction counts once. With
    `kept`, only those contradictions.

    In a grouped question, the SOURCE_PAIRS_PER_QUESTION sources (or names) with most
    claims are counted pair by pair; pairs of two others are not."""
    first, second, members = found.first, found.second, found.member_rows
    crowds = [crowd for crowd in found.crowds.values() if crowd.grouped]
    if kept is not None:
        entries = found.order[kept.held]
        declared = len(found.declared)
        pairs = entries[entries >= declared] - declared
        first, second = first[pairs], second[pairs]
        members = [*(members[n] for n in entries[entries < declared].tolist()),
                   *(list(item.rows or ()) for item in kept.pairs)]
        whole = {id(group.group.crowd) for group in kept.groups}
        crowds = [crowd for crowd in crowds if id(crowd) in whole]
    ids = found.table.columns.source_ids
    names = [group.get(s, s) for s in ids] if group is not None else ids
    labels, code = np.unique(np.array(names, dtype=object), return_inverse=True)
    labels = labels.tolist()
    counts: Counter[tuple[str, str]] = Counter()
    source = found.table.source
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
        sides = [[name.get(s, s) for s in _sources_of(found, r)] for r in rows]
        counts.update({
            (s, t) if s <= t else (t, s)
            for i, one in enumerate(sides) for other in sides[i + 1:]
            for s in one for t in other
        })
    for crowd in crowds:
        counts.update(_crowd_pairs(found, crowd, group))
    return counts


def _crowd_pairs(found: Contradictions, crowd: Crowd, group: Mapping[str, str] | None
                 ) -> Counter[tuple[str, str]]:
    """`source_pairs` within one grouped crowd: the pairs across two labels' claims
    are those among all of them less those within either alone."""
    by_label = _labels(found, crowd, group)
    ranked = sorted(by_label, key=lambda label: (-len(by_label[label]), label))
    chosen = sorted(ranked[:SOURCE_PAIRS_PER_QUESTION])
    excluded = [(a, b) for a, b in found.excluded_rows()
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
