"""The explorer's filter, read and applied to each pane, on the bundled Kursk catalog."""

from __future__ import annotations

from collections import Counter

import pytest

from contested.catalog.loading import load_catalog
from contested.engine.analysis import Analysis, analyse
from contested.engine.contradictions import Contradiction, Listed
from contested.engine.sources import source_pairs
from contested.present.filters import (
    FilterError,
    apply,
    filter_word,
    filter_words,
    pair_filter,
    parse_filter,
)
from contested.review.notes import Note, Notes
from tests.helpers import TIMELINES


@pytest.fixture(scope="module")
def kursk() -> Analysis:
    return analyse(load_catalog([TIMELINES]).catalog)


@pytest.mark.parametrize(("text", "message"), [
    ("colour:red", "'colour' is not a filter"),
    ("side:", "'side:' needs a value"),
    ("rule:opinion", "rule 'opinion'"),
    ("reliability:G", "reliability is a letter"),
    ("credibility:9", "credibility is a number"),
    ("status:done", "status is one of open, explained, resolved"),
    ("from:2025-13", "from:2025-13"),
])
def test_a_filter_that_cannot_be_read_says_why(text: str, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        parse_filter(text)


def test_an_empty_filter_keeps_everything(kursk: Analysis) -> None:
    found = apply(kursk, parse_filter("  "), None)
    assert (found.events, found.claims, found.sources, found.contradictions) == (
        None, None, None, None)


def test_side_filters_every_pane(kursk: Analysis) -> None:
    catalog = kursk.catalog
    found = apply(kursk, parse_filter("side:ukraine"), None)
    assert found.sources == {s.id for s in catalog.sources.values() if s.side == "ukraine"}
    assert found.claims
    assert all(any(catalog.sources[s].side == "ukraine" for s in catalog.claims[c].source)
               for c in found.claims)
    assert found.events == {catalog.claims[c].event for c in found.claims}
    assert found.contradictions is not None
    ids = {c.id for c in found.contradictions}
    assert "category~syrsky-under-control~zombie-rout" in ids  # Syrsky is Ukrainian
    assert "category~gady-already-difficult~zombie-rout" not in ids  # neither is


def test_source_alias_rule_question_and_dates(kursk: Analysis) -> None:
    gadi = apply(kursk, parse_filter("gadi"), None)
    assert gadi.sources == {"gady"}
    assert gadi.contradictions is not None
    for item in gadi.contradictions:
        assert isinstance(item, Contradiction)  # the Kursk file has no grouped question
        assert any(kursk.catalog.claims[c].source == ["gady"] for c in item.claims)
    declared = apply(kursk, parse_filter("rule:declared"), None)
    assert [c.id for c in declared.contradictions or []] == ["syrsky-vs-deepstate"]
    august = apply(kursk, parse_filter("to:2024-12"), None)
    # dates overlap the range: "2024-08/2025-03?" is in it too
    assert august.events == {"ukraine-kursk-offensive", "north-korean-support"}
    assert august.contradictions == []


def test_notes_criteria(kursk: Analysis) -> None:
    notes = Notes()
    notes.sections["contradictions"]["category~syrsky-under-control~zombie-rout"] = Note(
        star=True, status="explained", tags=("follow-up",))
    notes.sections["claims"]["zombie-rout"] = Note(tags=("follow-up",))
    starred = apply(kursk, parse_filter("starred"), notes)
    assert [c.id for c in starred.contradictions or []] == [
        "category~syrsky-under-control~zombie-rout"]
    assert starred.claims == set()
    tagged = apply(kursk, parse_filter("tag:#follow-up"), notes)
    assert tagged.claims == {"zombie-rout"}
    explained = apply(kursk, parse_filter("status:explained side:russia"), notes)
    assert [c.id for c in explained.contradictions or []] == [
        "category~syrsky-under-control~zombie-rout"]
    assert apply(kursk, parse_filter("status:resolved"), notes).contradictions == []


def test_the_figures_pane_keeps_the_questions_of_the_claims_kept(kursk: Analysis) -> None:
    gadi = apply(kursk, parse_filter("gadi"), None)
    assert gadi.claims is not None
    assert gadi.questions == {kursk.catalog.claims[c].about for c in gadi.claims} - {None}
    assert "ukraine-situation-kursk" in (gadi.questions or set())
    assert apply(kursk, parse_filter("rule:declared"), None).questions is None


# --- a pair of sources or sides: what a who-contradicts-whom row counts -----------------

PAIRS = """\
contested: 1
sources:
  - {id: ap, name: AP, kind: news-agency, side: russian media}
  - {id: japan-times, name: Japan Times, kind: media, side: russian media}
  - {id: kyiv, name: Kyiv Independent, kind: media, side: ukraine}
  - {id: tass, name: TASS, kind: news-agency, side: russia}
questions:
  - {id: outcome, text: How did it end?, kind: category, values: [success, losses, draw]}
events:
  - {id: raid, date: 2025-03, title: The raid}
claims:
  - {id: ap-success, text: x, source: ap, event: raid, about: outcome, value: success}
  - {id: jt-losses, text: x, source: japan-times, event: raid, about: outcome, value: losses}
  - {id: kyiv-losses, text: x, source: kyiv, event: raid, about: outcome, value: losses}
  - {id: joint-draw, text: x, source: [tass, japan-times], event: raid, about: outcome, value: draw}
contradictions:
  - id: three-ways
    claims: [ap-success, kyiv-losses, joint-draw]
"""


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    folder = tmp_path_factory.mktemp("pairs")
    (folder / "pairs.yaml").write_text(PAIRS, encoding="utf-8")
    result = load_catalog([folder])
    assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics
    return analyse(result.catalog)


def _by_hand(analysis: Analysis, kept: list[Listed], group: dict[str, str] | None
             ) -> Counter[tuple[str, str]]:
    """`source_pairs` written out: per contradiction, each pair of names across two of its
    claims, once."""
    claims = analysis.catalog.claims
    counts: Counter[tuple[str, str]] = Counter()
    for item in kept:
        assert isinstance(item, Contradiction)
        named = [[group.get(s, s) if group else s for s in claims[c].source]
                 for c in item.claims]
        counts.update({(min(s, t), max(s, t)) for i, one in enumerate(named)
                       for other in named[i + 1:] for s in one for t in other})
    return counts


@pytest.mark.parametrize("text", ["", "rule:category", "side:ukraine", "source:ap",
                                  "rule:declared", "from:2025-04"])
def test_who_contradicts_whom_counts_what_the_filter_keeps(pairs: Analysis, text: str
                                                           ) -> None:
    found = pairs.contradictions
    sides = {s.id: s.side for s in pairs.catalog.sources.values()}
    filtered = apply(pairs, parse_filter(text), None)
    kept: list[Listed] = (
        list(found) if filtered.contradictions is None else filtered.contradictions)
    for group in (None, sides):
        assert source_pairs(found, group, filtered.kept) == _by_hand(pairs, kept, group)


@pytest.mark.parametrize("base", ["", "rule:category", "rule:declared source:kyiv",
                                  'side:"russian media"'])
def test_a_pair_filter_keeps_what_its_row_counted(pairs: Analysis, base: str) -> None:
    """Each row of either view, opened (`pair_filter`), keeps as many contradictions as
    it counted, each with a claim of one and another claim of the other."""
    found = pairs.contradictions
    claims, sources = pairs.catalog.claims, pairs.catalog.sources
    sides = {s.id: s.side for s in sources.values()}
    current = parse_filter(base)
    rows = apply(pairs, current, None).kept
    for kind, group in (("sources", None), ("sides", sides)):
        counted = source_pairs(found, group, rows)
        assert counted
        for (a, b), n in counted.items():
            opened = apply(pairs, parse_filter(pair_filter(current, kind, (a, b))), None)
            assert opened.contradictions is not None
            assert len(opened.contradictions) == n, (kind, a, b, base)
            for item in opened.contradictions:
                assert isinstance(item, Contradiction)  # as in `_by_hand`: no groups here
                names = [{(group or {}).get(s, s) for s in claims[c].source}
                         for c in item.claims]
                assert any(a in one and b in other for i, one in enumerate(names)
                           for j, other in enumerate(names) if i != j), item.id


def test_a_source_id_means_that_source_alone(pairs: Analysis) -> None:
    """`ap` is a source's id, and also part of "Japan Times": the id wins."""
    assert apply(pairs, parse_filter("source:ap"), None).sources == {"ap"}
    assert apply(pairs, parse_filter("ap"), None).sources == {"ap"}
    assert apply(pairs, parse_filter("source:japan"), None).sources == {"japan-times"}
    assert apply(pairs, parse_filter("source:times"), None).sources == {"japan-times"}


def test_a_side_with_a_space_is_written_in_quotes(pairs: Analysis) -> None:
    assert filter_words('side:"russian media" rule:category') == [
        "side:russian media", "rule:category"]
    assert parse_filter(filter_word("side", "russian media")).sides == ("russian media",)
    assert apply(pairs, parse_filter('side:"Russian Media"'), None).sources == {
        "ap", "japan-times"}
    assert parse_filter("source:o'brien").source == "o'brien"  # an apostrophe is a letter
    with pytest.raises(FilterError, match="not closed"):
        parse_filter('side:"russian media')


def test_opening_a_row_keeps_the_rest_of_the_filter() -> None:
    current = parse_filter('rule:category side:ukraine source:x vs:y gadi starred '
                           'from:2025-03')
    assert pair_filter(current, "sides", ("russian media", "ukraine")) == (
        'rule:category starred from:2025-03 side:"russian media" vs-side:ukraine')
    assert pair_filter(current, "sources", ("ap", "kyiv")) == (
        "rule:category starred from:2025-03 source:ap vs:kyiv")


# --- one contradiction, tested alone: the CLI's `--all` ---------------------------------

@pytest.mark.parametrize("text", ["", "rule:category", "side:ukraine", "source:ap", "ap",
                                  "source:japan", "rule:declared source:kyiv", "vs:kyiv",
                                  "side:russia vs-side:ukraine", "question:outcome",
                                  "from:2025-04"])
def test_a_contradiction_tested_alone_is_kept_as_apply_keeps_it(pairs: Analysis, text: str
                                                                ) -> None:
    """`contradiction_test` (what the CLI's `--all` asks of each pair of a group kept
    whole) keeps a held contradiction exactly when `apply` does."""
    from contested.present.filters import contradiction_test

    chosen = parse_filter(text)
    kept = apply(pairs, chosen, None).contradictions
    held = [item for item in pairs.contradictions.listing() if isinstance(item, Contradiction)]
    test = contradiction_test(pairs, chosen)
    assert [c.id for c in held if test(c)] == [c.id for c in (held if kept is None else kept)]


def test_a_contradiction_tested_alone_reads_its_note(kursk: Analysis) -> None:
    from contested.present.filters import contradiction_test

    notes = Notes()
    notes.sections["contradictions"]["category~syrsky-under-control~zombie-rout"] = Note(
        star=True, status="explained")
    held = [item for item in kursk.contradictions.listing() if isinstance(item, Contradiction)]
    for text in ("starred", "status:explained side:russia", "status:resolved",
                 "starred rule:declared"):
        chosen = parse_filter(text)
        test = contradiction_test(kursk, chosen, notes)
        assert [c.id for c in held if test(c)] == [
            c.id for c in apply(kursk, chosen, notes).contradictions or []], text
