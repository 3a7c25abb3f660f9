"""The numbers the contradiction engine and the explorer need from each claim and each
event, collected while linking.

Reading a field of every claim costs a visit to each claim however little is done with
it: each claim lives in its own corner of memory. Linking already visits every claim, so it
notes, while the claim is at hand, the one row the engine needs (question, first and
last day, category value, figure), its event and who it comes from; `contested.engine.pairs`
turns the rows into arrays. The cache keeps these columns with what linking found, so
that a warm load answers from them without making the claims (`contested.catalog.entities`).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any
from weakref import WeakKeyDictionary

from contested.catalog.catalog import Catalog
from contested.catalog.entities import Entities
from contested.format.dates import FuzzyDate
from contested.format.model import Claim, Question
from contested.format.quantities import ABOUT_MINIMUM

NEVER = -(10**9)
"""The first day of a date with no start (`../2025-03`) or of no date at all."""
ALWAYS = 10**9
"""The last day of a date with no end."""

_INF = float("inf")

WIDTH = 12
"""Numbers per claim: about, question, first day, last day, category code, the figure's
low and high ends, whether each end is closed, how much the figure is widened when
compared, the claim's credibility, and its source (-1 for several). All are kept as
float64 (days and codes are exact in it): the table is one buffer numpy reads as is."""
_UNANSWERED = (0, 0, -1, 0.0, 0.0, True, True, 0.0)

Voice = tuple[tuple[int, ...], tuple[int, ...]]
"""A claim's sources and relays, as numbers (`ClaimColumns.who`)."""


def span(when: FuzzyDate | None) -> tuple[int, int]:
    """The first and last day (ordinals) a date may stand for; no date stands for any."""
    if when is None:
        return NEVER, ALWAYS
    low = when.earliest.toordinal() if when.earliest else NEVER
    high = when.latest.toordinal() if when.latest else ALWAYS
    return low, high


