"""The markdown report (`to_markdown`), one an analyst can send: the chronology per
timeline, then per question the series and the contradictions (with the analyst's
review), then the other review notes and the warnings.

A grouped question (docs/timeline-format.md, "Groups") is given as its groups, with
their counts, and the pairs with a review note; with `every_pair` (the CLI's `--all`),
every pair, written line by line (`markdown_lines`). The report is written as it is
made: no claim is kept for it unless a contradiction shows it, and what repeats across
claims (the words for a source, for a list of sources) is escaped once. Everything from
a timeline file is data: it is escaped (a hostile quote cannot become a link or an image
that fetches a URL), and control characters become visible stand-ins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from contested.catalog.archives import ArchiveChecks
from contested.catalog.catalog import Catalog
from contested.catalog.columns import EventColumns
from contested.engine.analysis import Analysis
from contested.engine.contradictions import Contradiction, Listed
from contested.export.common import ContradictedBy, timeline_of
from contested.export.hypotheses import markdown_lines as hypotheses_lines
from contested.export.track_records import markdown_lines as track_record_lines
from contested.export.track_records import warning_lines as record_warnings
from contested.format.model import Claim, Source
from contested.format.quantities import format_number, signed_number
from contested.present.browse import group_text
from contested.present.filters import Filtered, pairs_in
from contested.present.track_records import source_records
from contested.present.wording import (
    QUOTE_CHECK_WORDS,
    date_text,
    explain,
    source_names,
    turns_on,
    value_text,
)
from contested.review.history import signed
from contested.review.notes import Attribution, Note, Notes
from contested.support.text import md_code, md_text

_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_PLAIN_WORD = r"[A-Za-z0-9\"$%'()+,\-./:;=?@^{}]+"
_PLAIN_TEXT = re.compile(f"{_PLAIN_WORD}(?: {_PLAIN_WORD})*")


def _text(text: str | None) -> str:
    """`md_text`, without its work for text that it would give back as it is: words of
    letters, digits and punctuation that Markdown does not act on, one space apart (most
    of what a report writes)."""
    if not text:
        return ""
    return text if _PLAIN_TEXT.fullmatch(text) else md_text(text)


def _code(text: str) -> str:
    """`md_code`, without its work for an id written plainly, which it fences as it is."""
    return f"`{text}`" if _PLAIN_ID.fullmatch(text) else md_code(text)


def _source_line(source: Source | None, source_id: str) -> str:
    if source is None:
        return _text(source_id)
    return (f"{_text(source.name)} ({_text(source.kind)}, {_text(source.side)}, "
            f"reliability {source.reliability})")


class _Words:
    """The escaped words for what repeats across the claims of one report: a claim's
    sources, their names, its relay chain."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._sources: dict[tuple[str, ...], str] = {}
        self._names: dict[tuple[str, ...], str] = {}
        self._chains: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}

    def sources(self, claim: Claim) -> str:
        """`Zombie (blog, russia, reliability E)`, for each source of the claim."""
        key = tuple(claim.source)
        said = self._sources.get(key)
        if said is None:
            sources = self.catalog.sources
            said = self._sources[key] = "; ".join(_source_line(sources.get(s), s)
                                                  for s in key)
        return said

    def document(self, claim: Claim) -> str:
        """`*The dispatch* (`afp-dispatch`): quote verified in the archived copy`."""
        documents, checks = self.catalog.documents, ArchiveChecks.of(self.catalog)
        document = documents.get(claim.document) if claim.document else None
        check = checks.quotes.get(claim.id)
        title = f"*{_text(document.title)}* " if document is not None else ""
        state = f": {QUOTE_CHECK_WORDS[check.state]}" if check is not None else ""
        return f"{title}({_code(claim.document or '')}){state}"

    def names(self, claim: Claim) -> str:
        key = tuple(claim.source)
        said = self._names.get(key)
        if said is None:
            said = self._names[key] = _text(source_names(self.catalog, claim))
        return said

    def chain(self, claim: Claim) -> str:
        """Its sources' names, then the sources that relayed it, farthest first."""
        key = (tuple(claim.source), tuple(claim.via))
        said = self._chains.get(key)
        if said is None:
            sources = self.catalog.sources
            relays = [_text(sources[v].name if v in sources else v)
                      for v in reversed(claim.via)]
            said = self._chains[key] = " → ".join([self.names(claim), *relays])
        return said


def _claim_lines(analysis: Analysis, claim: Claim, words: _Words) -> list[str]:
    catalog = analysis.catalog
    lines = [
        f"- **{_text(value_text(catalog, claim))}** ({_text(date_text(claim.when))}), "
        f"{words.sources(claim)}; credibility {claim.credibility}",
    ]
    if claim.quote:
        lines.append(f"  > {_text(claim.quote)}")
        if claim.document is not None:
            lines.append(f"  — {words.document(claim)}")
    lines.append(f"  relay: {words.chain(claim)} · claim {_code(claim.id)}")
    return lines


