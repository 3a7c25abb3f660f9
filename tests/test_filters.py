"""The explorer's filter, read and applied to each pane, on the bundled Kursk catalog."""

from __future__ import annotations

import pytest

from contested.analysis import Analysis, analyse
from contested.filters import FilterError, apply, parse_filter
from contested.loading import load_catalog
from contested.notes import Note, Notes
from tests.conftest import TIMELINES


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
    assert all(any(kursk.catalog.claims[c].source == ["gady"] for c in item.claims)
               for item in gadi.contradictions)
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
