"""The contradiction engine: each rule and its edge cases, stable ids, series,
corroboration by independent origin, the analyst's warnings, the bundled Kursk catalog,
and a brute-force all-pairs reference on random catalogs."""

from __future__ import annotations

import random
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contested.catalog.catalog import Catalog
from contested.catalog.link import link
from contested.catalog.loading import LoadResult, load_catalog
from contested.catalog.parse import parse_timeline
from contested.engine import crowds
from contested.engine import pairs as pairs_module
from contested.engine import rules as rules_module
from contested.engine.analysis import Analysis, analyse
from contested.engine.contradictions import Contradiction, ContradictionGroup, Contradictions
from contested.engine.corroboration import corroborate, independent, origins
from contested.engine.pairs import claim_table, find_pairs
from contested.engine.rules import find_contradictions, pair_id
from contested.engine.series import find_series
from contested.engine.sources import per_source, source_pairs
from contested.format.diagnostics import Severity
from contested.format.model import Claim
from contested.present import wording
from tests.helpers import TIMELINES, Write

# --- building small catalogs ------------------------------------------------------------

BASE = """\
contested: 1
sources:
  - id: s1
    name: One
  - id: s2
    name: Two
  - id: s3
    name: Three
  - id: relay
    name: Relay
questions:
  - id: area
    text: Area held
    kind: quantity
    unit: km2
    tolerance: {tolerance}
  - id: outcome
    text: How did it end?
    kind: category
events:
  - id: battle
    date: 2025-03-10
    title: The battle
"""


def claim(claim_id: str, source: str = "s1", text: str = "t", **fields: str) -> str:
    """One claim as a YAML list item; `fields` are written as given (`value="{about: 8}"`)."""
    lines = [f"  - id: {claim_id}", f"    source: {source}", f"    text: {text}"]
    lines += [f"    {name}: {value}" for name, value in fields.items()]
    return "\n".join(lines) + "\n"


def on_area(claim_id: str, value: str, as_of: str = "2025-03-10", **fields: str) -> str:
    return claim(claim_id, about="area", value=value, as_of=as_of, **fields)


def on_outcome(claim_id: str, value: str, as_of: str = "2025-03-10", **fields: str) -> str:
    return claim(claim_id, about="outcome", value=value, as_of=as_of, **fields)


Build = Callable[..., Analysis]


@pytest.fixture
def build(write: Write, load: Callable[[], LoadResult]) -> Build:
    """Analyse BASE (with the area question's tolerance) plus the given claims."""

    def _build(*claims: str, tolerance: str = "0.05", after: str = "") -> Analysis:
        write("base.yaml", BASE.format(tolerance=tolerance))
        write("claims.yaml", "contested: 1\nclaims:\n" + "".join(claims) + after)
        result = load()
        assert result.ok, [d.headline() for d in result.diagnostics]
        return analyse(result.catalog)

    return _build


def found(analysis: Analysis) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each contradiction's id -> (rules, claims)."""
    return {c.id: (c.rules, c.claims) for c in analysis.contradictions}


def only(analysis: Analysis) -> Contradiction:
    (single,) = analysis.contradictions
    return single


# --- the quantity rule --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("tolerance", "first", "second", "contradicts"),
    [
        # open and closed ends, no tolerance
        ("0", "{at_most: 500}", "{more_than: 500}", True),
        ("0", "{at_most: 500}", "{at_least: 500}", False),
        ("0", "{less_than: 500}", "{at_least: 500}", True),
        ("0", "{less_than: 500}", "{more_than: 500}", True),
        ("0", "{less_than: 500}", "{at_most: 500}", False),
        ("0", "{between: [100, 200]}", "200", False),
        ("0", "{between: [100, 200]}", "201", True),
        ("0", "{at_least: 1000}", "{between: [100, 999]}", True),
        ("0", "500", "500", False),
        # the tolerance at the boundary: [95, 105] and [104.5, 115.5] meet ...
        ("0.05", "100", "110", False),
        # ... [95, 105] and [105.45, 116.55] do not
        ("0.05", "100", "111", True),
        # exact in floating point: 60 + 15 = 75 = 100 - 25, closed ends touch
        ("0.25", "60", "100", False),
        ("0.25", "60", "101", True),
        # an open end at 75 against a closed one at 75: no number lies in both
        ("0.25", "{less_than: 60}", "100", True),
        ("0.25", "{at_most: 60}", "100", False),
        ("0.25", "{more_than: 100}", "60", True),
        # about: max(tolerance, 10%), never both. [720, 880] and [665, 735] meet ...
        ("0.05", "{about: 800}", "700", False),
        # ... [720, 880] and [617.5, 682.5] do not (with 15% they would: [680, 920])
        ("0.05", "{about: 800}", "650", True),
        ("0", "{about: 100}", "110", False),
        ("0", "{about: 100}", "110.5", True),
        # tolerance 20%: about is widened by 20% ([640, 960]), not by 10% ...
        ("0.2", "{about: 800}", "550", False),
        # ... and not by 30% ([560, 1040] would meet [400, 600])
        ("0.2", "{about: 800}", "500", True),
    ],
)
def test_quantity_rule(build: Build, tolerance: str, first: str, second: str,
                       contradicts: bool) -> None:
    analysis = build(on_area("a", first), on_area("b", second, source="s2"),
                     tolerance=tolerance)
    if contradicts:
        assert found(analysis) == {"quantity~a~b": (("quantity",), ("a", "b"))}
        assert only(analysis).question == "area"
        assert analysis.corroboration["a"].agreeing == ()
        assert analysis.corroboration["a"].contradicting == ("b",)
    else:
        assert analysis.contradictions == []
        assert analysis.corroboration["a"].agreeing == ("b",)
        assert analysis.corroboration["b"].agreeing == ("a",)
    # either order in the files gives the same answer
    swapped = build(on_area("a", second), on_area("b", first, source="s2"), tolerance=tolerance)
    assert found(swapped) == found(analysis)


def test_quantity_contradiction_explains_itself(build: Build) -> None:
    analysis = build(on_area("a", "100"), on_area("b", "{about: 300}", source="s2"))
    found_one = only(analysis)
    explanation, reason = wording.explain(analysis.catalog, found_one)
    assert explanation == "One: 100 km2 (2025-03-10) vs Two: about 300 km2 (2025-03-10)"
    assert reason == (
        "100 and about 300 km2 do not meet even with the tolerance (5%; at least 10% for "
        "an `about` figure): 95 to 105 vs 270 to 330"
    )


@pytest.mark.parametrize(("first", "second", "reason"), [
    ("{less_than: 10}", "{at_least: 200}", "less than 10 and at least 200 km2 do not meet "
     "even with the tolerance (5%): below 10.5 vs 190 or more"),
    ("1400000", "{more_than: 2000000}", "1400000 and more than 2000000 km2 do not meet even "
     "with the tolerance (5%): 1330000 to 1470000 vs above 1900000"),
])
def test_a_quantity_reason_is_said_in_words(build: Build, first: str, second: str,
                                            reason: str) -> None:
    """No `-inf`, no float noise, and the 10% of `about` only where a figure says it."""
    analysis = build(on_area("a", first), on_area("b", second, source="s2"))
    assert wording.reason(analysis.catalog, only(analysis)) == reason


def test_quantity_rule_needs_overlapping_dates(build: Build) -> None:
    analysis = build(on_area("a", "1400", as_of="2024-08"), on_area("b", "300", source="s2"))
    assert analysis.contradictions == []
    assert "a" not in analysis.corroboration
    assert [step.claims for step in analysis.series["area"].steps] == [("a",), ("b",)]


