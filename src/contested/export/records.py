"""The JSON export (`to_json`: the normalized catalog and the analysis, with a format
version) and the records it is made of, which `contested contradictions --json` prints
too; and the writer of both (`json_parts`), which writes a long list as it reads it.

A grouped question (docs/timeline-format.md, "Groups") is given as its groups, with
their counts; asked for every pair (`every_pair`, the CLI's `--all`), it lists them,
written piece by piece so that millions of pairs are never held. Text from a timeline
file is escaped by the JSON encoder (control characters included).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from contested import __version__
from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.engine.contradictions import Contradiction, ContradictionGroup, Listed
from contested.engine.corroboration import LISTED_PER_CLAIM
from contested.engine.series import Series
from contested.export.common import contradicted_by, iso_date
from contested.format.dates import FuzzyDate
from contested.format.model import Claim
from contested.format.quantities import Quantity
from contested.present.browse import group_text
from contested.present.wording import date_text, explain, source_names, value_text
from contested.review.notes import Notes

EXPORT_VERSION = 1


def date_record(when: FuzzyDate | None) -> dict[str, Any] | None:
    if when is None:
        return None
    return {
        "text": when.text,
        "earliest": iso_date(when.earliest),
        "latest": iso_date(when.latest),
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
        "earliest": iso_date(group.earliest),
        "latest": iso_date(group.latest),
        "explanation": group_text(catalog, group),
    }


def listed_records(analysis: Analysis, found: Iterable[Listed], every_pair: bool = False,
                   *, keep: Callable[[Contradiction], bool] | None = None
                   ) -> Iterator[dict[str, Any]]:
    """The JSON objects of pairs and groups; with `every_pair`, a group's pairs instead
    of the group (those `keep` keeps, read as they are written)."""
    for item in found:
        if isinstance(item, Contradiction):
            yield contradiction_record(analysis, item)
        elif every_pair:
            yield from (contradiction_record(analysis, pair) for pair in item.pairs
                        if keep is None or keep(pair))
        else:
            yield group_record(analysis, item)


def _series_record(catalog: Catalog, series: Series) -> dict[str, Any]:
    return {
        "question": series.question,
        "trend": series.trend,
        "unit": catalog.questions[series.question].unit,
        "steps": [
            {
                "earliest": iso_date(step.earliest),
                "latest": iso_date(step.latest),
                "claims": list(step.claims),
                "figure": step.figure,
                "values": list(step.values),
                "change": step.change,
                "change_ratio": step.change_ratio,
            }
            for step in series.steps
        ],
    }


class Stream:
    """A list written as it is read (`json_parts`): millions of pairs, never held."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def to_json(analysis: Analysis, notes: Notes | None = None, every_pair: bool = False) -> str:
    """The normalized catalog and everything found in it (and the review notes)."""
    return "".join(json_parts(json_document(analysis, notes, every_pair)))


def json_document(analysis: Analysis, notes: Notes | None, every_pair: bool
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
        "contradicts": contradicted_by(analysis, claim),
        "note": claim.note,
    }
