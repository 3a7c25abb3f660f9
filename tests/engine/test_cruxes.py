"""The crux of a question: the fewest speakers whose claims, removed, leave it without a
contradiction (a minimum vertex cover of the speakers' contradictions), on catalogs whose
cover is known by hand, whether the question lists its pairs or groups them; and where it
shows: the question's detail, `contradictions --json`, the markdown report."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.engine import cruxes as cruxes_module
from contested.engine.analysis import Analysis, analyse
from contested.engine.cruxes import Crux, cruxes, smallest_cover
from contested.export.markdown import to_markdown
from contested.present.browse import Browser
from contested.present.details import Details
from contested.present.wording import crux_text
from tests.helpers import TIMELINES, Cli

HEAD = """\
contested: 1
sources:
{sources}
questions:
  - {{id: q, text: Who holds the bridge?, kind: category}}
claims:
"""


def catalog(folder: Path, speakers: str, claims: list[tuple[str, str]]) -> Analysis:
    """One category question; each claim (sources, value) said in May 2030."""
    sources = "\n".join(f"  - {{id: {s}, name: Speaker {s.upper()}}}" for s in speakers)
    lines = [f"  - {{id: c{n}, source: {who}, text: t, about: q, value: {value}, "
             f"as_of: 2030-05}}\n" for n, (who, value) in enumerate(claims)]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "q.yaml").write_text(HEAD.format(sources=sources) + "".join(lines),
                                   encoding="utf-8")
    result = load_catalog([folder])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def crux_of(analysis: Analysis, question: str = "q") -> Crux:
    found = cruxes(analysis.contradictions).of(question)
    assert found is not None
    return found


def pair_by_pair(analysis: Analysis, question: str) -> list[frozenset[str]]:
    """Every contradiction of a question read one by one, as the set of its speakers."""
    claims = analysis.catalog.claims
    return [frozenset(s for c in item.claims for s in claims[c].source)
            for item in analysis.contradictions if item.question == question]


def test_a_triangle_turns_on_two_of_its_three_speakers(tmp_path: Path) -> None:
    found = crux_of(catalog(tmp_path, "abc", [("a", "x"), ("b", "y"), ("c", "z")]))
    assert len(found.speakers) == 2
    assert found.exact
    assert found.contradictions == 3
    assert found.within == (2, 2)


def test_a_star_turns_on_its_centre(tmp_path: Path) -> None:
    found = crux_of(catalog(tmp_path, "abcd", [("a", "x"), ("b", "y"), ("c", "y"),
                                               ("d", "y"), ("d", "y")]))
    assert (found.speakers, found.within, found.exact) == (("a",), (4,), True)


def test_a_speaker_that_contradicts_itself_is_always_in_it(tmp_path: Path) -> None:
    # a says x and y; b says x: dropping a alone leaves b, who agrees with no one left.
    found = crux_of(catalog(tmp_path, "ab", [("a", "x"), ("a", "y"), ("b", "x")]))
    assert found.speakers == ("a",)
    assert smallest_cover([frozenset("a"), frozenset("b")]).speakers == {"a", "b"}


def test_a_joint_claim_is_removed_with_any_of_its_sources(tmp_path: Path) -> None:
    # The claim of p and q says x; r and s say y. Dropping p (or q) drops the joint claim.
    found = crux_of(catalog(tmp_path, "pqrs", [("[p, q]", "x"), ("r", "y"), ("s", "y")]))
    assert len(found.speakers) == 1
    assert found.speakers[0] in "pq"
    assert found.within == (2,)


def test_the_bundled_march_question_turns_on_syrsky_and_zombie() -> None:
    result = load_catalog([TIMELINES])
    analysis = analyse(result.catalog)
    found = crux_of(analysis, "ukraine-situation-kursk")
    # Gady and the soldier say serious, Syrsky under-control, Zombie rout: without
    # Syrsky and Zombie all that is left says serious; no one speaker would do.
    assert (found.speakers, found.within, found.contradictions, found.exact) == (
        ("syrsky", "zombie"), (4, 4), 7, True)
    assert crux_text(analysis.catalog, found) == (
        "Oleksandr Syrsky (in 4) and Zombie (in 4): without their claims, none of the "
        "question's 7 contradictions stands")
    # The declared contradiction across questions belongs to none of them.
    assert cruxes(analysis.contradictions).of("ukraine-held-area-lost-share") is None


def test_a_grouped_question_gives_the_cover_its_pairs_give(tmp_path: Path) -> None:
    analysis = catalog(tmp_path, "abcd", [*[("a", "x")] * 40, *[("b", "y")] * 30,
                                          ("c", "z"), ("d", "x")])
    found = analysis.contradictions
    assert found.groups
    assert found.per_question() == {"q": 40 * 30 + 40 + 30 + 30 + 1}
    crux = crux_of(analysis)
    one_by_one = pair_by_pair(analysis, "q")
    assert len(one_by_one) == found.per_question()["q"]
    expected = smallest_cover(one_by_one)
    assert frozenset(crux.speakers) == expected.speakers
    assert crux.exact
    assert crux.speakers == ("b", "c")  # keeps a and d, who both say x
    assert crux.within == (sum("b" in e for e in one_by_one), sum("c" in e for e in one_by_one))


def test_a_grouped_question_of_many_speakers_is_swept(tmp_path: Path) -> None:
    # 50 speakers say x twice, 5 say y five times: 100 x 25 pairs, more than are
    # listed; more sets of speakers than are counted pair by pair, so it is swept.
    many = [f"s{n}" for n in range(55)]
    sources = "\n".join(f"  - {{id: {s}, name: Speaker {s}}}" for s in many)
    lines = [f"  - {{id: c{s}-{k}, source: {s}, text: t, about: q, value: "
             f"{'x' if n < 50 else 'y'}, as_of: 2030-05}}\n"
             for n, s in enumerate(many) for k in range(2 if n < 50 else 5)]
    (tmp_path / "q.yaml").write_text(HEAD.format(sources=sources) + "".join(lines),
                                     encoding="utf-8")
    analysis = analyse(load_catalog([tmp_path]).catalog)
    assert analysis.contradictions.groups
    crux = crux_of(analysis)
    assert set(crux.speakers) == {f"s{n}" for n in range(50, 55)}
    assert not crux.exact
    assert crux.within is None
    assert crux.factor is None
    edges = pair_by_pair(analysis, "q")
    assert all(edge & set(crux.speakers) for edge in edges)  # a cover
    assert crux_text(analysis.catalog, crux).endswith(
        "(enough, not proven the fewest speakers that would do; at least 1 would)")


def test_beyond_the_exact_size_the_bound_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    # A cycle larger than searched: nothing reduces it.
    size = cruxes_module.EXACT_SPEAKERS + 20
    cycle = [frozenset((f"s{n:03}", f"s{(n + 1) % size:03}")) for n in range(size)]
    cover = smallest_cover(cycle)
    assert all(edge & cover.speakers for edge in cycle)
    assert (cover.exact, cover.factor) == (False, 2)
    assert cover.at_least <= size // 2 <= len(cover.speakers) <= 2 * cover.at_least
    monkeypatch.setattr(cruxes_module, "EXACT_SPEAKERS", 3)
    analysis = analyse(load_catalog([TIMELINES]).catalog)
    crux = crux_of(analysis, "ukraine-situation-kursk")
    assert not crux.exact
    assert crux.factor == 2
    assert crux_text(analysis.catalog, crux).endswith(
        f"(at most twice the fewest speakers that would do; at least {crux.at_least} would)")


def test_the_search_finds_the_smallest_of_small_graphs() -> None:
    speakers = "abcdefg"
    pairs = list(combinations(speakers, 2))
    for seed in range(60):
        edges = [frozenset(p) for n, p in enumerate(pairs) if (seed * 7 + n * 13) % 5 < 2]
        brute = next(len(c) for k in range(len(speakers) + 1)
                     for c in combinations(speakers, k)
                     if all(edge & set(c) for edge in edges))
        cover = smallest_cover(edges)
        assert cover.exact
        assert len(cover.speakers) == brute
        assert all(edge & cover.speakers for edge in edges)


# --- where it shows ---------------------------------------------------------------------

def test_the_question_detail_says_what_it_turns_on() -> None:
    analysis = analyse(load_catalog([TIMELINES]).catalog)
    detail = Details(Browser(analysis)).of("question", "ukraine-situation-kursk")
    assert ("turns on", "Oleksandr Syrsky (in 4) and Zombie (in 4): without their claims, "
            "none of the question's 7 contradictions stands") in detail.fields
    quiet = Details(Browser(analysis)).of("question", "ukraine-held-area-lost-share")
    assert "turns on" not in dict(quiet.fields)


def test_contradictions_json_gives_each_record_its_question_crux(cli: Cli) -> None:
    ran = cli("contradictions", "--json", str(TIMELINES))
    records = json.loads(ran.stdout)
    by_id = {r["id"]: r for r in records}
    assert by_id["category~syrsky-under-control~zombie-rout"]["crux"] == {
        "speakers": ["syrsky", "zombie"], "exact": True, "at_least": 2,
        "at_most_times": None, "contradictions": 7, "within": [4, 4], "or_equally": None}
    assert by_id["syrsky-vs-deepstate"]["crux"] is None  # across questions


def test_contradictions_json_gives_a_group_its_crux(tmp_path: Path, cli: Cli) -> None:
    catalog(tmp_path, "ab", [*[("a", "x")] * 40, *[("b", "y")] * 30])
    records = json.loads(cli("contradictions", "--json", str(tmp_path)).stdout)
    assert [r["kind"] for r in records] == ["group"]
    assert records[0]["crux"]["speakers"] == ["a"]
    assert records[0]["crux"]["exact"]


def test_the_report_says_what_each_question_turns_on() -> None:
    report = to_markdown(analyse(load_catalog([TIMELINES]).catalog))
    assert ("**What it turns on:** Oleksandr Syrsky (in 4) and Zombie (in 4): without "
            "their claims, none of the question's 7 contradictions stands.") in report
    assert report.count("**What it turns on:**") == 2  # the two questions in dispute


def test_a_crux_that_is_not_the_only_one_names_the_other() -> None:
    """One contradiction between two speakers turns on either of them: naming one
    alone would say the other does not matter."""
    from contested.catalog.discover import bundled_catalog
    from contested.catalog.loading import load_catalog
    from contested.engine.analysis import analyse
    from contested.present.wording import turns_on

    analysis = analyse(load_catalog([bundled_catalog()]).catalog)
    said = turns_on(analysis.catalog, analysis.contradictions, "pipeline-operation-outcome")
    assert said == ("Russian media (in 1), or as well Ukrainian media: without its "
                    "claims, the question's contradiction does not stand")
    march = turns_on(analysis.catalog, analysis.contradictions, "ukraine-situation-kursk")
    assert march is not None
    assert "or as well" not in march  # Syrsky and Zombie are the only two that do
