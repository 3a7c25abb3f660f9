"""The markdown report (`to_markdown`), one an analyst can send: the chronology per
timeline, then per question the series and the contradictions (with the analyst's
review), then the other review notes and the warnings.

A grouped question (docs/timeline-format.md, "Groups") is given as its groups, with
their counts, and the pairs with a review note; with `every_pair` (the CLI's `--all`),
every pair, written line by line (`markdown_lines`). Everything from a timeline file is
data: it is escaped (a hostile quote cannot become a link or an image that fetches a
URL), and control characters become visible stand-ins.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.engine.contradictions import Contradiction, Listed
from contested.format.model import Claim, Source
from contested.format.quantities import format_number, signed_number
from contested.present.browse import group_text
from contested.present.filters import Filtered, pairs_in
from contested.present.wording import date_text, explain, source_names, value_text
from contested.review.notes import Note, Notes
from contested.support.text import md_code, md_text


def _source_line(source: Source | None, source_id: str) -> str:
    if source is None:
        return md_text(source_id)
    return (f"{md_text(source.name)} ({md_text(source.kind)}, {md_text(source.side)}, "
            f"reliability {source.reliability})")


def _claim_lines(analysis: Analysis, claim: Claim, indent: str = "") -> list[str]:
    catalog = analysis.catalog
    sources = "; ".join(_source_line(catalog.sources.get(s), s) for s in claim.source)
    relays = [md_text(catalog.sources[v].name if v in catalog.sources else v)
              for v in reversed(claim.via)]
    chain = " → ".join([md_text(source_names(catalog, claim)), *relays])
    lines = [
        f"{indent}- **{md_text(value_text(catalog, claim))}** ({md_text(date_text(claim.when))}), "
        f"{sources}; credibility {claim.credibility}",
    ]
    if claim.quote:
        lines.append(f"{indent}  > {md_text(claim.quote)}")
    lines.append(f"{indent}  relay: {chain} · claim {md_code(claim.id)}")
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
    yield from [f"# {md_text(title)}", ""]
    counts = catalog.counts()
    yield (
        f"{counts['files']} files, {counts['sources']} sources, {counts['questions']} "
        f"questions, {counts['events']} events, {counts['claims']} claims; "
        f"{len(analysis.contradictions)} contradictions, {len(analysis.series)} series, "
        f"{len(analysis.warnings)} warnings."
    )
    yield ""
    if view is not None and view.text:
        yield from [f"View: {md_code(view.text)}.", ""]
    yield from _chronologies(catalog, view)
    shown: Sequence[Listed] = analysis.contradictions.listing()
    if view is not None and view.contradictions is not None:
        shown = view.contradictions
    yield from _questions(analysis, notes, shown, every_pair)
    undecided = [c for c in shown if c.question is None]
    if undecided:
        yield from ["## Contradictions across questions", ""]
        for item in undecided:
            yield from _listed_lines(analysis, item, notes, every_pair)
    if notes is not None:
        yield from _review_lines(analysis, notes)
    yield from ["## Warnings", ""]
    if analysis.warnings:
        yield from (f"- {md_code(str(w.location))} {md_text(w.message)}"
                    for w in analysis.warnings)
    else:
        yield "None."
    yield ""


def _chronologies(catalog: Catalog, view: Filtered | None = None) -> list[str]:
    out: list[str] = []
    by_timeline: dict[str | None, list[Any]] = {}
    for event in catalog.events.values():
        if view is None or view.events is None or event.id in view.events:
            by_timeline.setdefault(event.origin.timeline, []).append(event)
    claims_of: dict[str, list[Claim]] = {}
    for claim in catalog.claims.values():
        if view is not None and view.claims is not None and claim.id not in view.claims:
            continue
        if claim.event:
            claims_of.setdefault(claim.event, []).append(claim)
    for timeline_id, events in by_timeline.items():
        header = catalog.timelines.get(timeline_id or "")
        heading = header.title if header else (timeline_id or "Events without a timeline")
        out += [f"## {md_text(heading)}", ""]
        if header is not None:
            period = f"Period: {md_text(header.period.text)}. " if header.period else ""
            out += [f"{period}{md_text(header.summary)}", ""]
        for event in sorted(events, key=lambda e: (e.date.sort_key, e.id)):
            place = f" ({md_text(event.place)})" if event.place else ""
            out.append(f"- **{md_text(event.date.text)}**: {md_text(event.title)}{place}")
            for claim in claims_of.get(event.id, []):
                out.append(f"  - {md_text(source_names(catalog, claim))}: {md_text(claim.text)}")
        out.append("")
    return out


def _questions(analysis: Analysis, notes: Notes | None = None,
               shown: Sequence[Listed] | None = None,
               every_pair: bool = False) -> Iterator[str]:
    catalog = analysis.catalog
    by_question: dict[str, list[Listed]] = {}
    for item in analysis.contradictions.listing() if shown is None else shown:
        if item.question is not None:
            by_question.setdefault(item.question, []).append(item)
    for question in catalog.questions.values():
        out: list[str] = []
        series = analysis.series.get(question.id)
        found = by_question.get(question.id, [])
        if series is None and not found:
            continue
        unit = f" ({md_text(question.unit)})" if question.unit else ""
        out += [f"## {md_text(question.text)}{unit}", "", f"Question {md_code(question.id)}.", ""]
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
                    what = ", ".join(md_text(v) for v in step.values)
                claims = ", ".join(md_code(c) for c in step.claims)
                out.append(f"- {span}: {what} — {claims}")
            out.append("")
        yield from out
        if found:
            yield from [f"**Contradictions ({pairs_in(found):,}):**", ""]
            for item in found:
                yield from _listed_lines(analysis, item, notes, every_pair)


def _listed_lines(analysis: Analysis, item: Listed, notes: Notes | None,
                  every_pair: bool) -> Iterator[str]:
    """A contradiction; or a group, with its pairs (`every_pair`) or those noted."""
    if isinstance(item, Contradiction):
        yield from _contradiction_lines(analysis, item, notes)
        return
    yield from [f"### {md_text(group_text(analysis.catalog, item))}", ""]
    listed = ("" if every_pair else " · its pairs are not listed: its question has more "
              "contradictions than are listed one by one (`--all` lists them)")
    yield from [f"{md_code(item.key)} · {item.rule} group{listed}", ""]
    if every_pair:
        for pair in item.pairs:
            yield from _contradiction_lines(analysis, pair, notes)
        return
    noted = sorted((rank, key) for key in (notes.sections["contradictions"] if notes else {})
                   if (rank := item.rank_of(key)) is not None)
    if noted:
        yield from [f"Pairs of this group with a review note ({len(noted)}):", ""]
        for rank, _ in noted:
            yield from _contradiction_lines(analysis, item.pair(rank), notes)


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
        said.append(f"status: {note.status}")
    if note.tags:
        said.append("tags: " + ", ".join(md_text(t) for t in note.tags))
    out = ["**Review:** " + (" · ".join(said) or "noted"), ""]
    if note.preferred:
        out += [f"Preferred: {md_code(note.preferred)}"
                + (f", because {md_text(note.reason)}" if note.reason else ""), ""]
    out += [f"- {md_text(c.at)}: {md_text(c.text)}" for c in note.comments]
    return [*out, ""] if note.comments else out


def _review_lines(analysis: Analysis, notes: Notes) -> list[str]:
    """Notes on events, claims and sources, and notes whose target is gone."""
    catalog = analysis.catalog
    out = ["## Review notes", ""]
    present: dict[str, Mapping[str, object]] = {
        "events": catalog.events, "claims": catalog.claims, "sources": catalog.sources}
    for kind, items in present.items():
        for target, note in notes.sections.get(kind, {}).items():
            if target in items:
                out += [f"### {kind[:-1]} {md_code(target)}", "", *_note_lines(note)]
    def exists(kind: str, target: str) -> bool:
        if kind == "contradictions":
            return analysis.contradictions.position_of(target) is not None
        return target in present[kind]

    orphans = [(kind, target) for kind, target, _ in notes.orphans(exists)]
    if orphans:
        out += ["Notes whose target is no longer in the catalog (kept in the notes file): "
                + ", ".join(f"{kind[:-1]} {md_code(target)}" for kind, target in orphans), ""]
    return out if len(out) > 2 else [*out, "No other notes.", ""]


def _contradiction_lines(analysis: Analysis, item: Contradiction,
                         notes: Notes | None = None) -> list[str]:
    catalog = analysis.catalog
    said, why = explain(catalog, item)
    out = [f"### {md_text(said)}", "",
           f"{md_code(item.id)} · {', '.join(item.rules)} · {md_text(why)}", ""]
    if notes is not None and item.id in notes.sections["contradictions"]:
        out += _note_lines(notes.get("contradiction", item.id), status=True)
    for claim_id in item.claims:
        claim = catalog.claims.get(claim_id)
        if claim is not None:
            out += _claim_lines(analysis, claim)
    out.append("")
    return out