@dataclass(eq=False)
class ClaimColumns:
    """`WIDTH` numbers per claim, in the catalog's order, and which claims dispute which.

    `about` is the position of the claim's question (-1 for none); `question` is the same
    for a claim that answers it, and -1 for one that gives no value (or no figure to a
    quantity question): it takes no part in pairs or series.
    """

    question_ids: list[str]
    question_index: dict[str, int]
    source_ids: list[str]
    source_index: dict[str, int]
    tolerance: list[float]
    is_quantity: list[bool]
    events: Entities[Any] | None = None
    """The catalog's events (their rows, for `add`)."""
    numbers: array[float] = field(default_factory=lambda: array("d"))
    event_of: array[int] = field(default_factory=lambda: array("q"))
    """Per claim, the row of its event among the catalog's events (-1: none)."""
    who: array[int] = field(default_factory=lambda: array("q"))
    """Who each claim comes from, what decides whether two claims are independent:
    the claim of row r has the sources `who[ends[2r]:ends[2r+1]]` and the relays
    `who[ends[2r+1]:ends[2r+2]]`, as numbers (rows of the catalog's sources; ids not
    among them are numbered after)."""
    who_ends: array[int] = field(default_factory=lambda: array("q", [0]))
    _unknown: dict[str, int] = field(default_factory=dict)
    count: int = 0
    disputes: list[tuple[int, int]] = field(default_factory=list)
    """(row, disputed row), set by `finish`."""
    codes: dict[object, int] = field(default_factory=dict)
    claims: Entities[Claim] | None = None
    """The catalog's claims (set by `finish`): `rows` is their index."""
    rows_by_rank: Sequence[int] = field(default_factory=list)
    """The rows in the sorted order of claim ids (set by `finish`)."""
    said: Counter[str] = field(default_factory=Counter)
    """Per source, the claims it makes, ..."""
    relayed: Counter[str] = field(default_factory=Counter)
    """... and the claims that only came through it (the sources pane shows both)."""
    whens: array[int] = field(default_factory=lambda: array("b"))
    """Per claim, where linking found its date: 1 as_of, 2 its event, 3 said, 0 none."""
    figures: array[int] = field(default_factory=lambda: array("b"))
    """Per claim, whether linking found its value a figure (of a quantity question)."""
    _disputing: list[tuple[int, list[str]]] = field(default_factory=list)
    _by_question: tuple[list[int], list[int]] | None = None
    _spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    _declared: list[list[int]] | None = None

    @property
    def rows(self) -> Mapping[str, int]:
        """Claim id → row (indexed when first asked: a warm load need not)."""
        return self.claims.index if self.claims is not None else {}

    @property
    def event_rows(self) -> Mapping[str, int]:
        return self.events.index if self.events is not None else {}

    @classmethod
    def for_catalog(cls, questions: Entities[Question], sources: Entities[Any],
                    events: Entities[Any], kept: Mapping[str, Any] | None = None,
                    ) -> ClaimColumns:
        """Empty columns for a catalog's questions and sources; each question's
        tolerance and kind are read from them, or from what `state` `kept`."""
        if kept is not None:
            tolerance, is_quantity = list(kept["tolerance"]), [k == 1 for k in kept["kinds"]]
            if len(tolerance) != len(questions) or len(is_quantity) != len(questions):
                raise ValueError("the questions are not those of this catalog")
        else:
            tolerance = [q.tolerance for q in questions.values()]
            is_quantity = [q.kind == "quantity" for q in questions.values()]
        return cls(
            question_ids=questions.ids,
            question_index=questions.index,
            source_ids=sources.ids,
            source_index=sources.index,
            tolerance=tolerance,
            is_quantity=is_quantity,
            events=events,
        )

    @classmethod
    def of(cls, catalog: Catalog) -> ClaimColumns:
        """The catalog's columns: noted while linking (`keep`), or read now (and kept)
        if it was put together some other way."""
        known = _CLAIM_COLUMNS.get(catalog)
        if known is None:
            known = cls.for_catalog(catalog.questions, catalog.sources, catalog.events)
            for claim in catalog.claims.values():
                known.add(claim)
            known.finish(catalog.claims)
            _CLAIM_COLUMNS[catalog] = known
        return known

    def keep(self, catalog: Catalog) -> None:
        """These are the columns of `catalog` (noted while linking it, or restored)."""
        _CLAIM_COLUMNS[catalog] = self

    @staticmethod
    def kept(catalog: Catalog) -> ClaimColumns | None:
        """The columns kept for `catalog`, None if none were (nothing is worked out)."""
        return _CLAIM_COLUMNS.get(catalog)

    def voice(self, row: int) -> Voice:
        """The sources and relays of the claim of a row, as numbers (`who`)."""
        ends, who = self.who_ends, self.who
        start, middle, end = ends[2 * row], ends[2 * row + 1], ends[2 * row + 2]
        return tuple(who[start:middle]), tuple(who[middle:end])

    def sources_of(self, row: int) -> list[str]:
        """The ids of the sources of the claim of a row, each once, in order (read from
        the numbers: the claim is not made)."""
        ends, ids = self.who_ends, self.source_ids
        numbers = self.who[ends[2 * row]:ends[2 * row + 1]]
        if all(n < len(ids) for n in numbers):
            return list(dict.fromkeys(ids[n] for n in numbers))
        unknown = {n: source_id for source_id, n in self._unknown.items()}
        return list(dict.fromkeys(ids[n] if n < len(ids) else unknown[n] for n in numbers))

    def _numbers(self, source_ids: list[str]) -> list[int]:
        known = list(map(self.source_index.get, source_ids))  # dict.get: the fast way
        if None in known:
            return [self._number(s) for s in source_ids]
        return known  # type: ignore[return-value]  # no None in it

    def _number(self, source_id: str) -> int:
        number = self.source_index.get(source_id)
        if number is None:
            number = self._unknown.setdefault(source_id,
                                              len(self.source_index) + len(self._unknown))
        return number

    def _about(self) -> Any:
        """Each claim's question position (-1: none), a view of the numbers (numpy, the
        engine's, imported when first asked)."""
        import numpy as np

        return np.frombuffer(self.numbers, dtype=np.float64)[0::WIDTH].astype(np.int64)

    def rows_about(self, question_id: str) -> list[int]:
        """The rows of the claims about a question, in order (the claims are grouped by
        question once: the Figures pane asks on each key)."""
        index = self.question_index.get(question_id)
        if index is None:
            return []
        if self._by_question is None:
            rows, starts = group_rows(self._about(), len(self.question_ids))
            self._by_question = (rows.tolist(), starts.tolist())
        rows_of, starts_of = self._by_question
        return rows_of[starts_of[index]:starts_of[index + 1]]

    def forget_grouping(self) -> None:
        """The claims' questions changed (`same_events.split_per_event`): group them
        again when next asked."""
        self._by_question = None

    def events_with_claims(self, count: int) -> list[bool]:
        """Per event row (of `count`), whether some claim is about it."""
        import numpy as np

        event_of = np.frombuffer(self.event_of, dtype=np.int64)
        found = np.zeros(count, dtype=np.bool_)
        found[event_of[event_of >= 0]] = True
        flags: list[bool] = found.tolist()
        return flags

    def claims_per_question(self) -> list[int]:
        """How many claims are about each question, in question order."""
        import numpy as np

        about = self._about()
        counts: list[int] = np.bincount(about[about >= 0],
                                        minlength=len(self.question_ids)).tolist()
        return counts

    def declared_rows(self, declared: Entities[Any]) -> list[list[int]]:
        """Per declared contradiction (`declared`, the catalog's), the rows of those of
        its claims that exist: kept with the rest, as finding them needs the index of
        every claim id."""
        if self._declared is None:
            rows = self.rows
            self._declared = [[r for r in map(rows.get, found.claims) if r is not None]
                              for found in declared.values()]
        return self._declared

    def state(self, declared: Entities[Any]) -> dict[str, Any]:
        """Everything `restore` needs, as arrays, lists and numbers: the cache keeps it,
        so that an unchanged catalog is not linked claim by claim again."""
        disputes = array("q", [n for pair in self.disputes for n in pair])
        members = self.declared_rows(declared)
        return {"declared": array("q", [r for rows in members for r in rows]),
                "declared_ends": array("q", accumulate(map(len, members), initial=0)),
                "numbers": self.numbers, "count": self.count, "disputes": disputes,
                "tolerance": array("d", self.tolerance), "event_of": self.event_of,
                "who": self.who, "who_ends": self.who_ends,
                "kinds": array("b", self.is_quantity),
                "codes": list(self.codes), "rows_by_rank": array("q", self.rows_by_rank),
                "said": dict(self.said), "relayed": dict(self.relayed)}

    @classmethod
    def restore(cls, state: Mapping[str, Any], catalog: Catalog) -> ClaimColumns:
        """The columns `state` describes, for this catalog (linked from the same files)."""
        claims = catalog.claims
        columns = cls.for_catalog(catalog.questions, catalog.sources, catalog.events, state)
        numbers = state["numbers"]
        if not isinstance(numbers, array) or numbers.typecode != "d":
            raise TypeError("numbers")
        if state["count"] != len(claims) or len(numbers) != WIDTH * len(claims):
            raise ValueError("the columns are not those of this catalog")
        columns.numbers, columns.count = numbers, state["count"]
        columns.event_of = state["event_of"]
        columns.who, columns.who_ends = state["who"], state["who_ends"]
        if not (isinstance(columns.event_of, array) and len(columns.event_of) == len(claims)
                and isinstance(columns.who_ends, array)
                and len(columns.who_ends) == 2 * len(claims) + 1
                and isinstance(columns.who, array) and len(columns.who) == columns.who_ends[-1]):
            raise ValueError("the claims' columns are not those of this catalog")
        pairs = list(state["disputes"])
        columns.disputes = list(zip(pairs[0::2], pairs[1::2], strict=True))
        columns.codes = {code: n for n, code in enumerate(state["codes"])}
        columns.claims = claims
        columns.rows_by_rank = state["rows_by_rank"]
        columns.said, columns.relayed = Counter(state["said"]), Counter(state["relayed"])
        flat, ends = state["declared"], state["declared_ends"]
        if not (isinstance(flat, array) and isinstance(ends, array)
                and len(ends) == len(catalog.contradictions) + 1 and ends[-1] == len(flat)
                and all(0 <= r < len(claims) for r in flat)):
            raise ValueError("the declared contradictions are not those of this catalog")
        columns._declared = [list(flat[ends[n]:ends[n + 1]]) for n in range(len(ends) - 1)]
        return columns

    def finish(self, claims: Entities[Claim]) -> None:
        """Once every claim is added: index the rows by id, rank the ids (contradictions
        are ordered by them) and find the rows of disputed claims."""
        ids = claims.ids
        self.claims = claims
        self.rows_by_rank = sorted(range(len(ids)), key=ids.__getitem__)
        self.disputes = [(row, other) for row, disputed in self._disputing
                         for other in map(self.rows.get, disputed)
                         if other is not None and other != row]

    def add(self, claim: Claim) -> None:
        """Note the next claim's numbers; its date and figure must be resolved."""
        row, numbers = self.count, self.numbers
        self.count += 1
        if claim.disputes:
            self._disputing.append((row, claim.disputes))
        sources = claim.source
        who = self.who
        who.extend(self._numbers(sources))
        self.who_ends.append(len(who))
        if claim.via:
            who.extend(self._numbers(claim.via))
        self.who_ends.append(len(who))
        if len(sources) == 1:
            self.said[sources[0]] += 1
        else:
            self.said.update(set(sources))
        if claim.via:
            self.relayed.update({v for v in claim.via if v not in sources})
        self.event_of.append(-1 if claim.event is None
                             else self.event_rows.get(claim.event, -1))
        ends = (claim.credibility, self.source_index.get(claim.source[0], -1)
                if len(claim.source) == 1 else -1)
        about = self.question_index.get(claim.about, -1) if claim.about is not None else -1
        value = claim.value
        held = claim.__dict__  # the resolved date and figure (model.Claim.resolve)
        if about < 0 or value is None:
            numbers.extend((about, -1, *_UNANSWERED, *ends))
            return
        when = held.get("_when")
        days = self._spans.get(id(when))  # parse_date shares one object per written date
        if days is None:
            days = self._spans[id(when)] = span(when)
        if not self.is_quantity[about]:
            code = self.codes.get(value)
            if code is None:
                code = self.codes[value] = len(self.codes)
            numbers.extend((about, about, *days, code, 0.0, 0.0, True, True, 0.0, *ends))
            return
        quantity = claim.quantity
        if quantity is None:
            numbers.extend((about, -1, *_UNANSWERED, *ends))
            return
        interval, tolerance = quantity.interval, self.tolerance[about]
        numbers.extend((
            about, about, *days, -1,
            -_INF if interval.low is None else interval.low,
            _INF if interval.high is None else interval.high,
            interval.low_closed, interval.high_closed,
            max(tolerance, ABOUT_MINIMUM) if quantity.form == "about" else tolerance,
            *ends,
        ))


