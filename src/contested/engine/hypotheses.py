"""Competing hypotheses (Heuer's Analysis of Competing Hypotheses) from the claims of one
question: each answer is a hypothesis, each claim a piece of evidence rated against it.

By default a claim is consistent (C) with the hypotheses its value allows and inconsistent
(I) with the others; the analyst may rate any cell by hand (CC, C, N, I, II), and those
ratings come in as plain data (`overrides`: claim id -> hypothesis -> rating), since the
notes are kept by `contested.review`, beside the engine, not under it.

Scoring is Heuer's: only inconsistency counts (evidence agrees with many hypotheses at
once, so agreement proves little), I as 1 and II as 2, times the evidence's weight: the
speaker's reliability times the claim's credibility, from a table the analyst may replace
(`weights.toml`). A speaker (each source of a claim; relays are not speakers) counts once
per hypothesis, at its heaviest cell, so that one voice repeated is not a chorus. The
hypothesis with the least weighted inconsistency ranks first.

Claims at different dates are not rivals (a front line that moves is a series, not a
dispute): a matrix holds the claims whose dates overlap one window, by default the span
where the question's contradictions are.

Data only: `contested.present.hypotheses` words it.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, cast

from contested.catalog.catalog import Catalog
from contested.engine.contradictions import Contradiction, ContradictionGroup, Contradictions
from contested.format.dates import FuzzyDate
from contested.format.model import Claim, Question
from contested.format.quantities import Interval, shown_number
from contested.support.dirs import config_dir
from contested.support.files import Refused, read_regular

Rating = Literal["CC", "C", "N", "I", "II"]
RATINGS: tuple[Rating, ...] = ("CC", "C", "N", "I", "II")
"""ACH's ratings: very consistent, consistent, not applicable, inconsistent, very
inconsistent."""
INCONSISTENCY: dict[str, int] = {"CC": 0, "C": 0, "N": 0, "I": 1, "II": 2}
"""What a rating adds to its hypothesis's score (Heuer counts inconsistency only)."""
LEANING: dict[str, int] = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2}
"""A rating on one scale, for diagnosticity: a row's diagnosticity is the spread (highest
minus lowest) of its ratings on this scale, 0 for a row rated alike everywhere (it
tells the hypotheses apart not at all), 4 at most (CC against II)."""

QUANTITY_HYPOTHESES = 12
"""The most hypotheses a quantity question is cut into: beyond, the narrowest neighbours
are merged (a matrix wider than this is not read, on a screen or on paper)."""

RELIABILITY_WEIGHTS: dict[str, float] = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2,
                                         "F": 0.5}
"""A source's Admiralty reliability -> weight; F (cannot be judged) sits midway."""
CREDIBILITY_WEIGHTS: dict[int, float] = {1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6: 0.5}
"""A claim's Admiralty credibility -> weight; 6 (cannot be judged) sits midway."""

WEIGHTS_LIMIT = 1 << 20
"""A weights file is a dozen lines; a bigger file is not one."""


@dataclass(frozen=True)
class Weights:
    """What a piece of evidence weighs: reliability weight times credibility weight."""

    reliability: Mapping[str, float] = field(
        default_factory=lambda: dict(RELIABILITY_WEIGHTS))
    credibility: Mapping[int, float] = field(
        default_factory=lambda: dict(CREDIBILITY_WEIGHTS))

    def of(self, reliability: str, credibility: int) -> float:
        return self.reliability[reliability] * self.credibility[credibility]


def default_weights_path() -> Path:
    return config_dir() / "weights.toml"


def load_weights(path: Path, *, named: bool = False) -> tuple[Weights, str | None]:
    """The weights in `path` (a TOML file with tables `[reliability]`, A-F, and
    `[credibility]`, 1-6; a grade left out keeps its default), and a problem to report.

    A broken file is reported and ignored, never fatal; a missing one is no problem unless
    it was `named` by the user (`--weights FILE`)."""
    try:
        document = tomllib.loads(read_regular(path, WEIGHTS_LIMIT).decode("utf-8"))
    except Refused as refused:
        if refused.missing and not named:
            return Weights(), None
        return Weights(), f"weights {path} were ignored: {refused.reason}"
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Weights(), f"weights {path} were ignored: {error}"
    reliability, credibility = dict(RELIABILITY_WEIGHTS), dict(CREDIBILITY_WEIGHTS)
    bad: list[str] = []
    unknown = sorted(set(document) - {"reliability", "credibility"})
    bad += unknown
    for table, into, grade_of in (("reliability", reliability, _reliability_grade),
                                  ("credibility", credibility, _credibility_grade)):
        given = document.get(table, {})
        if not isinstance(given, dict):
            bad.append(table)
            continue
        for key, value in given.items():
            grade = grade_of(str(key))
            if (grade is None or isinstance(value, bool) or not isinstance(value, int | float)
                    or not math.isfinite(value) or value < 0):
                bad.append(f"{table}.{key}")
                continue
            cast("dict[object, float]", into)[grade] = float(value)
    problem = f"weights {path}: ignored entries {', '.join(bad)}" if bad else None
    return Weights(reliability, credibility), problem


