"""What the exports share: a date as ISO text, and the claims a claim contradicts (the
JSON's `contradicts`, the CSV's column of the same name)."""

from __future__ import annotations

from datetime import date

from contested.engine.analysis import Analysis
from contested.engine.corroboration import LISTED_PER_CLAIM
from contested.format.model import Claim


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def contradicted_by(analysis: Analysis, claim: Claim) -> list[str] | int:
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
