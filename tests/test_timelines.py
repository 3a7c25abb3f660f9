"""The bundled Kursk timelines: valid, and faithful to the seed article."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from contested.catalog.archives import ArchiveChecks
from contested.catalog.catalog import Catalog
from contested.catalog.columns import claims_about
from contested.catalog.discover import bundled_catalog
from contested.catalog.loading import load_catalog
from tests.helpers import SEED_ARTICLE, SHARED_SEED, TIMELINES, main_in_process

TIMELINE_FILES = sorted(TIMELINES.glob("*.yaml"))


def article() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.mark.skipif(not SHARED_SEED.is_dir(), reason="no ../shared/seed beside this clone")
def test_the_copy_of_the_article_is_the_seed() -> None:
    (seed,) = SHARED_SEED.glob("*.txt")
    assert seed.read_bytes() == SEED_ARTICLE.read_bytes()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    result = load_catalog([TIMELINES])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return result.catalog


def test_the_four_files_are_there() -> None:
    assert [p.name for p in TIMELINE_FILES] == [
        "kursk-2024-08-offensive.yaml", "kursk-2025-02-figures.yaml",
        "kursk-2025-03-advance.yaml", "sources.yaml",
    ]


def test_bundled_catalog_points_at_the_timelines() -> None:
    assert sorted(p.name for p in bundled_catalog().glob("*.yaml")) == [
        p.name for p in TIMELINE_FILES
    ]


@pytest.mark.parametrize("path", TIMELINE_FILES, ids=lambda p: p.name)
def test_every_quote_is_verbatim_in_the_article(path: Path) -> None:
    text = article()
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    for claim in document.get("claims", []):
        if "quote" in claim:
            assert claim["quote"] in text, f"{claim['id']}: {claim['quote']!r}"


def test_every_claim_has_a_quote(catalog: Catalog) -> None:
    assert all(claim.quote for claim in catalog.claims.values())


ARTICLE_ID = "afp-bta-kursk-advance"


def test_the_article_is_the_one_document_and_every_quote_names_it(catalog: Catalog) -> None:
    (document,) = catalog.documents.values()
    assert document.id == ARTICLE_ID
    assert document.archived is not None
    archived = Path(document.origin.path).parent / document.archived
    assert archived.resolve() == SEED_ARTICLE.resolve()
    assert document.published is not None
    assert document.published.uncertain  # no dateline: inferred, and the note says how
    assert document.note
    assert document.url is None  # the article gives none
    quoted = [claim for claim in catalog.claims.values() if claim.quote]
    assert len(quoted) == 40
    assert [c.id for c in quoted if c.document != ARTICLE_ID] == []


def test_every_quote_verifies_in_the_archived_article(catalog: Catalog) -> None:
    checks = ArchiveChecks.of(catalog)
    assert checks.problems == []
    copy = checks.copies[ARTICLE_ID]
    assert copy.state == "checked"
    assert copy.verified == len(copy.claims) == 40
    assert {check.state for check in checks.quotes.values()} == {"verified"}
    assert set(checks.quotes) == {c.id for c in catalog.claims.values() if c.quote}


def validate_json(capsys: pytest.CaptureFixture[str], folder: Path) -> list[dict[str, object]]:
    """`contested validate --format json FOLDER`: valid (exit 0), and its warnings."""
    code, out, err = main_in_process(capsys, "validate", "--format", "json", str(folder))
    assert code == 0, out + err
    problems: list[dict[str, object]] = json.loads(out)
    return problems


DOCUMENT_CODES = {"document-not-archived", "archive-without-hash", "quote-not-found",
                  "archive-changed", "archive-unreadable"}


def test_validate_of_the_repository_timelines_has_no_document_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    problems = validate_json(capsys, TIMELINES)
    assert [p for p in problems if p["code"] in DOCUMENT_CODES] == []
    code, out, _ = main_in_process(capsys, "validate", str(TIMELINES))
    assert code == 0
    assert [name for name in DOCUMENT_CODES if f"[{name}]" in out] == []


def test_an_installed_copy_warns_once_that_the_article_is_not_archived(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """The wheel installs `timelines/` without `archive/` (a news agency's text): the
    document is then not archived there, which is said once, at its `archived` line,
    and none of its 40 quotes is reported."""
    installed = tmp_path / "contested" / "timelines"
    shutil.copytree(TIMELINES, installed)
    problems = validate_json(capsys, installed)
    documents = [p for p in problems if p["code"] in DOCUMENT_CODES]
    sources = installed / "sources.yaml"
    lines = sources.read_text(encoding="utf-8").splitlines()
    archived_line = next(n for n, line in enumerate(lines, 1)
                         if line.strip().startswith("archived:"))
    assert [(p["code"], p["severity"], os.path.realpath(str(p["path"])), p["line"])
            for p in documents] == [
        ("document-not-archived", "warning", os.path.realpath(sources), archived_line),
    ]
    assert "not archived here" in str(documents[0]["message"])


def test_each_timeline_has_a_header_with_period_and_summary(catalog: Catalog) -> None:
    assert set(catalog.timelines) == {
        "kursk-2024-08-offensive", "kursk-2025-02-figures", "kursk-2025-03-advance",
    }
    for header in catalog.timelines.values():
        assert header.period is not None
        assert header.summary


def test_inferred_dates_are_uncertain_and_explained(catalog: Catalog) -> None:
    """The article has no dateline: every date it implies carries `?` and a note."""
    for claim in catalog.claims.values():
        assert claim.said is not None
        assert claim.said.uncertain, claim.id
        assert claim.note, claim.id
    for event in catalog.events.values():
        if event.date.uncertain:
            assert event.note, event.id


def test_sources_the_brief_asks_for(catalog: Catalog) -> None:
    names = {s.name for s in catalog.sources.values()}
    assert {"AFP", "BTA", "DeepState", "Zombie", "Oleksandr Syrsky",
            "Franz-Stefan Gady"} <= names
    gady = catalog.sources["gady"]
    assert gady.aliases == ["Franz-Stephan Gadi"]


def test_pipeline_operation_is_disputed_between_russian_and_ukrainian_media(
    catalog: Catalog,
) -> None:
    success = catalog.claims["ru-media-pipeline-success"]
    losses = catalog.claims["ua-media-pipeline-losses"]
    assert (success.value, losses.value) == ("success", "heavy-losses")
    assert success.about == losses.about == "pipeline-operation-outcome"
    assert "ru-media-pipeline-success" in losses.disputes
    assert catalog.sources[success.source[0]].side == "russia"
    assert catalog.sources[losses.source[0]].side == "ukraine"


def test_area_series_1400_500_300(catalog: Catalog) -> None:
    figures = {
        c.id: c for c in claims_about(catalog, "ukraine-held-area-kursk")
        if c.quantity is not None and c.quantity.form == "exact"
    }
    ordered = sorted(figures.values(), key=lambda c: c.when.sort_key if c.when else ())
    assert [c.quantity.interval.low for c in ordered if c.quantity] == [1400, 500, 300]
    for earlier, later in itertools.pairwise(ordered):
        assert earlier.when is not None
        assert later.when is not None
        assert not earlier.when.overlaps(later.when)


def test_zombie_syrsky_and_the_soldier_disagree_on_the_situation(catalog: Catalog) -> None:
    values = {
        c.source[0]: c.value for c in claims_about(catalog, "ukraine-situation-kursk")
    }
    assert values["zombie"] == "rout"
    assert values["syrsky"] == "under-control"
    assert values["ua-soldier-afp"] == "serious"


def test_figures_from_the_article(catalog: Catalog) -> None:
    def quantity(claim_id: str) -> str:
        found = catalog.claims[claim_id].quantity
        assert found is not None
        return found.text

    assert quantity("zombie-pipeline-800") == "about 800"
    assert quantity("deepstate-third-lost") == "more than 33.3"
    assert quantity("nk-soldiers-thousands") == "at least 1000"
    assert quantity("afp-moscow-controls-20pct") == "about 20"
    assert catalog.claims["nk-soldiers-thousands"].source == ["ua-gov", "kr-gov", "west"]


def test_declared_contradiction(catalog: Catalog) -> None:
    declared = catalog.contradictions["syrsky-vs-deepstate"]
    assert declared.claims == ["syrsky-under-control", "deepstate-third-lost"]


def test_relayed_claims_name_the_relay_chain(catalog: Catalog) -> None:
    for claim in catalog.claims.values():
        if claim.source == ["afp"]:
            assert claim.via == ["bta"], claim.id
        else:
            assert claim.via[:2] == ["bta", "afp"], claim.id
