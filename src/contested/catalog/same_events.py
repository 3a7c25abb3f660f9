"""The same event seen by several datasets, found when the catalog loads; and the
questions each event answers on its own, split per event so that the engine compares
the figures of one event, whichever dataset gave them.

ACLED and UCDP code the same clash as two rows. Once both are imported, their events
are found to be one by a rule that needs no id in common, so import order never
matters: two events are **the same** when

- they come from different datasets (`provenance.dataset`; events written by hand are
  one "dataset" of their own): the rows of one dataset are distinct events by its
  own coding, so a group never holds two events of one dataset;
- both have coordinates, at most `SameEventRule.within_km` apart (great-circle);
- their dates overlap once each is widened by `SameEventRule.days_apart` days (a date
  stands for every day it may be, so a week-precision row meets any day of its week);
- their kinds agree: each dataset's word for the kind of event is read through
  `KIND_FAMILIES` (ACLED's `Battles` and UCDP's `state-based` are both fighting); a kind
  not in the table agrees only with itself; an event without a kind agrees with any.

Candidate pairs are joined closest first (by distance, then by how far apart their
dates are, then by id), so the best match wins and a chain of near neighbours cannot
sweep a whole town into one group. The analyst has the last word (`matches:` in a
timeline file): `same: true` joins events whatever the rule says; `same: false` keeps
the listed events apart.

A question with `per_event: true` (deaths in a clash) is then answered per group of
events: each claim about it moves to the question `QUESTION@EVENT`, where EVENT is the
first id of its event's group; `@` is in no declared id, so the ids never collide.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from contested.catalog.catalog import Catalog
from contested.catalog.columns import WIDTH, ClaimColumns, span
from contested.format.model import Event, Question
from contested.vocabulary import PER_EVENT_MARK

EARTH_RADIUS_KM = 6371.0088
"""The mean radius of the Earth (IUGG), for great-circle distances."""
_KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
_COMPARED_PER_CELL = 32
"""At most this many events of another dataset in one cell, the latest to start first,
are compared with one event: a town where datasets code thousands of events on the
same days stays linear (the rule may then miss a match among the others)."""
_KEPT_PER_EVENT = 4
"""Of the pairs the rule allows, each event keeps its nearest few: they are all that
joining closest first can use, as a group holds one event of each dataset."""


@dataclass(frozen=True)
class SameEventRule:
    """When events of different datasets are one (see the module's docstring)."""

    within_km: float = 10.0
    """Coordinates at most this far apart: the same town or its outskirts (ACLED and
    UCDP both place an event at the nearest named place they can)."""
    days_apart: int = 0
    """Dates that miss each other by at most this many days still overlap."""


DEFAULT_RULE = SameEventRule()

KIND_FAMILIES: dict[str, str] = {
    # ACLED's event types
    "battles": "fighting",
    "explosions/remote violence": "fighting",
    "violence against civilians": "one-sided",
    "protests": "demonstration",
    "riots": "demonstration",
    "strategic developments": "strategic",
    # UCDP's types of violence
    "state-based": "fighting",
    "non-state": "fighting",
    "one-sided": "one-sided",
}
"""A dataset's word for a kind of event (case-folded) → the family that decides whether
two events can be one. UCDP's state-based violence spans ACLED's battles and remote
violence (shelling, air strikes); its one-sided violence is ACLED's violence against
civilians."""


def kinds_agree(one: str | None, other: str | None) -> bool:
    if one is None or other is None:
        return True
    one, other = one.casefold(), other.casefold()
    return KIND_FAMILIES.get(one, one) == KIND_FAMILIES.get(other, other)


def distance_km(one: tuple[float, float], other: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*one, *other))
    a = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Why:
    """Why an event is one with another: the rule's distance and days, or a match."""

    other: str
    km: float | None = None
    days: tuple[tuple[int, int], tuple[int, int]] | None = None
    """Each event's first and last day (ordinals), as the rule compared them."""
    declared: str | None = None
    """The id of the `matches:` entry that says so."""


@dataclass
class SameEvents:
    """The groups of events that are one, and why."""

    rule: SameEventRule = DEFAULT_RULE
    group_of: dict[str, str] = field(default_factory=dict)
    """Event id → the first id of its group (only events in a group of two or more)."""
    members: dict[str, list[str]] = field(default_factory=dict)
    """The first id of a group → its events, sorted."""
    why: dict[str, list[Why]] = field(default_factory=dict)
    """Event id → the events it was joined with, and why."""

    @classmethod
    def of(cls, catalog: Catalog) -> SameEvents:
        """What `split_per_event` found for this catalog (nothing if it never ran)."""
        return _FOUND.get(catalog) or cls()

    def same_as(self, event_id: str) -> list[str]:
        """The other events that are one with this one."""
        group = self.group_of.get(event_id)
        return [e for e in self.members.get(group or "", []) if e != event_id]


