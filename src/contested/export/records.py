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
from functools import cached_property
from typing import Any

import orjson

from contested import __version__
from contested.catalog.archives import ArchiveChecks
from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.engine.contradictions import Contradiction, ContradictionGroup, Listed
from contested.engine.corroboration import Corroboration, CorroborationIndex, Tally
from contested.engine.cruxes import crux_record
from contested.engine.series import Series
from contested.export.common import REMEMBERED, ContradictedBy, iso_date, timeline_of
from contested.export.track_records import json_record as track_records_record
from contested.format.dates import FuzzyDate
from contested.format.model import Claim, Document
from contested.format.quantities import Quantity
from contested.present.browse import group_text
from contested.present.track_records import source_records
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
        "crux": crux_record(analysis.contradictions, group.question),
    }


def listed_records(analysis: Analysis, found: Iterable[Listed], every_pair: bool = False,
                   *, keep: Callable[[Contradiction], bool] | None = None
                   ) -> Iterator[dict[str, Any]]:
    """The JSON objects of pairs and groups; with `every_pair`, a group's pairs instead
    of the group (those `keep` keeps, read as they are written)."""
    records = Records(analysis)
    for item in found:
        if isinstance(item, Contradiction):
            yield records.contradiction(item)
        elif every_pair:
            yield from (records.contradiction(pair) for pair in item.pairs
                        if keep is None or keep(pair))
        else:
            yield group_record(analysis, item)