def test_a_unit_that_does_not_match_is_a_load_error_never_compared(
        write: Write, load: Callable[[], LoadResult]) -> None:
    write("base.yaml", BASE.format(tolerance="0.05"))
    write("good.yaml", "contested: 1\nclaims:\n" + on_area("km", "300", unit="km2"))
    bad = write("metres.yaml", "contested: 1\nclaims:\n" + on_area("m", "300000000", unit="m"))
    result = load()
    (problem,) = result.diagnostics
    assert problem.code == "unit-mismatch"
    assert str(problem.location) == f"{bad}:9:11"
    assert "never converted" in problem.message
    assert "m" not in result.catalog.claims  # the file is refused as a whole
    assert analyse(result.catalog).contradictions == []


# --- the category rule and dates ----------------------------------------------------------

@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ("2025-03-10", "2025-03-10/2025-03-20", True),  # the shared day is enough
        ("2025-03-09", "2025-03-10", False),  # consecutive days do not overlap
        ("2025-03-20", "2025-03-10/2025-03-20", True),
        ("2025-03-21", "2025-03-10/2025-03-20", False),
        ("2025-03", "2025-03-31", True),
        ("2025-03", "2025-04-01", False),
        ("2025-03-10~", "2025-03-11", True),  # approximate: widened by a day each side
        ("2025-03-10~", "2025-03-12", False),
        ("2025-03~", "2025-04-30", True),  # a month either side
        ("../2025-03-10", "2025-03-10/..", True),
        ("../2025-03-09", "2025-03-10/..", False),
        ("../2025-03-09", "2020", True),
    ],
)
def test_category_rule_needs_overlapping_dates(build: Build, first: str, second: str,
                                               overlap: bool) -> None:
    analysis = build(on_outcome("a", "success", as_of=first),
                     on_outcome("b", "failure", as_of=second, source="s2"))
    if overlap:
        assert found(analysis) == {"category~a~b": (("category",), ("a", "b"))}
        assert "outcome" not in analysis.series
    else:
        assert analysis.contradictions == []
        series = analysis.series["outcome"]
        assert {step.values for step in series.steps} == {("success",), ("failure",)}
        first_step = series.steps[0]
        assert first_step.latest is not None
        assert all(first_step.latest < step.earliest for step in series.steps[1:]
                   if step.earliest is not None)
        assert series.trend == "changing"


def test_same_category_value_agrees(build: Build) -> None:
    analysis = build(on_outcome("a", "success"), on_outcome("b", "success", source="s2"))
    assert analysis.contradictions == []
    assert analysis.corroboration["a"].agreeing == ("b",)
    assert analysis.corroboration["a"].agreeing_origins == 1


def test_category_contradiction_explains_itself(build: Build) -> None:
    analysis = build(on_outcome("a", "success", as_of="2025-03?"),
                     on_outcome("b", "failure", as_of="2025-03~", source="s2"))
    found_one = only(analysis)
    explanation, reason = wording.explain(analysis.catalog, found_one)
    assert explanation == "One: success (2025-03?) vs Two: failure (2025-03~)"
    assert reason == "different answers to 'How did it end?' at overlapping dates"


def test_as_of_defaults_to_the_event_date_then_to_said(build: Build) -> None:
    analysis = build(
        # the event's date (2025-03-10) counts, not said
        claim("by-event", about="outcome", value="success", event="battle", said="2025-04-01"),
        on_outcome("on-the-day", "failure", source="s2"),
        # said only: 2025-04-01, after both of the above
        claim("by-said", source="s3", about="outcome", value="mixed", said="2025-04-01"),
        # as_of wins over the event's date
        claim("later", source="s3", about="outcome", value="rout", event="battle",
              as_of="2025-05-01"),
    )
    assert found(analysis) == {
        "category~by-event~on-the-day": (("category",), ("by-event", "on-the-day")),
    }
    steps = analysis.series["outcome"].steps
    assert [set(step.claims) for step in steps] == [
        {"by-event", "on-the-day"}, {"by-said"}, {"later"},
    ]


def test_an_undated_claim_may_hold_at_any_time(build: Build) -> None:
    analysis = build(claim("undated", about="outcome", value="success"),
                     on_outcome("early", "failure", as_of="1990", source="s2"),
                     on_outcome("late", "failure", as_of="2030", source="s3"))
    assert found(analysis) == {
        "category~early~undated": (("category",), ("early", "undated")),
        "category~late~undated": (("category",), ("late", "undated")),
    }
    assert only_explanation(analysis, "category~early~undated") == (
        "Two: failure (1990) vs One: success (undated)"
    )
    assert "outcome" not in analysis.series  # the undated claim joins every date


def only_explanation(analysis: Analysis, contradiction_id: str) -> str:
    return next(wording.explanation(analysis.catalog, c) for c in analysis.contradictions
                if c.id == contradiction_id)


def test_a_source_contradicting_itself_is_reported(build: Build) -> None:
    analysis = build(on_area("first", "100"), on_area("second", "300"))
    assert found(analysis) == {"quantity~first~second": (("quantity",), ("first", "second"))}
    assert analysis.corroboration["first"].contradicting == ("second",)
    assert analysis.corroboration["first"].contradicting_origins == 0  # not independent


def test_a_claim_with_two_sources(build: Build) -> None:
    analysis = build(on_outcome("both", "success", source="[s1, s2]"),
                     on_outcome("third", "failure", source="s3"),
                     on_outcome("second", "success", source="s2"))
    assert found(analysis) == {
        "category~both~third": (("category",), ("both", "third")),
        "category~second~third": (("category",), ("second", "third")),
    }
    assert only_explanation(analysis, "category~both~third") == (
        "One and Two: success (2025-03-10) vs Three: failure (2025-03-10)"
    )
    corroboration = analysis.corroboration["both"]
    assert corroboration.agreeing == ("second",)
    assert corroboration.independent_agreeing == ()  # Two is one of its own sources
    assert analysis.corroboration["third"].contradicting_origins == 1


def test_a_claim_never_contradicts_itself(write: Write, load: Callable[[], LoadResult]) -> None:
    write("base.yaml", BASE.format(tolerance="0.05"))
    write("claims.yaml", "contested: 1\nclaims:\n"
          + on_outcome("a", "success", disputes="[a]")
          + on_outcome("b", "success", source="s2"))
    result = load()
    assert [d.code for d in result.diagnostics] == ["self-reference"]
    assert result.whole is not None
    # the warnings are checked on everything that validated: no pair of a with itself
    analysis = analyse(result.whole)
    assert analysis.contradictions == []
    assert analysis.corroboration["a"].agreeing == ("b",)


# --- declared entries and disputes links ---------------------------------------------------

def test_declared_with_three_claims(build: Build) -> None:
    analysis = build(
        claim("x", source="s1"), claim("y", source="s2"), claim("z", source="s3"),
        after=textwrap.dedent("""\
            contradictions:
              - id: three-way
                claims: [y, x, z]
                note: They cannot all be true.
        """),
    )
    found_one = only(analysis)
    assert (found_one.id, found_one.rules, found_one.claims) == (
        "three-way", ("declared",), ("y", "x", "z"),
    )
    assert found_one.rule == "declared"
    assert found_one.question is None
    assert found_one.note == wording.reason(analysis.catalog, found_one) == (
        "They cannot all be true.")
    assert wording.explanation(analysis.catalog, found_one) == (
        'Two: "t" (undated) vs One: "t" (undated) vs Three: "t" (undated)'
    )
    assert analysis.corroboration["x"].contradicting == ("y", "z")
    assert analysis.corroboration["x"].contradicting_origins == 2
    assert analysis.contradictions_of("z") == [found_one]


def test_declared_with_three_claims_does_not_absorb_a_pair(build: Build) -> None:
    analysis = build(
        on_outcome("x", "success"), on_outcome("y", "failure", source="s2"),
        claim("z", source="s3"),
        after="contradictions:\n  - id: three-way\n    claims: [x, y, z]\n",
    )
    assert found(analysis) == {
        "three-way": (("declared",), ("x", "y", "z")),
        "category~x~y": (("category",), ("x", "y")),
    }


