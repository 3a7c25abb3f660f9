"""What the engine found, as text for people and files for other tools.

- `contradictions_table`: the CLI's readable table, one row per side.
- `to_markdown`: a report an analyst can send.
- `to_json`: the normalized catalog and the analysis, with a format version.
- `to_csv`: one row per claim, for a spreadsheet or pandas.

Everything from a timeline file is data: in Markdown it is escaped (a hostile quote
cannot become a link or an image that fetches a URL), and control characters become
visible stand-ins in every format but JSON (where they are escaped).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from contested import __version__
from contested.analysis import (
    Analysis,
    Contradiction,
    Series,
    date_text,
    source_names,
    value_text,
)
from contested.dates import FuzzyDate
from contested.filters import Filtered
from contested.model import Catalog, Claim, Source
from contested.notes import Note, Notes
from contested.quantities import Quantity, format_number
from contested.text import csv_cell, fit, md_code, md_text, pad, printable
from contested.text import width as cell_width

EXPORT_VERSION = 1


# --- the CLI table ------------------------------------------------------------------------

def side_label(catalog: Catalog, claim: Claim) -> str:
    """`Zombie [russia]`: names and sides of a claim's sources, so that the side is
    readable without colour."""
    labels = []
    for source_id in claim.source:
        source = catalog.sources.get(source_id)
        labels.append(f"{source.name} [{source.side}]" if source else source_id)
    return ", ".join(labels)


def contradictions_table(analysis: Analysis, found: Sequence[Contradiction],
                         width: int | None = None, per_question: int | None = 20) -> str:
    """A table grouped by question, one row per side of each contradiction. With
    `width`, cells are cut to fit; questions with more than `per_question`
    contradictions are summarised after that many."""
    catalog = analysis.catalog
    header = ("RULE", "SOURCE [SIDE]", "VALUE", "DATE", "CLAIM")
    groups: dict[str | None, list[Contradiction]] = {}
    for item in found:
        groups.setdefault(item.question, []).append(item)
    if not groups:
        return "no contradictions\n"
    blocks: list[tuple[str, list[tuple[str, ...]], int]] = []
    for question_id, items in groups.items():
        question = catalog.questions.get(question_id or "")
        title = (f"{question_id}: {question.text}" if question
                 else "across questions (declared by the analyst)")
        rows: list[tuple[str, ...]] = []
        shown = items if per_question is None else items[:per_question]
        for item in shown:
            for position, claim_id in enumerate(item.claims):
                claim = catalog.claims.get(claim_id)
                if claim is None:
                    continue
                rows.append(("+".join(item.rules) if position == 0 else "",
                             side_label(catalog, claim), value_text(catalog, claim),
                             date_text(claim.when), claim.id))
            rows.append(("",) * len(header))
        blocks.append((title, rows[:-1], len(items) - len(shown)))
    every_row = [header, *(row for _, rows, _ in blocks for row in rows)]
    every_row = [tuple(printable(cell) for cell in row) for row in every_row]
    widths = [max(cell_width(row[i]) for row in every_row) for i in range(len(header))]
    columns = len(header)
    if width is not None:
        # Too wide: cut claim ids, sources and values down to a floor each; if that is
        # not enough, drop the claim ids and cut again.
        for _ in range(2):
            spare = width - 2 - sum(widths[:columns]) - 2 * (columns - 1)
            for column, floor in ((4, 16), (1, 24), (2, 14), (1, 12)):
                if column < columns:
                    cut = max(min(-spare, widths[column] - floor), 0)
                    widths[column] -= cut
                    spare += cut
            if spare >= 0:
                break
            columns -= 1
            widths = [max(cell_width(row[i]) for row in every_row)
                      for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        text = "  ".join(pad(fit(printable(c), widths[i]), widths[i])
                         for i, c in enumerate(cells[:columns]))
        return ("  " + text).rstrip()

    out: list[str] = []
    for title, rows, hidden in blocks:
        heading = printable(title)
        out.append(fit(heading, width) if width is not None else heading)
        out.append(line(header))
        out += [line(row) for row in rows]
        if hidden:
            out.append(f"  … and {hidden} more: use --all to list them")
        out.append("")
    out.append(f"{len(found)} contradiction{'s' * (len(found) != 1)}")
    return "\n".join(out) + "\n"


# --- shared shapes ------------------------------------------------------------------------

def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def date_record(when: FuzzyDate | None) -> dict[str, Any] | None:
    if when is None:
        return None
    return {
        "text": when.text,
        "earliest": _date(when.earliest),
        "latest": _date(when.latest),
        "precision": when.precision.name.lower(),
        "approximate": when.approximate,
        "uncertain": when.uncertain,
    }


def quantity_record(quantity: Quantity | None) -> dict[str, Any] | None:
    if quantity is None:
        return None
    interval = quantity.interval
    return {
        "form": quantity.form,
        "text": quantity.text,
        "low": interval.low,
        "high": interval.high,
        "low_closed": interval.low_closed,
        "high_closed": interval.high_closed,
        "best": quantity.best,
    }


def contradiction_record(analysis: Analysis, item: Contradiction) -> dict[str, Any]:
    """The JSON object of one contradiction (`contested contradictions --json`)."""
    catalog = analysis.catalog
    claims = [catalog.claims[c] for c in item.claims if c in catalog.claims]
    return {
        "id": item.id,
        "rules": list(item.rules),
        "rule": item.rule,
        "question": item.question,
        "claims": list(item.claims),
        "sources": [list(c.source) for c in claims],
        "source_names": [source_names(catalog, c) for c in claims],
        "values": [value_text(catalog, c) for c in claims],
        "dates": [date_text(c.when) for c in claims],
        "explanation": item.explanation,
        "reason": item.reason,
        "note": item.note,
    }


def _series_record(catalog: Catalog, series: Series) -> dict[str, Any]:
    return {
        "question": series.question,
        "trend": series.trend,
        "unit": catalog.questions[series.question].unit,
        "steps": [
            {
                "earliest": _date(step.earliest),
                "latest": _date(step.latest),
                "claims": list(step.claims),
                "figure": step.figure,
                "values": list(step.values),
                "change": step.change,
                "change_ratio": step.change_ratio,
            }
            for step in series.steps
        ],
    }


# --- JSON ---------------------------------------------------------------------------------

def to_json(analysis: Analysis, notes: Notes | None = None) -> str:
    """The normalized catalog and everything found in it (and the review notes)."""
    catalog = analysis.catalog
    document = {
        "format": "contested-export",
        "version": EXPORT_VERSION,
        "generator": f"contested {__version__}",
        "files": list(catalog.paths),
        "timelines": [
            {"id": t.id, "title": t.title, "period": date_record(t.period),
             "summary": t.summary, "tags": t.tags, "note": t.note, "path": t.origin.path}
            for t in catalog.timelines.values()
        ],
        "sources": [
            {"id": s.id, "name": s.name, "aliases": s.aliases, "kind": s.kind, "side": s.side,
             "reliability": s.reliability, "url": s.url, "note": s.note}
            for s in catalog.sources.values()
        ],
        "questions": [
            {"id": q.id, "text": q.text, "kind": q.kind, "values": q.values, "unit": q.unit,
             "tolerance": q.tolerance, "note": q.note}
            for q in catalog.questions.values()
        ],
        "events": [
            {"id": e.id, "timeline": e.origin.timeline, "date": date_record(e.date),
             "title": e.title, "place": e.place, "tags": e.tags, "summary": e.summary,
             "note": e.note}
            for e in sorted(catalog.events.values(), key=lambda e: (e.date.sort_key, e.id))
        ],
        "claims": [_claim_record(analysis, c) for c in catalog.claims.values()],
        "contradictions": [contradiction_record(analysis, c) for c in analysis.contradictions],
        "series": [_series_record(catalog, s) for s in analysis.series.values()],
        "corroboration": [
            {"claim": c.claim, "agreeing": list(c.agreeing),
             "independent_agreeing": list(c.independent_agreeing),
             "agreeing_origins": c.agreeing_origins, "contradicting": list(c.contradicting),
             "contradicting_origins": c.contradicting_origins}
            for c in sorted(analysis.corroboration.values(), key=lambda c: c.claim)
        ],
        "warnings": [w.as_dict() for w in analysis.warnings],
    }
    if notes is not None:
        document["notes"] = {kind: {target: note.model_dump(mode="json")
                                    for target, note in section.items()}
                             for kind, section in notes.sections.items()}
        document["views"] = {name: view.model_dump() for name, view in notes.views.items()}
    return json_text(document)


def json_text(value: Any) -> str:
    """`value` as JSON a person can read and diff: each entry of the top mapping, and
    each record of its lists and mappings, on a line of its own, the record itself on
    one line. Written by the C encoder, record by record: `indent=` would use the pure
    Python one, 60% of an export of 300,000 claims."""
    compact = json.JSONEncoder(ensure_ascii=True).encode

    def block(item: Any, margin: str) -> str:
        inner = margin + "  "
        if isinstance(item, list) and item:
            return "[\n" + ",\n".join(inner + compact(x) for x in item) + f"\n{margin}]"
        if isinstance(item, dict) and item:
            return "{\n" + ",\n".join(f"{inner}{compact(str(k))}: {compact(v)}"
                                       for k, v in item.items()) + f"\n{margin}}}"
        return compact(item)

    if isinstance(value, dict):
        entries = (f"  {compact(str(k))}: {block(v, '  ')}" for k, v in value.items())
        return "{\n" + ",\n".join(entries) + "\n}\n"
    return block(value, "") + "\n"


def _claim_record(analysis: Analysis, claim: Claim) -> dict[str, Any]:
    value: Any = claim.value if isinstance(claim.value, str) else None
    return {
        "id": claim.id,
        "timeline": claim.origin.timeline,
        "source": list(claim.source),
        "via": list(claim.via),
        "event": claim.event,
        "said": date_record(claim.said),
        "as_of": date_record(claim.when),
        "text": claim.text,
        "quote": claim.quote,
        "about": claim.about,
        "value": value if claim.quantity is None else None,
        "quantity": quantity_record(claim.quantity),
        "unit": claim.unit,
        "credibility": claim.credibility,
        "disputes": list(claim.disputes),
        "supports": list(claim.supports),
        "contradicts": _contradicted_by(analysis, claim),
        "note": claim.note,
    }


def _contradicted_by(analysis: Analysis, claim: Claim) -> list[str]:
    others = {
        other
        for found in analysis.contradictions_of(claim.id)
        for other in found.claims
        if other != claim.id
    }
    return sorted(others)


# --- CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "timeline", "sources", "source_ids", "via", "event",
    "said", "said_earliest", "said_latest", "as_of", "as_of_earliest", "as_of_latest",
    "question", "value", "value_low", "value_high", "unit", "credibility",
    "text", "quote", "contradicts",
)
def to_csv(analysis: Analysis) -> str:
    """One row per claim, with dates and figures as bounds; UTF-8, comma-separated."""
    catalog = analysis.catalog
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for claim in catalog.claims.values():
        question = catalog.questions.get(claim.about or "")
        quantity = claim.quantity
        said, when = claim.said, claim.when
        writer.writerow([csv_cell(cell) for cell in (
            claim.id,
            claim.origin.timeline or "",
            source_names(catalog, claim),
            " ".join(claim.source),
            " ".join(claim.via),
            claim.event or "",
            said.text if said else "",
            _date(said.earliest) if said else "",
            _date(said.latest) if said else "",
            when.text if when else "",
            _date(when.earliest) if when else "",
            _date(when.latest) if when else "",
            claim.about or "",
            quantity.text if quantity else claim.value if isinstance(claim.value, str)
            else "",
            _number(quantity.interval.low) if quantity else "",
            _number(quantity.interval.high) if quantity else "",
            question.unit if question and question.unit else "",
            claim.credibility,
            claim.text,
            claim.quote or "",
            " ".join(_contradicted_by(analysis, claim)),
        )])
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)


# --- Markdown -----------------------------------------------------------------------------

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
                notes: Notes | None = None, view: Filtered | None = None) -> str:
    """A report an analyst can send: chronology per timeline, then per question the
    series and the contradictions (with the analyst's review, given `notes`), then the
    other review notes and the warnings. Given a `view` (the explorer's filter), only
    the events, claims and contradictions it keeps."""
    catalog = analysis.catalog
    out: list[str] = [f"# {md_text(title)}", ""]
    counts = catalog.counts()
    out.append(
        f"{counts['files']} files, {counts['sources']} sources, {counts['questions']} "
        f"questions, {counts['events']} events, {counts['claims']} claims; "
        f"{len(analysis.contradictions)} contradictions, {len(analysis.series)} series, "
        f"{len(analysis.warnings)} warnings."
    )
    out.append("")
    if view is not None and view.text:
        out += [f"View: {md_code(view.text)}.", ""]
    out += _chronologies(catalog, view)
    shown: Sequence[Contradiction] = analysis.contradictions
    if view is not None and view.contradictions is not None:
        shown = view.contradictions
    out += _questions(analysis, notes, shown)
    undecided = [c for c in shown if c.question is None]
    if undecided:
        out += ["## Contradictions across questions", ""]
        for item in undecided:
            out += _contradiction_lines(analysis, item, notes)
    if notes is not None:
        out += _review_lines(analysis, notes)
    out += ["## Warnings", ""]
    if analysis.warnings:
        out += [f"- {md_code(str(w.location))} {md_text(w.message)}" for w in analysis.warnings]
    else:
        out.append("None.")
    out.append("")
    return "\n".join(out)


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
               shown: Sequence[Contradiction] | None = None) -> list[str]:
    catalog = analysis.catalog
    by_question: dict[str, list[Contradiction]] = {}
    for item in analysis.contradictions if shown is None else shown:
        if item.question is not None:
            by_question.setdefault(item.question, []).append(item)
    out: list[str] = []
    for question in catalog.questions.values():
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
                        change = f" ({format_number(step.change)}{percent})"
                    what = f"{format_number(step.figure)}{change}"
                else:
                    what = ", ".join(md_text(v) for v in step.values)
                claims = ", ".join(md_code(c) for c in step.claims)
                out.append(f"- {span}: {what} — {claims}")
            out.append("")
        if found:
            out += [f"**Contradictions ({len(found)}):**", ""]
            for item in found:
                out += _contradiction_lines(analysis, item, notes)
    return out


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
    out = [f"### {md_text(item.explanation)}", "",
           f"{md_code(item.id)} · {', '.join(item.rules)} · {md_text(item.reason)}", ""]
    if notes is not None and item.id in notes.sections["contradictions"]:
        out += _note_lines(notes.get("contradiction", item.id), status=True)
    for claim_id in item.claims:
        claim = catalog.claims.get(claim_id)
        if claim is not None:
            out += _claim_lines(analysis, claim)
    out.append("")
    return out


def render(analysis: Analysis, fmt: str, notes: Notes | None = None) -> str:
    """The export in format `fmt`: markdown or json (both with the review notes, when
    given), or csv (one row per claim)."""
    if fmt == "markdown":
        return to_markdown(analysis, notes=notes)
    if fmt == "json":
        return to_json(analysis, notes)
    return to_csv(analysis)


def filter_contradictions(analysis: Analysis, *, rules: Iterable[str] = (),
                          question: str | None = None, source: str | None = None,
                          side: str | None = None) -> list[Contradiction]:
    """The contradictions that match every filter given; `source` matches an id, a
    or part of a name or an alias, case-insensitively, on any side ("gadi" finds
    Franz-Stephan Gadi)."""
    catalog = analysis.catalog
    wanted_rules = set(rules)
    needle = source.casefold() if source else None
    found = []
    for item in analysis.contradictions:
        if wanted_rules and not wanted_rules & set(item.rules):
            continue
        if question and item.question != question:
            continue
        members = [catalog.claims[c] for c in item.claims if c in catalog.claims]
        sources = [catalog.sources[s] for c in members for s in c.source if s in catalog.sources]
        if needle and not any(
            needle == s.id.casefold() or any(needle in n.casefold() for n in s.names)
            for s in sources
        ):
            continue
        if side and not any(s.side.casefold() == side.casefold() for s in sources):
            continue
        found.append(item)
    return found
