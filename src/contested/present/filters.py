"""The explorer's filter: one line of `key:value` words that applies to every pane.

`side:ukraine source:gadi kind:media reliability:B credibility:3 tag:follow-up starred
status:explained rule:category question:ID timeline:ID from:2025-02 to:2025-03`; a bare
word is a source, and a word that is a source's id means that source alone (not every
source whose name holds it). Each pane applies what concerns it and ignores the rest:

- claims: their sources (side, kind, reliability at least, name or alias), credibility
  at most, question, timeline, dates (`as_of` overlapping from..to), and their notes
  (tag, starred);
- events: timeline, date, their notes, and, for what concerns claims, having such a claim;
- sources: side, kind, reliability, name, and their notes;
- contradictions: rule, question, status and their notes, and having a claim that
  passes the claims' filter; a group (docs/timeline-format.md, "Groups") is kept whole
  when one of its claims passes, and gives way to its pairs that pass when the filter is
  on notes (a status other than open, a tag, starred);
- questions (the figures pane): having a claim that passes.

`changed` keeps what is new or changed since the revision the explorer compares with
(`--since REV`, `contested.engine.changes`): in every pane, the items it marks.

`vs:SOURCE` or `vs-side:SIDE` makes the contradictions' test a pair: a claim passes the
rest of the filter and another claim of the same contradiction is from that source or
side (and within the same dates, question and timeline). This is what a row of "who
contradicts whom" counts, and what opening it shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from contested.engine.analysis import Analysis
from contested.engine.changes import ChangeMarks
from contested.engine.contradictions import Contradiction, ContradictionGroup, Kept, Listed
from contested.engine.pairs import Bools
from contested.errors import InputError
from contested.format.dates import DateError, FuzzyDate, parse_date
from contested.format.model import Claim, Event, Source
from contested.review.notes import STATUSES, Note, Notes
from contested.vocabulary import RULES

KEYS = ("side", "source", "vs", "vs-side", "kind", "reliability", "credibility", "tag",
        "starred", "status", "rule", "question", "timeline", "from", "to", "changed")
RELIABILITY = "ABCDEF"
"""Admiralty reliability, best first: `reliability:B` keeps A and B."""


class FilterError(InputError):
    """A filter that cannot be read: the message says which word and why."""


@dataclass(frozen=True)
class Filter:
    text: str = ""
    sides: tuple[str, ...] = ()
    source: str | None = None
    kind: str | None = None
    reliability: str | None = None
    credibility: int | None = None
    tag: str | None = None
    starred: bool = False
    status: str | None = None
    rules: tuple[str, ...] = ()
    question: str | None = None
    timeline: str | None = None
    since: FuzzyDate | None = None
    until: FuzzyDate | None = None
    vs: str | None = None
    vs_sides: tuple[str, ...] = ()
    changed: bool = False
    """Only what is new or changed since the revision compared with (`--since`)."""
    exact: frozenset[str] = frozenset()
    """Of `source` and `vs`, those that are a source's id (casefolded): they mean that
    source alone (`resolved`)."""

    @property
    def active(self) -> bool:
        return bool(self.text.strip())

    @property
    def on_sources(self) -> bool:
        return bool(self.sides or self.source or self.kind or self.reliability)

    @property
    def on_claims(self) -> bool:
        return bool(self.on_sources or self.credibility or self.question or self.timeline
                    or self.since or self.until)

    @property
    def paired(self) -> bool:
        """Whether contradictions are kept by a pair of claims (`vs:`, `vs-side:`)."""
        return bool(self.vs or self.vs_sides)

    def resolved(self, sources: Mapping[str, Source]) -> Filter:
        """This filter with `source:` and `vs:` words that name a source's id meaning
        that source alone (`source:ap` is not every source whose name holds "ap")."""
        ids = {key.casefold() for key in sources}
        exact = frozenset(word for word in (self.source, self.vs) if word and word in ids)
        return replace(self, exact=exact) if exact != self.exact else self

    # --- each kind of item ---------------------------------------------------------------

    def note_ok(self, note: Note) -> bool:
        if self.starred and not note.star:
            return False
        return not (self.tag and self.tag not in note.tags)

    def source_ok(self, source: Source) -> bool:
        if self.kind and source.kind != self.kind:
            return False
        if self.reliability and RELIABILITY.index(source.reliability) > RELIABILITY.index(
                self.reliability):
            return False
        return self._side_and_name(source, self.sides, self.source)

    def _side_and_name(self, source: Source, sides: tuple[str, ...], needle: str | None
                       ) -> bool:
        """Whether `source` is of one of `sides` (if any) and is the one `needle` names."""
        if sides and source.side.casefold() not in sides:
            return False
        return self._named(source, needle)

    def _named(self, source: Source, needle: str | None) -> bool:
        """Whether `source` is the one `needle` names: its id, or (unless the needle is
        some source's id) a part of one of its names (`Source.answers_to`)."""
        if not needle:
            return True
        if needle in self.exact:
            return needle == source.id.casefold()
        return source.answers_to(needle)

    def other_source_ok(self, source: Source) -> bool:
        """Whether `source` is the other side of a pair (`vs:`, `vs-side:`)."""
        return self._side_and_name(source, self.vs_sides, self.vs)

    def claim_ok(self, claim: Claim, sources: Mapping[str, Source]) -> bool:
        """What concerns a claim in itself (not its notes)."""
        if self.on_sources and not _from(claim, sources, self.source_ok):
            return False
        return self._rest_ok(claim)

    def other_claim_ok(self, claim: Claim, sources: Mapping[str, Source]) -> bool:
        """Whether a claim can be the other side of a pair: from the `vs:` source or
        side, and within the filter's dates, question, timeline and credibility."""
        return _from(claim, sources, self.other_source_ok) and self._rest_ok(claim)

    def keeps_by_claims(self, claims: Sequence[tuple[bool, bool]]) -> bool:
        """Whether the claims of a contradiction, each as (passes the claims' filter,
        can be the other side of a pair), keep it: with `vs:`, one passes and another
        is the other side; else one passes (or the filter is not on claims)."""
        if self.paired:
            return any(ok and other for n, (ok, _) in enumerate(claims)
                       for m, (_, other) in enumerate(claims) if n != m)
        return not self.on_claims or any(ok for ok, _ in claims)

    def _rest_ok(self, claim: Claim) -> bool:
        """What concerns a claim besides its sources."""
        if self.credibility and claim.credibility > self.credibility:
            return False
        if self.question and claim.about != self.question:
            return False
        if self.timeline and claim.origin.timeline != self.timeline:
            return False
        return self.dates_ok(claim.when)

    def dates_ok(self, when: FuzzyDate | None) -> bool:
        if when is None or not (self.since or self.until):
            return True
        if self.since and when.latest and self.since.earliest and \
                when.latest < self.since.earliest:
            return False
        return not (self.until and when.earliest and self.until.latest
                    and when.earliest > self.until.latest)

    def contradiction_ok(self, item: Contradiction, note_of: NoteOf) -> bool:
        """What concerns a contradiction in itself (not its claims): its rules, its
        question, and its note's status, tags and star (the note read only then)."""
        if self.rules and not set(self.rules) & set(item.rules):
            return False
        if self.question and item.question != self.question:
            return False
        if not (self.status or self.starred or self.tag):
            return True
        note = note_of("contradiction", item.id)
        return not (self.status and note.status != self.status) and self.note_ok(note)

    def event_ok(self, event: Event) -> bool:
        if self.timeline and event.origin.timeline != self.timeline:
            return False
        return self.dates_ok(event.date)


def _from(claim: Claim, sources: Mapping[str, Source], ok: Callable[[Source], bool]
          ) -> bool:
    """Whether one of the claim's sources is in the catalog and passes `ok`."""
    return any(s in sources and ok(sources[s]) for s in claim.source)


NoteOf = Callable[[str, str], Note]
"""(kind, id) → that item's note (an empty one when it has none)."""


def _note_reader(notes: Notes | None) -> NoteOf:
    return notes.get if notes is not None else (lambda kind, target: Note())


_WORD = re.compile(r'(?:[^\s"]+|"[^"]*")+')


def filter_words(text: str) -> list[str]:
    """The words of a filter: split at spaces, except within double quotes
    (`side:"Russian media"`); an apostrophe is a letter (`source:o'brien`)."""
    if text.count('"') % 2:
        raise FilterError('a quote (") is not closed')
    return [word.replace('"', "") for word in _WORD.findall(text)]


def filter_word(key: str, value: str) -> str:
    """`key:value` as a filter word, its value in quotes when it holds a space (a value
    with a double quote in it cannot be written; it is left out of the quotes)."""
    value = value.replace('"', "")
    return f'{key}:"{value}"' if any(c.isspace() for c in value) or not value else \
        f"{key}:{value}"


def pair_filter(current: Filter, kind: str, pair: tuple[str, str]) -> str:
    """The filter that shows what a who-contradicts-whom row counts: `current` with its
    sources and sides replaced by the row's pair (`kind` "sources" or "sides")."""
    named = ("source", "vs") if kind == "sources" else ("side", "vs-side")
    kept = []
    for word in filter_words(current.text):
        key, colon, value = word.partition(":")
        if colon and key.casefold() not in ("side", "source", "vs", "vs-side"):
            kept.append(filter_word(key, value))
        elif word == "starred":
            kept.append(word)
    return " ".join([*kept, *(filter_word(key, value)
                              for key, value in zip(named, pair, strict=True))])


def parse_filter(text: str) -> Filter:
    """The filter a line of words stands for; FilterError says what is wrong."""
    words = filter_words(text)
    values: dict[str, object] = {"text": " ".join(text.split())}
    sides: list[str] = []
    other_sides: list[str] = []
    rules: list[str] = []
    for word in words:
        key, colon, value = word.partition(":")
        if not colon:
            key, value = (word, "") if word in ("starred", "changed") else ("source", word)
        key = key.casefold()
        if key not in KEYS:
            raise FilterError(f"'{key}' is not a filter: use " + ", ".join(KEYS))
        if key not in ("starred", "changed") and not value:
            raise FilterError(f"'{key}:' needs a value")
        if key == "side":
            sides += [v.casefold() for v in value.split(",") if v]
        elif key == "vs-side":
            other_sides += [v.casefold() for v in value.split(",") if v]
        elif key == "rule":
            for rule in value.split(","):
                if rule not in RULES:
                    raise FilterError(f"rule '{rule}': the rules are {', '.join(RULES)}")
                rules.append(rule)
        elif key == "reliability":
            if value.upper() not in RELIABILITY or len(value) != 1:
                raise FilterError("reliability is a letter, A (best) to F")
            values["reliability"] = value.upper()
        elif key == "credibility":
            if value not in "123456" or len(value) != 1:
                raise FilterError("credibility is a number, 1 (best) to 6")
            values["credibility"] = int(value)
        elif key == "status":
            if value not in STATUSES:
                raise FilterError(f"status is one of {', '.join(STATUSES)}")
            values["status"] = value
        elif key in ("from", "to"):
            try:
                values["since" if key == "from" else "until"] = parse_date(value)
            except DateError as error:
                raise FilterError(f"{key}:{value}: {error}") from None
        elif key in ("starred", "changed"):
            values[key] = True
        elif key == "tag":
            values["tag"] = value.lstrip("#")
        elif key in ("source", "vs"):
            values[key] = value.casefold()
        else:
            values[key] = value
    return Filter(sides=tuple(sides), vs_sides=tuple(other_sides), rules=tuple(rules),
                  **values)  # type: ignore[arg-type]


# --- a catalog, filtered ----------------------------------------------------------------------

@dataclass
class Filtered:
    """What passes a filter in each pane (None: everything, the filter is empty), and
    the filter as written."""

    text: str = ""
    events: set[str] | None = None
    claims: set[str] | None = None
    sources: set[str] | None = None
    contradictions: list[Listed] | None = None
    """Pairs, and groups of pairs (each counts its pairs: `pairs_in`)."""
    questions: set[str] | None = None
    kept: Kept | None = None
    """The same contradictions as the engine counts them (`source_pairs`)."""

    def keeps_contradiction(self, contradiction_id: str) -> bool:
        """Whether the filter keeps a contradiction (or a group, by its key)."""
        if self.contradictions is None:
            return True
        return any(c.id == contradiction_id or (isinstance(c, ContradictionGroup)
                                                and c.rank_of(contradiction_id) is not None)
                   for c in self.contradictions)


def pairs_in(items: Iterable[Listed]) -> int:
    """How many contradictions a list of pairs and groups holds."""
    return sum(item.count if isinstance(item, ContradictionGroup) else 1 for item in items)


def apply(analysis: Analysis, chosen: Filter, notes: Notes | None,
          changes: ChangeMarks | None = None) -> Filtered:
    """Every pane's items that pass `chosen`. Claims are read once; contradictions are
    selected through their claims' rows, so 300,000 of them are not all made. `changes`:
    what `changed` keeps (FilterError without them)."""
    if not chosen.active:
        return Filtered()
    if chosen.changed:
        if changes is None:
            raise FilterError("'changed' needs a revision to compare with: open the "
                              "explorer with --since REV")
        return _only_changed(apply(analysis, replace(chosen, changed=False, text=" ".join(
            w for w in filter_words(chosen.text) if w != "changed")), notes), changes,
            analysis)
    catalog = analysis.catalog
    note_of = _note_reader(notes)
    sources = catalog.sources
    chosen = chosen.resolved(sources)
    noted = chosen.starred or bool(chosen.tag)

    rows = analysis.contradictions.table.claims  # the catalog's claims, in its order
    passes = np.fromiter((chosen.claim_ok(c, sources) for c in rows), dtype=np.bool_,
                         count=len(rows))
    other = (np.fromiter((chosen.other_claim_ok(c, sources) for c in rows), dtype=np.bool_,
                         count=len(rows)) if chosen.paired else None)
    claims = {c.id for c, ok in zip(rows, passes.tolist(), strict=True)
              if ok and (not noted or chosen.note_ok(note_of("claim", c.id)))}
    events_with = {catalog.claims[c].event for c in claims} if chosen.on_claims else None
    events = {e.id for e in catalog.events.values() if chosen.event_ok(e)
              and (events_with is None or e.id in events_with)
              and (not noted or chosen.note_ok(note_of("event", e.id)))}
    kept_sources = {s.id for s in sources.values() if chosen.source_ok(s)
                    and (not noted or chosen.note_ok(note_of("source", s.id)))}
    questions = ({about for c in claims if (about := catalog.claims[c].about) is not None}
                 if chosen.on_claims or noted else None)
    listed, kept = _contradictions(analysis, chosen, note_of, passes, other=other, notes=notes)
    return Filtered(chosen.text, events, claims, kept_sources, listed, questions, kept)


def _only_changed(kept: Filtered, changes: ChangeMarks, analysis: Analysis) -> Filtered:
    """What the rest of a filter keeps (`kept`), less what is neither new nor changed."""
    catalog = analysis.catalog

    def within(marked: set[str], passed: set[str] | None) -> set[str]:
        return marked if passed is None else marked & passed

    found = analysis.contradictions
    listed = (found.listing() if kept.contradictions is None else kept.contradictions)
    contradictions = [item for item in listed if changes.mark(
        "group" if isinstance(item, ContradictionGroup) else "contradiction", item.id)]
    ids = {item.id for item in contradictions if isinstance(item, Contradiction)}
    held = [n for n in range(len(found.order)) if found.held(n).id in ids]
    groups = tuple(item for item in contradictions if isinstance(item, ContradictionGroup))
    return Filtered(
        kept.text, within(changes.ids("event") & set(catalog.events.ids), kept.events),
        within(changes.ids("claim"), kept.claims), within(changes.ids("source"), kept.sources),
        contradictions, within(changes.ids("question"), kept.questions),
        Kept(np.array(held, dtype=np.int64), groups))


def _contradictions(analysis: Analysis, chosen: Filter, note_of: NoteOf,
                    ok: Bools, *, other: Bools | None = None, notes: Notes | None = None
                    ) -> tuple[list[Listed], Kept]:
    """The contradictions (pairs and groups) that pass, and the same as `Kept`. `ok`:
    per claim row, whether it passes the claims' filter; `other`: whether it can be the
    other claim of a pair (`vs:`), None when the filter names no pair."""
    found = analysis.contradictions
    held: Sequence[int] = range(len(found.order))

    def paired(rows: Sequence[int]) -> bool:
        """Whether the claims of these rows keep their contradiction."""
        return chosen.keeps_by_claims([(bool(ok[r]), other is not None and bool(other[r]))
                                       for r in rows])

    if chosen.on_claims or other is not None:  # chosen through the arrays
        a, b = found.first, found.second
        keep = ((ok[a] & other[b]) | (other[a] & ok[b]) if other is not None
                else ok[a] | ok[b])
        declared = [paired(rows) for rows in found.member_rows]
        entries = np.concatenate([np.array(declared, dtype=np.bool_), keep])
        held = np.flatnonzero(entries[found.order]).tolist()

    def passes(item: Contradiction) -> bool:
        return chosen.contradiction_ok(item, note_of)

    # Held entries and groups in the order of the list: (place, 0 group / 1 held, ...).
    kept: list[tuple[tuple[int, int, int, int], Listed]] = []
    kept_held: list[int] = []
    for index in held:
        item = found.held(index)
        if passes(item):
            kept.append(((index, 1, 0, 0), item))
            kept_held.append(index)
    held_array = np.array(kept_held, dtype=np.int64)
    if not found.groups:
        return [item for _, item in kept], Kept(held_array)
    on_notes = bool(chosen.starred or chosen.tag or chosen.status not in (None, "open"))
    noted: dict[int, list[tuple[int, Contradiction]]] = {}
    if on_notes and notes is not None:  # the grouped pairs with a note: found by id
        for key in notes.sections.get("contradictions", {}):
            position = found.position_of(key)
            group = found.group_of(position) if position is not None else None
            if group is not None and position is not None:
                noted.setdefault(id(group), []).append((position - group.start,
                                                        found[position]))
    groups: list[ContradictionGroup] = []
    pairs: list[Contradiction] = []
    for n, (group, place) in enumerate(zip(found.groups, found.group_places, strict=True)):
        if chosen.rules and group.rule not in chosen.rules:
            continue
        if chosen.question and group.question != chosen.question:
            continue
        if not on_notes:
            if _group_passes(group, chosen, ok, other):
                kept.append(((place, 0, n, -1), group))
                groups.append(group)
            continue
        for rank, item in sorted(noted.get(id(group), []), key=lambda pair: pair[0]):
            if passes(item) and paired(item.rows or ()):
                kept.append(((place, 0, n, rank), item))
                pairs.append(item)
    kept.sort(key=lambda entry: entry[0])
    return [item for _, item in kept], Kept(held_array, tuple(groups), tuple(pairs))


def contradiction_test(analysis: Analysis, chosen: Filter, notes: Notes | None = None
                       ) -> Callable[[Contradiction], bool]:
    """Whether `chosen` keeps one contradiction, tested alone as `apply` tests a held
    one: for the pairs of a group that `apply` keeps whole, read one by one (the CLI's
    `--all`). Each claim is tested once, however many pairs it is part of."""
    catalog = analysis.catalog
    sources = catalog.sources
    chosen = chosen.resolved(sources)
    note_of = _note_reader(notes)
    tested: dict[str, tuple[bool, bool]] = {}

    def test(claim_id: str) -> tuple[bool, bool]:
        """Whether a claim passes, and whether it can be the other side of a pair."""
        if claim_id not in tested:
            claim = catalog.claims.get(claim_id)
            tested[claim_id] = (False, False) if claim is None else (
                chosen.claim_ok(claim, sources),
                chosen.paired and chosen.other_claim_ok(claim, sources))
        return tested[claim_id]

    def keeps(item: Contradiction) -> bool:
        if not chosen.active:
            return True
        return (chosen.contradiction_ok(item, note_of)
                and chosen.keeps_by_claims([test(c) for c in item.claims]))

    return keeps


def _group_passes(group: ContradictionGroup, chosen: Filter, ok: Bools,
                  other: Bools | None) -> bool:
    """Whether a group is kept (whole): a claim of it passes, or with `vs:`, a claim of
    one side passes and a claim of the other is the pair's other side."""
    if other is None:
        return not chosen.on_claims or bool(ok[group.rows()].any())
    first, second = group.side_rows()
    return bool((ok[first].any() and other[second].any())
                or (other[first].any() and ok[second].any()))