class Records:
    """The records of one export, with what repeats across thousands of them (a
    date's record, the names of a claim's sources) worked out once, and each claim
    made for its record only, unless a contradiction will read it again."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.catalog = analysis.catalog
        self._dates: dict[int, tuple[FuzzyDate, dict[str, Any] | None]] = {}
        self._names: dict[tuple[str, ...], str] = {}

    @cached_property
    def contradicted_by(self) -> ContradictedBy:
        return ContradictedBy(self.analysis)

    def date(self, when: FuzzyDate | None) -> dict[str, Any] | None:
        """`date_record`, once per date object (a file's dates are shared by its
        claims); the object is held with its record, so its id stays its own."""
        if when is None:
            return None
        held = self._dates.get(id(when))
        if held is None:
            if len(self._dates) >= REMEMBERED:
                self._dates.clear()
            held = self._dates[id(when)] = (when, date_record(when))
        return held[1]

    def names(self, claim: Claim) -> str:
        """`source_names`, once per list of sources."""
        key = tuple(claim.source)
        named = self._names.get(key)
        if named is None:
            if len(self._names) >= REMEMBERED:
                self._names.clear()
            named = self._names[key] = source_names(self.catalog, claim)
        return named

    def claims(self) -> Iterator[tuple[int, Claim]]:
        """Every claim, in order, with its row: those in a contradiction kept (its
        record reads them again), the others made for this pass and let go."""
        claims = self.catalog.claims
        involved = self.contradicted_by.per_row
        reach, peek = claims.at, claims.peek
        for row in range(len(claims)):
            yield row, reach(row) if row < len(involved) and involved[row] else peek(row)

    def claim(self, claim: Claim, row: int | None = None) -> dict[str, Any]:
        """The JSON object of a claim (at `row` of the catalog, if known)."""
        value: Any = claim.value if isinstance(claim.value, str) else None
        quantity = claim.quantity
        date = self.date
        return {
            "id": claim.id,
            "timeline": timeline_of(claim),
            "source": list(claim.source),
            "via": list(claim.via),
            "event": claim.event,
            "said": date(claim.said),
            "as_of": date(claim.when),
            "text": claim.text,
            "quote": claim.quote,
            "document": claim.document,
            "quote_check": self.quote_check(claim),
            "about": claim.about,
            "value": value if quantity is None else None,
            "quantity": quantity_record(quantity),
            "unit": claim.unit,
            "credibility": claim.credibility,
            "disputes": list(claim.disputes),
            "supports": list(claim.supports),
            "contradicts": self.contradicted_by(claim, row),
            "note": claim.note,
        }

    def quote_check(self, claim: Claim) -> str | None:
        """Whether the claim's quote was found in its document's archived copy
        (`verified`, `not-found`, `unchecked`); None without a quote or a document."""
        check = self.archives.quotes.get(claim.id) if claim.document else None
        return check.state if check is not None else None

    @cached_property
    def archives(self) -> ArchiveChecks:
        return ArchiveChecks.of(self.catalog)

    def contradiction(self, item: Contradiction) -> dict[str, Any]:
        """The JSON object of one contradiction (`contested contradictions --json`)."""
        catalog = self.catalog
        present = catalog.claims
        if item.rows is not None:
            claims = [present.at(row) for row in item.rows]
        else:
            claims = [present[c] for c in item.claims if c in present]
        said, why = explain(catalog, item)
        return {
            "id": item.id,
            "rules": list(item.rules),
            "rule": item.rule,
            "question": item.question,
            "claims": list(item.claims),
            "sources": [list(c.source) for c in claims],
            "source_names": [self.names(c) for c in claims],
            "values": [value_text(catalog, c) for c in claims],
            "dates": [date_text(c.when) for c in claims],
            "explanation": said,
            "reason": why,
            "note": item.note,
            "crux": crux_record(self.analysis.contradictions, item.question),
        }


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


def to_json(analysis: Analysis, notes: Notes | None = None, every_pair: bool = False,
            *, compact: bool = False) -> str:
    """The normalized catalog and everything found in it (and the review notes); with
    `compact`, on one line."""
    return "".join(json_parts(json_document(analysis, notes, every_pair), compact=compact))


def json_document(analysis: Analysis, notes: Notes | None, every_pair: bool
                  ) -> dict[str, Any]:
    """The export's document; its long lists are `Stream`s. A grouped question's pairs
    are in `contradiction_groups` (counted), or with `every_pair` in `contradictions`."""
    catalog = analysis.catalog
    found = analysis.contradictions
    held = (item for item in found.listing() if isinstance(item, Contradiction))
    records = Records(analysis)
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
        "documents": [_document_record(d, records.archives)
                      for d in catalog.documents.values()],
        "questions": [
            {"id": q.id, "text": q.text, "kind": q.kind, "values": q.values, "unit": q.unit,
             "tolerance": q.tolerance, "note": q.note}
            for q in catalog.questions.values()
        ],
        "events": Stream(_event_records(catalog, records)),
        "claims": Stream(records.claim(c, row) for row, c in records.claims()),
        "contradictions": Stream(listed_records(analysis, found if every_pair else held)),
        "contradiction_groups": Stream(group_record(analysis, g) for g in found.groups),
        "series": Stream(_series_record(catalog, s) for s in analysis.series.values()),
        "corroboration": Stream(_corroboration_records(analysis)),
        "warnings": Stream(w.as_dict() for w in analysis.warnings),
    }
    if notes is not None:
        document["notes"] = {kind: {target: note.model_dump(mode="json")
                                    for target, note in section.items()}
                             for kind, section in notes.sections.items()}
        document["views"] = {name: view.model_dump() for name, view in notes.views.items()}
        document["track_records"] = track_records_record(source_records(analysis, notes))
    return document


def _document_record(document: Document, archives: ArchiveChecks) -> dict[str, Any]:
    """A document, with what became of its archived copy (`copy`: checked, absent,
    changed, unreadable, none) and how many of the quotes citing it were found there."""
    copy = archives.copies.get(document.id)
    return {"id": document.id, "title": document.title, "url": document.url,
            "published": date_record(document.published), "archived": document.archived,
            "sha256": document.sha256, "note": document.note,
            "copy": copy.state if copy else None,
            "quotes": len(copy.claims) if copy else 0,
            "verified": copy.verified if copy else 0}


def _event_records(catalog: Catalog, records: Records) -> Iterator[dict[str, Any]]:
    """The events in the Timeline's order (by date, then id)."""
    events = catalog.events
    for e in sorted(events.values(), key=lambda e: (e.date.sort_key, e.id)):
        yield {"id": e.id, "timeline": timeline_of(e), "date": records.date(e.date),
               "title": e.title, "place": e.place, "tags": e.tags, "summary": e.summary,
               "note": e.note}


