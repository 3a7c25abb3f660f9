"""Track records as people read them: each source's record from the resolved
contradictions (`contested.review.track_record`), asked of the engine's contradictions
and the catalog's claims, and worded for the Sources pane, a source's detail and the
exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.format.model import Claim
from contested.present.wording import source_names, value_text
from contested.review.notes import Notes
from contested.review.track_record import (
    Disagreement,
    TrackRecord,
    Verdict,
    disagreements,
    track_records,
)

MINUS = "\u2212"
"""The minus sign of `+3 −1` (a hyphen reads as a dash between words)."""
DISAGREES = "\u2260"
"""`B +0 −3 ≠`: the mark of a record that disagrees with the grade beside it."""
GRADE_WORDS = {"A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
               "D": "not usually reliable", "E": "unreliable",
               "F": "reliability cannot be judged"}
"""The Admiralty reliability grades, as the code names them."""


@dataclass(frozen=True)
class SourceRecords:
    """Every source's track record, and those that disagree with their grade."""

    records: dict[str, TrackRecord] = field(default_factory=dict)
    disagreements: dict[str, Disagreement] = field(default_factory=dict)


def source_records(analysis: Analysis, notes: Notes | None) -> SourceRecords:
    """The track records the notes' resolved contradictions give the catalog's sources
    (none without notes, or before the engine has found the contradictions)."""
    if notes is None or not analysis.complete:
        return SourceRecords()
    catalog = analysis.catalog

    def claims_of(contradiction_id: str) -> Sequence[str] | None:
        found = analysis.contradictions.get(contradiction_id)
        return found.claims if found is not None else None

    def sources_of(claim_id: str) -> Sequence[str] | None:
        claim = catalog.claims.get(claim_id)
        return claim.source if claim is not None else None

    records = track_records(notes, claims_of, sources_of)
    grades = {s: catalog.sources[s].reliability for s in records if s in catalog.sources}
    return SourceRecords(records, {d.source: d for d in disagreements(records, grades)})


def record_text(record: TrackRecord | None) -> str:
    """`+3 −1`: upheld, then overruled; empty without a record."""
    if record is None:
        return ""
    return f"+{record.upheld} {MINUS}{record.overruled}"


def grade_text(grade: str, source_id: str, records: SourceRecords) -> str:
    """`B +3 −1`, `A +0 −3 ≠` (the record disagrees with the grade), `F` (no record): the
    Sources pane's REL cell."""
    record = records.records.get(source_id)
    if record is None:
        return grade
    mark = f" {DISAGREES}" if source_id in records.disagreements else ""
    return f"{grade} {record_text(record)}{mark}"


def _times(count: int) -> str:
    return f"{count} resolved contradiction{'s' * (count != 1)}"


def record_summary(record: TrackRecord) -> str:
    """`+3 −1: its claim preferred in 3, another source's in 1 (4 resolved
    contradictions)`, and those where it was on both sides."""
    said = (f"{record_text(record)}: its claim preferred in {record.upheld}, another "
            f"source's in {record.overruled} ({_times(len(record.verdicts))})")
    if record.split:
        said += f"; on both sides of {record.split} (not counted)"
    return said


def disagreement_text(found: Disagreement) -> str:
    """Why a record disagrees with its grade, in a sentence without the source's name."""
    record, grade = found.record, found.grade
    if found.direction == "worse":
        return (f"graded {grade} ({GRADE_WORDS[grade]}), yet not preferred in "
                f"{_times(record.overruled)} and preferred in {record.upheld}: its record "
                "says less than its grade")
    return (f"graded {grade} ({GRADE_WORDS[grade]}), yet preferred in "
            f"{_times(record.upheld)} and not in {record.overruled}: its record says more "
            "than its grade")


def _said(catalog: Catalog, claim: Claim | None, claim_id: str) -> str:
    if claim is None:
        return claim_id
    value = value_text(catalog, claim) if claim.value is not None else claim.text
    return f"{source_names(catalog, claim)}: {value}"


def verdict_text(analysis: Analysis, verdict: Verdict) -> str:
    """`+1 preferred Oleksandr Syrsky: under-control over Zombie: rout`: one resolved
    contradiction, as it bore on the source whose detail lists it."""
    catalog = analysis.catalog
    found = analysis.contradictions.get(verdict.contradiction)
    others = [c for c in (found.claims if found is not None else ())
              if c != verdict.preferred]
    sign = {"for": "+1", "against": f"{MINUS}1", "both": "\u00b10"}[verdict.outcome]
    preferred = _said(catalog, catalog.claims.get(verdict.preferred), verdict.preferred)
    over = " and ".join(_said(catalog, catalog.claims.get(c), c) for c in others)
    return f"{sign} preferred {preferred} over {over}"


def record_fields(records: SourceRecords, source_id: str) -> list[tuple[str, str]]:
    """A source's detail fields: its record and, where it disagrees with its grade, why."""
    record = records.records.get(source_id)
    if record is None:
        return []
    fields = [("record", record_summary(record))]
    found = records.disagreements.get(source_id)
    if found is not None:
        fields.append(("warning", f"{DISAGREES} {disagreement_text(found)}"))
    return fields


def verdict_labels(analysis: Analysis, records: SourceRecords, source_id: str
                   ) -> list[tuple[str, str]]:
    """The resolved contradictions that made a source's record: (label, contradiction id)."""
    record = records.records.get(source_id)
    return [(verdict_text(analysis, v), v.contradiction)
            for v in (record.verdicts if record is not None else ())]
