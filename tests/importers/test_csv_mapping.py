"""`contested import csv --mapping FILE`: the analyst's own sheet, each mapped field,
the mapping's mistakes at their lines, malformed rows, re-import."""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contested.catalog.loading import load_catalog
from contested.format.model import QuantityForm
from contested.importers.csv_mapping import CsvMappingImporter, read_mapping
from contested.importers.records import ImportedRow, RowProblem
from contested.importers.writer import write_import
from tests.importers import DATA, assert_valid, files_of, imported

SHEET = DATA / "sheet-casualties.csv"
MAPPING = DATA / "sheet-casualties.mapping.yaml"
MALFORMED = DATA / "sheet-malformed.csv"
MALFORMED_MAPPING = DATA / "sheet-malformed.mapping.yaml"
MISTAKES = DATA / "sheet-mistakes.mapping.yaml"


def write_mapping(folder: Path, text: str) -> Path:
    path = folder / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_field_maps_as_documented(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    status, out, err = imported(capsys, "csv", str(SHEET), "--mapping", str(MAPPING),
                                "-o", str(tmp_path))
    assert status == 0, err
    assert "5 rows of csv" in out
    assert sorted(files_of(tmp_path)) == ["kharkiv-desk-2024-05.yaml",
                                          "sources-kharkiv-desk.yaml"]
    catalog = load_catalog([tmp_path]).catalog
    shelling = catalog.events["kharkiv-desk-KH-001"]
    assert (shelling.date.text, shelling.title, shelling.place, shelling.kind) == (
        "2024-05-10", "Shelling of Vovchansk", "Vovchansk, Kharkiv oblast", "Shelling")
    assert shelling.summary == "Morning shelling of the town centre."
    assert shelling.coordinates is not None
    assert (shelling.coordinates.lat, shelling.coordinates.lon) == (50.2906, 36.9411)
    assert shelling.provenance is not None
    assert (shelling.provenance.dataset, shelling.provenance.row) == ("kharkiv-desk", "KH-001")
    # dates as written: approximate, interval; a multi-line cell kept whole
    evacuation = catalog.events["kharkiv-desk-KH-003"]
    assert evacuation.date.text == "2024-05~"
    assert evacuation.summary == "Several thousand moved south.\nNumbers vary by source."
    assert evacuation.coordinates is None
    assert catalog.events["kharkiv-desk-KH-004"].date.text == "2024-05-10/2024-05-17"
    # claims: source and relay, exact figure, quote, said, provenance
    claim = catalog.claims["kharkiv-desk-KH-001-casualties"]
    assert claim.source == ["kharkiv-regional-administration"]
    assert claim.via == ["ukrinform"]
    assert (claim.event, claim.about, claim.value) == ("kharkiv-desk-KH-001", "casualties", "2")
    assert claim.quote == '"Two people were killed"'
    assert claim.said is not None
    assert claim.said.text == "2024-05-10"
    assert claim.provenance is not None
    assert claim.provenance.source_text == "Kharkiv Regional Administration / Ukrinform"
    # figures in the format's forms
    about = catalog.claims["kharkiv-desk-KH-002-casualties"]
    assert isinstance(about.value, QuantityForm)
    assert about.value.about == 30
    assert about.source == ["ministry-of-defence-of-russia", "tass"]
    ranged = catalog.claims["kharkiv-desk-KH-003-evacuated"]
    assert isinstance(ranged.value, QuantityForm)
    assert ranged.value.between == [4000, 6000]
    assert ranged.text == "4,000-6,000 people"  # no text: the value as written, its unit
    assert catalog.claims["kharkiv-desk-KH-004-control"].value == "contested"
    # a row with no claim cells makes no claim
    assert [c for c in catalog.claims.ids if c.startswith("kharkiv-desk-KH-005")] == []
    # the mapping's questions in its sources file; not the dataset's own source, which
    # no claim cites (each names its own)
    assert catalog.questions["casualties"].per_event
    assert catalog.questions["control"].values == ["russia", "ukraine", "contested"]
    assert "kharkiv-desk" not in catalog.sources
    assert catalog.sources["tass"].name == "TASS"
    assert catalog.timelines["kharkiv-desk-2024-05"].title == (
        "Kharkiv desk casualty sheet, 2024-05")
    assert "source-without-claims" not in assert_valid(capsys, tmp_path)


@pytest.mark.parametrize(("cell", "value"), [
    ("12", 12), ("1,400", 1400), ("2.5", 2.5), ("12 killed", 12), ("2 million", 2_000_000),
    ("about 800", {"about": 800}), ("~800", {"about": 800}), ("around 800", {"about": 800}),
    ("at least 5", {"at_least": 5}), ("5+", {"at_least": 5}), ("5 or more", {"at_least": 5}),
    ("up to 30", {"at_most": 30}), ("more than 10", {"more_than": 10}),
    ("over 10", {"more_than": 10}), ("fewer than 10", {"less_than": 10}),
    ("10-20", {"between": [10, 20]}), ("between 10 and 20", {"between": [10, 20]}),
    ("10 to 20", {"between": [10, 20]}),
])
def test_figures_are_read_as_people_write_them(tmp_path: Path, cell: str, value: Any) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(f'Ref,When,What,Figure\nR1,2024-05-01,Clash,"{cell}"\n', encoding="utf-8")
    mapping = write_mapping(tmp_path, """\
dataset: desk
row: Ref
event: {date: When, title: What}
claim: {question: killed, value: Figure}
questions:
  - {id: killed, text: How many were killed?, kind: quantity, unit: killed}
""")
    [row] = list(CsvMappingImporter.from_file(mapping).rows(sheet))
    assert isinstance(row, ImportedRow)
    [claim] = row.claims
    assert claim["value"] == value
    assert claim["source"] == ["desk"]  # no source column: the sheet's own word
    assert claim["text"] == f"{' '.join(cell.split())} killed"


def test_malformed_rows_are_named_by_line_and_column_and_nothing_is_written(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    status, _, err = imported(capsys, "csv", str(MALFORMED), "--mapping",
                              str(MALFORMED_MAPPING), "-o", str(folder))
    assert status == 1
    expected = [
        "2: 'KH 010' cannot be part of an id (letters, digits, and - _ . after the first) "
        "(column Ref)",
        "3: '10/05/2024' is not a date: write 2024-05-10 if it is day/month/year, 2024-10-05 "
        "if month/day/year (column When)",
        "4: the row has no title (an event needs one) (column What happened)",
        "5: a latitude is between -90 and 90, not 95.1 (column Lat)",
        "6: a latitude without a longitude, or the reverse: fill both or neither (column Lon)",
        "7: 'dozens' is not a figure (write 12, 1,400, about 800, at least 5, up to 30, "
        "fewer than 10, 10-20) (column Figure)",
        "8: question 'casulties' is not among the mapping's questions (did you mean "
        "'casualties'?) (column Question)",
        "9: 'russian' is not one of the values of question 'control' (russia, ukraine, "
        "contested) (did you mean 'russia'?) (column Figure)",
        "10: the source 'Минобороны' has no letter or digit an id can be made of (name it "
        "in Latin letters too) (column Said by)",
    ]
    lines = [line for line in err.splitlines() if line.startswith(str(MALFORMED))]
    assert lines[:-1] == [f"{MALFORMED}:{line}" for line in expected]
    assert lines[-1].startswith(f"{MALFORMED}:11: 'yesterday' is not a date")
    assert lines[-1].endswith("(column Said on)")
    assert "10 malformed rows: nothing was written" in err
    assert not folder.exists()
    status, _, err = imported(capsys, "csv", str(MALFORMED), "--mapping",
                              str(MALFORMED_MAPPING), "-o", str(folder), "--skip-malformed")
    assert status == 0
    assert "10 malformed rows left out" in err
    assert load_catalog([folder]).catalog.events.ids == ["kharkiv-desk-KH-020"]
    assert_valid(capsys, folder)


def test_the_mappings_mistakes_are_listed_at_their_lines(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    status, out, err = imported(capsys, "csv", str(SHEET), "--mapping", str(MISTAKES),
                                "-o", str(tmp_path / "out"))
    assert status == 1
    assert out == ""
    at = str(MISTAKES)
    assert err.splitlines() == [
        f"{at}:1:10: 'acled' is taken by contested's own files (acled, ucdp, timelinejs, "
        "sources): choose another name",
        f"{at}:3:1: unknown key 'evnet' in the mapping (did you mean 'event'?); the keys "
        "are dataset, title, row, event, claim, questions",
        f"{at}:6:3: 'event' needs 'date': the column that holds each row's date",
        f"{at}:7:3: unknown key 'plase' in 'event' (did you mean 'place'?); the keys are "
        "date, title, place, summary, note, kind, tags, latitude, longitude",
        f"{at}:8:13: 'latitude' without 'longitude': map both columns, or neither",
        f"{at}:11:13: question 'casulties' is not among the mapping's questions (did you "
        "mean 'casualties'?): declare it under 'questions:' with its kind, so that values "
        "can be read",
        f"{at}:14:67: unknown key 'units' in a question (did you mean 'unit'?); the keys "
        "are id, text, kind, values, unit, tolerance, per_event, note",
        f"{at}:15:5: question 'control': a category question has no unit (unit is for "
        "quantity questions)",
        "contested: the mapping has 8 problems: nothing was read or written",
    ]
    assert not (tmp_path / "out").exists()


def test_a_column_not_in_the_header_is_named_with_the_headers_columns(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mapping = write_mapping(tmp_path, MAPPING.read_text(encoding="utf-8").replace(
        "source: Said by", "source: Sayd by"))
    status, _, err = imported(capsys, "csv", str(SHEET), "--mapping", str(mapping),
                              "-o", str(tmp_path / "out"))
    assert status == 1
    assert (f"{mapping}:14:11: claim.source: the column 'Sayd by' is not in the header of "
            f"{SHEET} (did you mean 'Said by'?); its columns are 'Ref', 'When', "
            "'What happened', 'Where', 'Notes', 'Type', 'Lat', 'Lon', 'Said by', 'Through', "
            "'Claim', 'Quote', 'Question', 'Figure', 'Said on'") in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("text", "problem"), [
    ("- a list\n", "1:1: a mapping file is a YAML mapping with 'dataset' and 'event'"),
    ("dataset: [x]\nevent: {date: When, title: What}\n",
     "1:10: 'dataset' is the dataset's name, written as text"),
    ("dataset: my sheet\nevent: {date: When, title: What}\n",
     "1:10: the dataset 'my sheet' cannot prefix ids"),
    ("dataset: d\n", "1:1: the mapping needs 'event'"),
    ("dataset: d\nevent: {date: When}\n", "2:8: 'event' needs 'title'"),
    ("dataset: d\nevent: {date: When, title: What}\nclaim: {source: Who}\n",
     "3:8: 'claim' needs 'text' or 'value'"),
    ("dataset: d\nevent: {date: When, title: What}\nclaim: {text: Who, value: Fig}\n",
     "3:20: a value answers a question"),
    ("dataset: d\nevent: {date: When, title: What}\nclaim: {text: T, about: Q, question: q}\n"
     "questions: [{id: q, text: Q?, kind: category}]\n",
     "3:18: 'question' (one for every row) and 'about' (a column of question ids) exclude"),
    ("dataset: d\nevent: {date: When, title: What}\nquestions:\n  - {id: q, text: Q?}\n",
     "4:5: question 'q': kind: Field required"),
    ("dataset: d\nevent: {date: When, title: What}\nevent: {}\n", "3:1: "),
    ("dataset: &a d\nevent: {date: *a, title: What}\n", "alias"),
])
def test_a_mapping_mistake_is_reported_at_its_place(tmp_path: Path, text: str,
                                                    problem: str) -> None:
    from contested.importers.csv_mapping import MappingError

    mapping = write_mapping(tmp_path, text)
    with pytest.raises(MappingError) as raised:
        read_mapping(mapping)
    assert any(p.startswith(f"{mapping}:") and problem in p
               for p in raised.value.problems), raised.value.problems


def test_csv_needs_a_mapping(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = imported(capsys, "csv", str(SHEET), "-o", str(tmp_path / "out"))
    assert status == 1
    assert "csv needs --mapping FILE" in err


def test_without_a_row_column_ids_are_lines(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text('When,What\n2024-05-01,"Two\nlines"\n2024-05-02,Next\n', encoding="utf-8")
    mapping = write_mapping(tmp_path, "dataset: desk\nevent: {date: When, title: What}\n")
    rows = [r for r in CsvMappingImporter.from_file(mapping).rows(sheet)
            if isinstance(r, ImportedRow)]
    assert [r.events[0]["id"] for r in rows] == ["desk-line-2", "desk-line-4"]


def test_the_sheets_own_source_is_written_only_while_a_claim_cites_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder, sheet = tmp_path / "out", tmp_path / "sheet.csv"
    mapping = write_mapping(tmp_path, "dataset: desk\ntitle: The desk\nrow: Ref\n"
                                      "event: {date: When, title: What}\n"
                                      "claim: {source: Who, text: Said}\n")
    args = ("csv", str(sheet), "--mapping", str(mapping), "-o", str(folder))
    sheet.write_text("Ref,When,What,Who,Said\nR1,2024-05-01,Strike,,The desk counted 3\n"
                     "R2,2024-05-02,Strike,Reuters,Two dead\n", encoding="utf-8")
    assert imported(capsys, *args)[0] == 0
    catalog = load_catalog([folder]).catalog
    assert catalog.claims["desk-R1-claim"].source == ["desk"]  # no source: the sheet's own
    assert catalog.sources["desk"].kind == "dataset"
    assert "source-without-claims" not in assert_valid(capsys, folder)
    # the row now names its source: nothing cites the sheet, whose entry goes
    sheet.write_text("Ref,When,What,Who,Said\nR1,2024-05-01,Strike,AFP,The desk counted 3\n",
                     encoding="utf-8")
    assert imported(capsys, *args)[0] == 0
    assert '"desk"' not in (folder / "sources-desk.yaml").read_text(encoding="utf-8")
    assert "desk" not in load_catalog([folder]).catalog.sources
    assert "source-without-claims" not in assert_valid(capsys, folder)


def test_the_sheets_own_source_is_written_when_a_file_of_the_folder_cites_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder, sheet = tmp_path / "out", tmp_path / "sheet.csv"
    folder.mkdir()
    (folder / "mine.yaml").write_text(
        "contested: 1\nevents:\n  - {id: strike, date: 2024-05-03, title: Strike}\n"
        "claims:\n  - {id: counted, source: desk, event: strike, text: The desk counted 3}\n",
        encoding="utf-8")
    mapping = write_mapping(tmp_path, "dataset: desk\nrow: Ref\n"
                                      "event: {date: When, title: What}\n"
                                      "claim: {source: Who, text: Said}\n")
    sheet.write_text("Ref,When,What,Who,Said\nR1,2024-05-01,Strike,AFP,Two dead\n",
                     encoding="utf-8")
    assert imported(capsys, "csv", str(sheet), "--mapping", str(mapping), "-o",
                    str(folder))[0] == 0
    assert load_catalog([folder]).catalog.sources["desk"].kind == "dataset"
    assert_valid(capsys, folder)


def test_a_second_import_is_byte_identical_and_a_changed_row_changes_only_its_entries(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(SHEET.read_bytes())
    args = ("csv", str(sheet), "--mapping", str(MAPPING), "-o", str(folder))
    assert imported(capsys, *args)[0] == 0
    first = files_of(folder)
    status, out, _ = imported(capsys, *args)
    assert status == 0
    assert "0 new, 0 replaced, 5 unchanged" in out
    assert files_of(folder) == first
    sheet.write_text(SHEET.read_text(encoding="utf-8").replace(
        "Around 30 fighters killed,,casualties,about 30",
        "Around 40 fighters killed,,casualties,about 40"), encoding="utf-8")
    status, out, _ = imported(capsys, *args)
    assert "0 new, 1 replaced, 4 unchanged" in out
    after = files_of(folder)
    assert after["sources-kharkiv-desk.yaml"] == first["sources-kharkiv-desk.yaml"]
    changes = [line for line in difflib.ndiff(
        first["kharkiv-desk-2024-05.yaml"].decode().splitlines(),
        after["kharkiv-desk-2024-05.yaml"].decode().splitlines()) if line[:2] in ("- ", "+ ")]
    assert changes == ['-     text: "Around 30 fighters killed"',
                       '+     text: "Around 40 fighters killed"',
                       '-     value: {about: 30}',
                       '+     value: {about: 40}']


_HOSTILE = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(
    lambda t: bool(t.strip()))
_MAPPING = """\
dataset: desk
row: Ref
event: {date: When, title: Title, place: Place, summary: Summary, note: Note, kind: Kind}
claim: {source: Source, text: Claim, quote: Quote, note: Why}
"""


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_HOSTILE, min_size=8, max_size=8))
@example(texts=["[@click=app.quit]x[/]", "\x1b]52;c;aGk=\x07", "\u202eevil", "=1+2", "@x",
                "no", "0123", "1:20"])
@example(texts=["~", "null", " padded ", "x" * 10_000, '"\\', "a\u2028b\r\nc", "\ufeff\x85",
                "\x00\x7f\x9f"])
def test_hostile_cells_read_back_exactly(tmp_path_factory: pytest.TempPathFactory,
                                         texts: list[str]) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    title, place, summary, note, kind, claim, quote, why = texts
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["Ref", "When", "Title", "Place", "Summary", "Note", "Kind", "Source",
                     "Claim", "Quote", "Why"])
    writer.writerow(["R1", "2024-05-01", title, place, summary, note, kind, "Reuters", claim,
                     quote, why])
    sheet = folder / "sheet.csv"
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    mapping = write_mapping(folder, _MAPPING)
    importer = CsvMappingImporter.from_file(mapping)
    rows = list(importer.rows(sheet))
    assert not [r for r in rows if isinstance(r, RowProblem)]
    write_import(folder / "out", importer.dataset, rows)
    catalog = load_catalog([folder / "out"]).catalog
    event = catalog.events["desk-R1"]
    assert (event.title, event.place, event.summary, event.note, event.kind) == (
        title, place, summary, note, kind)
    made = catalog.claims["desk-R1-claim"]
    assert (made.text, made.quote, made.note) == (claim, quote, why)


def test_tags_are_split_on_semicolons(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Ref,When,What,Labels\nR1,2024-05-01,Clash, border ; night;;border\n",
                     encoding="utf-8")
    mapping = write_mapping(tmp_path, "dataset: desk\nrow: Ref\n"
                                      "event: {date: When, title: What, tags: Labels}\n")
    [row] = list(CsvMappingImporter.from_file(mapping).rows(sheet))
    assert isinstance(row, ImportedRow)
    assert row.events[0]["tags"] == ["border", "night"]


def test_a_sheet_that_is_not_utf8_is_refused_naming_the_byte(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes("Ref,When,What\nR1,2024-05-01,Évacuation\n".encode("latin-1"))
    mapping = write_mapping(tmp_path, "dataset: desk\nrow: Ref\n"
                                      "event: {date: When, title: What}\n")
    status, _, err = imported(capsys, "csv", str(sheet), "--mapping", str(mapping),
                              "-o", str(tmp_path / "out"))
    assert status == 1
    assert "byte 0xC9" in err
    assert not (tmp_path / "out").exists()
