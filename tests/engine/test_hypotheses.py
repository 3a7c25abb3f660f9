"""Competing hypotheses (ACH) on catalogs written for the tests, each expectation worked
out by hand: the weights, a speaker counted once, a leader that flips when one speaker
is dropped, an analyst's II and its reload, quantity hypotheses, dates, `--json`."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from contested.catalog.loading import LoadResult
from contested.engine.analysis import Analysis, analyse
from contested.engine.hypotheses import (
    Swing,
    Weights,
    competing_hypotheses,
    load_weights,
    quantity_hypotheses,
)
from contested.format.dates import parse_date
from contested.format.quantities import Interval
from contested.present.hypotheses import matrix_of, report_lines, sensitivity_line
from contested.review.notes import with_rating
from contested.review.store import NotesStore
from tests.helpers import Cli, Write

# Scores by hand (weight = reliability x credibility):
#   yes-a  source a (A) credibility 6: 1.0 x 0.5 = 0.5
#   no-b1  source b (A) credibility 2: 1.0 x 0.8 = 0.8
#   no-b2  source b (A) credibility 6: 1.0 x 0.5 = 0.5 (b counts once, at 0.8)
#   no-c   source c (F) credibility 6: 0.5 x 0.5 = 0.25
# yes: I from b (0.8) and c (0.25) = 1.05; no: I from a = 0.5. "no" leads.
# Without b: yes 0.25 < no 0.5, "yes" leads; without a or c, "no" still leads.
CATALOG = """\
contested: 1
sources:
  - {id: a, name: Alpha, reliability: A}
  - {id: b, name: Bravo, reliability: A}
  - {id: c, name: Charlie}
  - {id: d, name: Delta, reliability: A}
  - {id: f, name: Foxtrot}
questions:
  - id: held
    text: Is the bridge held?
    kind: category
    values: [yes, no]
  - id: area
    text: Area held
    kind: quantity
    unit: km2
    tolerance: 0
claims:
  - {id: yes-a, source: a, text: t, about: held, value: yes, as_of: 2025-03-10}
  - {id: no-b1, source: b, text: t, about: held, value: no, as_of: 2025-03-10,
     credibility: 2}
  - {id: no-b2, source: b, text: t, about: held, value: no, as_of: 2025-03-10}
  - {id: no-c, source: c, text: t, about: held, value: no, as_of: 2025-03-10}
  - {id: area-old, source: d, text: t, about: area, value: 1400, as_of: 2024-08-20}
  - {id: area-300, source: d, text: t, about: area, value: 300, as_of: 2025-03-10,
     credibility: 1}
  - {id: area-500, source: f, text: t, about: area, value: 500, as_of: 2025-03-10}
  - {id: area-range, source: f, text: t, about: area, value: {between: [250, 400]},
     as_of: 2025-03-10}
