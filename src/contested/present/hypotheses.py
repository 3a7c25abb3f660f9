"""Competing hypotheses as people read them: the ranking, the sensitivity line, the dates a
matrix covers, the matrix as text fitted to a width, and as records for `--json`.

The engine (`contested.engine.hypotheses`) scores; the analyst's ratings come from the
review notes, read here (the engine does not know the notes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from contested.engine.analysis import Analysis
from contested.engine.hypotheses import Matrix, Weights, competing_hypotheses
from contested.format.dates import FuzzyDate
from contested.review.notes import Notes
from contested.support.text import printable

RATING_KEYS: dict[str, str | None] = {"plus": "CC", "equals_sign": "C", "0": "N",
                                      "minus": "I", "underscore": "II",
                                      "delete": None}
"""The explorer's keys that rate a cell: `+` CC, `=` C, `0` N, `-` I, `_` II, delete
back to the default. None of them is a pane, notes or search key (1-5, t a m p / n N)."""


def overrides_of(notes: Notes | None) -> dict[str, Mapping[str, str]]:
    """Claim id -> hypothesis -> rating, as kept in the claims' notes."""
    if notes is None:
        return {}
    return {claim: note.ratings for claim, note in notes.sections["claims"].items()
            if note.ratings}


def matrix_of(analysis: Analysis, question_id: str, notes: Notes | None = None,
              weights: Weights | None = None, as_of: FuzzyDate | None = None) -> Matrix:
    return competing_hypotheses(analysis.catalog, analysis.contradictions, question_id,
                                overrides=overrides_of(notes), weights=weights, as_of=as_of)


def questions_with_contradictions(analysis: Analysis, *, category_only: bool = False,
                                  ) -> list[str]:
    """The questions a matrix helps judge: those with contradictions, in the catalog's
    order (a question without rivals has nothing to weigh)."""
    disputed = analysis.contradictions.per_question()
    questions = analysis.catalog.questions
    return [q for q in questions.ids if q in disputed
            and (not category_only or questions[q].kind == "category")]


# --- words -----------------------------------------------------------------------------------

def unit_label(matrix: Matrix, label: str) -> str:
    return f"{label} {matrix.unit}" if matrix.unit else label


def score_text(score: float) -> str:
    return f"{score:.2f}"


def _span(window: tuple[date | None, date | None]) -> str:
    low, high = window
    if low is None and high is None:
        return "any date"
    if low is None:
        return f"until {high}"
    if high is None:
        return f"from {low}"
    return str(low) if low == high else f"{low} to {high}"


def window_line(matrix: Matrix) -> str:
    """Which dates the matrix covers, and why those."""
    if matrix.window is None:
        line = "Dates: every claim (the question has no contradiction to date it by)"
    elif matrix.asked:
        line = f"Dates: {_span(matrix.window)} (as asked)"
    else:
        line = f"Dates: {_span(matrix.window)} (where its contradictions are)"
    if matrix.left_out:
        line += (f"; {matrix.left_out} claim{'s' * (matrix.left_out != 1)} at other "
                 "dates left out")
    if matrix.other_windows:
        line += ("; also disputed: " + ", ".join(_span(w) for w in matrix.other_windows)
                 + " (--as-of DATE)")
    return line


def _names(labels: Sequence[str], matrix: Matrix) -> str:
    shown = [unit_label(matrix, label) for label in labels]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def leader_line(matrix: Matrix) -> str:
    leaders = matrix.leaders
    if not matrix.evidence:
        return "No evidence: no claim with a value at these dates"
    least = score_text(min(matrix.scores))
    if len(leaders) == 1:
        return f"Leads: {unit_label(matrix, leaders[0])} (least inconsistency, {least})"
    return f"No single leader: {_names(leaders, matrix)} tie at {least}"


def ranking_line(matrix: Matrix) -> str:
    """`1. serious 0.50 · 2. under-control 0.80 · 3. rout 0.80`."""
    return " · ".join(f"{n}. {unit_label(matrix, matrix.hypotheses[h].label)} "
                      f"{score_text(matrix.scores[h])}"
                      for n, h in enumerate(matrix.ranking, start=1))


def sensitivity_line(matrix: Matrix, speaker_name: Mapping[str, str]) -> str:
    """Which single speaker, dropped, changes the leader."""
    if not matrix.evidence:
        return "Sensitivity: nothing to weigh"
    if not matrix.sensitivity:
        return "Sensitivity: no single speaker, dropped, changes the leader"
    parts = []
    for swing in matrix.sensitivity:
        who = speaker_name.get(swing.speaker, swing.speaker)
        if len(swing.leaders) == 1:
            parts.append(f"dropping {who} makes {unit_label(matrix, swing.leaders[0])} lead")
        else:
            parts.append(f"dropping {who} leaves a tie ({_names(swing.leaders, matrix)})")
    return "Sensitivity: " + "; ".join(parts)


def orphan_lines(matrix: Matrix) -> list[str]:
    """Ratings kept in the notes on hypotheses this matrix no longer has."""
    return [f"Orphaned rating (kept in the notes): claim {o.claim}, {o.hypothesis}: "
            f"{o.rating}" for o in matrix.orphans]


def speaker_names(analysis: Analysis) -> dict[str, str]:
    return {s.id: s.name for s in analysis.catalog.sources.values()}


def header_lines(matrix: Matrix, analysis: Analysis) -> list[str]:
    """What is read above the matrix: the question, its dates, the leader, the ranking
    and the sensitivity line (plain text; callers make it safe for their output)."""
    question = analysis.catalog.questions[matrix.question]
    return [f"{matrix.question}: {question.text}", window_line(matrix), leader_line(matrix),
            "Ranking (weighted inconsistency, least first): " + ranking_line(matrix),
            sensitivity_line(matrix, speaker_names(analysis)), *orphan_lines(matrix)]