@dataclass
class _Point:
    row: int
    id: str
    dataset: str
    lat: float
    lon: float
    first: int
    last: int
    kind: str | None


class _Groups:
    """Union-find over events, keeping each group's datasets and the events it must
    not be joined with."""

    def __init__(self, ids: Iterable[str], datasets: dict[str, str]) -> None:
        self.parent = {i: i for i in ids}
        self.datasets = {i: {datasets[i]} for i in self.parent}
        self.apart: dict[str, set[str]] = defaultdict(set)

    def find(self, item: str) -> str:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def keep_apart(self, one: str, other: str) -> None:
        self.apart[self.find(one)].add(self.find(other))
        self.apart[self.find(other)].add(self.find(one))

    def join(self, one: str, other: str, *, forced: bool = False) -> bool:
        a, b = self.find(one), self.find(other)
        if a == b:
            return False
        apart_a = {self.find(x) for x in self.apart.get(a, ())}
        if b in apart_a:
            return False
        if not forced and self.datasets[a] & self.datasets[b]:
            return False
        if b < a:
            a, b = b, a
        self.parent[b] = a
        self.datasets[a] |= self.datasets.pop(b)
        self.apart[a] = apart_a | {self.find(x) for x in self.apart.pop(b, ())}
        return True


def find_same_events(catalog: Catalog, rule: SameEventRule = DEFAULT_RULE) -> SameEvents:
    """The groups of events that are one (module docstring), with why."""
    events = catalog.events
    points: list[_Point] = []
    datasets: dict[str, str] = {}
    for row, event in enumerate(events.values()):
        provenance = event.provenance
        datasets[event.id] = provenance.dataset if provenance is not None else ""
        where = event.coordinates
        if where is None:
            continue
        first, last = span(event.date)
        points.append(_Point(row, event.id, datasets[event.id], where.lat, where.lon,
                             first, last, event.kind))
    groups = _Groups(events.ids, datasets)
    found = SameEvents(rule)
    declared_same: list[tuple[str, list[str]]] = []
    for match in catalog.matches.values():
        listed = [e for e in match.events if e in events]
        if match.same:
            declared_same.append((match.id, listed))
        else:
            for n, kept in enumerate(listed):
                for apart in listed[n + 1:]:
                    groups.keep_apart(kept, apart)
    for match_id, named in declared_same:
        for joined in named[1:]:
            if groups.join(named[0], joined, forced=True):
                found.why.setdefault(named[0], []).append(Why(joined, declared=match_id))
                found.why.setdefault(joined, []).append(Why(named[0], declared=match_id))
    pairs = sorted(_candidates(points, rule), key=lambda c: (c[0], c[1], c[2].id, c[3].id))
    for km, _, one, other in pairs:
        if groups.join(one.id, other.id):
            days = ((one.first, one.last), (other.first, other.last))
            found.why.setdefault(one.id, []).append(Why(other.id, km, days))
            found.why.setdefault(other.id, []).append(Why(one.id, km, days[::-1]))
    members: dict[str, list[str]] = defaultdict(list)
    for event_id in found.why:
        members[groups.find(event_id)].append(event_id)
    for listed in members.values():
        listed.sort()
        for event_id in listed:
            found.group_of[event_id] = listed[0]
        found.members[listed[0]] = listed
    return found


