"""What the engine found, as text for people and files for other tools.

- `contradictions_table`: the CLI's readable table, one row per side.
- `to_markdown`: a report an analyst can send.
- `to_json`: the normalized catalog and the analysis, with a format version.
- `to_csv`: one row per claim, for a spreadsheet or pandas.

A grouped question (docs/timeline-format.md, "Groups") is given as its groups, with
their counts; asked for every pair (`every_pair`, the CLI's `--all`), each format lists
them, written piece by piece (`render_parts`) so that millions of pairs are never held.

Everything from a timeline file is data: in Markdown it is escaped (a hostile quote
cannot become a link or an image that fetches a URL), and control characters become
visible stand-ins in every format but JSON (where they are escaped).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from contested import __version__
from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.engine.contradictions import Contradiction, ContradictionGroup, Listed
from contested.engine.corroboration import LISTED_PER_CLAIM
from contested.engine.rules import LISTED_PER_QUESTION
from contested.engine.series import Series
from contested.format.dates import FuzzyDate
from contested.format.model import Claim, Source
from contested.format.quantities import Quantity, format_number, signed_number
from contested.present.browse import group_text
from contested.present.filters import Filtered, pairs_in
from contested.present.wording import date_text, explain, source_names, value_text
from contested.review.notes import Note, Notes
from contested.support.text import csv_cell, fit, md_code, md_text, pad, printable
from contested.support.text import width as cell_width

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


def contradictions_table(analysis: Analysis, found: Iterable[Listed],
                         width: int | None = None, per_question: int | None = 20,
                         every_pair: bool = False) -> str:
    """A table grouped by question, one row per side of each contradiction. With
    `width`, cells are cut to fit; questions with more than `per_question`
    contradictions are summarised after that many. A group is one line (what it sets
    against what, and how many pairs), followed by its pairs with `every_pair`."""
    return "".join(table_parts(analysis, found, width, per_question, every_pair))


def table_parts(analysis: Analysis, found: Iterable[Listed], width: int | None = None,
                per_question: int | None = 20, every_pair: bool = False, *,
                keep: Callable[[Contradiction], bool] | None = None) -> Iterator[str]:
    """`contradictions_table`, a line at a time (a group's pairs are read as written,
    those `keep` keeps; the columns' widths come from the pairs listed and each group's
    first page)."""
    catalog = analysis.catalog
    header = ("RULE", "SOURCE [SIDE]", "VALUE", "DATE", "CLAIM")
    groups: dict[str | None, list[Listed]] = {}
    for item in found:
        groups.setdefault(item.question, []).append(item)
    if not groups:
        yield "no contradictions\n"
        return

    def rows_of(item: Contradiction) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = []
        for position, claim_id in enumerate(item.claims):
            claim = catalog.claims.get(claim_id)
            if claim is None:
                continue
            rows.append(("+".join(item.rules) if position == 0 else "",
                         side_label(catalog, claim), value_text(catalog, claim),
                         date_text(claim.when), claim.id))
        return rows

    blocks: list[tuple[str, list[Listed], int]] = []
    every_row: list[tuple[str, ...]] = [header]
    for question_id, items in groups.items():
        question = catalog.questions.get(question_id or "")
        title = (f"{question_id}: {question.text}" if question
                 else "across questions (declared by the analyst)")
        held = [item for item in items if isinstance(item, Contradiction)]
        hidden = 0 if per_question is None else max(len(held) - per_question, 0)
        shown = set(map(id, held if per_question is None else held[:per_question]))
        entries = [item for item in items
                   if isinstance(item, ContradictionGroup) or id(item) in shown]
        for item in entries:
            sample = item.page(0) if isinstance(item, ContradictionGroup) and every_pair \
                else [item] if isinstance(item, Contradiction) else []
            for pair in sample:
                every_row += rows_of(pair)
        blocks.append((title, entries, hidden))
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

    def free(text: str) -> str:
        return fit(text, width) if width is not None else text

    grouped = [item for items in groups.values() for item in items
               if isinstance(item, ContradictionGroup)]
    for title, entries, hidden in blocks:
        heading = printable(title)
        yield (fit(heading, width) if width is not None else heading) + "\n"
        if every_pair or any(isinstance(item, Contradiction) for item in entries):
            yield line(header) + "\n"
        first = True
        for item in entries:
            pairs: Iterable[Contradiction] = [item] if isinstance(item, Contradiction) else []
            if isinstance(item, ContradictionGroup):
                yield ("" if first else "\n") + free(printable(
                    f"  {item.rule} group: {group_text(catalog, item)}")) + "\n"
                first = False
                pairs = item.pairs if every_pair else []
            for pair in pairs:
                if keep is not None and isinstance(item, ContradictionGroup) \
                        and not keep(pair):
                    continue
                if not first:
                    yield "\n"
                first = False
                yield "".join(line(row) + "\n" for row in rows_of(pair))
        if hidden:
            yield f"  … and {hidden} more: use --all to list them\n"
        if not every_pair and any(isinstance(item, ContradictionGroup) for item in entries):
            yield free(f"  (more than {LISTED_PER_QUESTION:,} contradictions: shown in "
                       "groups; --all lists their pairs)") + "\n"
        yield "\n"
    total = pairs_in(item for items in groups.values() for item in items)
    in_groups = pairs_in(grouped)
    yield f"{total:,} contradiction{'s' * (total != 1)}" + (
        f" ({in_groups:,} in {len(grouped)} group{'s' * (len(grouped) != 1)})"
        if grouped else "") + "\n"


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
    said, why = explain(catalog, item)
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
        "explanation": said,
        "reason": why,
        "note": item.note,
    }


def group_record(analysis: Analysis, group: ContradictionGroup) -> dict[str, Any]:
    """The JSON object of one group (`contested contradictions --json`): `kind` says it
    is one, `pairs` how many contradictions it holds."""
    catalog = analysis.catalog
    return {
        "id": group.key,
        "kind": "group",
        "rule": group.rule,
        "rules": [group.rule],
        "question": group.question,
        "pairs": group.count,
        "sides": [{"value": value_text(catalog, catalog.claims[side.answer])
                   if side.answer is not None else None,
                   "example": side.answer, "claims": side.claims, "answers": side.answers}
                  for side in group.sides],
        "earliest": _date(group.earliest),
        "latest": _date(group.latest),
        "explanation": group_text(catalog, group),
    }


def listed_records(analysis: Analysis, found: Iterable[Listed],
                   every_pair: bool = False) -> Iterator[dict[str, Any]]:
    """The JSON objects of pairs and groups; with `every_pair`, a group's pairs instead
    of the group."""
    for item in found:
        if isinstance(item, Contradiction):
            yield contradiction_record(analysis, item)
        elif every_pair:
            yield from (contradiction_record(analysis, pair) for pair in item.pairs)
        else:
            yield group_record(analysis, item)


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

class Stream:
    """A list written as it is read (`json_parts`): millions of pairs, never held."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def to_json(analysis: Analysis, notes: Notes | None = None, every_pair: bool = False) -> str:
    """The normalized catalog and everything found in it (and the review notes)."""
    return "".join(json_parts(_json_document(analysis, notes, every_pair)))