def to_markdown(analysis: Analysis, title: str = "Contested claims",
                notes: Notes | None = None, view: Filtered | None = None,
                every_pair: bool = False) -> str:
    """A report an analyst can send: chronology per timeline, then per question the
    series and the contradictions (with the analyst's review, given `notes`), then the
    other review notes and the warnings. Given a `view` (the explorer's filter), only
    the events, claims and contradictions it keeps. A grouped question gives its groups
    and the pairs with a review note; with `every_pair`, every pair."""
    return "\n".join(markdown_lines(analysis, title, notes, view, every_pair))


def markdown_lines(analysis: Analysis, title: str = "Contested claims",
                   notes: Notes | None = None, view: Filtered | None = None,
                   every_pair: bool = False) -> Iterator[str]:
    """`to_markdown`, a line at a time."""
    catalog = analysis.catalog
    yield from [f"# {_text(title)}", ""]
    counts = catalog.counts()
    yield (
        f"{counts['files']} files, {counts['sources']} sources, {counts['questions']} "
        f"questions, {counts['events']} events, {counts['claims']} claims; "
        f"{len(analysis.contradictions)} contradictions, {len(analysis.series)} series, "
        f"{len(analysis.warnings)} warnings."
    )
    yield ""
    if view is not None and view.text:
        yield from [f"View: {_code(view.text)}.", ""]
    words = _Words(catalog)
    yield from _chronologies(analysis, view, words)
    shown: Sequence[Listed] = analysis.contradictions.listing()
    if view is not None and view.contradictions is not None:
        shown = view.contradictions
    yield from _questions(analysis, notes, shown, every_pair, words)
    undecided = [c for c in shown if c.question is None]
    if undecided:
        yield from ["## Contradictions across questions", ""]
        for item in undecided:
            yield from _listed_lines(analysis, item, notes, every_pair, words)
    records = source_records(analysis, notes)
    if notes is not None:
        yield from _review_lines(analysis, notes)
        yield from track_record_lines(analysis, records)
    yield from ["## Warnings", ""]
    disagreeing = record_warnings(analysis, records)
    if analysis.warnings or disagreeing:
        yield from (f"- {_code(str(w.location))} {_text(w.message)}"
                    for w in analysis.warnings)
        yield from disagreeing
    else:
        yield "None."
    yield ""


def _chronologies(analysis: Analysis, view: Filtered | None = None,
                  words: _Words | None = None) -> Iterator[str]:
    """Per timeline, its events by date, each with its claims (in the catalog's order).
    A claim is made for its line and let go, unless a contradiction will show it."""
    catalog = analysis.catalog
    words = words or _Words(catalog)
    events = catalog.events
    by_timeline: dict[str | None, list[tuple[Any, int]]] = {}
    for row, event in enumerate(events.values()):
        if view is None or view.events is None or event.id in view.events:
            by_timeline.setdefault(timeline_of(event), []).append((event, row))
    claims_of = EventColumns.of(catalog).claims_of
    claims = catalog.claims
    involved = ContradictedBy(analysis).per_row
    chosen = view.claims if view is not None else None
    for timeline_id, held in by_timeline.items():
        header = catalog.timelines.get(timeline_id or "")
        heading = header.title if header else (timeline_id or "Events without a timeline")
        yield from [f"## {_text(heading)}", ""]
        if header is not None:
            period = f"Period: {_text(header.period.text)}. " if header.period else ""
            yield from [f"{period}{_text(header.summary)}", ""]
        for event, row in sorted(held, key=lambda e: (e[0].date.sort_key, e[0].id)):
            place = f" ({_text(event.place)})" if event.place else ""
            yield f"- **{_text(event.date.text)}**: {_text(event.title)}{place}"
            for claim_row in claims_of(row):
                claim = claims.at(claim_row) if claim_row < len(involved) \
                    and involved[claim_row] else claims.peek(claim_row)
                if chosen is None or claim.id in chosen:
                    yield f"  - {words.names(claim)}: {_text(claim.text)}"
        yield ""


def _questions(analysis: Analysis, notes: Notes | None, shown: Sequence[Listed],
               every_pair: bool, words: _Words) -> Iterator[str]:
    catalog = analysis.catalog
    by_question: dict[str, list[Listed]] = {}
    for item in shown:
        if item.question is not None:
            by_question.setdefault(item.question, []).append(item)
    for question in catalog.questions.values():
        out: list[str] = []
        series = analysis.series.get(question.id)
        found = by_question.get(question.id, [])
        if series is None and not found:
            continue
        unit = f" ({_text(question.unit)})" if question.unit else ""
        out += [f"## {_text(question.text)}{unit}", "", f"Question {_code(question.id)}.", ""]
        if series is not None:
            out += [f"**Series ({series.trend}):**", ""]
            for step in series.steps:
                span = _span_text(step.earliest, step.latest)
                if step.figure is not None:
                    change = ""
                    if step.change is not None:
                        ratio = step.change_ratio
                        percent = f", {ratio:+.0%}" if ratio is not None else ""
                        change = f" ({signed_number(step.change)}{percent})"
                    what = f"{format_number(step.figure)}{change}"
                else:
                    what = ", ".join(_text(v) for v in step.values)
                claims = ", ".join(_code(c) for c in step.claims)
                out.append(f"- {span}: {what} — {claims}")
            out.append("")
        yield from out
        yield from hypotheses_lines(analysis, question, notes, bool(found))
        if found:
            crux = turns_on(catalog, analysis.contradictions, question.id)
            yield from [f"**What it turns on:** {_text(crux)}.", ""] if crux else []
            yield from [f"**Contradictions ({pairs_in(found):,}):**", ""]
            for item in found:
                yield from _listed_lines(analysis, item, notes, every_pair, words)


