"""The writer every importer shares: merging with the folder, hand-written files left
alone, texts written so that they read back exactly, hostile input files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contested.catalog.loading import load_catalog
from contested.importers.records import Dataset, ImportedRow, SourceEntry
from contested.importers.writer import ImportRefused, marker, quoted, unquoted, write_import
from tests.helpers import no_hang
from tests.importers import DATA, assert_valid, files_of, imported

ACLED = DATA / "acled-ukraine.csv"
HAND_SOURCES = """\
contested: 1
# Written by the analyst: Reuters graded after a year of reading it.
sources:
  - id: reuters
    name: Reuters
    kind: news-agency
    side: neutral
    reliability: B
"""
HOSTILE = ["[@click=app.quit]x[/]", "\x1b]52;c;aGVsbG8=\x07", "\u202eevil", "=1+2", "@SUM(A1)",
           "no", "0123", "1:20", "~", "null", "", " padded ", "\\", '"', "a\u2028b\u2029c",
           "\ufeffbom", "\x85\x7f\x9f", "tab\there", "line\r\nbreak", "x" * 10_000, "#", "- a",
           "{a: 1}", "'single'", "&anchor *alias !tag"]


def test_a_source_declared_by_hand_is_reused_and_the_hand_file_untouched(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    hand = tmp_path / "my-sources.yaml"
    hand.write_text(HAND_SOURCES, encoding="utf-8")
    before = hand.read_bytes()
    status, out, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 0, err
    assert "reuters declared elsewhere" in out
    assert hand.read_bytes() == before
    assert b'"reuters"' not in (tmp_path / "sources-acled.yaml").read_bytes()
    catalog = load_catalog([tmp_path]).catalog
    assert catalog.sources["reuters"].reliability == "B"
    assert "reuters" in catalog.claims["acled-UKR90004-fatalities"].source
    assert_valid(capsys, tmp_path)


def test_a_file_without_the_marker_at_an_owned_name_refuses_the_import(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine = tmp_path / "acled-2024-03.yaml"
    mine.write_text("contested: 1\nevents: []\n", encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 1
    assert "acled-2024-03.yaml was not written by `contested import acled`" in err
    assert "nothing was written" in err
    assert sorted(files_of(tmp_path)) == ["acled-2024-03.yaml"]


def test_an_owned_file_edited_by_hand_refuses_the_merge(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    month = tmp_path / "acled-2024-04.yaml"
    month.write_text(month.read_text(encoding="utf-8") + "# my note\nextra: entry\n",
                     encoding="utf-8")
    before = files_of(tmp_path)
    status, _, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 1
    assert "acled-2024-04.yaml:" in err
    assert "not as `contested import` wrote it" in err
    assert files_of(tmp_path) == before


def test_a_folder_whose_other_files_do_not_load_is_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("contested: 1\nsources:\n  - name: x\n",
                                          encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    assert status == 1
    assert "the folder's other files do not load" in err
    assert "broken.yaml" in err
    assert sorted(files_of(tmp_path)) == ["broken.yaml"]


@pytest.mark.parametrize("make", ["fifo", "folder"])
def test_a_fifo_or_a_folder_given_as_file_is_refused_without_waiting(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, make: str) -> None:
    given = tmp_path / "export.csv"
    if make == "fifo":
        os.mkfifo(given)
    else:
        given.mkdir()
    with no_hang(f"import waited on a {make}"):
        status, _, err = imported(capsys, "acled", str(given), "-o", str(tmp_path / "out"))
    assert status == 1
    assert "not a regular file" in err
    assert not (tmp_path / "out").exists()


def test_a_file_not_in_utf8_is_one_error_naming_the_byte(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    text = ACLED.read_text(encoding="utf-8").replace("Suspilne", "Suspilné")
    latin.write_bytes(text.encode("latin-1", errors="replace"))
    status, _, err = imported(capsys, "acled", str(latin), "-o", str(tmp_path / "out"))
    assert status == 1
    assert "is not UTF-8 (byte 0xE9" in err
    assert not (tmp_path / "out").exists()


def test_a_huge_cell_and_too_many_columns_are_row_problems(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    huge = lines[1].replace("Ukrainska Pravda", "x" * (1 << 21), 1)
    wide = lines[2] + "," * 600
    export = tmp_path / "hostile.csv"
    export.write_text("\n".join([lines[0], huge, wide, lines[3]]) + "\n", encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(export), "-o", str(tmp_path / "out"))
    assert status == 1
    assert f"{export}:2: a cell is over 1,048,576 characters" in err
    assert f"{export}:3: the row has 631 cells, over 500" in err


def test_at_most_a_hundred_problems_are_listed(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    export = tmp_path / "many.csv"
    export.write_text("\n".join([lines[0]] + ["bad,row"] * 130) + "\n", encoding="utf-8")
    status, _, err = imported(capsys, "acled", str(export), "-o", str(tmp_path / "out"))
    assert status == 1
    assert err.count("the row has 2 cells") == 100
    assert "... and 30 more" in err
    assert "130 malformed rows" in err


def test_an_unknown_format_is_a_usage_error_naming_the_nearest(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = imported(capsys, "acleds", str(ACLED), "-o", str(tmp_path))
    assert status == 2
    assert "unknown format 'acleds' (did you mean 'acled'?)" in err


DATASET = Dataset("test", "Test", SourceEntry("test", "Test", kind="dataset"))


@given(st.text(max_size=300))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_quoting_reads_back_as_written(text: str) -> None:
    assert unquoted(quoted(text)) == text


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1), min_size=1, max_size=4))
def test_every_text_reads_back_exactly_through_the_loader(tmp_path_factory: pytest.TempPathFactory,
                                                          texts: list[str]) -> None:
    folder = tmp_path_factory.mktemp("round")
    cells = [*HOSTILE, *texts]
    rows = [ImportedRow(row=f"r{n}", line=n + 2, month="2024-03", events=[{
        "id": f"test-r{n}", "date": "2024-03-04", "title": cell, "place": cell,
        "summary": cell, "kind": cell, "tags": [cell, "x"],
        "provenance": {"dataset": "test", "row": cell}}], claims=[{
        "id": f"test-r{n}-said", "source": ["test"], "event": f"test-r{n}", "text": cell,
        "provenance": {"dataset": "test", "row": cell, "source_text": cell}}])
        for n, cell in enumerate(cells) if cell.strip()]
    write_import(folder, DATASET, rows)
    result = load_catalog([folder])
    assert result.ok, result.diagnostics[:1]
    catalog = result.catalog
    for row in rows:
        event, claim = row.events[0], row.claims[0]
        loaded = catalog.events[event["id"]]
        assert (loaded.title, loaded.place, loaded.summary, loaded.kind) == (
            event["title"], event["place"], event["summary"], event["kind"])
        assert loaded.tags == event["tags"]
        said = catalog.claims[claim["id"]]
        assert said.text == claim["text"]
        assert said.provenance is not None
        assert said.provenance.source_text == claim["provenance"]["source_text"]


def test_rows_that_would_not_validate_are_row_problems(tmp_path: Path) -> None:
    row = ImportedRow(row="r1", line=7, month="2024-03", path="x.csv", events=[{
        "id": "test-r1", "date": "2024-03-04", "title": "t",
        "coordinates": {"lat": 95, "lon": 0}}])
    with pytest.raises(ImportRefused) as refused:
        write_import(tmp_path, DATASET, [row])
    problems = refused.value.problems  # type: ignore[attr-defined]
    assert [str(p).split(":")[:2] for p in problems] == [["x.csv", "7"]]
    assert "coordinates.lat" in str(problems[0])
    assert not any(tmp_path.iterdir())


def test_the_marker_is_on_every_file(capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    imported(capsys, "acled", str(ACLED), "-o", str(tmp_path))
    for name, data in files_of(tmp_path).items():
        assert data.decode().splitlines()[0] == marker("acled"), name
