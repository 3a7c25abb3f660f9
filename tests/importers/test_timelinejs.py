"""`contested import timelinejs`: the sheet (CSV) and the JSON, each field's mapping,
malformed rows, ids that stay put, re-import."""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contested.catalog.loading import load_catalog
from contested.importers.common import slug
from contested.importers.records import ImportedRow, RowProblem
from contested.importers.timelinejs import TimelineJSImporter, plain_text
from contested.importers.writer import write_import
from tests.helpers import no_hang
from tests.importers import DATA, assert_valid, files_of, imported

SHEET = DATA / "timelinejs-kharkiv.csv"
MALFORMED = DATA / "timelinejs-malformed.csv"
BRIDGE = DATA / "timelinejs-bridge.json"
def imported_rows(path: Path, importer: TimelineJSImporter | None = None,
                  ) -> list[ImportedRow]:
    return [r for r in (importer or TimelineJSImporter()).rows(path)
            if isinstance(r, ImportedRow)]


def problems_of(path: Path) -> list[str]:
    return [str(r) for r in TimelineJSImporter().rows(path) if isinstance(r, RowProblem)]


HEADER = ("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,"
          "Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background\n")


def test_each_column_of_the_sheet_maps_as_documented(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    status, out, err = imported(capsys, "timelinejs", str(SHEET), "-o", str(tmp_path))
    assert status == 0, err
    assert "6 rows of timelinejs" in out
    # no sources file: the timeline names no source, and its own would cite nothing
    assert sorted(files_of(tmp_path)) == ["timelinejs-2024-01.yaml", "timelinejs-2024-05.yaml"]
    catalog = load_catalog([tmp_path]).catalog
    events = catalog.events
    # each precision: a blank day is the month, a blank month the year
    assert events["timelinejs-cross-border-assault-begins-2024-05-10"].date.text == "2024-05-10"
    assert events["timelinejs-evacuation-of-border-villages-2024-05"].date.text == "2024-05"
    assert events["timelinejs-offensive-planning-reported-2024"].date.text == "2024"
    # the End columns make an interval
    fighting = events["timelinejs-fighting-for-vovchansk-2024-05-10"]
    assert fighting.date.text == "2024-05-10/2024-05-17"
    # Text is HTML: tags dropped, entities unescaped, <br> a line break
    assault = events["timelinejs-cross-border-assault-begins-2024-05-10"]
    assert assault.summary == ("Columns cross the border near Vovchansk & Lyptsi.\n"
                               "Shelling reported along the whole sector.")
    assert assault.tags == ["Ground"]  # the group
    assert assault.note == "Time: 04:30"
    # Media, credit and caption in the note; the address is never fetched
    assert fighting.note == ("Media: https://example.org/vovchansk.jpg\n"
                             "Credit: Photo: A. Reporter\n"
                             "Caption: Smoke over the aggregate plant")
    # a display date that says more than the date is kept; one that spells it out is not
    evacuation = events["timelinejs-evacuation-of-border-villages-2024-05"]
    assert evacuation.note == "Display date: Early May 2024"
    assert evacuation.summary == "Local authorities evacuate villages within 10 km of the border."
    assert events["timelinejs-cross-border-assault-begins-2024-05-17"].note is None
    # the same headline on the same day: -2 in file order
    assert events["timelinejs-cross-border-assault-begins-2024-05-17-2"].summary == (
        "A third report under the same headline and date.")
    # an era is no event; the title row is the files' header
    assert not [e for e in events.values() if e.title == "Front stabilises"]
    header = catalog.timelines["timelinejs-2024-05"]
    assert header.title == "The Kharkiv offensive, 2024-05"
    assert header.summary == ("How the spring offensive north of Kharkiv unfolded, as "
                              "reported at the time.\n\nCompiled from daily sitreps "
                              "(https://example.org/sitreps).")
    provenance = assault.provenance
    assert provenance is not None
    assert (provenance.dataset, provenance.row) == (
        "timelinejs", "cross-border-assault-begins-2024-05-10")
    assert not catalog.claims  # a TimelineJS sheet names no sources
    assert not catalog.sources
    warnings = assert_valid(capsys, tmp_path)
    assert "source-without-claims" not in warnings
    assert set(warnings) == {"event-without-claims"}


def test_the_json_maps_like_the_sheet_with_its_unique_ids(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    status, _, err = imported(capsys, "timelinejs", str(BRIDGE), "-o", str(tmp_path),
                              "--skip-malformed")
    assert status == 0, err
    assert f"{BRIDGE}:30: the unique_id 'not an id!' cannot be part of an id" in err
    assert "(column unique_id)" in err
    assert f"{BRIDGE}:35: 2023-09 has no day 31 (it has 30 days) (column start_date.day)" in err
    catalog = load_catalog([tmp_path]).catalog
    truck = catalog.events["timelinejs-bridge-2022-10"]  # its unique_id
    assert truck.date.text == "2022-10-08"
    assert truck.summary == ("A fuel train burns on the rail span.\n\n- Road span partly "
                             "collapsed\n\n- Rail traffic halted")
    assert truck.tags == ["Strikes"]
    assert truck.note == ("Time: 6:07\nMedia: https://example.org/bridge.jpg\n"
                          "Credit: Example Agency\nCaption: The burning rail span")
    drones = catalog.events["timelinejs-sea-drones-hit-the-road-span-2023-07-17"]
    assert drones.date.text == "2023-07-17/2023-07-18"
    assert drones.note == "Display date: Night of 16 to 17 July 2023"
    assert catalog.events["timelinejs-smoke-screens-tested-2023-08"].summary is None
    assert not [e for e in catalog.events.values() if e.title == "Era ignored"]
    header = catalog.timelines["timelinejs-2022-10"]
    assert header.title == "Strikes on the Crimean Bridge, 2022-10"  # HTML made plain
    assert header.summary == "Each reported strike, with what was claimed at the time."
    assert_valid(capsys, tmp_path)


def test_malformed_rows_are_named_by_line_and_column_and_nothing_is_written(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    status, _, err = imported(capsys, "timelinejs", str(MALFORMED), "-o", str(folder))
    assert status == 1
    expected = [
        "2: the month is 13, not 1 to 12 (column Month)",
        "3: 2024-02 has no day 30 (it has 29 days) (column Day)",
        "4: the year is -300: the format writes years 0 to 9999 (years BCE cannot be "
        "imported) (column Year)",
        "5: the year is 'twenty', not a whole number (column Year)",
        "6: the row has no headline (an event needs a title) (column Headline)",
        "7: a day (5) without a month (column Month)",
        "8: the end (2024-04-01) is before the start (2024-05-10) (column End Year)",
    ]
    lines = [line for line in err.splitlines() if line.startswith(str(MALFORMED))]
    assert lines == [f"{MALFORMED}:{line}" for line in expected]
    assert "7 malformed rows: nothing was written" in err
    assert not folder.exists()
    status, _, err = imported(capsys, "timelinejs", str(MALFORMED), "-o", str(folder),
                              "--skip-malformed")
    assert status == 0
    assert "7 malformed rows left out" in err
    assert load_catalog([folder]).catalog.events.ids == ["timelinejs-a-good-row-2024-03-01"]


def test_a_second_import_is_byte_identical(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    args = ("timelinejs", str(SHEET), str(BRIDGE), "-o", str(tmp_path), "--skip-malformed")
    assert imported(capsys, *args)[0] == 0
    first = files_of(tmp_path)
    status, out, _ = imported(capsys, *args)
    assert status == 0
    assert "0 new, 0 replaced, 9 unchanged" in out
    assert files_of(tmp_path) == first


def test_a_row_inserted_above_changes_no_other_row(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    """Ids and provenance come from the headline and date, never the line: a row added
    at the top of the sheet leaves every other entry as it was."""
    sheet = tmp_path / "sheet.csv"
    lines = SHEET.read_text(encoding="utf-8").splitlines(keepends=True)
    sheet.write_text("".join(lines), encoding="utf-8")
    folder = tmp_path / "out"
    assert imported(capsys, "timelinejs", str(sheet), "-o", str(folder))[0] == 0
    before = files_of(folder)
    added = "2024,5,2,,,,,,,Recon drones over the border,First sightings.,,,,,,Air,\n"
    sheet.write_text("".join([*lines[:2], added, *lines[2:]]), encoding="utf-8")
    status, out, _ = imported(capsys, "timelinejs", str(sheet), "-o", str(folder))
    assert status == 0
    assert "1 new, 0 replaced, 6 unchanged" in out
    after = files_of(folder)
    assert after["timelinejs-2024-01.yaml"] == before["timelinejs-2024-01.yaml"]
    changes = [line for line in difflib.ndiff(
        before["timelinejs-2024-05.yaml"].decode().splitlines(),
        after["timelinejs-2024-05.yaml"].decode().splitlines()) if line[:2] in ("- ", "+ ")]
    assert changes == [
        '+   - id: "timelinejs-recon-drones-over-the-border-2024-05-02"',
        '+     date: "2024-05-02"',
        '+     title: "Recon drones over the border"',
        '+     summary: "First sightings."',
        '+     tags: ["Air"]',
        '+     provenance: {dataset: "timelinejs", row: '
        '"recon-drones-over-the-border-2024-05-02"}',
    ]


def test_json_is_told_from_csv_by_content(tmp_path: Path) -> None:
    as_text = tmp_path / "export.txt"
    as_text.write_bytes(b"\xef\xbb\xbf  " + BRIDGE.read_bytes())
    sheet = tmp_path / "sheet.txt"
    sheet.write_text(HEADER + "2024,5,1,,,,,,,A headline,,,,,,,,\n", encoding="utf-8")
    assert "bridge-2022-10" in [r.row for r in imported_rows(as_text)]
    assert [r.row for r in imported_rows(sheet)] == ["a-headline-2024-05-01"]


def test_headers_match_in_any_case_and_extra_columns_are_ignored(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("headline,YEAR,Notes of mine,month\nA row,2023,ignored,7\n",
                     encoding="utf-8")
    assert [(r.row, r.events[0]["date"]) for r in imported_rows(sheet)] == [
        ("a-row-2023-07", "2023-07")]


@pytest.mark.parametrize(("text", "problem"), [
    ('{"events": [{"start_date": {"year": 2024}, "text": {"headline": "a"}},'
     ' {"start_date": {"year": 2024}, "text": {"headline": "b"}, "unique_id": "x"},'
     ' {"start_date": {"year": 2025}, "text": {"headline": "c"}, "unique_id": "x"}]}',
     "the id 'timelinejs-x' is already the row's at"),
    ('{"events": [\n{"start_date": {"year": 2024}, "text": {"headline": ["a"]}}]}',
     ":2: 'text.headline' is a string or a number, not a list (column text.headline)"),
    ('{"events": [\n\n{"start_date": {"year": 2024}, "text": "a"}]}',
     ":3: 'text' is an object, not a string (column text)"),
    ('{"title": {}, "events": [\n  {"start_date": {"year": 2024}, \n "text": {}, }]}',
     ":3: not valid JSON"),
    ('{"eras": []}', ":1: the object has no 'events'"),
    ("[1, 2]", ":1: a TimelineJS JSON file is one object with 'events'"),
    ('{"events": ' + "[" * 100_000 + "]" * 100_000 + "}", "not read: nested too deeply"),
    ('{"events": [\n 3]}', ":2: an event is a JSON object, not a number"),
])
def test_a_malformed_json_is_a_problem_at_its_line(tmp_path: Path, text: str,
                                                   problem: str) -> None:
    path = tmp_path / "timeline.json"
    path.write_text(text, encoding="utf-8")
    problems = problems_of(path)
    assert any(problem in p for p in problems), problems


def test_a_second_title_row_is_a_problem(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(HEADER + "2024,,,,,,,,,First,,,,,,title,,\n"
                     "2024,,,,,,,,,Second,,,,,,Title,,\n", encoding="utf-8")
    assert problems_of(sheet) == [f"{sheet}:3: a second title row (the first is at line 2): "
                                  "TimelineJS shows one title (column Type)"]


def test_a_fifo_given_as_file_is_refused_without_waiting(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    fifo = tmp_path / "timeline.json"
    os.mkfifo(fifo)
    with no_hang("import waited on a FIFO"):
        status, _, err = imported(capsys, "timelinejs", str(fifo), "-o", str(tmp_path / "o"))
    assert status == 1
    assert "not a regular file" in err


@pytest.mark.parametrize(("html", "plain"), [
    ("<p>One</p><p>Two</p>", "One\n\nTwo"),
    ("a<br>b<br/>c", "a\nb\nc"),
    ("  spaced \n  out  ", "spaced out"),
    ("R&amp;D &lt;b&gt; &eacute;t&eacute;", "R&D <b> été"),
    ("AT&T", "AT&T"),
    ("<script>alert(1)</script>shown<style>p{}</style>", "shown"),
    ('<a href="https://e.x/a">the report</a>', "the report (https://e.x/a)"),
    ('<a href="https://e.x/a">https://e.x/a</a>', "https://e.x/a"),
    ("<ul><li>one</li><li>two</li></ul>", "- one\n\n- two"),
    ("[@click=app.quit]x[/] \x1b]52;c;aGk=\x07", "[@click=app.quit]x[/] \x1b]52;c;aGk=\x07"),
])
def test_html_is_made_plain_as_a_reader_saw_it(html: str, plain: str) -> None:
    assert plain_text(html) == plain


_TEXT = st.text(st.characters(exclude_characters="<&", exclude_categories=["Cs"]),
                max_size=60)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headline=_TEXT, text=_TEXT, group=_TEXT, credit=_TEXT)
@example(headline="[@click=app.quit]x[/]", text="\x1b]52;c;aGk=\x07\u202e", group="=1+2",
         credit="@SUM(A1)")
@example(headline="no", text="0123", group="~", credit="null")
@example(headline="1:20", text="x" * 10_000, group="\u2028\x85", credit="\ufeff\"\\")
def test_hostile_cells_read_back_as_the_reader_saw_them(tmp_path_factory: pytest.TempPathFactory,
                                                        headline: str, text: str, group: str,
                                                        credit: str) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["Year", "Month", "Headline", "Text", "Group", "Media Credit"])
    writer.writerow(["2024", "5", headline, text, group, credit])
    sheet = folder / "sheet.csv"
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    title = plain_text(headline, one_line=True)
    rows = list(TimelineJSImporter().rows(sheet))
    if not slug(title):
        assert [r for r in rows if isinstance(r, RowProblem)], rows  # no id: a problem
        return
    write_import(folder / "out", TimelineJSImporter.dataset, rows)
    [event] = load_catalog([folder / "out"]).catalog.events.values()
    assert event.title == title
    assert event.summary == (plain_text(text) or None)
    assert event.tags == ([group.strip()] if group.strip() else [])
    assert (event.note or "") == (f"Credit: {plain_text(credit)}" if plain_text(credit) else "")
    assert json.dumps(event.title)  # text, never markup: nothing was interpreted


def test_an_event_without_a_year_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "timeline.json"
    path.write_text('{"events": [\n{"text": {"headline": "Undated"}}]}', encoding="utf-8")
    assert problems_of(path) == [f"{path}:2: the row has no year (a TimelineJS date starts "
                                 "with its year) (column start_date.year)"]
