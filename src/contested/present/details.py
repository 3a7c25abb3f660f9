"""Everything about one event, claim, source, question, contradiction or document, and
what it links to: the explorer's detail view, asked of the core."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate
from typing import Any, Generic, TypeVar

from contested.catalog.archives import ArchiveChecks
from contested.catalog.columns import ClaimColumns
from contested.catalog.entities import Picked
from contested.catalog.same_events import SameEvents, Why, split_from
from contested.engine.analysis import Analysis
from contested.engine.contradictions import ContradictionGroup
from contested.engine.corroboration import LISTED_PER_CLAIM
from contested.format.model import Claim, Provenance
from contested.present.browse import Browser, group_text, side_text, span_text
from contested.present.documents import (
    QUOTE_MARKS,
    Passage,
    copy_text,
    document_label,
    quote_in_document,
    verified_text,
)
from contested.present.track_records import record_fields, verdict_labels
from contested.present.wording import (
    date_text,
    explain,
    explanation,
    source_names,
    turns_on,
    value_text,
)
from contested.review.history import signed
from contested.review.merge import describe_conflicts
from contested.review.notes import SECTION_OF, Attribution
from contested.support.sequences import MadeWhenRead
from contested.vocabulary import SECTION_OF_KIND


@dataclass(frozen=True, slots=True)
class Link:
    """Something connected, that enter follows."""

    label: str
    kind: str
    id: str


T = TypeVar("T")


class LinkPart(MadeWhenRead[Link], Generic[T]):
    """The links of one kind (a source's claims, their contradictions), each made when
    read: a source's thousands cost the ones shown, and are counted without being made."""

    def __init__(self, noun: str, items: Sequence[T], make: Callable[[T], Link]) -> None:
        self.noun = noun
        """What one of them is (`claim`), for `… and 2,811 more claims`."""
        self.items = items
        self.make = make

    def __len__(self) -> int:
        return len(self.items)

    def _at(self, index: int) -> Link:
        return self.make(self.items[index])


class Links(MadeWhenRead[Link]):
    """Everything a detail links to, part after part (`LinkPart`), each link made when
    read: the detail screen lists them all, the preview a page of each part."""

    def __init__(self, *parts: Sequence[Link]) -> None:
        self.parts: list[LinkPart[Any]] = [
            part if isinstance(part, LinkPart) else LinkPart("link", part, _same)
            for part in parts if len(part)]
        self._starts = [0, *accumulate(len(part) for part in self.parts)]

    def __len__(self) -> int:
        return self._starts[-1]

    def _at(self, index: int) -> Link:
        part = bisect_right(self._starts, index) - 1
        return self.parts[part][index - self._starts[part]]


def _same(link: Link) -> Link:
    return link


@dataclass(frozen=True, slots=True)
class Detail:
    kind: str
    id: str
    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    links: Links = field(default_factory=Links)
    passage: Passage | None = None
    """A claim's verified quote in its document's archived copy (its paragraph is read
    on demand)."""


def provenance_text(provenance: Provenance | None) -> str | None:
    """`acled row UKR51234: Ukrainska Pravda; Suspilne`."""
    if provenance is None:
        return None
    told = f": {provenance.source_text}" if provenance.source_text else ""
    return f"{provenance.dataset} row {provenance.row}{told}"


def _days(days: tuple[int, int]) -> str:
    first, last = (date.fromordinal(d).isoformat() if 0 < d < 3_000_000 else "…"
                   for d in days)
    return first if first == last else f"{first}..{last}"


def _by(value: str | None, mark: Attribution | None) -> str | None:
    """`explained  — Ana, 2025-03-12`: a value and who set it, when known."""
    if value is None or mark is None:
        return value
    return f"{value}  {signed(mark.by, mark.at)}"


def _fields(*pairs: tuple[str, str | None]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in pairs if value]


class Details:
    """Builds `Detail`s from a browser's indexes."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.analysis: Analysis = browser.analysis
        self.catalog = browser.catalog

    def exists(self, kind: str, entity_id: str) -> bool:
        section = SECTION_OF_KIND.get(kind)
        if section is not None and kind not in ("contradiction", "timeline"):
            return entity_id in self.catalog.section(section)
        if kind == "group":
            return self.group_of(entity_id) is not None
        return self.analysis.contradictions.position_of(entity_id) is not None

    def group_of(self, key: str) -> ContradictionGroup | None:
        """The group with this key (`group:QUESTION:N`), or None."""
        return next((g for g in self.analysis.contradictions.groups if g.key == key), None)

    def of(self, kind: str, entity_id: str) -> Detail:
        builder = {"event": self.event, "claim": self.claim, "source": self.source,
                   "question": self.question, "contradiction": self.contradiction,
                   "group": self.group, "document": self.document}[kind]
        detail = builder(entity_id)
        notes = self.browser.notes
        if notes is None or kind not in SECTION_OF:
            return detail
        note = notes.get(kind, entity_id)
        noted = _fields(("noted", note.marks()),
                        ("status", _by(note.status, status) if (
                            status := note.changed.get("status")) else None),
                        ("preferred", _by(note.preferred, note.changed.get("preferred"))),
                        ("because", note.reason))
        noted += [("comment", f"{c.at}  {c.text}" + (f"  {signed(c.by)}" if c.by else ""))
                  for c in note.comments]
        noted += [("conflict", f"{name}: {sides}") for name, sides in describe_conflicts(note)]
        return replace(detail, fields=detail.fields + noted)

    def _claim_link(self, claim_id: str) -> Link:
        claim = self.catalog.claims.get(claim_id)
        if claim is None:
            return Link(f"claim {claim_id}", "claim", claim_id)
        return self._link_to(claim)

    def _link_to(self, claim: Claim) -> Link:
        value = value_text(self.catalog, claim) if claim.value is not None else claim.text
        return Link(f"{source_names(self.catalog, claim)}: {value} "
                    f"({date_text(claim.when)})", "claim", claim.id)

    def _pair_link(self, position: int) -> Link:
        item = self.analysis.contradictions[position]
        return Link(f"({'+'.join(item.rules)}) {explanation(self.catalog, item)}",
                    "contradiction", item.id)

    def _group_link(self, group: ContradictionGroup) -> Link:
        return Link(f"({group.rule} group) {group_text(self.catalog, group)}", "group",
                    group.key)

    def _claim_parts(self, claims: Picked[Claim], own: Sequence[int] | None = None,
                     ) -> Links:
        """Links to these claims, then to the contradictions of `own` of their rows (all
        of them if not given), then to the groups those are in: counted with array
        work, each link made when read."""
        found = self.analysis.contradictions
        positions, grouped = found.held_of_rows(claims.rows if own is None else own)
        table = found.table
        questions = {table.question_ids[q] for q in set(table.question[grouped].tolist())
                     if q >= 0}
        return Links(LinkPart("claim", claims, self._link_to),
                     LinkPart("contradiction", positions.tolist(), self._pair_link),
                     LinkPart("group", [g for g in found.groups if g.question in questions],
                              self._group_link))

    def _own_rows(self, source_id: str) -> list[int]:
        """The rows of the claims a source makes (not those it only relays), in catalog
        order: one pass of array work over who says what, no claim made."""
        import numpy as np

        number = self.catalog.sources.row(source_id)
        if number is None:
            return []
        columns = ClaimColumns.of(self.catalog)
        who = np.frombuffer(columns.who, dtype=np.int64)
        ends = np.frombuffer(columns.who_ends, dtype=np.int64)
        slots = np.searchsorted(ends, np.flatnonzero(who == number), side="right") - 1
        rows: list[int] = np.unique(slots[slots % 2 == 0] // 2).tolist()
        return rows

    def _contradictions_of_claim(self, claim_id: str) -> list[Link]:
        """Links to a claim's contradictions: those listed (all of them, when its grouped
        ones are up to LISTED_PER_CLAIM), then the groups of its question it is in."""
        found = self.analysis.contradictions
        held = found.held_positions_of(claim_id)
        in_groups = found.count_of(claim_id) - len(held) if found.groups else 0
        positions = (found.positions_of(claim_id) if 0 < in_groups <= LISTED_PER_CLAIM
                     else held)
        links = [self._pair_link(p) for p in dict.fromkeys(positions)]
        if in_groups:
            question = self.catalog.claims[claim_id].about or ""
            links += [self._group_link(g) for g in found.groups if g.question == question]
        return links

    def event(self, event_id: str) -> Detail:
        event = self.catalog.events[event_id]
        claims = self.browser.claims_of_event(event_id)
        where = event.coordinates
        same = SameEvents.of(self.catalog)
        why = [("same event as", self._same_text(w)) for w in same.why.get(event_id, [])]
        others = [Link(f"same event: {self._event_title(e)}", "event", e)
                  for e in same.same_as(event_id)]
        return Detail("event", event_id, event.title, _fields(
            ("date", f"{event.date.text}  ({_bounds(event.date.earliest, event.date.latest)})"),
            ("place", event.place),
            ("coordinates", f"{where.lat:.5g}, {where.lon:.5g}" if where else None),
            ("kind", event.kind), ("timeline", event.origin.timeline),
            ("tags", ", ".join(event.tags)), ("summary", event.summary), ("note", event.note),
            *why,
            ("provenance", provenance_text(event.provenance)),
            ("claims", str(len(claims))), ("written at", str(event.origin.at("id"))),
        ), Links(others, *self._claim_parts(claims).parts))

    def _event_title(self, event_id: str) -> str:
        event = self.catalog.events.get(event_id)
        return f"{event.title} ({event_id})" if event is not None else event_id

    def _same_text(self, why: Why) -> str:
        """Why an event is one with another: `ucdp-1 (title): 1.7 km apart, dates
        2024-08-06 and 2024-08-05..2024-08-07 meet`, or the match that says so."""
        other = self._event_title(why.other)
        if why.declared is not None:
            return f"{other}: declared the same ({why.declared})"
        assert why.km is not None
        assert why.days is not None
        (mine, theirs), rule = why.days, SameEvents.of(self.catalog).rule
        gap = max(0, theirs[0] - mine[1], mine[0] - theirs[1])
        dates = (f"dates {_days(theirs)} and {_days(mine)} "
                 + ("overlap" if gap == 0 else f"{gap} day(s) apart, within the "
                    f"{rule.days_apart} allowed"))
        return f"{other}: {why.km:.1f} km apart (at most {rule.within_km:g}), {dates}"

    def claim(self, claim_id: str) -> Detail:
        claim = self.catalog.claims[claim_id]
        catalog = self.catalog
        relays = [catalog.sources[v].name if v in catalog.sources else v
                  for v in reversed(claim.via)]
        chain = " → ".join([source_names(catalog, claim), *relays, "us"])
        question = catalog.questions.get(claim.about or "")
        found = self.analysis.corroboration.get(claim_id)
        agreement = ""
        if found is not None:
            agreement = (f"{len(found.agreeing)} agreeing claim(s), "
                         f"{found.agreeing_origins} independent origin(s); "
                         f"{len(found.contradicting)} contradicting, "
                         f"{found.contradicting_origins} independent origin(s)")
        links = [Link(catalog.sources[s].name, "source", s)
                 for s in claim.source if s in catalog.sources]
        links += [Link(f"relayed by: {catalog.sources[v].name}", "source", v)
                  for v in claim.via if v in catalog.sources]
        if claim.event and claim.event in catalog.events:
            links.append(Link(catalog.events[claim.event].title, "event",
                              claim.event))
        if question is not None:
            links.append(Link(question.text, "question", question.id))
        cited = quote_in_document(catalog, claim) if claim.document is not None else None
        if cited is not None:
            links.append(Link(cited.document.title, "document", cited.document.id))
        links += self._contradictions_of_claim(claim_id)
        if found is not None:  # the first ones: a claim of a crowd agrees with thousands
            links += [Link(f"agrees: {self._claim_link(c).label}", "claim", c)
                      for c in found.agreeing[:LISTED_PER_CLAIM]]
        links += [self._claim_link(c) for c in [*claim.disputes, *claim.supports]]
        passage = cited.passage if cited is not None else None
        # The quote and where it stands in its document come first: the evidence, read
        # before who relayed it, and on screen at 80x24 over the links.
        return Detail("claim", claim_id, claim.text, _fields(
            ("quote", f"“{claim.quote}”" if claim.quote else None),
            ("in context", passage.sentence() if passage is not None else None),
            ("document", document_label(cited.document) if cited is not None else None),
            ("archive", cited.state if cited is not None else None),
            ("source", source_names(catalog, claim)),
            ("relay chain", chain),
            ("said", date_text(claim.said)),
            ("holds as of", date_text(claim.when)),
            ("question", question.text if question else None),
            ("value", value_text(catalog, claim) if claim.value is not None else None),
            ("credibility", f"{claim.credibility} (Admiralty)"),
            ("agreement", agreement),
            ("disputes", ", ".join(claim.disputes)),
            ("supports", ", ".join(claim.supports)),
            ("note", claim.note),
            ("provenance", provenance_text(claim.provenance)),
            ("written at", str(claim.origin.at("id"))),
        ), Links(links), passage)

    def source(self, source_id: str) -> Detail:
        source = self.catalog.sources[source_id]
        claims = self.browser.claims_of_source(source_id)
        own = self._own_rows(source_id)
        return Detail("source", source_id, source.name, _fields(
            ("aliases", ", ".join(source.aliases)), ("kind", source.kind),
            ("side", source.side), ("reliability", f"{source.reliability} (Admiralty)"),
            ("url", f"{source.url} (shown, never opened)" if source.url else None),
            ("note", source.note), ("claims", str(len(own))),
            ("relays", str(len(claims) - len(own))),
            *record_fields(self.browser.track_records, source_id),
            ("written at", str(source.origin.at("id"))),
        ), Links([Link(label, "contradiction", target) for label, target in verdict_labels(
            self.analysis, self.browser.track_records, source_id)],
            *self._claim_parts(claims, own).parts))

    def question(self, question_id: str) -> Detail:
        question = self.catalog.questions[question_id]
        claims = Picked(self.catalog.claims,
                        ClaimColumns.of(self.catalog).rows_about(question_id))
        series = self.analysis.series.get(question_id)
        split = split_from(question)
        asked = ("each event on its own (its claims are on QUESTION@EVENT)"
                 if question.per_event else
                 f"of event {split[1]} (and the events that are one with it), for "
                 f"question {split[0]}" if split else None)
        return Detail("question", question_id, question.text, _fields(
            ("kind", question.kind), ("values", ", ".join(question.values or [])),
            ("unit", question.unit), ("asked of", asked),
            ("tolerance", f"{question.tolerance:.0%}" if question.kind == "quantity" else None),
            ("series", series.trend if series else None), ("note", question.note),
            ("turns on", turns_on(self.catalog, self.analysis.contradictions, question_id)),
            ("claims", str(len(claims))), ("written at", str(question.origin.at("id"))),
        ), self._claim_parts(claims))

    def document(self, document_id: str) -> Detail:
        """A document: where it was published, its archived copy's state, and a link to
        each claim quoting it, the link's label starting with its quote's state."""
        document = self.catalog.documents[document_id]
        checks = ArchiveChecks.of(self.catalog)
        copy = checks.copies.get(document_id)

        def quoting(claim_id: str) -> Link:
            check = checks.quotes.get(claim_id)
            mark = QUOTE_MARKS[check.state] if check is not None else QUOTE_MARKS["unchecked"]
            return Link(f"{mark}: {self._claim_link(claim_id).label}", "claim", claim_id)

        claims = copy.claims if copy is not None else []
        return Detail("document", document_id, document.title, _fields(
            ("url", f"{document.url} (shown, never opened)" if document.url else None),
            ("published", date_text(document.published)),
            ("archived", document.archived),
            ("copy", copy_text(copy) if copy is not None else None),
            ("sha256", document.sha256),
            ("quotes", verified_text(copy) if copy is not None else None),
            ("note", document.note),
            ("written at", str(document.origin.at("id"))),
        ), Links(LinkPart("claim", claims, quoting)))

    def contradiction(self, contradiction_id: str) -> Detail:
        found = self.analysis.contradictions.get(contradiction_id)
        if found is None:
            raise KeyError(contradiction_id)
        question = self.catalog.questions.get(found.question or "")
        said, why = explain(self.catalog, found)
        fields = _fields(
            ("rules", ", ".join(found.rules)), ("question", question.text if question else None),
            ("why", why), ("note", found.note),
        )
        for position, claim_id in enumerate(found.claims, 1):
            claim = self.catalog.claims.get(claim_id)
            if claim is None:
                continue
            fields.append((f"side {position}", f"{source_names(self.catalog, claim)}: "
                           f"{value_text(self.catalog, claim)} ({date_text(claim.when)})"))
            if claim.quote:
                fields.append((f"quote {position}", f"“{claim.quote}”"))
        links = [self._claim_link(c) for c in found.claims]
        if question is not None:
            links.append(Link(question.text, "question", question.id))
        place = self.analysis.contradictions.position_of(contradiction_id)
        group = self.analysis.contradictions.group_of(place) if place is not None else None
        if group is not None:
            fields.append(("group", group_text(self.catalog, group)))
            links.append(Link(f"its group: {group_text(self.catalog, group)}", "group",
                              group.key))
        return Detail("contradiction", found.id, said, fields, Links(links))

    def group(self, key: str) -> Detail:
        """A group: what it sets against what, when, how many pairs; its first pairs
        linked (enter on it in the Contradictions pane lists them all)."""
        group = self.group_of(key)
        if group is None:
            raise KeyError(key)
        question = self.catalog.questions.get(group.question)
        first, second = group.sides
        fields = [("question", question.text if question else group.question),
                  ("rule", group.rule), ("pairs", f"{group.count:,}"),
                  ("side 1", side_text(self.catalog, first)),
                  ("side 2", side_text(self.catalog, second)),
                  ("dates meet", span_text(group.earliest, group.latest)),
                  ("why grouped", "its question has more contradictions than are listed "
                                  "one by one (docs/timeline-format.md, Groups)")]
        links = [Link(f"({'+'.join(c.rules)}) {explanation(self.catalog, c)}", "contradiction",
                      c.id)
                 for c in group.page(0)]
        if question is not None:
            links.append(Link(question.text, "question", question.id))
        return Detail("group", key, group_text(self.catalog, group), fields, Links(links))


def _bounds(earliest: object, latest: object) -> str:
    low = earliest or "open"
    high = latest or "open"
    return f"{low}" if low == high else f"{low} .. {high}"
