"""Questions with thousands of claims that disagree: counted without listing their pairs,
shown in groups, every pair still found by its id and listed on demand, a page at a time
(docs/timeline-format.md, "Groups").

Bounds are structural: how many pairs were laid out, held or made, never a timer."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from collections.abc import Container
from datetime import date
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.cli import main
from contested.engine import pairs as pairs_module
from contested.engine.analysis import Analysis, analyse
from contested.engine.contradictions import PAGE, ContradictionGroup
from contested.engine.corroboration import CorroborationIndex
from contested.engine.rules import LISTED_PER_QUESTION, pair_id
from contested.engine.sources import per_source, source_pairs
from contested.export.csv_export import to_csv
from contested.export.markdown import to_markdown
from contested.export.records import to_json
from contested.present.browse import Browser, group_text, span_text
from contested.present.details import Details
from contested.review.notes import Note, Notes
from tests.engine.test_analysis import (
    CatalogSpec,
    ClaimSpec,
    FigureSpec,
    QuestionSpec,
    WrittenDate,
    catalog_of,
    day,
    day_text,
    reference,
)

HEAD = """\
contested: 1
sources:
  - {id: a, name: Agency A, side: north}
  - {id: b, name: Agency B, side: south}
questions:
  - {id: bridge, text: Who holds the bridge?, kind: category}
