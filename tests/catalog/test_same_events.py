"""Events of different datasets found to be one, and their figures compared on one
question: where ACLED's fatalities fall outside UCDP's range for the same clash."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from contested.catalog.cache.store import CatalogCache
from contested.catalog.loading import LoadResult, load_catalog
from contested.catalog.same_events import (
    SameEventRule,
    SameEvents,
    distance_km,
    find_same_events,
)
from contested.engine.analysis import analyse

HEADER = """\
contested: 1
sources:
  - {id: acled, name: ACLED, kind: dataset}
  - {id: ucdp, name: UCDP, kind: dataset}
questions:
  - id: fatalities
    text: How many people were killed?
    kind: quantity
    unit: killed
    tolerance: 0
    per_event: true
"""


def _event(dataset: str, row: str, date: str, lat: float, lon: float, kind: str,  # noqa: PLR0917
           figure: str) -> tuple[str, str]:
    prefix = "acled" if dataset == "acled" else "ucdp"
    event = (f"  - id: {prefix}-{row}\n    date: {date}\n    title: Clash {row}\n"
             f"    coordinates: {{lat: {lat}, lon: {lon}}}\n    kind: {kind}\n"
             f"    provenance: {{dataset: {dataset}, row: '{row}'}}\n")
    claim = (f"  - id: {prefix}-{row}-fatalities\n    source: {prefix}\n"
             f"    event: {prefix}-{row}\n    text: deaths\n    about: fatalities\n"
             f"    value: {figure}\n")
    return event, claim


def _write(folder: Path, name: str, rows: list[tuple[str, str]]) -> None:
    events = "".join(e for e, _ in rows)
    claims = "".join(c for _, c in rows)
    (folder / name).write_text(f"contested: 1\nevents:\n{events}claims:\n{claims}",
                               encoding="utf-8")


SUDZHA = (51.19, 35.27)
KURSK = (51.73, 36.19)


def _clashes(folder: Path) -> Path:
    """Two datasets seeing some of the same clashes."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(HEADER, encoding="utf-8")
    _write(folder, "acled.yaml", [
        # The same clash as ucdp-1 (2 km away, same day): 30 is outside 5..20.
        _event("acled", "UKR1", "2024-08-06", *SUDZHA, "Battles", "30"),
        # The same as ucdp-2, within its range: no disagreement.
        _event("acled", "UKR2", "2024-08-10", *KURSK, "Explosions/Remote violence", "12"),
        # A protest in Kursk the same day: not a kind of fighting.
        _event("acled", "UKR3", "2024-08-10", *KURSK, "Protests", "0"),
        # Sudzha a month later: no UCDP event then.
        _event("acled", "UKR4", "2024-09-06", *SUDZHA, "Battles", "3"),
    ])
    _write(folder, "ucdp.yaml", [
        _event("ucdp-ged", "1", "2024-08-05/2024-08-07", SUDZHA[0] + 0.015, SUDZHA[1],
               "state-based", "{between: [5, 20], best: 10}"),
        _event("ucdp-ged", "2", "2024-08-10", KURSK[0], KURSK[1] + 0.01, "state-based",
               "{between: [10, 15], best: 12}"),
    ])
    return folder


def _load(folder: Path, **options: object) -> LoadResult:
    result = load_catalog([folder], **options)  # type: ignore[arg-type]
    assert result.ok, [d.headline() for d in result.diagnostics]
    return result


def test_the_same_clash_in_two_datasets_is_one_event_and_their_figures_disagree(
        tmp_path: Path) -> None:
    result = _load(_clashes(tmp_path))
    same = SameEvents.of(result.catalog)
    assert same.members == {"acled-UKR1": ["acled-UKR1", "ucdp-1"],
                            "acled-UKR2": ["acled-UKR2", "ucdp-2"]}
    (why,) = same.why["ucdp-1"]
    assert why.other == "acled-UKR1"
    assert why.km == pytest.approx(distance_km(SUDZHA, (SUDZHA[0] + 0.015, SUDZHA[1])))
    found = analyse(result.catalog).contradictions
    pairs = {(c.question, tuple(c.claims)) for c in found}
    assert pairs == {("fatalities@acled-UKR1",
                      ("acled-UKR1-fatalities", "ucdp-1-fatalities"))}


def test_import_order_never_matters(tmp_path: Path) -> None:
    folder = _clashes(tmp_path / "a")
    expected = None
    for order in itertools.permutations(["sources.yaml", "acled.yaml", "ucdp.yaml"]):
        paths = [str(folder / name) for name in order]
        result = load_catalog(paths)
        found = sorted(c.id for c in analyse(result.catalog).contradictions)
        assert found == (expected := expected or found), order
    assert expected is not None
    assert len(expected) == 1


def test_the_rule_s_parameters_are_options(tmp_path: Path) -> None:
    folder = _clashes(tmp_path)
    tight = _load(folder, same_events=SameEventRule(within_km=0.5))
    assert SameEvents.of(tight.catalog).members == {}
    assert not list(analyse(tight.catalog).contradictions)
    # A clash coded a day after UCDP's dates: joined only with a day of slack.
    late = tmp_path / "late"
    late.mkdir()
    (late / "sources.yaml").write_text(HEADER, encoding="utf-8")
    _write(late, "acled.yaml", [_event("acled", "L", "2024-08-08", *SUDZHA, "Battles", "1")])
    _write(late, "ucdp.yaml", [_event("ucdp-ged", "1", "2024-08-05/2024-08-07", *SUDZHA,
                                      "state-based", "1")])
    assert SameEvents.of(_load(late).catalog).members == {}
    slack = _load(late, same_events=SameEventRule(days_apart=1))
    assert SameEvents.of(slack.catalog).members == {"acled-L": ["acled-L", "ucdp-1"]}


