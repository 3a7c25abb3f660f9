"""The CSV export: one row per claim, for a spreadsheet or pandas. Control characters
in a cell become visible stand-ins, and a cell a spreadsheet would read as a formula
is made text (`csv_cell`)."""

from __future__ import annotations

import csv
import io

from contested.engine.analysis import Analysis
from contested.export.common import contradicted_by, iso_date
from contested.format.quantities import format_number
from contested.present.wording import source_names
from contested.support.text import csv_cell

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
            iso_date(said.earliest) if said else "",
            iso_date(said.latest) if said else "",
            when.text if when else "",
            iso_date(when.earliest) if when else "",
            iso_date(when.latest) if when else "",
            claim.about or "",
            quantity.text if quantity else claim.value if isinstance(claim.value, str)
            else "",
            _number(quantity.interval.low) if quantity else "",
            _number(quantity.interval.high) if quantity else "",
            question.unit if question and question.unit else "",
            claim.credibility,
            claim.text,
            claim.quote or "",
            _contradicts_cell(contradicted_by(analysis, claim)),
        )])
    return out.getvalue()


def _contradicts_cell(others: list[str] | int) -> str:
    """The ids, space-separated; past LISTED_PER_CLAIM, `(12000 claims)` (no id has a
    bracket or a space: the two read apart)."""
    return f"({others} claims)" if isinstance(others, int) else " ".join(others)


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)
