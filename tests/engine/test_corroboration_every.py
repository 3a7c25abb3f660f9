"""`CorroborationIndex.every`, worked out for all claims at once, gives for every claim
what the claim-by-claim path gives (`tally`, then `index[claim]`, as the JSON export
asked before), and what the claims themselves say (`independent`, `origins`): on the
bundled catalog, on generated ones (relays, joint claims, disputes, declared
contradictions, a crowd of claims on one question, dense or laid out), and on a small
hand-made one."""

from __future__ import annotations

from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.engine import pairs as pairs_module
from contested.engine.analysis import Analysis, analyse
from contested.engine.corroboration import (
    LISTED_PER_CLAIM,
    Corroboration,
    CorroborationIndex,
    Tally,
    corroborate,
    independent,
    origins,
)
from tests.helpers import TIMELINES, write_generated


def claim_by_claim(index: CorroborationIndex) -> list[tuple[str, Corroboration | Tally]]:
    """The reference: what the JSON export read claim by claim before `every`."""
    found: list[tuple[str, Corroboration | Tally]] = []
    for claim_id in sorted(index):
        counts = index.tally(claim_id)
        if counts is not None and max(counts[0], counts[3]) > LISTED_PER_CLAIM:
            found.append((claim_id, counts))
        else:
            found.append((claim_id, index[claim_id]))
    return found


def fresh(analysis: Analysis) -> CorroborationIndex:
    """A new index of the same analysis: nothing worked out shared with another."""
    return corroborate(analysis.catalog, analysis.contradictions)


def assert_same(analysis: Analysis) -> list[tuple[str, Corroboration | Tally]]:
    bulk = list(fresh(analysis).every())
    assert bulk == claim_by_claim(fresh(analysis))
    claims = analysis.catalog.claims
    for _, found in bulk:  # and as the claims themselves say
        if not isinstance(found, Corroboration):
            continue
        mine = claims[found.claim]
        agreeing = [claims[c] for c in found.agreeing]
        free = [c for c in agreeing if independent(mine, c)]
        assert found.independent_agreeing == tuple(c.id for c in free)
        assert found.agreeing_origins == origins(free)
        against = [claims[c] for c in found.contradicting]
        assert found.contradicting_origins == origins(
            [c for c in against if independent(mine, c)])
    return bulk


def analysed(folder: Path) -> Analysis:
    result = load_catalog([folder])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def generated(folder: Path, *, seed: int, hot: int = 0, events: int = 600,
              sources: int = 20, dissent: float | None = None) -> Analysis:
    write_generated(folder, events=events, claims=3 * events, questions_count=events // 20,
                    sources=sources, files=2, seed=seed, hot=hot, dissent=dissent)
    return analysed(folder)


def test_the_bundled_catalog() -> None:
    bulk = assert_same(analysed(TIMELINES))
    assert any(isinstance(found, Corroboration) and found.contradicting_origins
               for _, found in bulk)


@pytest.mark.parametrize(("seed", "dissent"), [(1, None), (2, 0.3), (3, 0.0)])
def test_generated_catalogs(tmp_path: Path, seed: int, dissent: float | None) -> None:
    analysis = generated(tmp_path, seed=seed, dissent=dissent)
    claims = analysis.catalog.claims.values()
    assert any(c.via for c in claims)
    assert any(len(c.source) > 1 for c in claims)
    assert any(c.disputes for c in claims)
    bulk = assert_same(analysis)
    assert any(isinstance(found, Corroboration) and found.contradicting_origins > 1
               for _, found in bulk)


def test_a_crowd_laid_out_with_the_others(tmp_path: Path) -> None:
    """A hot question of a few hundred claims: past LISTED_PER_CLAIM, counted."""
    bulk = assert_same(generated(tmp_path, seed=4, hot=400, events=300))
    assert any(not isinstance(found, Corroboration) for _, found in bulk)


def test_a_dense_crowd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question too dense to lay out pair by pair: its claims answered by their crowd."""
    monkeypatch.setattr(pairs_module, "PAIRED_PER_QUESTION", 2_000)
    analysis = generated(tmp_path, seed=5, hot=400, events=300)
    assert any(not crowd.paired for crowd in analysis.contradictions.crowds.values())
    assert_same(analysis)


HAND_MADE = """\
contested: 1
sources:
  - {id: a, name: A}
  - {id: b, name: B}
  - {id: c, name: C}
  - {id: d, name: D}
  - {id: r, name: Relay}
  - {id: s, name: Second relay}
questions:
  - {id: bridge, text: Who holds the bridge?, kind: category}
claims:
  - {id: c1, source: a, text: t, about: bridge, value: x, as_of: 2030-05}
  - {id: c2, source: [b, c], text: t, about: bridge, value: x, as_of: 2030-05}
  - {id: c3, source: c, text: t, about: bridge, value: x, as_of: 2030-05}
  - {id: c4, source: d, via: [r], text: t, about: bridge, value: x, as_of: 2030-05}
  - {id: c5, source: b, via: [r], text: t, about: bridge, value: x, as_of: 2030-05}
  - {id: c6, source: r, text: t, about: bridge, value: x, as_of: 2030-05}
  - {id: c7, source: a, via: [s, r], text: t, about: bridge, value: y, as_of: 2030-05}
  - {id: c8, source: d, via: [r, s], text: t, about: bridge, value: y, as_of: 2030-05}
  - {id: c9, source: c, text: t, about: bridge, value: x, as_of: 2030-05, disputes: [c1]}
contradictions:
  - {id: declared, claims: [c2, c4, c8], note: said to disagree}
"""


def test_a_hand_made_catalog(tmp_path: Path) -> None:
    """Joint sources, relays (one, two, in either order, of a source that speaks too),
    a dispute between claims that agree, a declared contradiction of three."""
    (tmp_path / "t.yaml").write_text(HAND_MADE, encoding="utf-8")
    bulk = dict(assert_same(analysed(tmp_path)))
    first = bulk["c1"]
    assert isinstance(first, Corroboration)
    assert "c9" not in first.agreeing
    assert "c9" in first.contradicting