"""


@pytest.fixture
def kursk_like(write: Write, load: Callable[[], LoadResult]) -> Analysis:
    write("catalog.yaml", CATALOG)
    result = load()
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def scores(analysis: Analysis, question: str, **options: object) -> dict[str, float]:
    matrix = competing_hypotheses(analysis.catalog, analysis.contradictions, question,
                                  **options)  # type: ignore[arg-type]
    return {h.label: round(s, 6) for h, s in zip(matrix.hypotheses, matrix.scores,
                                                 strict=True)}


def test_weights_are_reliability_times_credibility(kursk_like: Analysis) -> None:
    matrix = competing_hypotheses(kursk_like.catalog, kursk_like.contradictions, "area")
    weights = {e.claim: e.weight for e in matrix.evidence}
    assert weights["area-300"] == pytest.approx(1.0)  # A/1
    assert weights["area-500"] == pytest.approx(0.25)  # F/6
    assert Weights().of("A", 1) == 1.0
    assert Weights().of("F", 6) == 0.25


def test_a_speaker_counts_once_at_its_highest_weight(kursk_like: Analysis) -> None:
    # b's two claims: 0.8 and 0.5; counted twice "yes" would score 1.55.
    assert scores(kursk_like, "held") == {"yes": 1.05, "no": 0.5}


def test_the_leader_flips_when_one_speaker_is_dropped(kursk_like: Analysis) -> None:
    matrix = competing_hypotheses(kursk_like.catalog, kursk_like.contradictions, "held")
    assert matrix.leaders == ("no",)
    assert [matrix.hypotheses[n].label for n in matrix.ranking] == ["no", "yes"]
    assert matrix.sensitivity == (Swing("b", ("yes",)),)
    line = sensitivity_line(matrix, {"b": "Bravo"})
    assert line == "Sensitivity: dropping Bravo makes yes lead"


def test_no_single_speaker_is_said_when_none_changes_the_leader(
        kursk_like: Analysis) -> None:
    # a's claim rated N on "no": "no" scores 0, and stays first whoever is dropped.
    matrix = competing_hypotheses(kursk_like.catalog, kursk_like.contradictions, "held",
                                  overrides={"yes-a": {"no": "N"}})
    assert matrix.leaders == ("no",)
    assert matrix.sensitivity == ()
    assert sensitivity_line(matrix, {}) == ("Sensitivity: no single speaker, dropped, "
                                            "changes the leader")


def test_an_override_ii_doubles_the_cell_and_survives_a_reload(
        kursk_like: Analysis, tmp_path: Path) -> None:
    notes_path = tmp_path / "notes.yaml"
    store = NotesStore(notes_path)
    store.change("claim", "no-c", with_rating("yes", "II"))
    store.change("claim", "no-c", with_rating("maybe", "I"))  # no such hypothesis
    again = NotesStore(notes_path)  # read back from the file
    assert again.get("claim", "no-c").ratings == {"yes": "II", "maybe": "I"}
    matrix = matrix_of(kursk_like, "held", again.notes)
    # c's cell on yes: II x 0.25 = 0.5, so yes = 0.8 + 0.5.
    assert {h.label: round(s, 6) for h, s in zip(matrix.hypotheses, matrix.scores,
                                                 strict=True)} == {"yes": 1.3, "no": 0.5}
    row = next(e for e in matrix.evidence if e.claim == "no-c")
    assert row.ratings == ("II", "C")
    assert row.overridden == (True, False)
    assert row.diagnosticity == 3  # C (+1) against II (-2)
    assert [(o.claim, o.hypothesis, o.rating) for o in matrix.orphans] == [
        ("no-c", "maybe", "I")]
    store.change("claim", "no-c", with_rating("yes", None))
    assert NotesStore(notes_path).get("claim", "no-c").ratings == {"maybe": "I"}


def test_quantity_hypotheses_are_the_intervals_the_claims_define(
        kursk_like: Analysis) -> None:
    matrix = competing_hypotheses(kursk_like.catalog, kursk_like.contradictions, "area")
    # Ends 250, 300, 400, 500: [250, 300) only the range, 300 the range and area-300,
    # (300, 400] only the range, (400, 500) nobody, 500 area-500.
    assert [h.label for h in matrix.hypotheses] == ["250–300", "300", "300–400", "500"]
    ratings = {e.claim: e.ratings for e in matrix.evidence}
    assert ratings["area-300"] == ("I", "C", "I", "I")
    assert ratings["area-range"] == ("C", "C", "C", "I")
    assert ratings["area-500"] == ("I", "I", "I", "C")
    # 300: I only from f's 500 (0.25); f counts once per hypothesis, at its heaviest.
    assert matrix.leaders == ("300",)
    # The 1400 of August 2024 is a step of the series, not a rival: left out.
    assert matrix.window == (parse_date("2025-03-10").earliest,) * 2
    assert matrix.left_out == 1
    everything = competing_hypotheses(kursk_like.catalog, kursk_like.contradictions,
                                      "area", as_of=parse_date("2024/2025"))
    assert everything.left_out == 0
    assert "1400" in [h.label for h in everything.hypotheses]


def test_quantity_hypotheses_are_at_most_twelve() -> None:
    intervals = [Interval(float(n * n), float(n * n)) for n in range(1, 30)]
    pieces = quantity_hypotheses(intervals)
    assert len(pieces) == 12
    assert pieces[0].low == 1.0
    assert pieces[-1].high == 29.0 * 29
    for left, right in itertools.pairwise(pieces):
        assert left.high is not None
        assert right.low is not None
        assert left.high <= right.low


def test_open_ended_figures_give_an_open_hypothesis() -> None:
    pieces = quantity_hypotheses([Interval(100.0, None, True, False),
                                  Interval(50.0, 50.0)])
    # 100 and above it are allowed by the same claim: one hypothesis, `100 or more`.
    assert [(p.low, p.high, p.low_closed) for p in pieces] == [(50.0, 50.0, True),
                                                               (100.0, None, True)]


def test_a_broken_weights_file_is_reported_and_ignored(tmp_path: Path) -> None:
    broken = tmp_path / "weights.toml"
    broken.write_text("[reliability\nA = 1", encoding="utf-8")
    weights, problem = load_weights(broken)
    assert weights == Weights()
    assert problem is not None
    assert "ignored" in problem
    partial = tmp_path / "partial.toml"
    partial.write_text("[reliability]\nF = 0.1\nZ = 3\n[credibility]\n6 = 0.2\n",
                       encoding="utf-8")
    weights, problem = load_weights(partial)
    assert weights.of("F", 6) == pytest.approx(0.02)
    assert weights.of("A", 1) == 1.0
    assert problem is not None
    assert "reliability.Z" in problem
    assert load_weights(tmp_path / "missing.toml") == (Weights(), None)
    assert load_weights(tmp_path / "missing.toml", named=True)[1] is not None


def test_the_bundled_report_lines_rank_the_state_of_the_forces() -> None:
    from contested.catalog.discover import bundled_catalog
    from contested.catalog.loading import load_catalog

    analysis = analyse(load_catalog([str(bundled_catalog())]).catalog)
    lines = report_lines(analysis)
    assert "Leads: serious (least inconsistency, 0.50)" in lines
    assert "Ranking: 1. serious 0.50 · 2. under-control 0.80 · 3. rout 0.80" in lines


def test_cli_hypotheses_json_and_text(kursk_like: Analysis, cli: Cli,
                                      tmp_path: Path) -> None:
    ran = cli("hypotheses", str(tmp_path), "--question", "held", "--json")
    assert ran.returncode == 0, ran.stderr
    (record,) = json.loads(ran.stdout)
    assert record["leaders"] == ["no"]
    assert {h["label"]: h["score"] for h in record["hypotheses"]} == {"yes": 1.05,
                                                                      "no": 0.5}
    assert record["sensitivity"] == [{"speaker": "b", "name": "Bravo",
                                      "leaders": ["yes"]}]
    assert record["dates"] == {"from": "2025-03-10", "to": "2025-03-10", "asked": False}
    ran = cli("hypotheses", str(tmp_path))
    assert ran.returncode == 0, ran.stderr
    assert "Sensitivity: dropping Bravo makes yes lead" in ran.stdout
    assert "Leads: 300 km2" in ran.stdout
    ran = cli("hypotheses", str(tmp_path), "--question", "hed")
    assert ran.returncode == 2
    assert "did you mean 'held'" in ran.stderr
    weights = tmp_path / "w.toml"
    weights.write_text("not toml [", encoding="utf-8")
    ran = cli("hypotheses", str(tmp_path), "--question", "held", "--weights",
              str(weights))
    assert ran.returncode == 0
    assert "were ignored" in ran.stderr
