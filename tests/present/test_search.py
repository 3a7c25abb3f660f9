"""The search over the catalog's joined text finds what a plain search entity by entity
finds, in the same order: generated catalogs, the Kursk one, accents, case and hostile
characters; and the same again from the text kept in the cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contested.catalog.cache.store import CatalogCache
from contested.catalog.loading import LoadResult, load_catalog
from contested.engine.analysis import analyse, pending
from contested.present.browse import Browser
from contested.present.search import CatalogText, Hit, SearchIndex, remember_files
from contested.present.wording import date_text, explain, value_text
from tests.helpers import SOURCES, TIMELINES, write_generated

HOSTILE = ["Straße", "STRASSE", "İstanbul", "ΣΊΣΥΦΟΣ", "σίσυφος", "Café", "café", "cafe",
           "Ǆemal", "ﬁre", "[@click=app.quit]x[/]", "[/]", "\u202emirror", "tab\there",
           "a\\b", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃", "line\nbreak", "x" * 300, "Gady's \"quote\""]


def reference(browser: Browser, query: str) -> list[Hit]:
    """The search as it was: one folded text per entity, `needle in text` for each."""

    def folded(*parts: str | None) -> str:
        return "\n".join(p for p in parts if p).casefold()

    catalog = browser.catalog
    names = {s.id: folded(s.id, *s.names) for s in catalog.sources.values()}
    entries = [(Hit("event", e.id), folded(e.id, e.title, e.place, e.summary, e.note,
                                           e.date.text, *e.tags))
               for e in browser.events_in_order]
    entries += [(Hit("claim", c.id), folded(
        c.id, c.text, c.quote, c.note, date_text(c.when),
        value_text(catalog, c) if c.value is not None else None,
        *(names.get(s, s) for s in [*c.source, *c.via]))) for c in catalog.claims.values()]
    entries += [(Hit("source", s.id), folded(names[s.id], s.kind, s.side, s.note))
                for s in catalog.sources.values()]
    entries += [(Hit("question", q.id), folded(q.id, q.text, q.note, *(q.values or [])))
                for q in catalog.questions.values()]
    entries += [(Hit("contradiction", f.id), folded(f.id, *explain(catalog, f), f.note))
                for f in browser.analysis.contradictions.declared]
    needle = query.strip().casefold()
    if not needle:
        return []
    hits = [hit for hit, text in entries if needle in text]
    contradictions = browser.analysis.contradictions
    declared = {h.id for h in hits if h.kind == "contradiction"}
    positions = sorted({p for hit in hits if hit.kind == "claim"
                        for p in contradictions.held_positions_of(hit.id)})
    hits += [Hit("contradiction", c.id) for p in positions
             if (c := contradictions[p]).id not in declared]
    return hits


def hostile_catalog(folder: Path) -> Path:
    """The small catalog of the tests, with claims whose texts are hostile."""
    folder.mkdir()
    claims = "".join(
        f"  - id: c{n}\n    source: {'afp' if n % 2 else 'ru-media'}\n    event: pipeline\n"
        f"    text: {json.dumps(text, ensure_ascii=False)}\n    about: outcome\n"
        f"    value: {'success' if n % 3 else 'heavy-losses'}\n"
        + (f"    note: {json.dumps(HOSTILE[-n], ensure_ascii=False)}\n" if n % 4 == 0 else "")
        for n, text in enumerate(HOSTILE, 1))
    (folder / "t.yaml").write_text(SOURCES + "claims:\n" + claims, encoding="utf-8")
    return folder


def loaded(folder: Path) -> LoadResult:
    result = load_catalog([folder], cache=CatalogCache())
    assert result.ok, [d.headline() for d in result.diagnostics]
    remember_files(result.catalog, result.keys)
    return result


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> list[Browser]:
    """Kursk (declared and found contradictions, aliases), the hostile texts, and a
    generated catalog of several files."""
    root = tmp_path_factory.mktemp("search")
    generated = root / "generated"
    write_generated(generated, events=400, claims=1200, questions_count=40, sources=20,
                    files=3, seed=11)
    kursk = root / "kursk"
    shutil.copytree(TIMELINES, kursk)
    return [Browser(analyse(loaded(folder).catalog), None)
            for folder in (kursk, hostile_catalog(root / "hostile"), generated)]


def pieces(browser: Browser) -> list[str]:
    """Bits of the catalog's own words, to search for."""
    catalog = browser.catalog
    words = [*HOSTILE, "gadi", "GADI", "Syrsky", "rout", "2025-03", "km2", "\n", "\x00"]
    for claim in list(catalog.claims.values())[::37]:
        words += [claim.id, claim.text[3:17], claim.text[-9:].upper()]
    for event in list(catalog.events.values())[::29]:
        words += [event.title[:12].swapcase(), event.id[-5:]]
    return words


