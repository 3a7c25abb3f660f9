"""What the explorer lists: the rows of each pane, computed by the core.

Rows are plain text; the TUI only paints them. Keeping them here means they are tested
without a terminal, and a pane of 300,000 claims asks for the rows it shows only.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import cached_property
from typing import Any

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ClaimColumns, EventColumns, group_starts
from contested.catalog.entities import Picked
from contested.engine.analysis import Analysis
from contested.engine.contradictions import (
    Contradiction,
    ContradictionGroup,
    GroupSide,
    Kept,
    Listed,
)
from contested.engine.sources import per_source, source_pairs
from contested.format.model import Claim, Event, Question, Source
from contested.present.rows import Entry, Grouped, LazyRows, Row, RowKind, TimelineEntry, entry_key
from contested.present.track_records import SourceRecords, grade_text, source_records
from contested.present.wording import date_text, explanation, source_names, value_text
from contested.review.store import NotesStore
from contested.support.sequences import MadeWhenRead

GAP_DAYS = 45
"""When two events in a row start further apart than this, a marker row says so."""


def span_text(earliest: date | None, latest: date | None) -> str:
    """`2030-05..06`, `2030-05-03..2030-06-14`, `2030`, `..2030-05`: a span of days as
    short as it reads (whole years, then whole months, then days)."""
    if earliest is None and latest is None:
        return "any date"
    if earliest is not None and latest is not None:
        if (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31):
            return (str(earliest.year) if earliest.year == latest.year
                    else f"{earliest.year}..{latest.year}")
        if earliest.day == 1 and latest.day == monthrange(latest.year, latest.month)[1]:
            first = f"{earliest.year}-{earliest.month:02}"
            if (earliest.year, earliest.month) == (latest.year, latest.month):
                return first
            if earliest.year == latest.year:
                return f"{first}..{latest.month:02}"
            return f"{first}..{latest.year}-{latest.month:02}"
        if earliest == latest:
            return earliest.isoformat()
    low = earliest.isoformat() if earliest is not None else ""
    high = latest.isoformat() if latest is not None else ""
    return f"{low}..{high}"


def _claims(count: int) -> str:
    return f"{count:,} claim{'s' * (count != 1)}"


def side_text(catalog: Catalog, side: GroupSide, *, first: bool = True) -> str:
    """`2,500 claims say rout`, `1 claim says 500 km2`, `3,000 claims with 12 other
    figures`; on the second side, `2,500 say rout`."""
    quantity = side.answer is not None and catalog.claims[side.answer].quantity is not None
    who = _claims(side.claims) if first else f"{side.claims:,}"
    if side.answer is not None:
        verb = "says" if side.claims == 1 else "say"
        return f"{who} {verb} {value_text(catalog, catalog.claims[side.answer])}"
    return f"{who} with {side.answers:,} other answers" if not quantity else \
        f"{who} with {side.answers:,} other figures"


def group_text(catalog: Catalog, group: ContradictionGroup) -> str:
    """`2,500 claims say under-control vs 2,500 say rout, overlapping 2030-05..06:
    6,250,000 pairs`: what a group sets against what, when, and how many pairs."""
    first, second = group.sides
    window = span_text(group.earliest, group.latest)
    pairs = f"{group.count:,} pair{'s' * (group.count != 1)}"
    if first.answer is None and second.answer is None:
        figures = "figures" if group.rule == "quantity" else "answers"
        return (f"{_claims(first.claims)} with {first.answers:,} other {figures} contradict "
                f"each other, overlapping {window}: {pairs}")
    return (f"{side_text(catalog, first)} vs {side_text(catalog, second, first=False)}, "
            f"overlapping {window}: {pairs}")


def _months_between(first: date, second: date) -> str:
    months = (second.year - first.year) * 12 + second.month - first.month
    if months >= 2:
        return f"{months} months later"
    return f"{(second - first).days} days later"


def sides_of(analysis: Analysis, claim: Claim) -> str:
    sources = analysis.catalog.sources
    return "/".join(dict.fromkeys(sources[s].side for s in claim.source if s in sources))


class TimelineEntries(MadeWhenRead[TimelineEntry]):
    """The Timeline's entries: the events in date order (those in `only`, given a
    filter), with a gap before an event that starts more than `GAP_DAYS` after the last
    event with a start before it. Where the gaps fall is worked out over the event
    columns at once (numpy); an entry, and its gap's words, are made when read, so that
    opening a Timeline of 100,000 events makes none of them."""

    def __init__(self, catalog: Catalog, only: set[str] | None = None) -> None:
        import numpy as np

        timeline = EventColumns.of(catalog)
        self._events = catalog.events
        self._ids = catalog.events.ids
        order = np.frombuffer(timeline.order, dtype=np.int64)
        if only is not None:
            inside = np.fromiter((event_id in only for event_id in self._ids),
                                 dtype=np.bool_, count=len(self._ids))
            order = order[inside[order]]
        starts = np.frombuffer(timeline.starts, dtype=np.int64)[order]
        # The start of the last event before each one that has a start (0: none yet).
        dated = np.where(starts != 0, np.arange(len(starts)), -1)
        last = np.maximum.accumulate(dated) if len(dated) else dated
        previous = np.zeros_like(starts)
        before = last[:-1]
        previous[1:] = np.where(before >= 0, starts[np.maximum(before, 0)], 0)
        jumps = (previous != 0) & (starts != 0) & (starts - previous > GAP_DAYS)
        gapped = np.flatnonzero(jumps)
        self._order = order
        self._starts = starts
        self._previous = previous
        self._gapped: list[int] = gapped.tolist()
        """The positions (among the events shown) of the events with a gap before."""
        self._gap_rows: list[int] = (gapped + np.arange(len(gapped))).tolist()
        """The index of each gap among the entries."""
        self._positions: Any = None

    def __len__(self) -> int:
        return len(self._order) + len(self._gapped)

    def _at(self, index: int) -> TimelineEntry:
        gaps_before = bisect_left(self._gap_rows, index)
        if gaps_before < len(self._gap_rows) and self._gap_rows[gaps_before] == index:
            position = self._gapped[gaps_before]
            between = _months_between(date.fromordinal(int(self._previous[position])),
                                      date.fromordinal(int(self._starts[position])))
            return TimelineEntry(self._ids[self._order[position]], -1, between)
        row = int(self._order[index - gaps_before])
        return TimelineEntry(self._ids[row], row)

    def index_of(self, key: str) -> int | None:
        """The index of an event's entry (its id) or of a gap's (`TimelineEntry.key`),
        found through the catalog's index of ids, not a pass over the entries."""
        found = [index for index in (self._index_of_event(key), self._index_of_gap(key))
                 if index is not None]
        return min(found) if found else None

    def _index_of_event(self, event_id: str) -> int | None:
        row = self._events.row(event_id)
        if row is None:
            return None
        if self._positions is None:
            import numpy as np

            positions = np.full(len(self._ids), -1, dtype=np.int64)
            positions[self._order] = np.arange(len(self._order))
            self._positions = positions
        position = int(self._positions[row])
        if position < 0:  # not among those shown
            return None
        return position + bisect_right(self._gapped, position)

    def _index_of_gap(self, key: str) -> int | None:
        if not key.startswith("gap:"):
            return None
        _, bar, event_id = key.partition("|")
        after = self._index_of_event(event_id) if bar else None
        if not after:
            return None
        entry = self[after - 1]
        return after - 1 if entry.gap and entry.key() == key else None


