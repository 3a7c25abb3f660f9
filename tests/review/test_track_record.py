"""Track records from the review: what resolved contradictions with a preferred claim
count for and against each source, where a record disagrees with the declared grade,
and where both are shown (the Sources pane, a source's detail, the exports)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contested.catalog.loading import load_catalog
from contested.engine.analysis import Analysis, analyse
from contested.export.markdown import to_markdown
from contested.export.records import to_json
from contested.present.browse import Browser
from contested.present.details import Details
from contested.present.track_records import SourceRecords, grade_text, source_records
from contested.review.notes import Notes, parse_notes
from contested.review.track_record import TrackRecord, Verdict, disagreement, track_records
from tests.tui.helpers import explorer, focused_table, main_screen, screen_text, until

# Five category questions answered against each other. alpha (graded A, relayed by
# `relay`) and delta (graded D) disagree on q1, q2, q3, q6 and q7; echo (E) disagrees with
# alpha on q5; on q4 a joint claim of carol and echo says yes, carol alone says no.
CATALOG = """\
contested: 1
sources:
  - {id: alpha, name: Alpha, reliability: A}
  - {id: delta, name: Delta, reliability: D}
  - {id: carol, name: Carol, reliability: C}
  - {id: echo, name: Echo, reliability: E}
  - {id: relay, name: Relay, kind: news-agency, reliability: B}
questions:
""" + "".join(f"  - {{id: q{n}, text: Question {n}, kind: category}}\n" for n in range(1, 8)) + """\
claims:
""" + "".join(f"""\
  - {{id: alpha-{n}, source: alpha, via: [relay], text: yes, about: q{n}, value: "yes",
     as_of: 2025-03-10}}
  - {{id: {other}-{n}, source: {other}, text: no, about: q{n}, value: "no", as_of: 2025-03-10}}
""" for n, other in ((1, "delta"), (2, "delta"), (3, "delta"), (5, "echo"), (6, "delta"),
                     (7, "delta"))) + """\
  - {id: joint-4, source: [carol, echo], text: yes, about: q4, value: "yes", as_of: 2025-03-10}
  - {id: carol-4, source: carol, text: no, about: q4, value: "no", as_of: 2025-03-10}
"""


def pair(n: int, other: str = "delta") -> str:
    return f"category~alpha-{n}~{other}-{n}"


NOTES = f"""\
contested-notes: 1
notes:
  contradictions:
    {pair(1)}: {{status: resolved, preferred: "delta-1"}}
    {pair(2)}: {{status: resolved, preferred: "delta-2", reason: "seen on video"}}
    {pair(3)}: {{status: resolved, preferred: "delta-3"}}
    category~carol-4~joint-4: {{status: resolved, preferred: "joint-4"}}
    {pair(5, "echo")}: {{status: explained, preferred: "echo-5"}}
    {pair(6)}: {{status: resolved}}
    {pair(7)}: {{status: resolved, preferred: "echo-5"}}
    category~gone-1~gone-2: {{status: resolved, preferred: "gone-1"}}