def test_every_piece_is_found_as_a_plain_search_finds_it(catalogs: list[Browser]) -> None:
    for browser in catalogs:
        index = SearchIndex(browser)
        for query in pieces(browser):
            assert list(index.find(query)) == reference(browser, query), query


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_query_finds_what_a_plain_search_finds(catalogs: list[Browser],
                                                   data: st.DataObject) -> None:
    browser = data.draw(st.sampled_from(catalogs))
    piece = data.draw(st.sampled_from(pieces(browser)))
    start = data.draw(st.integers(0, max(len(piece) - 1, 0)))
    query = data.draw(st.one_of(
        st.text(st.sampled_from("aeioußσςΣİı\u0307é\u0301 \n\x00[]/-~'\"01"), max_size=6),
        st.just(piece[start:start + data.draw(st.integers(1, 12))]),
        st.text(max_size=4)))
    hits = SearchIndex(browser).find(query)
    assert list(hits) == reference(browser, query)
    assert len(hits) == len(reference(browser, query))


def test_the_text_kept_in_the_cache_finds_the_same(catalogs: list[Browser]) -> None:
    for browser in catalogs:
        SearchIndex(browser).find("a")  # made, and kept
        again = SearchIndex(browser, CatalogText(browser.catalog))
        assert again.read_back()
        for query in pieces(browser)[:40]:
            assert list(again.find(query)) == reference(browser, query), query


def test_a_changed_file_is_not_searched_in_the_text_of_the_old(tmp_path: Path) -> None:
    folder = hostile_catalog(tmp_path / "c")
    first = Browser(analyse(loaded(folder).catalog), None)
    assert SearchIndex(first).find("mirror")
    path = folder / "t.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("mirror", "spiegel"),
                    encoding="utf-8")
    second = Browser(analyse(loaded(folder).catalog), None)
    index = SearchIndex(second)
    assert not index.read_back()  # another key
    assert not index.find("mirror")
    assert [h.id for h in index.find("SPIEGEL") if h.kind == "claim"] == ["c13"]


def test_a_damaged_text_in_the_cache_is_made_again(tmp_path: Path) -> None:
    folder = hostile_catalog(tmp_path / "c")
    browser = Browser(analyse(loaded(folder).catalog), None)
    SearchIndex(browser).find("x")
    [kept] = CatalogText(browser.catalog).folder.glob("*.search")
    kept.write_bytes(kept.read_bytes()[:-7])  # truncated
    again = SearchIndex(browser, CatalogText(browser.catalog))
    assert not again.read_back()
    assert list(again.find("café")) == reference(browser, "café")


def test_a_search_while_the_engine_runs_finds_the_entities(catalogs: list[Browser]) -> None:
    browser = catalogs[0]
    shown = Browser(pending(browser.catalog), None)
    found = SearchIndex(shown).find("gadi")
    assert {h.kind for h in found} >= {"claim", "source"}
    assert all(h.kind != "contradiction" for h in found)  # none found yet