def _corroboration_records(analysis: Analysis) -> Iterator[dict[str, Any]]:
    """Per claim that agrees or contradicts, by id: the claims, or past
    LISTED_PER_CLAIM of them, their number."""
    corroboration = analysis.corroboration
    every: Iterable[tuple[str, Corroboration | Tally]] = (
        corroboration.every() if isinstance(corroboration, CorroborationIndex)
        else ((claim_id, corroboration[claim_id]) for claim_id in sorted(corroboration)))
    for claim_id, c in every:
        if not isinstance(c, Corroboration):  # past LISTED_PER_CLAIM: counted
            agreeing, free, agreeing_origins, contradicting, contradicting_origins = c
            yield {"claim": claim_id, "agreeing": agreeing, "independent_agreeing": free,
                   "agreeing_origins": agreeing_origins, "contradicting": contradicting,
                   "contradicting_origins": contradicting_origins}
            continue
        yield {"claim": c.claim, "agreeing": list(c.agreeing),
               "independent_agreeing": list(c.independent_agreeing),
               "agreeing_origins": c.agreeing_origins, "contradicting": list(c.contradicting),
               "contradicting_origins": c.contradicting_origins}


def json_text(value: Any, *, compact: bool = False) -> str:
    """`value` as JSON a person can read and diff: each entry of the top mapping, and
    each record of its lists and mappings, on a line of its own, the record itself on
    one line; with `compact`, all on one line. Every character outside ASCII is
    escaped, so that nothing in it is for a terminal to act on."""
    return "".join(json_parts(value, compact=compact))


def encoded(value: Any) -> str:
    """`value` as compact JSON in ASCII: by orjson, in C; what it refuses (a lone
    surrogate, an integer past 64 bits, a key that is not text) or what holds a
    character outside ASCII (which orjson writes as UTF-8) by the standard encoder,
    which escapes it."""
    try:
        data = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return _ascii_encode(value)
    return data.decode("ascii") if data.isascii() else _ascii_encode(value)


_ascii_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def json_parts(value: Any, *, compact: bool = False) -> Iterator[str]:
    """`json_text`, a piece at a time; a `Stream` is written as it is read, a record
    at a time (each encoded on its own, the framing written here)."""
    if compact:
        yield from _compact_parts(value)
        yield "\n"
        return

    def block(item: Any, margin: str) -> Iterator[str]:
        inner = ",\n" + margin + "  "
        if isinstance(item, Stream):
            first = "[\n" + margin + "  "
            for record in item.items:
                yield first + encoded(record)
                first = inner
            yield "[]" if first != inner else f"\n{margin}]"
        elif isinstance(item, list) and item:
            yield "[\n" + margin + "  " + inner.join(encoded(x) for x in item) + f"\n{margin}]"
        elif isinstance(item, dict) and item:
            yield "{\n" + margin + "  " + inner.join(f"{encoded(str(k))}: {encoded(v)}"
                                                    for k, v in item.items()) + f"\n{margin}}}"
        else:
            yield encoded(item)

    if isinstance(value, dict):
        yield "{\n"
        for n, (key, item) in enumerate(value.items()):
            yield ("" if n == 0 else ",\n") + f"  {encoded(str(key))}: "
            yield from block(item, "  ")
        yield "\n}\n"
        return
    yield from block(value, "")
    yield "\n"


def _compact_parts(value: Any) -> Iterator[str]:
    """`json_parts` on one line: a mapping's entries and a `Stream`'s records written
    one by one, anything else encoded whole."""
    if isinstance(value, Stream):
        first = "["
        for record in value.items:
            yield first + encoded(record)
            first = ","
        yield "[]" if first == "[" else "]"
    elif isinstance(value, dict) and any(isinstance(v, Stream) for v in value.values()):
        first = "{"
        for key, item in value.items():
            yield first + encoded(str(key)) + ":"
            yield from _compact_parts(item)
            first = ","
        yield "}"
    else:
        yield encoded(value)