claims:
"""


def alternating(folder: Path, count: int) -> Path:
    """`count` claims on one question, alternating between x (from a) and y (from b),
    all about May 2030: count²/4 contradictions."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"  - {{id: c{n}, source: {'ab'[n % 2]}, text: t, about: bridge, "
             f"value: {'xy'[n % 2]}, as_of: 2030-05}}\n" for n in range(count)]
    (folder / "crowd.yaml").write_text(HEAD + "".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def crowd_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return alternating(tmp_path_factory.mktemp("crowd"), 20_000)


@pytest.fixture(scope="module")
def crowd(crowd_folder: Path) -> Analysis:
    result = load_catalog([crowd_folder])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


# --- the engine -------------------------------------------------------------------------------

def test_twenty_thousand_alternating_claims_are_counted_not_listed(crowd: Analysis) -> None:
    found = crowd.contradictions
    assert len(found) == 10_000 * 10_000
    # Nothing quadratic was built: no pair laid out, none held, none made yet.
    assert isinstance(crowd.corroboration, CorroborationIndex)
    assert len(crowd.corroboration.pairs.first) == 0
    assert len(found.order) == 0
    assert found.made_in_groups == 0
    (group,) = found.groups
    assert group.count == 100_000_000
    assert group.key == "group:bridge:1"
    assert [(s.answer, s.claims, s.answers) for s in group.sides] == [
        ("c0", 10_000, 1), ("c1", 10_000, 1)]
    assert (group.earliest, group.latest) == (date(2030, 5, 1), date(2030, 5, 31))
    assert set(found.per_row().tolist()) == {10_000}
    assert found.count_of("c0") == found.count_of("c19999") == 10_000
    assert found.per_question() == {"bridge": 100_000_000}
    assert per_source(found) == Counter({"a": 100_000_000, "b": 100_000_000})
    assert source_pairs(found) == Counter({("a", "b"): 100_000_000})
    assert source_pairs(found, {"a": "north", "b": "south"}) == Counter(
        {("north", "south"): 100_000_000})
    # Each x claim agrees with the 9,999 others (all from a: one origin, not independent
    # of it) and contradicts the 10,000 y claims (all from b: one independent origin).
    assert crowd.corroboration.tally("c0") == (9_999, 0, 0, 10_000, 1)
    assert found.made_in_groups == 0
    assert group_text(crowd.catalog, group) == (
        "10,000 claims say x vs 10,000 say y, overlapping 2030-05: 100,000,000 pairs")


def test_a_pair_is_found_by_its_id_without_listing_its_question(crowd: Analysis) -> None:
    found = crowd.contradictions
    before = found.made_in_groups
    position = found.position_of("category~c0~c1")
    assert position is not None
    pair = found[position]
    assert (pair.id, pair.rules, pair.claims, pair.question) == (
        "category~c0~c1", ("category",), ("c0", "c1"), "bridge")
    assert found.get("category~c0~c1") == pair
    ids: Container[object] = found  # `in` takes a pair's id as well as a pair
    assert "category~c0~c1" in ids
    assert found.groups[0].rank_of(pair.id) == position - found.groups[0].start
    far = found.get("category~c19998~c19999")  # the last claims read: no walk to them
    assert far is not None
    assert far.claims == ("c19998", "c19999")
    assert found.made_in_groups - before <= 3
    for absent in ("category~c0~c2",        # both say x: no contradiction
                   "category~c1~c0",        # not the id: its claims are not in order
                   "quantity~c0~c1",        # not the rule of this question
                   "disputes~c0~c1",
                   "category~c0~nowhere", "group:bridge:1", "nothing"):
        assert found.position_of(absent) is None, absent
        assert absent not in ids
    assert found.listed_index_of("category~c0~c1") == found.listed_index_of("group:bridge:1")


def test_a_note_on_a_grouped_pair_stays_attached(crowd: Analysis) -> None:
    notes = Notes()
    notes.sections["contradictions"]["category~c0~c1"] = Note(star=True, status="explained")
    notes.sections["contradictions"]["category~c0~c2"] = Note(star=True)  # not a pair
    details = Details(Browser(crowd, None))
    orphans = notes.orphans(lambda kind, target: details.exists(kind[:-1], target))
    assert [target for _, target, _ in orphans] == ["category~c0~c2"]
    report = to_markdown(crowd, notes=notes)
    assert "Pairs of this group with a review note (1):" in report
    assert "`category~c0~c1` · category" in report
    assert "status: explained" in report


def test_a_group_lists_its_pairs_a_page_at_a_time(crowd: Analysis) -> None:
    found = crowd.contradictions
    (group,) = found.groups
    before = found.made_in_groups
    first = group.page(0)
    assert len(first) == PAGE
    assert found.made_in_groups - before <= PAGE  # the page (less any made before)
    assert len({pair.id for pair in first}) == PAGE
    values: dict[str, str] = {}
    for c in crowd.catalog.claims.values():
        assert isinstance(c.value, str)  # every claim answers the category question
        values[c.id] = c.value
    for pair in first:
        assert sorted(values[c] for c in pair.claims) == ["x", "y"]
        assert pair.id == pair_id("category", *pair.claims)
    assert group.page(1)[0] == group.pair(PAGE)
    last = group.page(100_000_000 // PAGE - 1)
    assert len(last) == PAGE
    assert last[-1] == group.pairs[-1]
    assert group.page(100_000_000 // PAGE) == []
    assert [group.rank_of(pair.id) for pair in last[:3]] == [
        100_000_000 - PAGE, 100_000_000 - PAGE + 1, 100_000_000 - PAGE + 2]
    assert found.made_in_groups - before <= 3 * PAGE + 3


# --- against a brute force, at a size where it all happens for real -----------------------------

def spread(kind: str, count: int, seed: int) -> CatalogSpec:
    """`count` claims on one question at dates of every shape (days, ranges, months, open
    ends, undated), three answers or six figures, a few disputes and declared pairs."""
    rng = random.Random(seed)
    question = QuestionSpec("q0", kind, "0.1")

    def when() -> WrittenDate | None:
        n = rng.randint(2, 14)
        return rng.choice([
            WrittenDate(day_text(n), (day(n), day(n))),
            WrittenDate(f"{day_text(n)}/{day_text(n + 3)}", (day(n), day(n + 3))),
            WrittenDate("2025-03", (date(2025, 3, 1), date(2025, 3, 31))),
            WrittenDate(f"../{day_text(n)}", (None, day(n))),
            None,
        ])

    def value() -> str | FigureSpec:
        if kind == "category":
            return rng.choice(["x", "y", "z"])
        form = rng.choice(["exact", "about", "at_least", "between"])
        low = rng.choice([100, 120, 300, 500, 900])
        return FigureSpec(form, low, low * 2 if form == "between" else low)

    claims = [ClaimSpec(f"c{n}", [rng.choice(["s0", "s1", "s2"])], [], "q0", value(),
                        when(), None, None) for n in range(count)]
    for claim in rng.sample(claims, 5):
        claim.disputes = [rng.choice(claims).id]
        if claim.id in claim.disputes:
            claim.disputes = []
    declared = [[claims[0].id, claims[1].id], [claims[2].id, claims[3].id, claims[4].id]]
    return CatalogSpec([question], {}, claims, declared)


@pytest.mark.parametrize("dense", [False, True], ids=["laid out", "dense"])
@pytest.mark.parametrize("kind", ["category", "quantity"])
def test_groups_hold_the_brute_forces_pairs_at_scale(kind: str, dense: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of claims at dates of every shape: grouped, whether their pairs at
    overlapping dates were laid out or only counted (a dense question)."""
    if dense:
        monkeypatch.setattr(pairs_module, "PAIRED_PER_QUESTION", 0)
    spec = spread(kind, 300, seed=17)
    catalog = catalog_of(spec)
    analysis = analyse(catalog)
    found = analysis.contradictions
    expected = reference(spec)
    assert sum(expected.contradictions.values()) > LISTED_PER_QUESTION  # so it is grouped
    assert found.groups
    assert isinstance(analysis.corroboration, CorroborationIndex)
    # bool(): a numpy bool is never `is` True or False
    laid_out = bool(analysis.corroboration.pairs.runs.count.any())
    assert laid_out is not dense
    assert len(found) == sum(expected.contradictions.values())
    made = list(found)
    assert Counter((frozenset(c.claims), c.rules) for c in made) == expected.contradictions
    # Each claim's count, read from the counts, is the brute force's.
    per_claim = Counter(c for members, _ in expected.contradictions.elements()
                        for c in members)
    assert {c: found.count_of(c) for c in catalog.claims} == {
        c: per_claim.get(c, 0) for c in catalog.claims}
    # The groups hold every rule pair once, as many as they say.
    grouped = [pair.id for group in found.groups for pair in group.pairs]
    assert len(grouped) == len(set(grouped)) == sum(g.count for g in found.groups)
    # A sample of claims: the contradictions of each, and who agrees with it.
    for claim_id in [c.id for c in spec.claims[::45]]:
        assert [c.id for c in found.of(claim_id)] == [
            c.id for c in made if claim_id in c.claims]
        got = analysis.corroboration.get(claim_id)
        agreeing = expected.agreeing[claim_id]
        assert set(got.agreeing if got else ()) == agreeing


def test_figures_pooled_past_the_named_answers() -> None:
    """More answers than are named: the others are pooled, and the pool against itself
    is a group of its own."""
    lines = [f"  - {{id: c{n}, source: {'ab'[n % 2]}, text: t, about: area, "
             f"value: {100 * (n % 9 + 1)}, as_of: 2030-05}}\n" for n in range(900)]
    head = HEAD.replace("  - {id: bridge, text: Who holds the bridge?, kind: category}",
                        "  - {id: area, text: Area, kind: quantity, unit: km2, tolerance: 0}")
    from contested.catalog.link import link
    from contested.catalog.parse import parse_timeline

    parsed = parse_timeline((head + "".join(lines)).encode(), "figures.yaml")
    assert parsed.document is not None
    catalog, problems = link([("figures.yaml", parsed.document)])
    assert problems == []
    found = analyse(catalog).contradictions
    assert len(found) == 36 * 100 * 100  # nine figures, 100 claims each, all apart
    pooled = [g for g in found.groups if g.sides[1].answer is None]
    assert sum(g.count for g in found.groups) == len(found)
    pool_against_pool = [g for g in pooled if g.sides[0].answer is None]
    assert len(pool_against_pool) == 1
    assert pool_against_pool[0].sides[0].answers == 3  # 9 figures, 6 named
    assert group_text(catalog, pool_against_pool[0]) == (
        "300 claims with 3 other figures contradict each other, overlapping 2030-05: "
        "30,000 pairs")


def test_span_text_reads_short() -> None:
    assert span_text(date(2030, 5, 1), date(2030, 6, 30)) == "2030-05..06"
    assert span_text(date(2030, 5, 1), date(2030, 5, 31)) == "2030-05"
    assert span_text(date(2030, 1, 1), date(2031, 12, 31)) == "2030..2031"
    assert span_text(date(2030, 5, 3), date(2030, 6, 14)) == "2030-05-03..2030-06-14"
    assert span_text(None, date(2030, 5, 3)) == "..2030-05-03"
    assert span_text(None, None) == "any date"


# --- the CLI and the exports ---------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_table_shows_the_group(crowd_folder: Path, capsys: pytest.CaptureFixture[str]
                                   ) -> None:
    out = run(capsys, "contradictions", "--no-cache", str(crowd_folder))
    assert ("  category group: 10,000 claims say x vs 10,000 say y, overlapping 2030-05: "
            "100,000,000 pairs") in out
    assert out.splitlines()[-1] == "100,000,000 contradictions (100,000,000 in 1 group)"
    assert "Agency A [north]" not in out  # no pair listed


def test_json_carries_the_group_and_its_count(crowd_folder: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (record,) = json.loads(run(capsys, "contradictions", "--json", "--no-cache",
                               str(crowd_folder)))
    assert record["kind"] == "group"
    assert (record["id"], record["pairs"], record["question"]) == (
        "group:bridge:1", 100_000_000, "bridge")
    assert [(s["value"], s["claims"]) for s in record["sides"]] == [("x", 10_000),
                                                                   ("y", 10_000)]


def test_the_exports_give_counts_past_the_threshold(crowd: Analysis) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(crowd))))
    assert len(rows) == 20_000
    assert {row["contradicts"] for row in rows} == {"(10000 claims)"}
    document = json.loads(to_json(crowd))
    assert document["contradictions"] == []
    (group,) = document["contradiction_groups"]
    assert group["pairs"] == 100_000_000
    assert {claim["contradicts"] for claim in document["claims"]} == {10_000}
    first = document["corroboration"][0]
    assert (first["claim"], first["agreeing"], first["contradicting"]) == ("c0", 9_999, 10_000)
    report = to_markdown(crowd)
    assert "### 10,000 claims say x vs 10,000 say y, overlapping 2030-05: 100,000,000 pairs" \
        in report
    assert "**Contradictions (100,000,000):**" in report


@pytest.fixture
def small_crowd(tmp_path: Path) -> Path:
    """70 claims: 35 x 35 = 1,225 contradictions, just past what is listed one by one."""
    return alternating(tmp_path / "small", 70)


def test_all_lists_every_pair_of_a_group(small_crowd: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    expected = {pair_id("category", f"c{a}", f"c{b}") for a in range(0, 70, 2)
                for b in range(1, 70, 2)}
    listed = json.loads(run(capsys, "contradictions", "--json", "--no-cache",
                            str(small_crowd)))
    assert [r.get("kind") for r in listed] == ["group"]
    assert listed[0]["pairs"] == 1_225
    every = json.loads(run(capsys, "contradictions", "--json", "--all", "--no-cache",
                           str(small_crowd)))
    assert {r["id"] for r in every} == expected
    assert len(every) == 1_225
    table = run(capsys, "contradictions", "--all", "--no-cache", str(small_crowd))
    assert sum(1 for line in table.splitlines() if line.startswith("  category  ")) == 1_225
    assert run(capsys, "contradictions", "--all", "--no-cache", "--rule", "quantity",
               str(small_crowd)) == "no contradictions\n"
    south = json.loads(run(capsys, "contradictions", "--json", "--all", "--no-cache",
                           "--side", "south", str(small_crowd)))
    assert len(south) == 1_225  # every pair has a claim from b, of the south
    exported = json.loads(run(capsys, "export", "--format", "json", "--all", "--no-cache",
                              str(small_crowd)))
    assert {r["id"] for r in exported["contradictions"]} == expected
    assert exported["contradiction_groups"][0]["pairs"] == 1_225
    without = json.loads(run(capsys, "export", "--format", "json", "--no-cache",
                             str(small_crowd)))
    assert without["contradictions"] == []
    claims = {c["id"]: c["contradicts"] for c in without["claims"]}
    assert claims["c0"] == sorted(f"c{b}" for b in range(1, 70, 2))  # 35: listed
    markdown = run(capsys, "export", "--all", "--no-cache", str(small_crowd))
    assert sum(markdown.count(f"\n### {one} vs {other}\n") for one, other in (
        ("Agency A: x (2030-05)", "Agency B: y (2030-05)"),
        ("Agency B: y (2030-05)", "Agency A: x (2030-05)"))) == 1_225


def test_a_group_is_one_entry_of_the_listing(crowd: Analysis) -> None:
    listing = crowd.contradictions.listing()
    assert len(listing) == 1
    (group,) = listing
    assert isinstance(group, ContradictionGroup)
    assert listing.index_of("group:bridge:1") == 0
    assert crowd.contradictions.listed_runs() == [("bridge", 0, 1)]
    assert crowd.contradictions.runs() == [("bridge", 0, 100_000_000)]
