"""The CSV export: one row per claim, for a spreadsheet or pandas. Control characters
in a cell become visible stand-ins, and a cell a spreadsheet would read as a formula
is made text (`csv_cell`).

Written as it is made (`csv_parts`), a few thousand rows at a time: the claims of a
big catalog are never held, as claims or as text."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from contested.catalog.archives import ArchiveChecks
from contested.engine.analysis import Analysis
from contested.export.common import ContradictedBy, Remembered, iso_date, timeline_of
from contested.format.model import Claim
from contested.format.quantities import format_number
from contested.present.wording import source_names
from contested.support.text import csv_cell

CSV_COLUMNS = (
    "id", "timeline", "sources", "source_ids", "via", "event",
    "said", "said_earliest", "said_latest", "as_of", "as_of_earliest", "as_of_latest",
    "question", "value", "value_low", "value_high", "unit", "credibility",
    "text", "quote", "contradicts", "document", "quote_check",
)
"""The columns; `document` and `quote_check` (is the quote in the document's archived
copy: verified, not-found, unchecked) came later, so they come last."""

ROWS_AT_ONCE = 2048
"""Rows written into one piece of text."""


def to_csv(analysis: Analysis) -> str:
    """One row per claim, with dates and figures as bounds; UTF-8, comma-separated."""
    return "".join(csv_parts(analysis))


def csv_parts(analysis: Analysis) -> Iterator[str]:
    """`to_csv`, `ROWS_AT_ONCE` rows at a time. A cell that repeats across claims
    (a timeline, the names of sources, a date as written, a question, a unit, a
    category) is made inert once; an ISO
    date, a figure's bound and a credibility are digits, which `csv_cell` leaves as
    they are."""
    catalog = analysis.catalog
    out = _Rows()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    inert = Remembered[str, Any](csv_cell)
    named: dict[tuple[str, ...], str] = {}

    def names(claim: Claim) -> str:
        sources = tuple(claim.source)
        cell = named.get(sources)
        if cell is None:
            cell = named[sources] = csv_cell(source_names(catalog, claim))
        return cell

    questions = catalog.questions
    contradicted_by = ContradictedBy(analysis)
    quotes = ArchiveChecks.of(catalog).quotes
    for row, claim in enumerate(catalog.claims.each()):  # read once, none kept
        question = questions.get(claim.about) if claim.about else None
        quantity = claim.quantity
        said, when = claim.said, claim.when
        interval = quantity.interval if quantity else None
        writer.writerow((
            csv_cell(claim.id),
            inert(timeline_of(claim) or ""),
            names(claim),
            inert(" ".join(claim.source)),
            inert(" ".join(claim.via)),
            csv_cell(claim.event) if claim.event else "",
            inert(said.text) if said else "",
            iso_date(said.earliest) or "" if said else "",
            iso_date(said.latest) or "" if said else "",
            inert(when.text) if when else "",
            iso_date(when.earliest) or "" if when else "",
            iso_date(when.latest) or "" if when else "",
            inert(claim.about or ""),
            csv_cell(quantity.text) if quantity else inert(claim.value)
            if isinstance(claim.value, str) else "",
            _number(interval.low) if interval else "",
            _number(interval.high) if interval else "",
            inert(question.unit) if question and question.unit else "",
            claim.credibility,
            csv_cell(claim.text),
            csv_cell(claim.quote) if claim.quote else "",
            _contradicts_cell(contradicted_by(claim, row)),
            csv_cell(claim.document) if claim.document else "",
            quotes[claim.id].state if claim.document and claim.id in quotes else "",
        ))
        if (row + 1) % ROWS_AT_ONCE == 0:
            yield "".join(out)
            out.clear()
    yield "".join(out)


class _Rows(list[str]):
    """Where the CSV writer puts its rows until they are written: each row as its own
    text (a `StringIO` would hold them four bytes a character, in a buffer that grows)."""

    write = list.append


def _contradicts_cell(others: list[str] | int) -> str:
    """The ids, space-separated; past LISTED_PER_CLAIM, `(12000 claims)` (no id has a
    bracket or a space: the two read apart)."""
    return f"({others} claims)" if isinstance(others, int) else csv_cell(" ".join(others))


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)