def _reliability_grade(key: str) -> str | None:
    return key.upper() if key.upper() in RELIABILITY_WEIGHTS else None


def _credibility_grade(key: str) -> int | None:
    return int(key) if key in {str(n) for n in CREDIBILITY_WEIGHTS} else None


# --- the matrix ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Hypothesis:
    """One possible answer: a category value, or an interval of figures."""

    label: str
    """What it is called, and the key of an analyst's rating: the value, or the interval
    (`285–315`, `1330 or more`) without the unit."""
    interval: Interval | None = None


@dataclass(frozen=True)
class Evidence:
    """One claim as a row of the matrix."""

    claim: str
    speakers: tuple[str, ...]
    value: str
    """The claim's value as written (a figure in words for a quantity question)."""
    weight: float
    """Its heaviest speaker's weight."""
    ratings: tuple[Rating, ...]
    """One per hypothesis, in the matrix's order of hypotheses."""
    overridden: tuple[bool, ...]
    """Which of the ratings the analyst gave (the others are the defaults)."""
    diagnosticity: int


@dataclass(frozen=True)
class Swing:
    """A speaker whose claims, dropped, change the leader: to whom."""

    speaker: str
    leaders: tuple[str, ...]


@dataclass(frozen=True)
class Orphan:
    """An analyst's rating on a hypothesis that this matrix no longer has."""

    claim: str
    hypothesis: str
    rating: str


@dataclass(frozen=True)
class Matrix:
    """The competing hypotheses of one question over one window of dates."""

    question: str
    kind: str
    unit: str | None
    window: tuple[date | None, date | None] | None
    """The days the matrix covers (None: every claim, whatever its date)."""
    asked: bool
    """The window was asked for (`--as-of`), not taken from the contradictions."""
    hypotheses: tuple[Hypothesis, ...]
    evidence: tuple[Evidence, ...]
    """Most diagnostic first, then heaviest."""
    scores: tuple[float, ...]
    """Weighted inconsistency per hypothesis, in the order of `hypotheses`."""
    ranking: tuple[int, ...]
    """Hypotheses' positions, least inconsistent first."""
    sensitivity: tuple[Swing, ...]
    orphans: tuple[Orphan, ...]
    left_out: int
    """Claims of the question outside the window."""
    other_windows: tuple[tuple[date | None, date | None], ...] = ()
    """Other spans where the question's contradictions are (`--as-of` shows them)."""

    @property
    def leaders(self) -> tuple[str, ...]:
        return _leaders(self.hypotheses, self.scores)


def _leaders(hypotheses: Sequence[Hypothesis], scores: Sequence[float]) -> tuple[str, ...]:
    """The hypotheses tied for the least inconsistency (none when there is no evidence)."""
    if not scores:
        return ()
    least = min(scores)
    return tuple(h.label for h, s in zip(hypotheses, scores, strict=True)
                 if math.isclose(s, least, abs_tol=1e-9))


Overrides = Mapping[str, Mapping[str, str]]
"""Claim id -> hypothesis label -> rating, as the analyst gave them."""