def test_declared_needs_no_overlapping_dates_nor_question(build: Build) -> None:
    analysis = build(
        claim("old", as_of="1990"), claim("new", source="s2", as_of="2030"),
        after="contradictions:\n  - id: old-vs-new\n    claims: [old, new]\n",
    )
    found_one = only(analysis)
    assert (found_one.id, found_one.rules, found_one.claims) == (
        "old-vs-new", ("declared",), ("old", "new"),
    )
    assert wording.reason(analysis.catalog, found_one) == "declared by the analyst"
    assert found_one.note is None


@pytest.mark.parametrize("direction", ["a-disputes-b", "b-disputes-a", "both"])
def test_disputes_one_way_is_enough(build: Build, direction: str) -> None:
    a_fields = {"disputes": "[b]"} if direction in ("a-disputes-b", "both") else {}
    b_fields = {"disputes": "[a]"} if direction in ("b-disputes-a", "both") else {}
    # no question, and dates far apart: the analyst's word needs neither
    analysis = build(claim("a", as_of="1990", **a_fields),
                     claim("b", source="s2", as_of="2030", **b_fields))
    found_one = only(analysis)
    assert (found_one.id, found_one.rules, found_one.claims) == (
        "disputes~a~b", ("disputes",), ("a", "b"),
    )
    assert found_one.question is None
    if direction == "a-disputes-b":
        assert wording.reason(analysis.catalog, found_one) == "One disputes 'b'"
    if direction == "b-disputes-a":
        assert wording.reason(analysis.catalog, found_one) == "Two disputes 'a'"


def test_declared_and_category_on_the_same_pair(build: Build) -> None:
    analysis = build(
        on_outcome("a", "success"), on_outcome("b", "failure", source="s2"),
        after="contradictions:\n  - id: a-vs-b\n    claims: [b, a]\n    note: Why.\n",
    )
    found_one = only(analysis)
    assert (found_one.id, found_one.rules, found_one.claims) == (
        "a-vs-b", ("declared", "category"), ("b", "a"),
    )
    assert found_one.question == "outcome"
    assert wording.reason(analysis.catalog, found_one) == (
        "different answers to 'How did it end?' at overlapping dates; Why.")


def test_declared_category_and_disputes_on_the_same_pair(build: Build) -> None:
    analysis = build(
        on_outcome("a", "success", disputes="[b]"), on_outcome("b", "failure", source="s2"),
        after="contradictions:\n  - id: a-vs-b\n    claims: [a, b]\n",
    )
    assert found(analysis) == {"a-vs-b": (("declared", "category", "disputes"), ("a", "b"))}


def test_disputes_and_category_on_the_same_pair(build: Build) -> None:
    analysis = build(on_outcome("b", "failure", source="s2", disputes="[a]"),
                     on_outcome("a", "success"))
    found_one = only(analysis)
    assert (found_one.id, found_one.rules, found_one.claims) == (
        "category~a~b", ("category", "disputes"), ("a", "b"),
    )
    assert found_one.rule == "category"
    assert wording.reason(analysis.catalog, found_one) == (
        "different answers to 'How did it end?' at overlapping dates; Two disputes 'a'"
    )


def test_disputes_and_quantity_on_the_same_pair(build: Build) -> None:
    analysis = build(on_area("z", "100", disputes="[y]"), on_area("y", "300", source="s2"))
    assert found(analysis) == {"quantity~y~z": (("quantity", "disputes"), ("y", "z"))}


def test_disputes_between_agreeing_claims_still_contradict(build: Build) -> None:
    analysis = build(on_outcome("a", "success", disputes="[b]"),
                     on_outcome("b", "success", source="s2"))
    assert found(analysis) == {"disputes~a~b": (("disputes",), ("a", "b"))}
    # the analyst says they disagree: they are not counted as agreeing as well
    assert analysis.corroboration["a"].agreeing == ()
    assert analysis.corroboration["a"].contradicting == ("b",)
    assert analysis.corroboration["b"].agreeing == ()


def test_pair_id_is_readable_and_ordered() -> None:
    assert pair_id("category", "zombie-rout", "syrsky-under-control") == (
        "category~syrsky-under-control~zombie-rout"
    )
    assert pair_id("quantity", "a", "b") == pair_id("quantity", "b", "a") == "quantity~a~b"


# --- stable ids ---------------------------------------------------------------------------

STABLE_CLAIMS = [
    on_outcome("cat-a", "success"),
    on_outcome("cat-b", "failure", source="s2"),
    on_outcome("cat-c", "failure", source="s3", disputes="[cat-a]"),
    on_outcome("cat-later", "success", as_of="2025-06"),
    on_area("qty-a", "100"),
    on_area("qty-b", "{at_least: 200}", source="s2"),
    on_area("qty-c", "{about: 105}", source="s3"),
    claim("free-a", source="s2", disputes="[free-b]"),
    claim("free-b", source="s3"),
    claim("free-c", source="s1", disputes="[free-b]"),
]
STABLE_DECLARED = """\
contradictions:
  - id: declared-pair
    claims: [free-b, free-c]
  - id: declared-three
    claims: [qty-a, cat-later, free-a]
  - id: declared-and-category
    claims: [cat-b, cat-a]
"""


def analyse_files(directory: Path, files: dict[str, str]) -> Analysis:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = load_catalog([directory])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def stable_files(claims: list[str], names: list[str], split: int,
                 extra: str = "") -> dict[str, str]:
    head = "contested: 1\nclaims:\n"
    return {
        names[0]: BASE.format(tolerance="0.05") + extra,
        names[1]: head + "".join(claims[:split]),
        names[2]: head + "".join(claims[split:]),
        names[3]: "contested: 1\n" + STABLE_DECLARED,
    }


@pytest.fixture
def stable_reference(tmp_path: Path) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    files = stable_files(STABLE_CLAIMS, ["a.yaml", "b.yaml", "c.yaml", "d.yaml"], 5)
    analysis = analyse_files(tmp_path / "reference", files)
    result = {c.id: (c.rules, frozenset(c.claims)) for c in analysis.contradictions}
    assert result == {
        "declared-pair": (("declared", "disputes"), frozenset({"free-b", "free-c"})),
        "declared-three": (("declared",), frozenset({"qty-a", "cat-later", "free-a"})),
        "declared-and-category": (("declared", "category"), frozenset({"cat-a", "cat-b"})),
        "category~cat-a~cat-c": (("category", "disputes"), frozenset({"cat-a", "cat-c"})),
        "quantity~qty-a~qty-b": (("quantity",), frozenset({"qty-a", "qty-b"})),
        "quantity~qty-b~qty-c": (("quantity",), frozenset({"qty-b", "qty-c"})),
        "disputes~free-a~free-b": (("disputes",), frozenset({"free-a", "free-b"})),
    }
    # the same catalog analysed again gives the same contradictions, in the same order
    assert analyse_files(tmp_path / "reference", {}).contradictions == analysis.contradictions
    return result


@pytest.mark.parametrize("seed", range(6))
def test_ids_survive_reordering_claims_and_files(
        tmp_path: Path, stable_reference: dict[str, object], seed: int) -> None:
    shuffler = random.Random(seed)
    claims = STABLE_CLAIMS.copy()
    shuffler.shuffle(claims)
    names = ["zz.yaml", "sub/mm.yml", "aa.yaml", "0.yaml"]
    shuffler.shuffle(names)
    files = stable_files(claims, names, shuffler.randint(0, len(claims)))
    analysis = analyse_files(tmp_path / f"shuffled-{seed}", files)
    assert {c.id: (c.rules, frozenset(c.claims)) for c in analysis.contradictions} == (
        stable_reference
    )


