"""The explorer's filter: one line of `key:value` words that applies to every pane.

`side:ukraine source:gadi kind:media reliability:B credibility:3 tag:follow-up starred
status:explained rule:category question:ID timeline:ID from:2025-02 to:2025-03`; a bare
word is a source. Each pane applies what concerns it and ignores the rest:

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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from contested.analysis import RULES, Analysis, Contradiction, ContradictionGroup, Listed
from contested.dates import DateError, FuzzyDate, parse_date
from contested.model import Claim, Event, Source
from contested.notes import STATUSES, Note, Notes

KEYS = ("side", "source", "kind", "reliability", "credibility", "tag", "starred", "status",
        "rule", "question", "timeline", "from", "to")
RELIABILITY = "ABCDEF"
"""Admiralty reliability, best first: `reliability:B` keeps A and B."""


class FilterError(ValueError):
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

    # --- each kind of item ---------------------------------------------------------------

    def note_ok(self, note: Note) -> bool:
        if self.starred and not note.star:
            return False
        return not (self.tag and self.tag not in note.tags)

    def source_ok(self, source: Source) -> bool:
        if self.sides and source.side.casefold() not in self.sides:
            return False
        if self.kind and source.kind != self.kind:
            return False
        if self.reliability and RELIABILITY.index(source.reliability) > RELIABILITY.index(
                self.reliability):
            return False
        if self.source:
            needle = self.source
            return needle == source.id.casefold() or any(needle in n.casefold()
                                                         for n in source.names)
        return True

    def claim_ok(self, claim: Claim, sources: Mapping[str, Source]) -> bool:
        """What concerns a claim in itself (not its notes)."""
        if self.on_sources and not any(s in sources and self.source_ok(sources[s])
                                       for s in claim.source):
            return False
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

    def event_ok(self, event: Event) -> bool:
        if self.timeline and event.origin.timeline != self.timeline:
            return False
        return self.dates_ok(event.date)


def parse_filter(text: str) -> Filter:
    """The filter a line of words stands for; FilterError says what is wrong."""
    values: dict[str, object] = {"text": " ".join(text.split())}
    sides: list[str] = []
    rules: list[str] = []
    for word in text.split():
        key, colon, value = word.partition(":")
        if not colon:
            key, value = ("starred", "") if word == "starred" else ("source", word)
        key = key.casefold()
        if key not in KEYS:
            raise FilterError(f"'{key}' is not a filter: use " + ", ".join(KEYS))
        if key != "starred" and not value:
            raise FilterError(f"'{key}:' needs a value")
        if key == "side":
            sides += [v.casefold() for v in value.split(",") if v]
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
        elif key == "starred":
            values["starred"] = True
        elif key == "tag":
            values["tag"] = value.lstrip("#")
        elif key == "source":
            values["source"] = value.casefold()
        else:
            values[key] = value
    return Filter(sides=tuple(sides), rules=tuple(rules), **values)  # type: ignore[arg-type]


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


def apply(analysis: Analysis, chosen: Filter, notes: Notes | None) -> Filtered:
    """Every pane's items that pass `chosen`. Claims are read once; contradictions are
    selected through their claims' rows, so 300,000 of them are not all made."""
    if not chosen.active:
        return Filtered()
    catalog = analysis.catalog
    note_of: Callable[[str, str], Note] = (
        notes.get if notes is not None else (lambda kind, target: Note()))
    sources = catalog.sources
    noted = chosen.starred or bool(chosen.tag)

    rows = analysis.contradictions.table.claims  # the catalog's claims, in its order
    passes = np.fromiter((chosen.claim_ok(c, sources) for c in rows), dtype=np.bool_,
                         count=len(rows))
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
    return Filtered(chosen.text, events, claims, kept_sources,
                    _contradictions(analysis, chosen, note_of, passes, notes), questions)


def _contradictions(analysis: Analysis, chosen: Filter, note_of: Callable[[str, str], Note],
                    ok: npt.NDArray[np.bool_], notes: Notes | None = None) -> list[Listed]:
    """`ok`: per claim row, whether it passes the claims' filter."""
    found = analysis.contradictions
    held: Iterable[int] = range(len(found.order))
    if chosen.on_claims:  # a claim of it passes: chosen through the arrays
        keep = ok[found.first] | ok[found.second]
        declared = [any(ok[r] for r in rows) for rows in found.member_rows]
        entries = np.concatenate([np.array(declared, dtype=np.bool_), keep])
        held = np.flatnonzero(entries[found.order]).tolist()

    def passes(item: Contradiction) -> bool:
        if chosen.rules and not set(chosen.rules) & set(item.rules):
            return False
        if chosen.question and item.question != chosen.question:
            return False
        if chosen.status or chosen.starred or chosen.tag:
            note = note_of("contradiction", item.id)
            if (chosen.status and note.status != chosen.status) or not chosen.note_ok(note):
                return False
        return True

    # Held entries and groups in the order of the list: (place, 0 group / 1 held, ...).
    kept: list[tuple[tuple[int, int, int, int], Listed]] = []
    for index in held:
        item = found.held(index)
        if passes(item):
            kept.append(((index, 1, 0, 0), item))
    if not found.groups:
        return [item for _, item in kept]
    on_notes = bool(chosen.starred or chosen.tag or chosen.status not in (None, "open"))
    noted: dict[int, list[tuple[int, Contradiction]]] = {}
    if on_notes and notes is not None:  # the grouped pairs with a note: found by id
        for key in notes.sections.get("contradictions", {}):
            position = found.position_of(key)
            group = found.group_of(position) if position is not None else None
            if group is not None and position is not None:
                noted.setdefault(id(group), []).append((position - group.start,
                                                        found[position]))
    for n, (group, place) in enumerate(zip(found.groups, found.group_places, strict=True)):
        if chosen.rules and group.rule not in chosen.rules:
            continue
        if chosen.question and group.question != chosen.question:
            continue
        if not on_notes:
            if not chosen.on_claims or ok[group.rows()].any():
                kept.append(((place, 0, n, -1), group))
            continue
        for rank, item in sorted(noted.get(id(group), []), key=lambda pair: pair[0]):
            if passes(item) and (not chosen.on_claims or any(ok[r] for r in item.rows or ())):
                kept.append(((place, 0, n, rank), item))
    kept.sort(key=lambda entry: entry[0])
    return [item for _, item in kept]
