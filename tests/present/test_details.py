"""A detail's links: the same links, in the same order, as a claim-by-claim reference
builds them, and made only when read (a source with thousands of claims is counted,
not enumerated)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.engine import rules
from contested.engine.analysis import Analysis, analyse
from contested.format.model import Claim
from contested.present.browse import Browser
from contested.present.details import Details, Link, LinkPart, Links
from tests.engine.test_crowds import alternating
from tests.helpers import TIMELINES


def analysed(folder: Path) -> Analysis:
    result = load_catalog([folder])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def mixed(folder: Path, seed: int) -> Path:
    """Sources that make and relay claims, events, a category and a quantity question
    with pairs (and groups, when the engine's limit is low), declared contradictions."""
    rng = random.Random(seed)
    lines = ["contested: 1\nsources:\n",
             *(f"  - {{id: {s}, name: Source {s.upper()}}}\n" for s in "abcd"),
             "questions:\n  - {id: bridge, text: Who holds it?, kind: category}\n",
             "  - {id: area, text: Area, kind: quantity, unit: km2}\n",
             "events:\n",
             *(f"  - {{id: e{n}, date: 2030-0{n + 1}, title: Event {n}}}\n" for n in range(4)),
             "claims:\n"]
    for n in range(160):
        source, via = rng.sample("abcd", 2)
        fields = [f"id: c{n}", f"source: {source}", "text: t",
                  f"as_of: 2030-0{rng.randint(1, 3)}"]
        if rng.random() < 0.3:
            fields.append(f"via: [{via}]")
        if rng.random() < 0.7:
            fields.append(f"event: e{rng.randrange(4)}")
        kind = rng.random()
        if kind < 0.4:
            fields += ["about: bridge", f"value: {rng.choice('xyz')}"]
        elif kind < 0.8:
            fields += ["about: area", f"value: {rng.choice([100, 200, 300, 400])}"]
        lines.append(f"  - {{{', '.join(fields)}}}\n")
    lines.append("contradictions:\n")
    for n in range(5):
        first, second = rng.sample(range(160), 2)
        lines.append(f"  - {{id: d{n}, claims: [c{first}, c{second}]}}\n")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mixed.yaml").write_text("".join(lines), encoding="utf-8")
    return folder


def reference(analysis: Analysis, claim_ids: list[str], linked: list[str]) -> list[Link]:
    """The links of a detail made one claim at a time: each of `claim_ids`, then the
    held contradictions of `linked` (each once, in their order), then the groups of
    the questions where one of them is in a grouped contradiction."""
    catalog, found = analysis.catalog, analysis.contradictions
    details = Details(Browser(analysis, None))
    links = [details._claim_link(c) for c in claim_ids]
    seen: dict[str, Link] = {}
    grouped: set[str] = set()
    for claim_id in linked:
        held = found.listed_of(claim_id)
        for item in held:
            seen.setdefault(item.id, Link("", "contradiction", item.id))
        if found.groups and found.count_of(claim_id) != len(held):
            grouped.add(catalog.claims[claim_id].about or "")
    links += seen.values()
    links += [Link("", "group", g.key) for g in found.groups if g.question in grouped]
    return links


def same_links(analysis: Analysis) -> None:
    catalog = analysis.catalog
    browser = Browser(analysis, None)
    details = Details(browser)
    for source in catalog.sources.values():
        claims = [c.id for c in browser.claims_of_source(source.id)]
        own = [c for c in claims if source.id in catalog.claims[c].source]
        detail = details.of("source", source.id)
        assert [(link.kind, link.id) for link in detail.links] == [
            (link.kind, link.id) for link in reference(analysis, claims, own)], source.id
        assert dict(detail.fields)["claims"] == str(len(own))
    for event in catalog.events.values():
        claims = [c.id for c in browser.claims_of_event(event.id)]
        assert [(link.kind, link.id) for link in details.of("event", event.id).links] == [
            (link.kind, link.id) for link in reference(analysis, claims, claims)], event.id
    for question in catalog.questions.values():
        claims = [c.id for c in catalog.claims.values() if c.about == question.id]
        assert [(link.kind, link.id) for link in details.of("question", question.id).links] \
            == [(link.kind, link.id) for link in reference(analysis, claims, claims)]


def test_the_bundled_catalog_s_links_are_those_of_the_reference() -> None:
    same_links(analysed(TIMELINES))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("listed", [rules.LISTED_PER_QUESTION, 15])
def test_links_with_relays_groups_and_declared_ones_are_those_of_the_reference(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, listed: int) -> None:
    monkeypatch.setattr(rules, "LISTED_PER_QUESTION", listed)  # 15: groups beside pairs
    analysis = analysed(mixed(tmp_path, seed))
    if listed == 15:
        assert analysis.contradictions.groups
    same_links(analysis)


def test_a_source_s_thousands_of_links_are_counted_and_made_when_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analysis = analysed(alternating(tmp_path, 60))  # 900 pairs: held, not grouped
    made: list[str] = []
    details = Details(Browser(analysis, None))
    link_to, pair_link = details._link_to, details._pair_link

    def counted_claim(claim: Claim) -> Link:
        made.append(claim.id)
        return link_to(claim)

    def counted_pair(position: int) -> Link:
        made.append(str(position))
        return pair_link(position)

    monkeypatch.setattr(details, "_link_to", counted_claim)
    monkeypatch.setattr(details, "_pair_link", counted_pair)
    detail = details.of("source", "a")
    assert [(part.noun, len(part)) for part in detail.links.parts] == [
        ("claim", 30), ("contradiction", 900)]
    assert len(detail.links) == 930
    assert made == []  # counted, none made
    assert detail.links[29].id == "c58"
    assert detail.links[30].kind == "contradiction"
    assert detail.links[-1] == detail.links[929]
    assert [link.kind for link in detail.links[28:31]] == ["claim", "claim", "contradiction"]
    assert len(made) == 7  # those read, and no others


def test_links_index_across_their_parts() -> None:
    def link(n: int) -> Link:
        return Link(str(n), "claim", f"c{n}")

    links = Links(LinkPart("claim", range(3), link), [], [Link("x", "event", "e")],
                  LinkPart("claim", range(5, 7), link))
    assert [part.noun for part in links.parts] == ["claim", "link", "claim"]
    assert [item.id for item in links] == ["c0", "c1", "c2", "e", "c5", "c6"]
    assert [item.id for item in links[2:5]] == ["c2", "e", "c5"]
    assert links[-1].id == "c6"
    with pytest.raises(IndexError):
        links[6]
    assert len(Links()) == 0