def _json_document(analysis: Analysis, notes: Notes | None, every_pair: bool
                   ) -> dict[str, Any]:
    """The export's document; its long lists are `Stream`s. A grouped question's pairs
    are in `contradiction_groups` (counted), or with `every_pair` in `contradictions`."""
    catalog = analysis.catalog
    found = analysis.contradictions
    held = (item for item in found.listing() if isinstance(item, Contradiction))
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
        "claims": Stream(_claim_record(analysis, c) for c in catalog.claims.values()),
        "contradictions": Stream(listed_records(analysis, found if every_pair else held)),
        "contradiction_groups": [group_record(analysis, g) for g in found.groups],
        "series": [_series_record(catalog, s) for s in analysis.series.values()],
        "corroboration": Stream(_corroboration_records(analysis)),
        "warnings": [w.as_dict() for w in analysis.warnings],
    }
    if notes is not None:
        document["notes"] = {kind: {target: note.model_dump(mode="json")
                                    for target, note in section.items()}
                             for kind, section in notes.sections.items()}
        document["views"] = {name: view.model_dump() for name, view in notes.views.items()}
    return document


def _corroboration_records(analysis: Analysis) -> Iterator[dict[str, Any]]:
    """Per claim that agrees or contradicts, by id: the claims, or past
    LISTED_PER_CLAIM of them, their number."""
    corroboration = analysis.corroboration
    tally = getattr(corroboration, "tally", None)
    for claim_id in sorted(corroboration):
        counts = tally(claim_id) if tally is not None else None
        if counts is not None and max(counts[0], counts[3]) > LISTED_PER_CLAIM:
            agreeing, free, agreeing_origins, contradicting, contradicting_origins = counts
            yield {"claim": claim_id, "agreeing": agreeing, "independent_agreeing": free,
                   "agreeing_origins": agreeing_origins, "contradicting": contradicting,
                   "contradicting_origins": contradicting_origins}
            continue
        c = corroboration[claim_id]
        yield {"claim": c.claim, "agreeing": list(c.agreeing),
               "independent_agreeing": list(c.independent_agreeing),
               "agreeing_origins": c.agreeing_origins, "contradicting": list(c.contradicting),
               "contradicting_origins": c.contradicting_origins}


def json_text(value: Any) -> str:
    """`value` as JSON a person can read and diff: each entry of the top mapping, and
    each record of its lists and mappings, on a line of its own, the record itself on
    one line. Written by the C encoder, record by record: `indent=` would use the pure
    Python one, 60% of an export of 300,000 claims."""
    return "".join(json_parts(value))