def _listed_lines(analysis: Analysis, item: Listed, notes: Notes | None,
                  every_pair: bool, words: _Words) -> Iterator[str]:
    """A contradiction; or a group, with its pairs (`every_pair`) or those noted."""
    if isinstance(item, Contradiction):
        yield from _contradiction_lines(analysis, item, notes, words)
        return
    yield from [f"### {_text(group_text(analysis.catalog, item))}", ""]
    listed = ("" if every_pair else " · its pairs are not listed: its question has more "
              "contradictions than are listed one by one (`--all` lists them)")
    yield from [f"{_code(item.key)} · {item.rule} group{listed}", ""]
    if every_pair:
        for pair in item.pairs:
            yield from _contradiction_lines(analysis, pair, notes, words)
        return
    noted = sorted((rank, key) for key in (notes.sections["contradictions"] if notes else {})
                   if (rank := item.rank_of(key)) is not None)
    if noted:
        yield from [f"Pairs of this group with a review note ({len(noted)}):", ""]
        for rank, _ in noted:
            yield from _contradiction_lines(analysis, item.pair(rank), notes, words)


def _span_text(earliest: date | None, latest: date | None) -> str:
    low = earliest.isoformat() if earliest else ".."
    high = latest.isoformat() if latest else ".."
    return low if low == high else f"{low} to {high}"


def _note_lines(note: Note, *, status: bool = False) -> list[str]:
    """The analyst's review of one item (with its status, for a contradiction)."""
    said = []
    if note.star:
        said.append("★ starred")
    if status:
        said.append(f"status: {note.status}" + _signed(note.changed.get("status")))
    if note.tags:
        said.append("tags: " + ", ".join(_text(t) for t in note.tags))
    out = ["**Review:** " + (" · ".join(said) or "noted"), ""]
    if note.preferred:
        out += [f"Preferred: {_code(note.preferred)}"
                + (f", because {_text(note.reason)}" if note.reason else "")
                + _signed(note.changed.get("preferred")), ""]
    out += [f"- {_text(c.at)}: {_text(c.text)}" + (f" {_text(signed(c.by))}" if c.by else "")
            for c in note.comments]
    return [*out, ""] if note.comments else out


def _signed(mark: Attribution | None) -> str:
    """` — Ana, 2025-03-12` after what an analyst set (nothing when not recorded)."""
    return f" {_text(signed(mark.by, mark.at))}" if mark is not None else ""


def _review_lines(analysis: Analysis, notes: Notes) -> list[str]:
    """Notes on events, claims and sources, and notes whose target is gone."""
    catalog = analysis.catalog
    out = ["## Review notes", ""]
    present: dict[str, Mapping[str, object]] = {
        "events": catalog.events, "claims": catalog.claims, "sources": catalog.sources}
    for kind, items in present.items():
        for target, note in notes.sections.get(kind, {}).items():
            if target in items:
                out += [f"### {kind[:-1]} {_code(target)}", "", *_note_lines(note)]
    def exists(kind: str, target: str) -> bool:
        if kind == "contradictions":
            return analysis.contradictions.position_of(target) is not None
        return target in present[kind]

    orphans = [(kind, target) for kind, target, _ in notes.orphans(exists)]
    if orphans:
        out += ["Notes whose target is no longer in the catalog (kept in the notes file): "
                + ", ".join(f"{kind[:-1]} {_code(target)}" for kind, target in orphans), ""]
    return out if len(out) > 2 else [*out, "No other notes.", ""]


def _contradiction_lines(analysis: Analysis, item: Contradiction, notes: Notes | None,
                         words: _Words) -> list[str]:
    catalog = analysis.catalog
    said, why = explain(catalog, item)
    out = [f"### {_text(said)}", "",
           f"{_code(item.id)} · {', '.join(item.rules)} · {_text(why)}", ""]
    if notes is not None and item.id in notes.sections["contradictions"]:
        out += _note_lines(notes.get("contradiction", item.id), status=True)
    claims = catalog.claims
    members = [claims.at(row) for row in item.rows] if item.rows is not None else [
        claims.get(claim_id) for claim_id in item.claims]
    for claim in members:
        if claim is not None:
            out += _claim_lines(analysis, claim, words)
    out.append("")
    return out