def test_ids_survive_unrelated_edits(tmp_path: Path, stable_reference: dict[str, object]) -> None:
    claims = STABLE_CLAIMS.copy()
    # another claim's text and note change; an unrelated question and claim appear
    claims[4] = on_area("qty-a", "100", note="Checked again.").replace("text: t", "text: new")
    claims.append(claim("unrelated", source="s2", about="elsewhere", value="yes"))
    extra = "  - id: elsewhere\n    text: Something else?\n    kind: category\n"
    files = stable_files(claims, ["a.yaml", "b.yaml", "c.yaml", "d.yaml"], 3)
    files["a.yaml"] = files["a.yaml"].replace("events:\n", extra + "events:\n")
    files["e.yaml"] = "contested: 1\nsources:\n  - id: s9\n    name: Nine\n"
    analysis = analyse_files(tmp_path / "edited", files)
    assert "unrelated" in analysis.catalog.claims
    assert {c.id: (c.rules, frozenset(c.claims)) for c in analysis.contradictions} == (
        stable_reference
    )


# --- series -------------------------------------------------------------------------------

def test_a_falling_series_is_not_a_contradiction(build: Build) -> None:
    analysis = build(on_area("march", "300", as_of="2025-03", source="s3"),
                     on_area("august", "1400", as_of="2024-08"),
                     on_area("february", "500", as_of="2025-02", source="s2"))
    assert analysis.contradictions == []
    series = analysis.series["area"]
    assert series.question == "area"
    assert [s.claims for s in series.steps] == [("august",), ("february",), ("march",)]
    assert [s.figure for s in series.steps] == [1400, 500, 300]
    assert [s.change for s in series.steps] == [None, -900, -200]
    assert [(s.earliest, s.latest) for s in series.steps] == [
        (date(2024, 8, 1), date(2024, 8, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 31)),
    ]
    assert series.steps[1].change_ratio == pytest.approx(-900 / 1400)
    assert series.trend == "falling"


def test_a_series_step_gathers_overlapping_claims(build: Build) -> None:
    analysis = build(on_area("early", "100", as_of="2025-03-01"),
                     on_area("late-low", "190", as_of="2025-03-05/2025-03-09", source="s2"),
                     on_area("late-high", "{about: 210}", as_of="2025-03-09/..", source="s3"))
    assert analysis.contradictions == []
    (first, second) = analysis.series["area"].steps
    assert (first.claims, first.figure) == (("early",), 100)
    assert set(second.claims) == {"late-low", "late-high"}
    assert (second.earliest, second.latest) == (date(2025, 3, 5), None)
    assert second.figure == 200  # the median of the point figures
    assert second.change == 100
    assert analysis.series["area"].trend == "rising"


@pytest.mark.parametrize(
    ("figures", "trend"),
    [(["100", "300", "200"], "mixed"), (["100", "100"], "flat"), (["0", "5"], "rising")],
)
def test_series_trends(build: Build, figures: list[str], trend: str) -> None:
    analysis = build(*(on_area(f"c{n}", figure, as_of=f"2025-03-{n + 10}")
                       for n, figure in enumerate(figures)))
    assert analysis.contradictions == []
    series = analysis.series["area"]
    assert series.trend == trend
    assert [s.figure for s in series.steps] == [float(f) for f in figures]
    assert series.steps[0].change is None
    assert series.steps[0].change_ratio is None
    if figures[0] == "0":
        assert series.steps[1].change_ratio is None  # no ratio from zero


def test_find_series_alone(build: Build) -> None:
    analysis = build(on_outcome("a", "success", as_of="2025-03-09"),
                     on_outcome("b", "failure", as_of="2025-03-10", source="s2"))
    assert find_series(analysis.catalog) == analysis.series
    assert [s.claims for s in analysis.series["outcome"].steps] == [("a",), ("b",)]


# --- the bundled Kursk catalog --------------------------------------------------------------

@pytest.fixture(scope="module")
def kursk() -> Analysis:
    result = load_catalog([TIMELINES])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def between(analysis: Analysis, *claims: str) -> list[Contradiction]:
    return [c for c in analysis.contradictions if set(claims) <= set(c.claims)]


def test_kursk_pipeline_outcome_is_contested(kursk: Analysis) -> None:
    (found_one,) = between(kursk, "ru-media-pipeline-success", "ua-media-pipeline-losses")
    assert found_one.id == "category~ru-media-pipeline-success~ua-media-pipeline-losses"
    assert found_one.rules == ("category", "disputes")
    assert found_one.question == "pipeline-operation-outcome"
    assert wording.explanation(kursk.catalog, found_one) == (
        "Russian media: success (2025-03?) vs Ukrainian media: heavy-losses (2025-03?)"
    )


def test_kursk_zombie_against_syrsky(kursk: Analysis) -> None:
    (found_one,) = between(kursk, "zombie-rout", "syrsky-under-control")
    assert found_one.id == "category~syrsky-under-control~zombie-rout"
    assert found_one.rules == ("category",)
    assert found_one.question == "ukraine-situation-kursk"
    assert wording.explanation(kursk.catalog, found_one) == (
        "Oleksandr Syrsky: under-control (2025-03?) vs Zombie: rout (2025-03?)"
    )


def test_kursk_syrsky_against_deepstate_and_the_soldier(kursk: Analysis) -> None:
    (declared,) = between(kursk, "syrsky-under-control", "deepstate-third-lost")
    assert (declared.id, declared.rules, declared.claims) == (
        "syrsky-vs-deepstate", ("declared",), ("syrsky-under-control", "deepstate-third-lost"),
    )
    assert wording.explanation(kursk.catalog, declared) == (
        "Oleksandr Syrsky: under-control (2025-03?) vs DeepState: more than 33.3 percent (2025-03?)"
    )
    (soldier,) = between(kursk, "syrsky-under-control", "ua-soldier-situation-serious")
    assert soldier.id == "category~syrsky-under-control~ua-soldier-situation-serious"
    assert soldier.rules == ("category",)


def test_kursk_area_figures_are_a_falling_series(kursk: Analysis) -> None:
    figures = ["afp-area-at-start-1400", "ua-gov-500-km2", "uk-mod-300-km2"]
    series = kursk.series["ukraine-held-area-kursk"]
    steps = series.steps
    assert [s.figure for s in steps] == [1400, 500, 300]
    assert [s.change for s in steps] == [None, -900, -200]
    assert series.trend == "falling"
    for figure, step in zip(figures, steps, strict=True):
        assert figure in step.claims
    for contradiction in kursk.contradictions:
        assert len(set(figures) & set(contradiction.claims)) < 2


def test_kursk_contradictions_are_the_expected_ones(kursk: Analysis) -> None:
    # by question, declared first, then rule, date and claim ids; across questions last
    assert [c.id for c in kursk.contradictions] == [
        "category~ru-media-pipeline-success~ua-media-pipeline-losses",
        "category~gady-already-difficult~syrsky-under-control",
        "category~gady-already-difficult~zombie-rout",
        "category~gady-front-giving-way~syrsky-under-control",
        "category~gady-front-giving-way~zombie-rout",
        "category~syrsky-under-control~ua-soldier-situation-serious",
        "category~syrsky-under-control~zombie-rout",
        "category~ua-soldier-situation-serious~zombie-rout",
        "syrsky-vs-deepstate",
    ]
    assert {c.id: c.rules for c in kursk.contradictions} == {
        "category~ru-media-pipeline-success~ua-media-pipeline-losses": ("category", "disputes"),
        "category~gady-already-difficult~syrsky-under-control": ("category",),
        "category~gady-already-difficult~zombie-rout": ("category",),
        "category~gady-front-giving-way~syrsky-under-control": ("category",),
        "category~gady-front-giving-way~zombie-rout": ("category",),
        "category~syrsky-under-control~ua-soldier-situation-serious": ("category",),
        "category~syrsky-under-control~zombie-rout": ("category",),
        "category~ua-soldier-situation-serious~zombie-rout": ("category",),
        "syrsky-vs-deepstate": ("declared",),
    }