def competing_hypotheses(catalog: Catalog, contradictions: Contradictions, question_id: str,
                         *, overrides: Overrides | None = None, weights: Weights | None = None,
                         as_of: FuzzyDate | None = None) -> Matrix:
    """The matrix of one question: its hypotheses, its claims (those of the window) rated
    against them, the scores, the ranking and the speakers the leader rests on."""
    question = catalog.questions[question_id]
    weights = weights or Weights()
    overrides = overrides or {}
    claims = _claims_of(catalog, contradictions, question_id)
    others: tuple[tuple[date | None, date | None], ...] = ()
    if as_of is not None:
        window: tuple[date | None, date | None] | None = (as_of.earliest, as_of.latest)
    else:
        spans = _disputed_spans(catalog, contradictions, question_id)
        window = spans[0] if spans else None
        others = tuple(spans[1:])
    kept = [c for c in claims if c.value is not None
            and (window is None or c.when is None or _overlaps(c.when, window))]
    hypotheses = _hypotheses(question, kept)
    labels = [h.label for h in hypotheses]
    rows: list[Evidence] = []
    # Per speaker, per hypothesis: its heaviest weighted inconsistency.
    heaviest: dict[str, list[float]] = {}
    orphans: list[Orphan] = []
    for claim in kept:
        given = overrides.get(claim.id, {})
        orphans += [Orphan(claim.id, label, rating) for label, rating in given.items()
                    if label not in labels]
        defaults = _default_ratings(question, claim, hypotheses)
        ratings = tuple(cast(Rating, given.get(h.label, d)) if given.get(h.label) in RATINGS
                        else d for h, d in zip(hypotheses, defaults, strict=True))
        overridden = tuple(given.get(h.label) in RATINGS for h in hypotheses)
        speakers = tuple(dict.fromkeys(claim.source))
        speaker_weights = [weights.of(_reliability(catalog, s), claim.credibility)
                           for s in speakers]
        for speaker, weight in zip(speakers, speaker_weights, strict=True):
            cells = heaviest.setdefault(speaker, [0.0] * len(hypotheses))
            for n, rating in enumerate(ratings):
                cells[n] = max(cells[n], INCONSISTENCY[rating] * weight)
        leaning = [LEANING[r] for r in ratings]
        rows.append(Evidence(
            claim=claim.id, speakers=speakers, value=_value_text(claim),
            weight=max(speaker_weights), ratings=ratings, overridden=overridden,
            diagnosticity=max(leaning) - min(leaning) if leaning else 0))
    rows.sort(key=lambda e: (-e.diagnosticity, -e.weight, e.claim))
    scores = tuple(sum(cells[n] for cells in heaviest.values())
                   for n in range(len(hypotheses)))
    ranking = tuple(sorted(range(len(hypotheses)), key=lambda n: (round(scores[n], 9), n)))
    leaders = _leaders(hypotheses, scores)
    swings: list[Swing] = []
    for speaker in sorted(heaviest):
        dropped = tuple(s - c for s, c in zip(scores, heaviest[speaker], strict=True))
        after = _leaders(hypotheses, dropped)
        if set(after) != set(leaders):
            swings.append(Swing(speaker, after))
    return Matrix(
        question=question_id, kind=question.kind, unit=question.unit, window=window,
        asked=as_of is not None, hypotheses=tuple(hypotheses), evidence=tuple(rows),
        scores=scores, ranking=ranking, sensitivity=tuple(swings), orphans=tuple(orphans),
        left_out=len(claims) - len(kept), other_windows=others)


def _reliability(catalog: Catalog, source_id: str) -> str:
    source = catalog.sources.get(source_id)
    return source.reliability if source is not None else "F"


def _value_text(claim: Claim) -> str:
    quantity = claim.quantity
    if quantity is not None:
        return quantity.text
    return claim.value if isinstance(claim.value, str) else ""


def _claims_of(catalog: Catalog, contradictions: Contradictions, question_id: str,
               ) -> list[Claim]:
    """The claims that answer the question (for a per-event question, those of its
    event), in the catalog's order."""
    table = contradictions.table
    index = table.question_index.get(question_id)
    if index is None:
        return []
    rows = (table.question == index).nonzero()[0].tolist()
    # Each made for this look and let go unless already kept: an export ranks every
    # question in dispute, and must not keep claims its contradictions do not read.
    return [catalog.claims.peek(row) for row in rows]


# --- dates -----------------------------------------------------------------------------------

def _overlaps(when: FuzzyDate, window: tuple[date | None, date | None]) -> bool:
    earliest, latest = window
    if latest is not None and when.earliest is not None and when.earliest > latest:
        return False
    return not (earliest is not None and when.latest is not None and when.latest < earliest)


def _common(dates: Sequence[FuzzyDate | None]) -> tuple[date | None, date | None]:
    """The days all of `dates` share (an undated claim shares every day)."""
    lows = [d.earliest for d in dates if d is not None and d.earliest is not None]
    highs = [d.latest for d in dates if d is not None and d.latest is not None]
    return (max(lows) if lows else None, min(highs) if highs else None)