# --- the matrix as text ----------------------------------------------------------------------

def cut(text: str, width: int) -> str:
    """`text` in `width` characters at most, cut with `…`."""
    if len(text) <= width:
        return text
    return text[:max(width - 1, 0)] + "…" if width > 0 else ""


def evidence_label(evidence_claim: str, speakers: Sequence[str],
                   speaker_name: Mapping[str, str]) -> str:
    names = ", ".join(speaker_name.get(s, s) for s in speakers)
    return f"{names}: {evidence_claim}"


def matrix_lines(matrix: Matrix, analysis: Analysis, width: int | None = None) -> list[str]:
    """The matrix as columns of text, hypotheses across, evidence down (most diagnostic
    first), fitted to `width`: labels are cut with `…`, and hypotheses that do not fit
    are named on a line of their own (`--json` has them all)."""
    names = speaker_names(analysis)
    width = width or 120
    labels = [unit_label(matrix, h.label) for h in matrix.hypotheses]
    rows = [(evidence_label(e.claim, e.speakers, names), f"{e.weight:.2f}",
             str(e.diagnosticity),
             [r + ("*" if o else "") for r, o in zip(e.ratings, e.overridden, strict=True)])
            for e in matrix.evidence]
    # Hypotheses' labels give way first (to 8), then the evidence (to 20), then the
    # hypotheses that still do not fit are named below.
    cell = max([4, *(min(len(label), 14) for label in labels)])
    evidence_width = max([8, *(len(r[0]) for r in rows)])
    room = width - 12 - min(evidence_width, 20)
    if labels and (cell + 1) * len(labels) > room:
        cell = max(min(cell, 8), room // len(labels) - 1)
    evidence_width = min(evidence_width, max(20, width - 12 - (cell + 1) * len(labels)))
    fits = max(1, (width - evidence_width - 12) // (cell + 1))
    shown = list(range(min(fits, len(labels))))
    head = (f"{'EVIDENCE':<{evidence_width}} {'WEIGHT':>6} {'D':>2} "
            + " ".join(f"{cut(labels[h], cell):<{cell}}" for h in shown))
    lines = [head.rstrip()]
    for label, weight, diagnosticity, ratings in rows:
        lines.append((f"{cut(label, evidence_width):<{evidence_width}} {weight:>6} "
                      f"{diagnosticity:>2} "
                      + " ".join(f"{ratings[h]:<{cell}}" for h in shown)).rstrip())
    score = (f"{'SCORE':<{evidence_width}} {'':>6} {'':>2} "
             + " ".join(f"{score_text(matrix.scores[h]):<{cell}}" for h in shown))
    lines.append(score.rstrip())
    if len(shown) < len(labels):
        more = len(labels) - len(shown)
        lines.append(f"({more} more hypothes{'e' if more == 1 else 'i'}s: "
                     + ", ".join(labels[len(shown):]) + "; --json has every column)")
    lines.append("Ratings: CC very consistent, C consistent, N not applicable, "
                 "I inconsistent (1), II very inconsistent (2); * given by the analyst. "
                 "D: diagnosticity, the spread of a row's ratings (CC +2 ... II -2)")
    return [printable(line) for line in lines]


# --- records ---------------------------------------------------------------------------------

def matrix_record(matrix: Matrix, analysis: Analysis) -> dict[str, Any]:
    """One question's matrix as plain data, for `contested hypotheses --json`."""
    names = speaker_names(analysis)

    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "question": matrix.question,
        "kind": matrix.kind,
        "unit": matrix.unit,
        "dates": None if matrix.window is None else {
            "from": day(matrix.window[0]), "to": day(matrix.window[1]),
            "asked": matrix.asked},
        "claims_at_other_dates": matrix.left_out,
        "hypotheses": [
            {"label": h.label, "score": round(matrix.scores[n], 6),
             "rank": matrix.ranking.index(n) + 1} for n, h in enumerate(matrix.hypotheses)],
        "leaders": list(matrix.leaders),
        "evidence": [
            {"claim": e.claim, "speakers": list(e.speakers), "value": e.value,
             "weight": round(e.weight, 6), "diagnosticity": e.diagnosticity,
             "ratings": {h.label: r for h, r in zip(matrix.hypotheses, e.ratings,
                                                    strict=True)},
             "given": [h.label for h, o in zip(matrix.hypotheses, e.overridden,
                                               strict=True) if o]}
            for e in matrix.evidence],
        "sensitivity": [{"speaker": s.speaker, "name": names.get(s.speaker, s.speaker),
                         "leaders": list(s.leaders)} for s in matrix.sensitivity],
        "orphaned_ratings": [{"claim": o.claim, "hypothesis": o.hypothesis,
                              "rating": o.rating} for o in matrix.orphans],
    }


def report_lines(analysis: Analysis, notes: Notes | None = None) -> list[str]:
    """The markdown report's section: per category question with contradictions, the
    ranking with scores and the sensitivity line (text, escaped by the caller)."""
    names = speaker_names(analysis)
    lines: list[str] = []
    for question_id in questions_with_contradictions(analysis, category_only=True):
        matrix = matrix_of(analysis, question_id, notes)
        question = analysis.catalog.questions[question_id]
        lines += [f"{question.text} ({question_id})", window_line(matrix),
                  leader_line(matrix), "Ranking: " + ranking_line(matrix),
                  sensitivity_line(matrix, names)]
    return lines