def test_kursk_agreement_through_the_reporting_agency_is_not_independent(
        kursk: Analysis) -> None:
    # AFP's own "hundreds of km2" and the UK MoD's 300 km2, which AFP relays
    uk = kursk.corroboration["uk-mod-300-km2"]
    assert uk.agreeing == ("afp-hundreds-km2",)
    assert uk.independent_agreeing == ()
    assert uk.agreeing_origins == 0
    # everything against Syrsky came through BTA and AFP; Zombie also via Russian TV
    syrsky = kursk.corroboration["syrsky-under-control"]
    assert set(syrsky.contradicting) == {
        "gady-already-difficult", "gady-front-giving-way", "ua-soldier-situation-serious",
        "zombie-rout", "deepstate-third-lost",
    }
    assert syrsky.contradicting_origins == 1


# --- independence and origins -----------------------------------------------------------------

def make(claim_id: str, source: str | list[str], via: list[str] | None = None) -> Claim:
    return Claim(id=claim_id, source=source, via=via or [], text="t")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (make("a", "s1"), make("b", "s1"), False),  # the same source
        (make("a", ["s1", "s2"]), make("b", ["s2", "s3"]), False),  # one shared source
        (make("a", "s1"), make("b", "s2", ["s1"]), False),  # b relays a's source
        (make("a", "s1", ["s2"]), make("b", "s2"), False),  # a relays b's source
        (make("a", "s1", ["r1", "r2"]), make("b", "s2", ["r1", "r2"]), False),  # same chain
        (make("a", "s1", ["r1", "r2"]), make("b", "s2", ["r2"]), True),  # different chains
        (make("a", "s1", ["r1"]), make("b", "s2", ["r2"]), True),
        (make("a", "s1", ["r1"]), make("b", "s2"), True),  # one relayed, one direct
        (make("a", "s1"), make("b", "s2"), True),  # no via at all
    ],
)
def test_independent_truth_table(a: Claim, b: Claim, expected: bool) -> None:
    assert independent(a, b) is expected
    assert independent(b, a) is expected


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ([], 0),
        ([make("a", "s1")], 1),
        ([make("a", "s1"), make("b", "s1"), make("c", "s1")], 1),  # one source, three claims
        ([make("a", "s1"), make("b", "s2")], 2),
        ([make("a", "s1", ["r"]), make("b", "s2", ["r"])], 1),  # the same relay chain
        ([make("a", "s1", ["r"]), make("b", "s2", ["q"])], 2),
        # a chain of relays: s3 relays s2, which relays s1; all one origin
        ([make("a", "s1"), make("b", "s2", ["s1"]), make("c", "s3", ["s2"])], 1),
        ([make("a", "s1"), make("b", "s2", ["s1"]), make("c", "s3", ["s2"]),
          make("d", "s4")], 2),
        ([make("a", "s1"), make("b", "s2"), make("c", ["s1", "s2"])], 1),  # c joins a and b
    ],
)
def test_origins_counts_independent_groups(claims: list[Claim], expected: int) -> None:
    assert origins(claims) == expected
    assert origins(list(reversed(claims))) == expected


# --- warnings -------------------------------------------------------------------------------

WARNING_SOURCES = """\
contested: 1
sources:
  - id: s1
    name: One
  - id: s2
    name: Two
  - id: s3
    name: Three
  - id: relay
    name: Relay
questions:
  - id: outcome
    text: How did it end?
    kind: category
claims:
"""
"""The claims section starts on line 16."""


Warned = Callable[[str, str], tuple[Path, list[tuple[str, str]]]]
"""Load a file's text; its path and the (place, message) of warnings with a code."""


@pytest.fixture
def warned(write: Write, load: Callable[[], LoadResult]) -> Warned:
    """Load one file; return its path and the (place, message) of warnings with `code`."""

    def _warned(text: str, code: str) -> tuple[Path, list[tuple[str, str]]]:
        path = write("w.yaml", text)
        result = load()
        assert result.ok, [d.headline() for d in result.diagnostics]
        warnings = analyse(result.catalog).warnings
        assert all(w.severity is Severity.WARNING for w in warnings)
        return path, [(str(w.location), w.message) for w in warnings if w.code == code]

    return _warned


def test_warning_credibility_1_without_independent_agreement(warned: Warned) -> None:
    text = WARNING_SOURCES + (
        on_outcome("lonely", "mixed", credibility="1")  # credibility on line 22
        + on_outcome("lonely-echo", "mixed")
        + on_outcome("same-chain", "success", source="s2", via="[relay]", credibility="1")  # 36
        + on_outcome("chain-mate", "success", source="s3", via="[relay]")
    )
    path, found_warnings = warned(text, "credibility-1-unconfirmed")
    # `lonely` agrees only with a claim of its own source, and `same-chain` only with
    # `chain-mate`, which came through the same relay
    assert found_warnings == [
        (f"{path}:22:18", "claim 'lonely' has credibility 1 (confirmed by other independent "
                          "sources) but no claim from another origin agrees with it"),
        (f"{path}:36:18", "claim 'same-chain' has credibility 1 (confirmed by other "
                          "independent sources) but no claim from another origin agrees "
                          "with it"),
    ]


def test_credibility_1_with_independent_agreement_is_fine(build: Build) -> None:
    analysis = build(on_outcome("one", "success", via="[relay]", credibility="1"),
                     on_outcome("mate", "success", source="s2", via="[relay]"),
                     on_outcome("direct", "success", source="s3"))
    corroboration = analysis.corroboration["one"]
    assert set(corroboration.agreeing) == {"mate", "direct"}
    assert corroboration.independent_agreeing == ("direct",)
    assert corroboration.agreeing_origins == 1
    assert [w for w in analysis.warnings if w.code == "credibility-1-unconfirmed"] == []


def test_credibility_1_agreement_at_another_time_does_not_count(build: Build) -> None:
    analysis = build(on_outcome("one", "success", credibility="1"),
                     on_outcome("later", "success", source="s2", as_of="2026"))
    assert [w.code for w in analysis.warnings if "'one'" in w.message] == [
        "credibility-1-unconfirmed",
    ]


def test_warning_credibility_5_without_contradiction(warned: Warned) -> None:
    text = WARNING_SOURCES + (
        on_outcome("improbable", "success", credibility="5")  # credibility on line 22
        + on_outcome("contested", "failure", source="s2", as_of="2026", credibility="5")
        + on_outcome("against", "success", source="s3", as_of="2026")
    )
    path, found_warnings = warned(text, "credibility-5-uncontradicted")
    assert found_warnings == [
        (f"{path}:22:18",
         "claim 'improbable' has credibility 5 (improbable) but no claim contradicts it"),
    ]


def test_warning_reliability_a_on_social_media(warned: Warned) -> None:
    text = textwrap.dedent("""\
        contested: 1
        sources:
          - id: telegram
            name: A Telegram channel
            kind: social-media
            reliability: A
          - id: forum
            name: A forum
            kind: social-media
            reliability: B
          - id: agency
            name: An agency
            kind: news-agency
            reliability: A
        claims:
        """) + claim("c1", source="[telegram, forum, agency]")
    path, found_warnings = warned(text, "reliability-a-social-media")
    assert found_warnings == [
        (f"{path}:6:18", "source 'telegram' is social media with reliability A "
                         "(completely reliable)"),
    ]


def test_warning_source_without_claims(warned: Warned) -> None:
    text = WARNING_SOURCES + claim("c1", via="[relay]")
    path, found_warnings = warned(text, "source-without-claims")
    # `relay` is used only in `via`: that is fine
    assert found_warnings == [
        (f"{path}:5:9", "source 's2' has no claim and relays none"),
        (f"{path}:7:9", "source 's3' has no claim and relays none"),
    ]