def _candidates(points: list[_Point], rule: SameEventRule,
                ) -> Iterable[tuple[float, int, _Point, _Point]]:
    """(km, days apart, one, other) for each pair of points the rule would join, each
    pair once: each dataset's points are laid in cells about `within_km` wide, sorted
    by first day, and each point is compared with the points of the other datasets in
    its cell and the cells around, latest first, down to those whose dates meet its
    own (at most `_CANDIDATES_PER_EVENT` a cell)."""
    if not points or rule.within_km < 0:
        return
    cell = max(rule.within_km / _KM_PER_DEGREE, 1e-6)  # degrees of latitude
    columns = max(1, math.floor(360 / cell))
    slack = rule.days_apart
    grid: dict[tuple[str, int, int], list[_Point]] = defaultdict(list)
    for point in points:
        grid[(point.dataset, math.floor(point.lat / cell),
              math.floor(point.lon / cell) % columns)].append(point)
    datasets = sorted({point.dataset for point in points})
    if len(datasets) < 2:
        return  # one dataset's rows are distinct events
    firsts: dict[tuple[str, int, int], list[int]] = {}
    longest: dict[tuple[str, int, int], int] = {}
    for key, listed in grid.items():
        listed.sort(key=lambda p: (p.first, p.id))
        firsts[key] = [p.first for p in listed]
        longest[key] = max(min(p.last, 10**7) - max(p.first, -(10**7)) for p in listed)
    for point in points:
        row_cell = math.floor(point.lat / cell)
        column = math.floor(point.lon / cell)
        # A degree of longitude shrinks with the cosine of the latitude: look as many
        # cells east and west as `within_km` may span there.
        shrink = max(math.cos(math.radians(min(90.0, abs(point.lat) + cell))), 1e-3)
        reach = min(columns // 2, math.ceil(1 / shrink))
        found: list[tuple[float, int, str, _Point]] = []
        for dataset in datasets:
            if dataset <= point.dataset:  # each pair once, from its first dataset
                continue
            for down in (-1, 0, 1):
                for across in range(-reach, reach + 1):
                    key = (dataset, row_cell + down, (column + across) % columns)
                    near = grid.get(key)
                    if near is None:
                        continue
                    end = bisect_right(firsts[key], point.last + slack)
                    # Earlier than this, no event of the cell can reach this one's dates.
                    earliest = point.first - slack - longest[key]
                    for at in range(end - 1, max(-1, end - 1 - _COMPARED_PER_CELL), -1):
                        other = near[at]
                        if other.first < earliest:
                            break
                        if other.last + slack < point.first:
                            continue
                        if not kinds_agree(point.kind, other.kind):
                            continue
                        km = distance_km((point.lat, point.lon), (other.lat, other.lon))
                        if km <= rule.within_km:
                            gap = max(0, other.first - point.last, point.first - other.last)
                            found.append((km, gap, other.id, other))
        for km, gap, _, other in heapq.nsmallest(_KEPT_PER_EVENT, found):
            yield km, gap, point, other


def split_per_event(catalog: Catalog, rule: SameEventRule = DEFAULT_RULE) -> SameEvents:
    """Find the same events, and move each claim about a per-event question to the
    question of its event's group (`QUESTION@EVENT`), made here and added to the
    catalog's questions; the engine's columns follow. Nothing is done (or found) for a
    catalog without a per-event question."""
    questions = catalog.questions
    per_event = [questions.at(row) for row, q in enumerate(questions.each()) if q.per_event]
    if not per_event:
        return SameEvents(rule)
    found = find_same_events(catalog, rule)
    _FOUND[catalog] = found
    columns = ClaimColumns.of(catalog)
    position = {questions.row(q.id): q for q in per_event}
    numbers, event_of = columns.numbers, columns.event_of
    events = catalog.events
    made: dict[str, int] = {}
    for row in range(columns.count):
        at = row * WIDTH
        about = int(numbers[at])
        question = position.get(about)
        if question is None or event_of[row] < 0:
            continue
        event_id = events.ids[event_of[row]]
        group = found.group_of.get(event_id, event_id)
        split_id = f"{question.id}{PER_EVENT_MARK}{group}"
        index = made.get(split_id)
        if index is None:
            index = made[split_id] = len(questions)
            questions.add(split_id, _split_question(question, events[group]))
            columns.tolerance.append(question.tolerance)
            columns.is_quantity.append(question.kind == "quantity")
        numbers[at] = index
        if numbers[at + 1] == about:
            numbers[at + 1] = index
    columns.forget_grouping()
    return found


def _split_question(question: Question, event: Event) -> Question:
    """The question `question` asks of one event (or group of events)."""
    split = Question.model_construct(
        id=f"{question.id}{PER_EVENT_MARK}{event.id}", text=f"{question.text} ({event.title})",
        kind=question.kind, values=question.values, unit=question.unit,
        tolerance=question.tolerance, per_event=False, note=question.note)
    split.__dict__["_of_event"] = (question.id, event.id)
    split.locate(question.origin)
    return split


def split_from(question: Question) -> tuple[str, str] | None:
    """The per-event question and the event a split question asks of, or None."""
    of_event: tuple[str, str] | None = question.__dict__.get("_of_event")
    return of_event


_FOUND: WeakKeyDictionary[Catalog, SameEvents] = WeakKeyDictionary()
