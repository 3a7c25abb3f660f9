"""The rules that find contradictions (docs/timeline-format.md, "When claims contradict"):

- declared: an entry in `contradictions` (keeps its own id and all its claims);
- disputes: a `disputes` link, either direction;
- category: same category question, different values, overlapping `as_of`;
- quantity: same quantity question, overlapping `as_of`, intervals that do not meet even
  when widened by the question's tolerance (`about` by max(tolerance, 10%)).

Declared entries and disputes links are the analyst's word and need no overlapping
dates. A claim with no date at all (no as_of, event or said) may hold at any time.

Pairs are found per question over `as_of` with array operations (`contested.engine.pairs`):
every pair at overlapping dates is either a contradiction or an agreement. The questions
with more contradictions than `LISTED_PER_QUESTION` are shown in groups
(`contested.engine.contradictions`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from contested.catalog.catalog import Catalog
from contested.engine.contradictions import (
    CATEGORY,
    DISPUTES,
    PAIR_RULES,
    QUANTITY,
    Contradiction,
    Contradictions,
    ranks,
)
from contested.engine.crowds import Crowd
from contested.engine.pairs import ClaimTable, Ints, Pairs, claim_table, find_pairs

LISTED_PER_QUESTION = 1_000
"""A question with more contradictions than this found by the category or quantity rule
shows them in groups (docs/timeline-format.md, "Groups"); up to it, pair by pair."""


def pair_id(rule: str, a: str, b: str) -> str:
    """`category~syrsky-under-control~zombie-rout`: readable, and the same for the same
    pair whatever the order of files or claims (`~` never occurs in an id)."""
    first, second = sorted((a, b))
    return f"{rule}~{first}~{second}"


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
            note=declared.note, rows=tuple(rows),
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
    rules = np.where(table.quantity[first], QUANTITY, CATEGORY)
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
    rules = np.concatenate([rules, np.full(len(disputes), DISPUTES, dtype=np.int64)])
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
                name for bit, name in PAIR_RULES if mask & bit)))
            continue
        found = grouped_pair(*members)
        if found is not None and not any(found[0] is c and {p, q} == {found[1], found[2]}
                                         for c, p, q in absorbed):
            crowd, p, q = found
            absorbed.append(found)
            mask = (QUANTITY if crowd.quantity else CATEGORY) | (
                DISPUTES if key in disputed else 0)
            declared[n] = replace(declared[n], rules=("declared", *(
                name for bit, name in PAIR_RULES if mask & bit)))
    keys, merged = keys[keep], merged[keep]
    first, second = keys // size, keys % size
    swap = table.id_rank[first] > table.id_rank[second]  # in id order, as in the pair's id
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    question = np.where(table.about[first] == table.about[second], table.about[first], -1)

    # Order: by question id (none last), declared first, then by rule, the earlier claim's
    # first day, and the claim ids.
    question_rank = np.append(ranks(table.question_ids), len(table.question_ids))
    declared_questions = np.array(
        [table.question_index.get(f.question or "", -1) for f in declared], dtype=np.int64)
    first_rule = np.where(merged & CATEGORY, 1, np.where(merged & QUANTITY, 2, 3))
    zeros = np.zeros(len(declared), np.int64)
    order = np.lexsort((
        np.concatenate([zeros, table.id_rank[second]]),
        np.concatenate([ranks([f.id for f in declared]), table.id_rank[first]]),
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