def test_two_rows_of_one_dataset_are_never_joined_and_the_closest_pair_wins(
        tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(HEADER, encoding="utf-8")
    # Two ACLED events near one UCDP event: the nearer is joined, never both.
    _write(tmp_path, "acled.yaml", [
        _event("acled", "A", "2024-08-06", 51.00, 35.00, "Battles", "1"),
        _event("acled", "B", "2024-08-06", 51.00, 35.05, "Battles", "1"),
    ])
    _write(tmp_path, "ucdp.yaml", [
        _event("ucdp-ged", "9", "2024-08-06", 51.00, 35.04, "state-based", "1"),
    ])
    same = SameEvents.of(_load(tmp_path).catalog)
    assert same.members == {"acled-B": ["acled-B", "ucdp-9"]}


def test_the_analyst_declares_events_distinct_or_the_same(tmp_path: Path) -> None:
    folder = _clashes(tmp_path)
    (folder / "review.yaml").write_text("""\
contested: 1
matches:
  - id: not-the-same-clash
    events: [acled-UKR1, ucdp-1]
    same: false
    note: Different units, per the notes.
  - id: same-protest
    events: [acled-UKR3, ucdp-2]
    note: The UCDP row counts the dispersal of the protest.
""", encoding="utf-8")
    same = SameEvents.of(_load(folder).catalog)
    assert "acled-UKR1" not in same.group_of
    # Declared the same, whatever the rule: ucdp-2 then cannot join acled-UKR2 too.
    assert same.members == {"acled-UKR3": ["acled-UKR3", "ucdp-2"]}
    assert [w.declared for w in same.why["ucdp-2"]] == ["same-protest"]


def test_a_match_naming_an_unknown_event_is_a_located_error(tmp_path: Path) -> None:
    folder = _clashes(tmp_path)
    (folder / "review.yaml").write_text(
        "contested: 1\nmatches:\n  - {id: m, events: [acled-UKR1, ucdp-3]}\n",
        encoding="utf-8")
    (error,) = load_catalog([folder]).diagnostics
    assert error.code == "unknown-id"
    assert "unknown event 'ucdp-3'" in error.message
    assert (Path(error.location.path).name, error.location.line) == ("review.yaml", 3)


def test_a_per_event_question_needs_the_claim_s_event(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(HEADER + """\
claims:
  - {id: loose, source: acled, text: deaths, about: fatalities, value: 3}
""", encoding="utf-8")
    (error,) = load_catalog([tmp_path]).diagnostics
    assert error.code == "per-event-without-event"


def test_a_warm_load_finds_the_same_as_a_cold_one(tmp_path: Path) -> None:
    folder = _clashes(tmp_path / "catalog")
    cache = CatalogCache(tmp_path / "cache")
    cold = _load(folder, cache=cache)
    warm = _load(folder, cache=CatalogCache(tmp_path / "cache"))
    assert SameEvents.of(warm.catalog).members == SameEvents.of(cold.catalog).members
    assert ([c.id for c in analyse(warm.catalog).contradictions]
            == [c.id for c in analyse(cold.catalog).contradictions])


def test_no_lonely_question_warning_for_per_event_questions(tmp_path: Path) -> None:
    warnings = analyse(_load(_clashes(tmp_path)).catalog).warnings
    assert not [w for w in warnings if w.code == "question-with-one-claim"]


def test_events_near_the_antimeridian_and_the_poles_are_found(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(HEADER, encoding="utf-8")
    _write(tmp_path, "acled.yaml", [
        _event("acled", "E", "2024-08-06", -16.5, 179.99, "Battles", "1"),
        _event("acled", "N", "2024-08-06", 89.95, 10.0, "Battles", "1"),
    ])
    _write(tmp_path, "ucdp.yaml", [
        _event("ucdp-ged", "7", "2024-08-06", -16.5, -179.99, "state-based", "1"),
        _event("ucdp-ged", "8", "2024-08-06", 89.95, 100.0, "state-based", "1"),
    ])
    same = find_same_events(_load(tmp_path).catalog)
    assert same.members == {"acled-E": ["acled-E", "ucdp-7"],
                            "acled-N": ["acled-N", "ucdp-8"]}


def test_the_commands_take_the_rule_s_options(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import main_in_process

    folder = str(_clashes(tmp_path))
    status, out, _ = main_in_process(capsys, "contradictions", "--json", folder)
    assert status == 0
    assert [c["question"] for c in json.loads(out)] == ["fatalities@acled-UKR1"]
    status, out, _ = main_in_process(capsys, "contradictions", "--json",
                                     "--same-event-km", "0.5", folder)
    assert (status, json.loads(out)) == (0, [])
    status, _, err = main_in_process(capsys, "validate", "--same-event-km", "-1", folder)
    assert status == 2
    assert "0 or more" in err


def test_an_event_s_detail_explains_why_it_is_one_with_another(tmp_path: Path) -> None:
    from contested.present.browse import Browser
    from contested.present.details import Details

    details = Details(Browser(analyse(_load(_clashes(tmp_path)).catalog)))
    detail = details.of("event", "ucdp-1")
    (said,) = [text for label, text in detail.fields if label == "same event as"]
    assert said.startswith("Clash UKR1 (acled-UKR1): 1.7 km apart (at most 10), dates ")
    assert "2024-08-06 and 2024-08-05..2024-08-07 overlap" in said
    assert ("event", "acled-UKR1") in {(link.kind, link.id) for link in detail.links}
    assert dict(detail.fields)["provenance"] == "ucdp-ged row 1"
    question = details.of("question", "fatalities@acled-UKR1")
    assert dict(question.fields)["asked of"].startswith("of event acled-UKR1")