def json_parts(value: Any) -> Iterator[str]:
    """`json_text`, a piece at a time; a `Stream` is written as it is read."""
    compact = json.JSONEncoder(ensure_ascii=True).encode

    def block(item: Any, margin: str) -> Iterator[str]:
        inner = margin + "  "
        if isinstance(item, Stream):
            written = False
            for record in item.items:
                yield (",\n" if written else "[\n") + inner + compact(record)
                written = True
            yield f"\n{margin}]" if written else "[]"
        elif isinstance(item, list) and item:
            yield "[\n" + ",\n".join(inner + compact(x) for x in item) + f"\n{margin}]"
        elif isinstance(item, dict) and item:
            yield "{\n" + ",\n".join(f"{inner}{compact(str(k))}: {compact(v)}"
                                      for k, v in item.items()) + f"\n{margin}}}"
        else:
            yield compact(item)

    if isinstance(value, dict):
        yield "{\n"
        for n, (key, item) in enumerate(value.items()):
            yield ("" if n == 0 else ",\n") + f"  {compact(str(key))}: "
            yield from block(item, "  ")
        yield "\n}\n"
        return
    yield from block(value, "")
    yield "\n"


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


def _contradicted_by(analysis: Analysis, claim: Claim) -> list[str] | int:
    """The ids of the claims a claim contradicts, sorted; past LISTED_PER_CLAIM, their
    number."""
    found = analysis.contradictions
    row = found.table.row_of(claim.id)
    if row is None or not found.count_of(claim.id):
        return []
    if found.count_of(claim.id) > LISTED_PER_CLAIM:  # perhaps: count the claims
        others = found.against_count(row)
        if others > LISTED_PER_CLAIM:
            return others
    ids = found.table.ids
    return sorted(ids[other] for other in found.against(row))


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
            _contradicts_cell(_contradicted_by(analysis, claim)),
        )])
    return out.getvalue()


def _contradicts_cell(others: list[str] | int) -> str:
    """The ids, space-separated; past LISTED_PER_CLAIM, `(12000 claims)` (no id has a
    bracket or a space: the two read apart)."""
    return f"({others} claims)" if isinstance(others, int) else " ".join(others)


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


def render(analysis: Analysis, fmt: str, notes: Notes | None = None,
           every_pair: bool = False) -> str:
    """The export in format `fmt`: markdown or json (both with the review notes, when
    given), or csv (one row per claim); with `every_pair`, every pair of a group."""
    return "".join(render_parts(analysis, fmt, notes, every_pair))


def render_parts(analysis: Analysis, fmt: str, notes: Notes | None = None,
                 every_pair: bool = False) -> Iterator[str]:
    """`render`, a piece at a time: what `--all` writes as it goes."""
    if fmt == "markdown":
        for n, line in enumerate(markdown_lines(analysis, notes=notes,
                                                every_pair=every_pair)):
            yield line if n == 0 else "\n" + line
    elif fmt == "json":
        yield from json_parts(_json_document(analysis, notes, every_pair))
    else:
        yield to_csv(analysis)


def filter_contradictions(analysis: Analysis, *, rules: Iterable[str] = (),
                          question: str | None = None, source: str | None = None,
                          side: str | None = None, every_pair: bool = False
                          ) -> Iterator[Listed]:
    """The contradictions that match every filter given, as listed (a grouped question
    as its groups; `every_pair`: their pairs, read as they are yielded); `source`
    matches an id, a or part of a name or an alias, case-insensitively, on any side
    ("gadi" finds Franz-Stephan Gadi). A group matches when one of its claims does."""
    wanted_rules = set(rules)
    columns = analysis.contradictions.table.columns
    kept = ContradictionFilter(analysis, rules=rules, question=question, source=source,
                                side=side)
    for item in analysis.contradictions.listing():
        if isinstance(item, Contradiction):
            if kept(item):
                yield item
            continue
        if (wanted_rules and item.rule not in wanted_rules) or (
                question and item.question != question):
            continue
        if every_pair:
            yield from (pair for pair in item.pairs if kept(pair))
        elif not (source or side) or any(
                kept.matches(columns.sources_of(row)) for row in item.rows().tolist()):
            yield item


class ContradictionFilter:
    """Whether a contradiction matches the CLI's filters (`filter_contradictions`)."""

    def __init__(self, analysis: Analysis, *, rules: Iterable[str] = (),
                 question: str | None = None, source: str | None = None,
                 side: str | None = None) -> None:
        self.catalog = analysis.catalog
        self.rules = set(rules)
        self.question = question
        self.needle = source.casefold() if source else None
        self.side = side.casefold() if side else None

    def matches(self, source_ids: Iterable[str]) -> bool:
        """Whether these sources pass the source and side filters."""
        sources = [self.catalog.sources[s] for s in source_ids if s in self.catalog.sources]
        needle = self.needle
        if needle and not any(
            needle == s.id.casefold() or any(needle in n.casefold() for n in s.names)
            for s in sources
        ):
            return False
        return not (self.side and not any(s.side.casefold() == self.side for s in sources))

    def __call__(self, item: Contradiction) -> bool:
        if self.rules and not self.rules & set(item.rules):
            return False
        if self.question and item.question != self.question:
            return False
        members = [self.catalog.claims[c] for c in item.claims if c in self.catalog.claims]
        return self.matches(s for c in members for s in c.source)