"""
"""q1-q3 resolved for delta; q4 for the joint claim; q5 preferred but only explained;
q6 resolved with no preference; q7 preferring a claim that is not one of its own; and a
note whose contradiction is gone."""


def catalog_in(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    return folder


@pytest.fixture
def analysis(tmp_path: Path) -> Analysis:
    result = load_catalog([catalog_in(tmp_path / "catalog")])
    assert result.ok, [d.headline() for d in result.diagnostics]
    return analyse(result.catalog)


def notes_of(text: str = NOTES) -> Notes:
    return parse_notes(text.encode(), "notes.yaml")


def test_the_catalog_has_the_contradictions_the_notes_name(analysis: Analysis) -> None:
    ids = {c.id for c in analysis.contradictions}
    assert ids == {pair(1), pair(2), pair(3), "category~carol-4~joint-4", pair(5, "echo"),
                   pair(6), pair(7)}


def test_resolved_contradictions_with_a_preferred_claim_make_the_records(
        analysis: Analysis) -> None:
    records = source_records(analysis, notes_of()).records
    counted = {source: (r.upheld, r.overruled, r.split) for source, r in records.items()}
    # alpha lost q1-q3; delta won them; on q4 carol is on both sides (not counted) and
    # echo, a source of the preferred joint claim, won; the relay counts nothing.
    assert counted == {"alpha": (0, 3, 0), "delta": (3, 0, 0), "carol": (0, 0, 1),
                       "echo": (1, 0, 0)}
    assert records["alpha"].verdicts == (
        Verdict(pair(1), "delta-1", "against"), Verdict(pair(2), "delta-2", "against"),
        Verdict(pair(3), "delta-3", "against"))
    assert records["carol"].verdicts == (
        Verdict("category~carol-4~joint-4", "joint-4", "both"),)


def test_open_explained_unpreferred_stale_and_gone_contradictions_count_nothing(
        analysis: Analysis) -> None:
    only_the_rest = "\n".join(line for line in NOTES.splitlines()
                              if not any(f"{c}:" in line for c in (
                                  pair(1), pair(2), pair(3), "category~carol-4~joint-4")))
    assert source_records(analysis, notes_of(only_the_rest)).records == {}
    opened = NOTES.replace("status: resolved", "status: open")
    assert source_records(analysis, notes_of(opened)).records == {}
    assert source_records(analysis, None).records == {}


def test_a_contradiction_counts_each_source_once() -> None:
    """Three claims, two of them from one source: one against it, not two."""
    notes = notes_of("contested-notes: 1\nnotes:\n  contradictions:\n"
                     "    declared-x: {status: resolved, preferred: a}\n")
    sources = {"a": ["s"], "b": ["t"], "c": ["t", "u"]}
    records = track_records(notes, lambda c: ["a", "b", "c"] if c == "declared-x" else None,
                            sources.get)
    assert {s: (r.upheld, r.overruled) for s, r in records.items()} == {
        "s": (1, 0), "t": (0, 1), "u": (0, 1)}


def record(upheld: int, overruled: int) -> TrackRecord:
    verdicts = [Verdict(f"c{n}", "x", "for") for n in range(upheld)]
    verdicts += [Verdict(f"d{n}", "x", "against") for n in range(overruled)]
    return TrackRecord("s", tuple(verdicts))


@pytest.mark.parametrize(("grade", "upheld", "overruled", "expected"), [
    ("A", 0, 3, "worse"), ("B", 2, 3, "worse"),
    ("A", 0, 2, None),  # too few to say
    ("B", 3, 3, None),  # as often for as against
    ("D", 3, 0, "better"), ("E", 3, 2, "better"),
    ("D", 2, 0, None), ("E", 3, 3, None),
    ("A", 5, 0, None), ("E", 0, 5, None),  # the record agrees with the grade
    ("C", 0, 9, None), ("C", 9, 0, None), ("F", 0, 9, None), ("F", 9, 0, None),
])
def test_the_record_disagrees_with_the_grade_by_the_stated_rule(
        grade: str, upheld: int, overruled: int, expected: str | None) -> None:
    found = disagreement(record(upheld, overruled), grade)
    assert (found.direction if found is not None else None) == expected


def test_the_disagreements_of_the_written_catalog(analysis: Analysis) -> None:
    records = source_records(analysis, notes_of())
    assert {s: d.direction for s, d in records.disagreements.items()} == {
        "alpha": "worse", "delta": "better"}  # echo (E) has only one for it: not enough
    fewer = NOTES.replace(f"{pair(3)}: {{status: resolved,", f"{pair(3)}: {{status: open,")
    assert source_records(analysis, notes_of(fewer)).disagreements == {}


def test_the_grade_cell_and_the_detail_of_a_source(analysis: Analysis) -> None:
    records = source_records(analysis, notes_of())
    assert grade_text("A", "alpha", records) == "A +0 \u22123 \u2260"
    assert grade_text("E", "echo", records) == "E +1 \u22120"
    assert grade_text("B", "relay", records) == "B"
    assert grade_text("B", "relay", SourceRecords()) == "B"

    browser = Browser(analysis)
    browser.__dict__["track_records"] = records  # as the explorer's notes would give
    detail = Details(browser).source("alpha")
    fields = dict(detail.fields)
    assert fields["record"].startswith("+0 \u22123: ")
    assert "graded A (completely reliable)" in fields["warning"]
    linked = [(link.kind, link.id, link.label) for link in detail.links][:3]
    assert [(kind, target) for kind, target, _ in linked] == [
        ("contradiction", pair(1)), ("contradiction", pair(2)), ("contradiction", pair(3))]
    assert linked[0][2] == "\u22121 preferred Delta: no over Alpha: yes"
    carol = Details(browser).source("carol")
    assert "on both sides of 1 (not counted)" in dict(carol.fields)["record"]
    assert next(iter(carol.links)).label == "\u00b10 preferred Carol and Echo: yes over Carol: no"


def test_the_markdown_report_carries_the_records_and_warns(analysis: Analysis) -> None:
    report = to_markdown(analysis, notes=notes_of())
    records = report.split("## Track records\n", 1)[1].split("\n## ", 1)[0]
    assert "- source `alpha` (Alpha), reliability A: +0 \u22123" in records
    assert f"  - \u22121 preferred Delta: no over Alpha: yes (`{pair(1)}`)" in records
    assert "source `relay`" not in records
    warnings = report.split("## Warnings\n", 1)[1]
    assert ("- source `alpha` (Alpha): track record graded A (completely reliable), yet "
            in warnings)
    assert "- source `delta` (Delta): track record graded D" in warnings
    assert "source `echo`" not in warnings
    assert "## Track records" not in to_markdown(analysis)  # only with the notes


def test_the_json_export_carries_the_records_and_the_disagreements(
        analysis: Analysis) -> None:
    document = json.loads(to_json(analysis, notes=notes_of()))
    found = document["track_records"]
    by_source = {r["source"]: r for r in found["records"]}
    assert (by_source["alpha"]["for"], by_source["alpha"]["against"]) == (0, 3)
    assert by_source["carol"]["both_sides"] == 1
    assert by_source["echo"]["contradictions"] == [
        {"id": "category~carol-4~joint-4", "preferred": "joint-4", "outcome": "for"}]
    assert [(d["source"], d["reliability"], d["direction"])
            for d in found["disagreements"]] == [("alpha", "A", "worse"),
                                                  ("delta", "D", "better")]
    assert "track_records" not in json.loads(to_json(analysis))


async def test_the_sources_pane_shows_the_records_at_80x24_and_follows_a_preference(
        tmp_path: Path) -> None:
    catalog = catalog_in(tmp_path / "catalog")
    notes = tmp_path / "review" / "notes.yaml"
    notes.parent.mkdir()
    # q1 and q2 resolved for delta: a record, not yet enough to disagree with a grade
    notes.write_text("\n".join(NOTES.splitlines()[:5]) + "\n", encoding="utf-8")
    async with explorer((80, 24), paths=[catalog], notes=notes) as (app, pilot):
        await pilot.press("3")
        await pilot.pause()
        text = screen_text(app)
        assert "A +0 \u22122 " in text
        assert "D +2 \u22120 " in text
        assert "\u2260" not in text
        # resolve q3 for delta in the Contradictions pane: m twice (resolved), then p
        await pilot.press("4")
        table = focused_table(app)
        index = table.index_of(pair(3))
        assert index is not None
        table.move_to(index)
        await pilot.pause()
        await pilot.press("m", "m", "p")
        await pilot.pause()
        await pilot.press("ctrl+u", "2", "enter")  # the second side: delta-3
        await pilot.pause()
        await pilot.press("enter")  # no reason given
        await pilot.pause()
        await pilot.press("3")
        await until(pilot, lambda: "A +0 \u22123 \u2260" in screen_text(app),
                    "alpha's record against its grade")
        assert "D +3 \u22120 \u2260" in screen_text(app)
        sources = main_screen(app).query_one("#sources")
        assert sources.has_focus
        at = focused_table(app).index_of("alpha")
        assert at is not None
        focused_table(app).move_to(at)
        await pilot.press("enter")
        await until(pilot, lambda: "yet not preferred in 3" in screen_text(app).replace(
            "\n", " "), "the warning in alpha's detail")


def test_hostile_names_stay_data_in_the_report(tmp_path: Path) -> None:
    folder = catalog_in(tmp_path / "catalog")
    hostile = "![x](http://e.example/t.png) <b>\x1b[2J"
    path = folder / "catalog.yaml"
    path.write_text(path.read_text().replace("name: Delta", f"name: {json.dumps(hostile)}"),
                    encoding="utf-8")
    result = load_catalog([folder])
    assert result.ok, [d.headline() for d in result.diagnostics]
    report = to_markdown(analyse(result.catalog), notes=notes_of())
    section = report.split("## Track records\n", 1)[1]
    assert "delta" in section
    assert "![x](" not in section
    assert "<b>" not in section
    assert "\x1b" not in section