def group_starts(keys: Any, count: int) -> Any:
    """Where each of the groups 0 … count-1 starts in `keys` (sorted; keys below 0
    come first and belong to none), and the end: group g is `[starts[g]:starts[g + 1]]`."""
    import numpy as np

    return np.searchsorted(keys, np.arange(count + 1))


def group_rows(keys: Any, count: int) -> tuple[Any, Any]:
    """The rows of `keys` (numbers 0 … count-1, or below 0 for none) grouped by key, in
    order within a group, and where each group starts (`group_starts`)."""
    import numpy as np

    rows = np.argsort(keys, kind="stable")
    return rows, group_starts(keys[rows], count)


@dataclass(eq=False)
class EventColumns:
    """The events in the Timeline's order (first day, last day, id), each one's first
    day, and its claims: enough to lay out the Timeline without making 100,000 events."""

    order: array[int]
    """The rows of the catalog's events, in date order."""
    starts: array[int]
    """Per row, the ordinal of the event's first day (0: open start)."""
    claims: array[int]
    """The claims' rows grouped by event (in catalog order within one): the claims of
    the event of row r are `claims[claims_from[r]:claims_from[r + 1]]`."""
    claims_from: array[int]

    @classmethod
    def of(cls, catalog: Catalog) -> EventColumns:
        """The catalog's event columns: kept by the cache, or read now (and kept)."""
        known = _EVENT_COLUMNS.get(catalog)
        if known is None:
            import numpy as np

            events = list(catalog.events.values())
            order = sorted(range(len(events)),
                           key=lambda row: (events[row].date.sort_key, events[row].id))
            starts = [e.date.earliest.toordinal() if e.date.earliest else 0 for e in events]
            event_of = np.frombuffer(ClaimColumns.of(catalog).event_of, dtype=np.int64)
            grouped, claims_from = group_rows(event_of, len(events))
            known = cls(array("q", order), array("q", starts), array("q", grouped.tolist()),
                        array("q", claims_from.tolist()))
            _EVENT_COLUMNS[catalog] = known
        return known

    def keep(self, catalog: Catalog) -> None:
        """These are the event columns of `catalog` (restored from the cache)."""
        _EVENT_COLUMNS[catalog] = self

    def claims_of(self, row: int) -> array[int]:
        """The rows of the claims about the event of `row`, in catalog order."""
        return self.claims[self.claims_from[row]:self.claims_from[row + 1]]

    def state(self) -> dict[str, Any]:
        return {"order": self.order, "starts": self.starts, "claims": self.claims,
                "claims_from": self.claims_from}

    @classmethod
    def restore(cls, state: Mapping[str, Any], catalog: Catalog) -> EventColumns:
        order, starts = state["order"], state["starts"]
        claims, claims_from = state["claims"], state["claims_from"]
        count = len(catalog.events)
        if not (all(isinstance(a, array) for a in (order, starts, claims, claims_from))
                and len(order) == len(starts) == count and len(claims_from) == count + 1
                and len(claims) == len(catalog.claims) == claims_from[-1]):
            raise ValueError("the event columns are not those of this catalog")
        return cls(order, starts, claims, claims_from)


def claims_about(catalog: Catalog, question_id: str) -> list[Claim]:
    """The claims about one question, in catalog order: a scan of one column of the
    engine's numbers, not of the claims."""
    claims = catalog.claims
    return [claims.at(row) for row in ClaimColumns.of(catalog).rows_about(question_id)]


_CLAIM_COLUMNS: WeakKeyDictionary[Catalog, ClaimColumns] = WeakKeyDictionary()
_EVENT_COLUMNS: WeakKeyDictionary[Catalog, EventColumns] = WeakKeyDictionary()
"""What is worked out once per catalog, kept beside it (and gone with it)."""