def test_warning_event_without_claims(warned: Warned) -> None:
    text = textwrap.dedent("""\
        contested: 1
        sources:
          - id: s1
            name: One
        events:
          - id: quiet
            date: 2025-03
            title: Nobody speaks of it
          - id: spoken-of
            date: 2025-03
            title: Someone does
        claims:
        """) + claim("c1", event="spoken-of")
    path, found_warnings = warned(text, "event-without-claims")
    assert found_warnings == [(f"{path}:6:9", "event 'quiet' has no claim")]


def test_warning_question_with_one_claim_or_none(warned: Warned) -> None:
    text = textwrap.dedent("""\
        contested: 1
        sources:
          - id: s1
            name: One
        questions:
          - id: empty
            text: Nobody answers?
            kind: category
          - id: single
            text: One answer?
            kind: category
          - id: pair
            text: Two answers?
            kind: category
        claims:
        """) + (claim("c1", about="single", value="x") + claim("c2", about="pair", value="x")
                + claim("c3", about="pair", value="y"))
    path, found_warnings = warned(text, "question-with-one-claim")
    assert found_warnings == [
        (f"{path}:6:9", "question 'empty' has no claim"),
        (f"{path}:9:9", "question 'single' has one claim: nothing to compare it with"),
    ]


def test_a_clean_catalog_has_no_warnings(build: Build) -> None:
    analysis = build(
        claim("told", event="battle", about="outcome", value="success", via="[relay]"),
        on_outcome("other", "success", source="s2"),
        on_area("area-1", "300", source="s3"),
        on_area("area-2", "310", source="s3"),
    )
    assert [w.headline() for w in analysis.warnings] == []


# --- a brute-force reference on random catalogs ----------------------------------------------

DAY_ONE = date(2025, 3, 1)
SOURCE_POOL = ["s0", "s1", "s2", "s3"]
VIA_POOL = ["r0", "r1", "s0", "s1"]
TOLERANCES = ["0", "0.05", "0.1", "0.2", "0.25", "0.5", "1"]
FORMS = ["exact", "about", "at_least", "at_most", "more_than", "less_than", "between"]

Span = tuple[date | None, date | None]


@dataclass(frozen=True)
class WrittenDate:
    text: str
    span: Span


def day(n: int) -> date:
    return DAY_ONE + timedelta(days=n - 1)


def day_text(n: int) -> str:
    return day(n).isoformat()


def written_dates() -> st.SearchStrategy[WrittenDate]:
    days = st.integers(2, 14)
    return st.one_of(
        days.map(lambda n: WrittenDate(day_text(n), (day(n), day(n)))),
        days.map(lambda n: WrittenDate(day_text(n) + "~", (day(n - 1), day(n + 1)))),
        st.tuples(days, days).map(sorted).map(
            lambda p: WrittenDate(f"{day_text(p[0])}/{day_text(p[1])}", (day(p[0]), day(p[1])))),
        days.map(lambda n: WrittenDate(f"../{day_text(n)}", (None, day(n)))),
        days.map(lambda n: WrittenDate(f"{day_text(n)}/..", (day(n), None))),
        st.just(WrittenDate("2025-03", (date(2025, 3, 1), date(2025, 3, 31)))),
        st.just(WrittenDate("2025-02", (date(2025, 2, 1), date(2025, 2, 28)))),
    )


@dataclass
class QuestionSpec:
    id: str
    kind: str
    tolerance: str


@dataclass
class FigureSpec:
    form: str
    low: int
    high: int  # equal to low except for `between`

    @property
    def text(self) -> str:
        if self.form == "exact":
            return str(self.low)
        if self.form == "between":
            return f"{{between: [{self.low}, {self.high}]}}"
        return f"{{{self.form}: {self.low}}}"


@dataclass
class ClaimSpec:
    id: str
    source: list[str]
    via: list[str]
    about: str | None
    value: str | FigureSpec | None
    as_of: WrittenDate | None
    event: str | None
    said: WrittenDate | None
    disputes: list[str] = field(default_factory=list)


@dataclass
class CatalogSpec:
    questions: list[QuestionSpec]
    events: dict[str, WrittenDate]
    claims: list[ClaimSpec]
    declared: list[list[str]]

    def when(self, spec: ClaimSpec) -> Span:
        """as_of, else the event's date, else said; undated holds at any time."""
        chosen = spec.as_of or (self.events[spec.event] if spec.event else None) or spec.said
        return chosen.span if chosen else (None, None)

    def yaml(self) -> str:
        lines = ["contested: 1", "sources:"]
        for source in sorted({*SOURCE_POOL, *VIA_POOL}):
            lines += [f"  - id: {source}", f"    name: Source {source}"]
        lines.append("questions:")
        for question in self.questions:
            lines += [f"  - id: {question.id}", f"    text: {question.id}?",
                      f"    kind: {question.kind}"]
            if question.kind == "quantity":
                lines.append(f"    tolerance: {question.tolerance}")
        lines.append("events:")
        for event_id, when in self.events.items():
            lines += [f"  - id: {event_id}", f"    date: {when.text}", "    title: t"]
        lines.append("claims:")
        for spec in self.claims:
            lines += [f"  - id: {spec.id}", f"    source: [{', '.join(spec.source)}]",
                      "    text: t"]
            if spec.via:
                lines.append(f"    via: [{', '.join(spec.via)}]")
            if spec.about:
                lines.append(f"    about: {spec.about}")
            if spec.value is not None:
                value = spec.value.text if isinstance(spec.value, FigureSpec) else spec.value
                lines.append(f"    value: {value}")
            for name in ("as_of", "said"):
                written = getattr(spec, name)
                if written is not None:
                    lines.append(f"    {name}: {written.text}")
            if spec.event:
                lines.append(f"    event: {spec.event}")
            if spec.disputes:
                lines.append(f"    disputes: [{', '.join(spec.disputes)}]")
        lines.append("contradictions:")
        for number, members in enumerate(self.declared):
            lines += [f"  - id: declared-{number}", f"    claims: [{', '.join(members)}]"]
        return "\n".join(lines) + "\n"


# A catalog's figures are a few multiples of one base, so that widened ends often meet
# exactly (60 + 25% = 75 = 100 - 25%; 100 + 20% = 120 = 150 - 20%; 50 + 50% = 75 =
# 150 - 50%) or fall between the 10% and the 15% of an `about` (about 100 at 5% is
# [90, 110]; 85 is [80.75, 89.25] and 120 is [114, 126]); sometimes one odd figure too.
PERCENTS = [100, 85, 120, 60, 75, 150, 50, 300, 0]


@st.composite
def palettes(draw: st.DrawFn) -> list[int]:
    base = draw(st.sampled_from([100, 20]))
    related = [base * p // 100 for p in draw(st.lists(st.sampled_from(PERCENTS), min_size=1,
                                                       max_size=4, unique=True))]
    odd = draw(st.lists(st.integers(-4, 40).map(lambda n: n * 5), max_size=1))
    return related + odd


tolerances = st.sampled_from(["0", "0.05", "0.05", *TOLERANCES])


FORM_CHOICES = st.sampled_from(["exact", "about", *FORMS])


@st.composite
def figure_specs(draw: st.DrawFn, palette: st.SearchStrategy[int]) -> FigureSpec:
    """A figure from the catalog's few numbers, so that ends meet often."""
    form = draw(FORM_CHOICES)
    low = draw(palette)
    high = max(low, draw(palette)) if form == "between" else low
    return FigureSpec(form, low, high)


# Strategies built once: building them for every draw would cost most of the test's time.
DATES = written_dates()
MAYBE_DATES = st.none() | DATES
SOURCES = st.lists(st.sampled_from(SOURCE_POOL), min_size=1, max_size=2, unique=True)
VIAS = st.lists(st.sampled_from(VIA_POOL), max_size=2, unique=True)
WORDS = st.sampled_from(["x", "y", "z"])