class Browser:
    """The explorer's questions to the catalog, answered once and kept."""

    def __init__(self, analysis: Analysis, notes: NotesStore | None = None) -> None:
        self.analysis = analysis
        self.catalog = analysis.catalog
        self.notes = notes

    def marks(self, kind: str, key: str) -> str:
        """What the analyst noted about an item, in a few characters (`★ explained`)."""
        return self.notes.get(kind, key).marks() if self.notes is not None else ""

    @cached_property
    def track_records(self) -> SourceRecords:
        """Each source's record from the resolved contradictions, until a note changes."""
        return source_records(self.analysis,
                              self.notes.notes if self.notes is not None else None)

    def notes_changed(self) -> None:
        """Forget what was worked out of the notes (the explorer calls it on a change)."""
        self.__dict__.pop("track_records", None)

    # --- indexes ------------------------------------------------------------------------

    @cached_property
    def _claim_rows_by_source(self) -> tuple[list[int], list[int]]:
        """The claims' rows grouped by the sources they come from or through (each claim
        once per source, in catalog order), and where each source's group starts."""
        import numpy as np

        columns = ClaimColumns.of(self.catalog)
        count = len(self.catalog.claims)
        ends = np.frombuffer(columns.who_ends, dtype=np.int64)[0::2]  # per claim: all it names
        rows = np.repeat(np.arange(count, dtype=np.int64), np.diff(ends))
        pairs = np.unique(np.frombuffer(columns.who, dtype=np.int64) * count + rows)
        return ((pairs % count).tolist(),
                group_starts(pairs // count, len(self.catalog.sources)).tolist())

    def claims_of_event(self, event_id: str) -> Picked[Claim]:
        """The claims about one event, in catalog order, made as they are read."""
        return self._claims_of_event_row(self.catalog.events.row(event_id))

    def _claims_of_event_row(self, row: int | None) -> Picked[Claim]:
        if row is None:
            return Picked(self.catalog.claims, [])
        return Picked(self.catalog.claims, EventColumns.of(self.catalog).claims_of(row))

    def claims_of_source(self, source_id: str) -> Picked[Claim]:
        """The claims a source makes or relays, in catalog order, made as they are read."""
        return self._picked(self._claim_rows_by_source, self.catalog.sources.row(source_id))

    def _picked(self, grouped: tuple[list[int], list[int]], group: int | None
                ) -> Picked[Claim]:
        rows, starts = grouped
        return Picked(self.catalog.claims,
                      rows[starts[group]:starts[group + 1]] if group is not None else [])

    @cached_property
    def source_counts(self) -> tuple[Counter[str], Counter[str]]:
        """Per source, the claims it makes and the claims that only came through it
        (counted while linking)."""
        columns = ClaimColumns.of(self.catalog)
        return columns.said, columns.relayed

    @cached_property
    def _contradictions_per_row(self) -> list[int]:
        per_row: list[int] = self.analysis.contradictions.per_row().tolist()
        return per_row

    def contradicted(self, claim_id: str) -> int:
        """How many contradictions a claim is part of."""
        row = self.catalog.claims.row(claim_id)
        return self._contradictions_per_row[row] if row is not None else 0

    @cached_property
    def events_in_order(self) -> Picked[Event]:
        return Picked(self.catalog.events, EventColumns.of(self.catalog).order)

    # --- panes --------------------------------------------------------------------------

    def timeline_rows(self, only: set[str] | None = None) -> LazyRows[TimelineEntry]:
        """Events of every timeline in date order (those in `only`, given a filter), with
        a marker where time jumps (laid out in bulk, each entry made when shown)."""
        return LazyRows(TimelineEntries(self.catalog, only), self._timeline_row,
                        key=TimelineEntry.key)

    def _timeline_row(self, entry: TimelineEntry) -> Row:
        if entry.gap:
            return Row(entry.key(), ("⋯", f"⋯ {entry.gap} ⋯", "", "", "", ""), RowKind.GAP)
        row = entry.row
        event = self.catalog.events.at(row)  # by row: no index of 100,000 ids needed
        rows = self._claims_of_event_row(row).rows
        per_row = self._contradictions_per_row
        disputed = sum(1 for row in rows if per_row[row])
        return Row(
            event.id,
            (event.date.text, event.title, str(len(rows)),
             f"!{disputed}" if disputed else "", event.origin.timeline or "",
             self.marks("event", event.id)),
            RowKind.MARKED if disputed else RowKind.NORMAL, ("event", event.id),
        )

    def claim_rows(self, event_id: str | None = None, only: set[str] | None = None
                   ) -> LazyRows[Claim]:
        """Claims of one event (or all; those in `only`, given a filter): source, said,
        value, credibility, a `!` on a claim in a contradiction, and agreement counted by
        independent origin."""
        everything = self.catalog.claims
        claims: Sequence[Claim] = (everything.values() if event_id is None
                                   else self.claims_of_event(event_id))
        if only is not None:  # by id: no claim is made until shown
            ids = everything.ids
            rows = claims.rows if isinstance(claims, Picked) else range(len(ids))
            claims = Picked(everything, [row for row in rows if ids[row] in only])
        return LazyRows(claims, self.claim_row, key=lambda c: c.id)

    def claim_row(self, claim: Claim) -> Row:
        corroboration = self.analysis.corroboration
        tally = getattr(corroboration, "tally", None)  # the numbers alone: no ids listed
        if tally is not None:
            counted = tally(claim.id)
            origins = counted[2] if counted is not None else 0
        else:
            found = corroboration.get(claim.id)
            origins = found.agreeing_origins if found is not None else 0
        agree = f"+{origins}" if origins else ""
        contradictions = self.contradicted(claim.id)
        mark = f"!{contradictions}" if contradictions else ""
        value = value_text(self.catalog, claim) if claim.value is not None else ""
        return Row(
            claim.id,
            (mark, source_names(self.catalog, claim), date_text(claim.said), value,
             str(claim.credibility), agree, claim.text, self.marks("claim", claim.id)),
            RowKind.MARKED if contradictions else RowKind.NORMAL, ("claim", claim.id),
        )

    def source_rows(self, only: set[str] | None = None) -> LazyRows[Source]:
        """Sources by name, made as they are shown (the contradictions per source are
        counted when the pane is first drawn, not when the catalog opens)."""
        sources = sorted((s for s in self.catalog.sources.values()
                          if only is None or s.id in only), key=lambda s: s.name.casefold())
        return LazyRows(sources, self._source_row, key=lambda s: s.id)

    @cached_property
    def _involved(self) -> Counter[str]:
        return per_source(self.analysis.contradictions)

    def _source_row(self, source: Source) -> Row:
        said, relayed = (counts[source.id] for counts in self.source_counts)
        involved = self._involved[source.id]
        return Row(
            source.id,
            (source.name, ", ".join(source.aliases), source.kind, source.side,
             grade_text(source.reliability, source.id, self.track_records),
             str(said) + (f" (+{relayed} relayed)" if relayed else ""),
             f"!{involved}" if involved else "", self.marks("source", source.id)),
            RowKind.MARKED if involved else RowKind.NORMAL, ("source", source.id),
        )

    def contradiction_rows(self, found: Sequence[Listed] | None = None
                           ) -> LazyRows[Entry]:
        """Contradictions under a heading per question (made as they are shown); a
        grouped question's as its groups."""
        listed = self.analysis.contradictions.listing() if found is None else found
        return LazyRows(Grouped(listed), self._contradiction_row, key=entry_key)

    def _contradiction_row(self, value: Entry) -> Row:
        if isinstance(value, ContradictionGroup):
            return Row(value.key, (f"{value.rule} group", group_text(self.catalog, value),
                                   ""), RowKind.MARKED, ("group", value.key))
        if isinstance(value, Contradiction):
            return Row(value.id, ("+".join(value.rules), self.compact(value),
                                  self.marks("contradiction", value.id)),
                       item=("contradiction", value.id))
        question = self.catalog.questions.get(value.question or "")
        title = question.text if question else "declared across questions"
        return Row(value.key(), ("", f"── {title} ──", ""), RowKind.HEADING)

    def group_pair_rows(self, group: ContradictionGroup) -> LazyRows[Contradiction]:
        """A group's pairs, made a screenful at a time (`ContradictionGroup.pairs`)."""
        return LazyRows(group.pairs, self._pair_row, key=lambda c: c.id)

    def _pair_row(self, item: Contradiction) -> Row:
        """A pair of a group: the claims by id, as the rest of the row reads alike."""
        return Row(item.id, ("+".join(item.rules), " vs ".join(item.claims),
                             self.compact(item), self.marks("contradiction", item.id)),
                   item=("contradiction", item.id))

    def compact(self, item: Contradiction) -> str:
        """`Oleksandr Syrsky: under-control vs Zombie: rout (2025-03?)`: the explanation,
        with the date said once when every side has the same."""
        claims = [self.catalog.claims[c] for c in item.claims if c in self.catalog.claims]
        dates = {date_text(c.when) for c in claims}
        if len(dates) != 1:
            return explanation(self.catalog, item)
        sides = " vs ".join(f"{source_names(self.catalog, c)}: {value_text(self.catalog, c)}"
                            for c in claims)
        return f"{sides} ({dates.pop()})"

    def question_rows(self, only: set[str] | None = None) -> LazyRows[Question]:
        """Questions (those in `only`, given a filter) with their claims, series trend
        and contradictions; each row made when shown (a trend reads its series)."""
        per_question = Counter(self.analysis.contradictions.per_question())
        columns = ClaimColumns.of(self.catalog)
        answered = dict(zip(columns.question_ids, columns.claims_per_question(), strict=True))

        def make(question: Question) -> Row:
            series = self.analysis.series.get(question.id)
            return Row(question.id, (
                question.text, question.kind, str(answered.get(question.id, 0)),
                series.trend if series else "",
                f"!{per_question[question.id]}" if per_question[question.id] else "",
            ), RowKind.MARKED if per_question[question.id] else RowKind.NORMAL,
                ("question", question.id))

        questions = self.catalog.questions
        shown = questions.values() if only is None else Picked(
            questions, [row for row, key in enumerate(questions.ids) if key in only])
        return LazyRows(shown, make, key=lambda q: q.id)  # made as they are shown

    # --- who contradicts whom -----------------------------------------------------------
    # A row's key is its pair (`pair_key`): sides are free text, so no separator will do.

    def source_pairs(self, kept: Kept | None = None) -> list[tuple[Source, Source, int]]:
        """Pairs of sources whose claims contradict (among `kept`, given a filter), most
        contradictions first."""
        counts = source_pairs(self.analysis.contradictions, kept=kept)
        sources = self.catalog.sources
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [(sources[a], sources[b], n) for (a, b), n in ranked
                if a in sources and b in sources]

    def who_contradicts_whom_rows(self, kept: Kept | None = None) -> list[Row]:
        return [Row(pair_key(a.id, b.id), (a.name, f"[{a.side}]", "vs", b.name, f"[{b.side}]",
                                      str(n)))
                for a, b, n in self.source_pairs(kept)]

    def side_pairs_rows(self, kept: Kept | None = None) -> list[Row]:
        """Sides whose sources contradict each other (among `kept`, given a filter), most
        contradictions first; a side against itself is shown too (Syrsky vs DeepState are
        both Ukrainian)."""
        sides = {s.id: s.side for s in self.catalog.sources.values()}
        counts = source_pairs(self.analysis.contradictions, sides, kept)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [Row(pair_key(a, b), (a, "vs", b, str(n), "(same side)" if a == b else ""))
                for (a, b), n in ranked]

    # --- claims x questions ---------------------------------------------------------------

    def matrix_rows(self) -> tuple[list[str], list[Row]]:
        """Claims x questions (ACH style): each claim's answer under its question, `!`
        where it is in a contradiction."""
        questions = [q.id for q in self.catalog.questions.values()]
        column = {q: i for i, q in enumerate(questions)}
        rows = []
        for claim in self.catalog.claims.values():
            if claim.about not in column:
                continue
            cells = [""] * len(questions)
            value = value_text(self.catalog, claim)
            cells[column[claim.about]] = ("!" if self.contradicted(claim.id) else "") + value
            rows.append(Row(claim.id, (source_names(self.catalog, claim), *cells),
                            RowKind.MARKED if self.contradicted(claim.id) else RowKind.NORMAL,
                            ("claim", claim.id)))
        return questions, rows


def pair_key(first: str, second: str) -> str:
    """The key of a who-contradicts-whom row: its two sources' ids or two sides."""
    return json.dumps([first, second])


def pair_of(key: str) -> tuple[str, str]:
    """The two sources or sides of a who-contradicts-whom row (`pair_key`)."""
    first, second = json.loads(key)
    return str(first), str(second)
