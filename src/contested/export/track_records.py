"""Track records in the exports (with the review notes): a section of the markdown
report, lines of its warnings, and the json export's `track_records`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contested.engine.analysis import Analysis
from contested.present.track_records import (
    SourceRecords,
    disagreement_text,
    record_summary,
    verdict_text,
)
from contested.support.text import md_code, md_text

RULE = ("Each resolved contradiction with a preferred claim counts +1 for the sources of "
        "the preferred claim and \u22121 for the sources of the others; a source on both "
        "sides counts neither way.")
"""How a record is made, said once above the records."""


def _source(analysis: Analysis, source_id: str) -> str:
    source = analysis.catalog.sources.get(source_id)
    name = f" ({md_text(source.name)})" if source is not None else ""
    return f"source {md_code(source_id)}{name}"


def markdown_lines(analysis: Analysis, records: SourceRecords) -> Iterator[str]:
    """`## Track records`: per source its record, then the contradictions that made it."""
    yield from ["## Track records", ""]
    if not records.records:
        yield from ["No resolved contradiction with a preferred claim.", ""]
        return
    yield from [RULE, ""]
    sources = analysis.catalog.sources
    for source_id, record in records.records.items():
        source = sources.get(source_id)
        grade = f", reliability {source.reliability}" if source is not None else ""
        yield f"- {_source(analysis, source_id)}{grade}: {md_text(record_summary(record))}"
        for verdict in record.verdicts:
            yield (f"  - {md_text(verdict_text(analysis, verdict))} "
                   f"({md_code(verdict.contradiction)})")
    yield ""


def warning_lines(analysis: Analysis, records: SourceRecords) -> list[str]:
    """A line of the report's warnings per record that disagrees with its grade."""
    return [f"- {_source(analysis, source_id)}: track record "
            f"{md_text(disagreement_text(found))}"
            for source_id, found in records.disagreements.items()]


def json_record(records: SourceRecords) -> dict[str, Any]:
    """`track_records` of the json export: every record with its contradictions, and
    the records that disagree with their grade."""
    return {
        "records": [
            {"source": record.source, "for": record.upheld, "against": record.overruled,
             "both_sides": record.split,
             "contradictions": [{"id": v.contradiction, "preferred": v.preferred,
                                 "outcome": v.outcome} for v in record.verdicts]}
            for record in records.records.values()],
        "disagreements": [
            {"source": d.source, "reliability": d.grade, "for": d.record.upheld,
             "against": d.record.overruled, "direction": d.direction,
             "message": disagreement_text(d)}
            for d in records.disagreements.values()],
    }