@st.composite
def catalog_specs(draw: st.DrawFn) -> CatalogSpec:
    questions = [QuestionSpec(f"cat{i}", "category", "0.05")
                 for i in range(draw(st.integers(1, 3)))]
    questions += [QuestionSpec(f"qty{i}", "quantity", draw(tolerances))
                  for i in range(draw(st.integers(1, 3)))]
    events = {f"e{i}": draw(DATES) for i in range(draw(st.integers(0, 3)))}
    figure = figure_specs(st.sampled_from(draw(palettes())))
    pick_question = st.sampled_from([None, *questions, *questions])
    pick_event = st.none() | st.sampled_from(sorted(events)) if events else st.none()
    claims: list[ClaimSpec] = []
    for number in range(draw(st.integers(0, 25))):
        question = draw(pick_question)
        value: str | FigureSpec | None = None
        if question is not None and draw(st.integers(0, 9)) > 0:  # sometimes no value
            value = draw(WORDS) if question.kind == "category" else draw(figure)
        claims.append(ClaimSpec(
            id=f"c{number}",
            source=draw(SOURCES),
            via=draw(VIAS),
            about=question.id if question else None,
            value=value,
            as_of=draw(MAYBE_DATES),
            event=draw(pick_event),
            said=draw(MAYBE_DATES),
        ))
    ids = [c.id for c in claims]
    for spec in claims:
        others = [i for i in ids if i != spec.id]
        if others and draw(st.integers(0, 7)) == 0:
            spec.disputes = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2,
                                          unique=True))
    # declared entries, often on claims that answer one question (so that a declared
    # pair also found by a rule is common)
    declared: list[list[str]] = []
    for _ in range(draw(st.integers(0, 2))):
        question = draw(st.sampled_from(questions))
        pool = draw(st.sampled_from([ids, [c.id for c in claims if c.about == question.id]]))
        if len(pool) < 2:
            continue
        members = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=3, unique=True))
        if frozenset(members) not in map(frozenset, declared):
            declared.append(members)
    return CatalogSpec(questions, events, claims, declared)


# The reference, written from the spec without the engine's helpers.

Bounds = tuple[float | None, bool, float | None, bool]  # low, low closed, high, high closed


def reference_overlap(a: Span, b: Span) -> bool:
    (a_low, a_high), (b_low, b_high) = a, b
    if a_high is not None and b_low is not None and a_high < b_low:
        return False
    return not (b_high is not None and a_low is not None and b_high < a_low)


def reference_bounds(figure: FigureSpec, tolerance: float) -> Bounds:
    low: float | None
    high: float | None
    low, low_closed, high, high_closed = {
        "exact": (figure.low, True, figure.low, True),
        "about": (figure.low, True, figure.low, True),
        "at_least": (figure.low, True, None, False),
        "more_than": (figure.low, False, None, False),
        "at_most": (None, False, figure.low, True),
        "less_than": (None, False, figure.low, False),
        "between": (figure.low, True, figure.high, True),
    }[figure.form]
    slack = max(tolerance, 0.1) if figure.form == "about" else tolerance
    if low is not None:
        low = low - abs(low) * slack
    if high is not None:
        high = high + abs(high) * slack
    return low, low_closed, high, high_closed


def reference_apart(a: Bounds, b: Bounds) -> bool:
    """True when no number lies in both intervals."""

    def ends_before(first: Bounds, second: Bounds) -> bool:
        high, high_closed = first[2], first[3]
        low, low_closed = second[0], second[1]
        if high is None or low is None:
            return False
        return high < low or (high == low and not (high_closed and low_closed))

    return ends_before(a, b) or ends_before(b, a)


def reference_independent(a: ClaimSpec, b: ClaimSpec) -> bool:
    if set(a.source) & set(b.source):
        return False
    if set(a.source) & set(b.via) or set(b.source) & set(a.via):
        return False
    return not (a.via and a.via == b.via)


def reference_origins(claims: list[ClaimSpec]) -> int:
    group = {c.id: c.id for c in claims}

    def root(claim_id: str) -> str:
        while group[claim_id] != claim_id:
            claim_id = group[claim_id]
        return claim_id

    for a in claims:
        for b in claims:
            if a.id != b.id and not reference_independent(a, b):
                group[root(a.id)] = root(b.id)
    return len({root(c.id) for c in claims})


@dataclass
class Reference:
    contradictions: Counter[tuple[frozenset[str], tuple[str, ...]]]
    agreeing: dict[str, set[str]]
    contradicting: dict[str, set[str]]
    steps: dict[str, list[frozenset[str]]]


def reference(spec: CatalogSpec) -> Reference:
    questions = {q.id: q for q in spec.questions}
    answers = [c for c in spec.claims if c.about is not None and c.value is not None]
    rules: dict[frozenset[str], set[str]] = {}
    agreeing: dict[str, set[str]] = {c.id: set() for c in spec.claims}
    for i, a in enumerate(spec.claims):
        for b in spec.claims[i + 1:]:
            pair = frozenset({a.id, b.id})
            found_rules: set[str] = set()
            if b.id in a.disputes or a.id in b.disputes:
                found_rules.add("disputes")
            if (a in answers and b in answers and a.about == b.about
                    and reference_overlap(spec.when(a), spec.when(b))):
                question = questions[a.about or ""]
                if question.kind == "category":
                    conflict = a.value != b.value
                else:
                    assert isinstance(a.value, FigureSpec)
                    assert isinstance(b.value, FigureSpec)
                    tolerance = float(question.tolerance)
                    conflict = reference_apart(reference_bounds(a.value, tolerance),
                                               reference_bounds(b.value, tolerance))
                if conflict:
                    found_rules.add(question.kind)
                else:
                    agreeing[a.id].add(b.id)
                    agreeing[b.id].add(a.id)
            if found_rules:
                rules[pair] = found_rules
    order = ["declared", "category", "quantity", "disputes"]
    result: Counter[tuple[frozenset[str], tuple[str, ...]]] = Counter()
    for members in spec.declared:
        found_rules = {"declared"}
        if len(members) == 2:
            found_rules |= rules.pop(frozenset(members), set())
        result[frozenset(members), tuple(r for r in order if r in found_rules)] += 1
    for pair, found_rules in rules.items():
        result[pair, tuple(r for r in order if r in found_rules)] += 1
    contradicting: dict[str, set[str]] = {c.id: set() for c in spec.claims}
    for held, _ in result:
        for member in held:
            contradicting[member] |= held - {member}
    for claim_id, against in contradicting.items():  # opposed claims do not also agree
        agreeing[claim_id] -= against
    steps: dict[str, list[frozenset[str]]] = {}
    for question_id in questions:
        on_it = [c for c in answers if c.about == question_id]
        groups = [{c.id} for c in on_it]
        for a in on_it:
            for b in on_it:
                if reference_overlap(spec.when(a), spec.when(b)):
                    first = next(g for g in groups if a.id in g)
                    second = next(g for g in groups if b.id in g)
                    if first is not second:
                        first |= second
                        groups.remove(second)
        if len(groups) >= 2:
            by_id = {c.id: c for c in on_it}

            def start(group: set[str], by_id: dict[str, ClaimSpec] = by_id) -> date:
                return min(spec.when(by_id[i])[0] or date.min for i in group)

            steps[question_id] = [frozenset(g) for g in sorted(groups, key=start)]
    return Reference(result, agreeing, contradicting, steps)


def catalog_of(spec: CatalogSpec) -> Catalog:
    parsed = parse_timeline(spec.yaml().encode(), "random.yaml")
    assert parsed.document is not None, [d.headline() for d in parsed.diagnostics]
    catalog, problems = link([("random.yaml", parsed.document)])
    assert problems == [], [d.headline() for d in problems]
    return catalog