def _disputed_spans(catalog: Catalog, contradictions: Contradictions, question_id: str,
                    ) -> list[tuple[date | None, date | None]]:
    """The spans of days where the question's contradictions are (each contradiction's
    common days, overlapping ones joined), the one with most contradictions first (the
    latest, between equals)."""
    windows: list[tuple[date | None, date | None]] = []
    for name, start, end in contradictions.listed_runs():
        if name != question_id:
            continue
        for n in range(start, end):
            entry = contradictions.listed_at(n)
            if isinstance(entry, ContradictionGroup):
                windows += [(entry.earliest, entry.latest)] * entry.count
            elif isinstance(entry, Contradiction):
                claims = catalog.claims
                dates = [claims.peek(row).when for row in map(claims.row, entry.claims)
                         if row is not None]
                windows.append(_common(dates))
    if not windows:
        return []
    windows.sort(key=lambda w: (w[0] or date.min, w[1] or date.max))
    spans: list[tuple[tuple[date | None, date | None], int]] = []
    for low, high in windows:
        if spans:
            (first, last), count = spans[-1]
            if last is None or low is None or low <= last:
                reach = None if last is None or high is None else max(last, high)
                spans[-1] = ((first, reach), count + 1)
                continue
        spans.append(((low, high), 1))
    spans.sort(key=lambda s: (-s[1], -(s[0][1] or date.max).toordinal()))
    return [span for span, _ in spans]


# --- hypotheses ------------------------------------------------------------------------------

def _hypotheses(question: Question, claims: Sequence[Claim]) -> list[Hypothesis]:
    if question.kind == "category":
        values = question.values or sorted({c.value for c in claims
                                            if isinstance(c.value, str)})
        return [Hypothesis(str(v)) for v in dict.fromkeys(values)]
    intervals = [q.compared(question.tolerance) for c in claims
                 if (q := c.quantity) is not None]
    return [Hypothesis(_interval_label(i), i) for i in quantity_hypotheses(intervals)]


def _default_ratings(question: Question, claim: Claim,
                     hypotheses: Sequence[Hypothesis]) -> tuple[Rating, ...]:
    """C where the claim's value allows the hypothesis, I elsewhere."""
    if question.kind == "category":
        return tuple("C" if h.label == claim.value else "I" for h in hypotheses)
    quantity = claim.quantity
    compared = quantity.compared(question.tolerance) if quantity is not None else None
    return tuple("C" if compared is not None and h.interval is not None
                 and compared.intersects(h.interval) else "I" for h in hypotheses)


def quantity_hypotheses(intervals: Sequence[Interval],
                        most: int = QUANTITY_HYPOTHESES) -> list[Interval]:
    """The intervals the claims define: the line cut at every end of a claim's interval
    (each end a piece of its own, so that touching claims meet there), the pieces no claim
    allows left out, neighbouring pieces allowed by the same claims joined, then the
    narrowest neighbours joined until `most` are left."""
    ends = sorted({e for i in intervals for e in (i.low, i.high) if e is not None})
    pieces: list[Interval] = []
    if any(i.low is None for i in intervals) or not ends:
        pieces.append(Interval(None, ends[0] if ends else None, False, False))
    for n, end in enumerate(ends):
        pieces.append(Interval(end, end))
        following = ends[n + 1] if n + 1 < len(ends) else None
        if following is not None or any(i.high is None for i in intervals):
            pieces.append(Interval(end, following, False, False))
    allowed = [(piece, frozenset(n for n, i in enumerate(intervals) if i.intersects(piece)))
               for piece in pieces]
    joined: list[tuple[Interval, frozenset[int]]] = []
    for piece, claims in allowed:
        if not claims:
            continue
        if joined and joined[-1][1] == claims and _touching(joined[-1][0], piece):
            joined[-1] = (_join(joined[-1][0], piece), claims)
        else:
            joined.append((piece, claims))
    kept = [piece for piece, _ in joined]
    while len(kept) > most:
        widths = [_width(p) for p in kept]
        n = min(range(len(kept)), key=lambda k: (widths[k], k))
        if n == 0:
            other = 1
        elif n == len(kept) - 1:
            other = n - 1
        else:
            other = n - 1 if widths[n - 1] <= widths[n + 1] else n + 1
        low, high = min(n, other), max(n, other)
        kept[low:high + 1] = [_join(kept[low], kept[high])]
    return kept


def _touching(left: Interval, right: Interval) -> bool:
    return left.high is not None and left.high == right.low


def _join(left: Interval, right: Interval) -> Interval:
    return Interval(left.low, right.high, left.low_closed, right.high_closed)


def _width(piece: Interval) -> float:
    if piece.low is None or piece.high is None:
        return math.inf
    return piece.high - piece.low


def _interval_label(piece: Interval) -> str:
    """`285–315`, `300`, `1330 or more`, `below 50`: ends rounded as a reader wants them."""
    low = None if piece.low is None else shown_number(float(f"{piece.low:.4g}"))
    high = None if piece.high is None else shown_number(float(f"{piece.high:.4g}"))
    if low is None and high is None:
        return "any figure"
    if low is None:
        return f"{high} or less" if piece.high_closed else f"below {high}"
    if high is None:
        return f"{low} or more" if piece.low_closed else f"above {low}"
    return low if low == high else f"{low}–{high}"
