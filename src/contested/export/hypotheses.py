"""Competing hypotheses in the markdown report: under a category question with
contradictions, its ranking with scores and the sensitivity line (the matrix itself is
`contested hypotheses`' and the explorer's: a report reader wants the verdict and how
firm it is)."""

from __future__ import annotations

from collections.abc import Iterator

from contested.engine.analysis import Analysis
from contested.format.model import Question
from contested.present.hypotheses import (
    leader_line,
    matrix_of,
    ranking_line,
    sensitivity_line,
    speaker_names,
    window_line,
)
from contested.review.notes import Notes
from contested.support.text import md_text


def markdown_lines(analysis: Analysis, question: Question, notes: Notes | None,
                   disputed: bool) -> Iterator[str]:
    """`**Competing hypotheses:**` and its lines, for a category question in dispute."""
    if question.kind != "category" or not disputed:
        return
    matrix = matrix_of(analysis, question.id, notes)
    if not matrix.evidence:
        return
    yield from ["**Competing hypotheses** (weighted inconsistency, least first):", ""]
    for line in (window_line(matrix), leader_line(matrix),
                 "Ranking: " + ranking_line(matrix),
                 sensitivity_line(matrix, speaker_names(analysis))):
        yield f"- {md_text(line)}"
    yield ""