CROWDING: dict[str, tuple[int, int, int] | None] = {
    # (pairs laid out per question, contradictions listed per question, named answers):
    # small enough that random catalogs of 25 claims take every path of the engine.
    "as written": None,
    "dense": (-1, 10**9, crowds.NAMED_ANSWERS),  # counted, listed pair by pair
    "grouped": (10**9, 0, crowds.NAMED_ANSWERS),  # laid out, shown in groups
    "dense and grouped": (-1, 0, crowds.NAMED_ANSWERS),
    "pooled": (-1, 0, 1),  # one answer by name, the others pooled
    "all pooled": (10**9, 0, 0),
}


@contextmanager
def crowding(mode: str) -> Iterator[None]:
    """The engine with the thresholds of `mode` (module globals, restored after)."""
    chosen = CROWDING[mode]
    if chosen is None:
        yield
        return
    kept = (pairs_module.PAIRED_PER_QUESTION, rules_module.LISTED_PER_QUESTION,
            crowds.NAMED_ANSWERS)
    (pairs_module.PAIRED_PER_QUESTION, rules_module.LISTED_PER_QUESTION,
     crowds.NAMED_ANSWERS) = chosen
    try:
        yield
    finally:
        (pairs_module.PAIRED_PER_QUESTION, rules_module.LISTED_PER_QUESTION,
         crowds.NAMED_ANSWERS) = kept


@pytest.mark.parametrize("mode", list(CROWDING))
def test_the_engine_matches_a_brute_force_reference(mode: str) -> None:
    """Whether a question is laid out pair by pair or counted, listed or grouped, the
    pairs the engine enumerates are the brute force's, and so are its counts."""

    @settings(max_examples=150, deadline=None)
    @given(spec=catalog_specs())
    def check(spec: CatalogSpec) -> None:
        with crowding(mode):
            check_against_the_reference(spec)

    check()


def check_against_the_reference(spec: CatalogSpec) -> None:
    catalog = catalog_of(spec)
    expected = reference(spec)

    pairs = find_pairs(claim_table(catalog))
    contradictions = find_contradictions(catalog, pairs)
    assert Counter((frozenset(c.claims), c.rules) for c in contradictions) == (
        expected.contradictions
    )
    for found_one in contradictions:
        if found_one.rule != "declared":
            first, second = sorted(found_one.claims)
            assert found_one.id == pair_id(found_one.rule, first, second)
    assert len({c.id for c in contradictions}) == len(contradictions)

    corroboration = corroborate(catalog, contradictions, pairs)
    by_id = {c.id: c for c in spec.claims}
    for spec_claim in spec.claims:
        got = corroboration.get(spec_claim.id)
        agreeing = expected.agreeing[spec_claim.id]
        contradicting = expected.contradicting[spec_claim.id]
        if not agreeing and not contradicting:
            assert got is None
            continue
        assert got is not None
        assert sorted(got.agreeing) == sorted(agreeing)
        free = {i for i in agreeing if reference_independent(spec_claim, by_id[i])}
        assert set(got.independent_agreeing) == free
        assert got.agreeing_origins == reference_origins([by_id[i] for i in free])
        assert sorted(got.contradicting) == sorted(contradicting)
        against = [by_id[i] for i in contradicting if reference_independent(spec_claim, by_id[i])]
        assert got.contradicting_origins == reference_origins(against)
        assert corroboration.tally(spec_claim.id) == (
            len(got.agreeing), len(got.independent_agreeing), got.agreeing_origins,
            len(got.contradicting), got.contradicting_origins)

    series = find_series(catalog)
    assert {q: [frozenset(s.claims) for s in found_series.steps]
            for q, found_series in series.items()} == expected.steps
    check_counts_against_the_objects(catalog, contradictions)


def test_kursk_counts_read_from_the_arrays_match_the_objects(kursk: Analysis) -> None:
    check_counts_against_the_objects(kursk.catalog, kursk.contradictions)


def check_counts_against_the_objects(catalog: Catalog, found: Contradictions) -> None:
    """What the explorer reads from the arrays equals what the objects say."""
    made = list(found)
    assert found[:] == made
    for claim_id in catalog.claims:
        mine = [c for c in made if claim_id in c.claims]
        assert found.of(claim_id) == mine
        assert found.count_of(claim_id) == len(mine)
    for position, item in enumerate(made):
        assert found.position_of(item.id) == position
        assert found.get(item.id) is item
    assert found.position_of("category~nothing~here") is None
    # As listed: held pairs and groups, each group standing for its pairs in place.
    listing = found.listing()
    expanded = [pair for item in listing for pair in (
        item.pairs if isinstance(item, ContradictionGroup) else [item])]
    assert expanded == made
    assert [found.listed_index_of(item.id) for item in listing] == list(range(len(listing)))
    for group in found.groups:
        assert group.count == len(group.pairs) > 0
        assert [found.group_of(group.start + k) for k in range(group.count)] == \
            [group] * group.count
        assert [group.rank_of(pair.id) for pair in group.pairs] == list(range(group.count))
        assert group.page(0, 2) == made[group.start:group.start + min(group.count, 2)]
        assert group.page(1, 2) == made[group.start + 2:group.start + min(group.count, 4)]
        assert found.listed_index_of(group.pairs[-1].id) == found.listed_index_of(group.key)
        first, second = group.sides
        members = {c for pair in group.pairs for c in pair.claims}
        assert first.claims + second.claims >= group.claim_count
        # (a claim whose pairs a declared contradiction holds still counts on its side)
        assert len(members) == group.claim_count or group.group.excluded
    assert [item.question for item in listing] == [
        question for question, start, end in found.listed_runs() for _ in range(start, end)]
    assert sum(found.per_row()) == sum(len(c.claims) for c in made)
    assert found.per_question() == dict(Counter(c.question for c in made if c.question))
    runs = [(q, start, end) for q, start, end in found.runs()]
    assert [c.question for c in made] == [q for q, start, end in runs
                                          for _ in range(start, end)]
    sources_of = {c.id: dict.fromkeys(catalog.claims[c.id].source) for c in
                  catalog.claims.values()}
    assert per_source(found) == Counter(
        s for c in made for s in {s for m in c.claims for s in sources_of[m]})
    sides = {s.id: s.side for s in catalog.sources.values()}
    for grouping in (None, sides):
        name: Callable[[str], str] = (
            (lambda s: s) if grouping is None else grouping.__getitem__)
        expected_pairs: Counter[tuple[str, str]] = Counter()
        for c in made:
            named = [[name(s) for s in sources_of[m]] for m in c.claims]
            expected_pairs.update({
                (a, b) if a <= b else (b, a)
                for i, one in enumerate(named) for other in named[i + 1:]
                for a in one for b in other})
        assert source_pairs(found, grouping) == expected_pairs


@st.composite
def figure_pairs(draw: st.DrawFn) -> CatalogSpec:
    """Two claims on one quantity question at the same date: the interval rule alone,
    on two related figures (100 and 85, 100 and 120, ...) so that boundaries are met."""
    base = draw(st.sampled_from([100, 20]))
    palette = [base, base * draw(st.sampled_from(PERCENTS)) // 100]
    question = QuestionSpec("qty0", "quantity", draw(tolerances))
    same_day = WrittenDate("2025-03-10", (date(2025, 3, 10), date(2025, 3, 10)))
    claims = [ClaimSpec(f"c{n}", [f"s{n}"], [], "qty0",
                        draw(figure_specs(st.sampled_from(palette))),
                        same_day, None, None) for n in range(2)]
    return CatalogSpec([question], {}, claims, [])


@settings(max_examples=300, deadline=None)
@given(figure_pairs())
def test_the_quantity_rule_matches_the_reference_on_figure_pairs(spec: CatalogSpec) -> None:
    catalog = catalog_of(spec)
    expected = reference(spec)
    contradictions = find_contradictions(catalog)
    assert Counter((frozenset(c.claims), c.rules) for c in contradictions) == (
        expected.contradictions
    )
    agreeing = corroborate(catalog, contradictions).get("c0")
    assert set(agreeing.agreeing if agreeing else ()) == expected.agreeing["c0"]
